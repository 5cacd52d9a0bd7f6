"""The Charter survey's scoring: a worked example a reader can check by hand, edge cases, then
properties over random ratings. Pure: no database."""

from decimal import Decimal
from fractions import Fraction

import pytest
from django.conf import settings as django_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from citygrow.survey.questionnaire_file import parse_questionnaire
from citygrow.survey.scoring import (
    DEFAULT_SCALE,
    CityResponse,
    CityScores,
    Rating,
    Scale,
    change,
    city_scores,
    compare,
    cycle_aggregate,
    rounded,
    trend,
)

FULLY, PARTLY, NOT_AT_ALL = Rating.FULLY, Rating.PARTLY, Rating.NOT_AT_ALL
NA, DK = Rating.NOT_APPLICABLE, Rating.DONT_KNOW

SHIPPED = django_settings.DATA_DIR / "surveys" / "charter-2010.yaml"
DOCUMENT = parse_questionnaire(SHIPPED.read_text(), source=str(SHIPPED))
# policy-maker: PM1-3, service-provider: SP1-2, employer: EM1-3, buyer: BU1-3
ROLES = {
    role.code: [c.code for c in DOCUMENT.commitments if c.role == role.code]
    for role in DOCUMENT.roles
}
CODES = [code for codes in ROLES.values() for code in codes]

# City A, the example of the module's docstring.
A = {
    **{"PM1": FULLY, "PM2": PARTLY, "PM3": NOT_AT_ALL},  # (100 + 50 + 0) / 3 = 50
    **{"SP1": FULLY, "SP2": NA},  # 100 / 1 = 100 (not applicable left out)
    **{"EM1": DK, "EM2": PARTLY, "EM3": FULLY},  # (0 + 50 + 100) / 3 = 50, EM1 a data gap
    **{"BU1": NA, "BU2": NA, "BU3": NA},  # nothing scores: no score
}
# overall: the mean of the three role scores, (50 + 100 + 50) / 3 = 200/3 = 66.67 (shown 66.7).
# (The mean of all seven scored commitments would be 400/7 = 57.1: not what we compute.)

# City B gives its ratings as stored values; SP2 not rated (None), BU3 left out.
B = {
    **{"PM1": "fully", "PM2": "fully", "PM3": "partly"},  # (100 + 100 + 50) / 3 = 250/3
    **{"SP1": "partly", "SP2": None},  # 50 / 1 = 50 (SP2 not rated: left out)
    **{"EM1": "not_at_all", "EM2": "not_at_all", "EM3": "partly"},  # 50 / 3
    **{"BU1": "fully", "BU2": "partly"},  # (100 + 50) / 2 = 75 (BU3 not rated)
}
# overall: (250/3 + 50 + 50/3 + 75) / 4 = (100 + 125) / 4 = 225/4 = 56.25.


def scores_of(scores: CityScores) -> dict[str, Fraction | None]:
    return {role.role: role.score for role in scores.roles}


# The worked example


def test_the_shipped_questionnaire_has_the_default_scale_and_four_roles():
    assert Scale(**DOCUMENT.scale.model_dump()) == DEFAULT_SCALE == Scale(100, 50, 0)
    assert [len(codes) for codes in ROLES.values()] == [3, 2, 3, 3]


def test_city_a_by_hand():
    a = city_scores(A, ROLES)
    assert scores_of(a) == {
        "policy-maker": 50,
        "service-provider": 100,
        "employer": 50,
        "buyer": None,
    }
    assert a.overall == Fraction(200, 3)
    assert rounded(a.overall) == Decimal("66.7")
    assert a.data_gaps == ("EM1",)
    service = a.role("service-provider")
    assert (service.total, service.answered, service.scored, service.not_applicable) == (2, 2, 1, 1)
    buyer = a.role("buyer")
    assert (buyer.score, buyer.not_applicable, buyer.scored) == (None, 3, 0)
    employer = a.role("employer")
    assert [(r.code, r.rating, r.points) for r in employer.commitments] == [
        ("EM1", DK, 0),
        ("EM2", PARTLY, 50),
        ("EM3", FULLY, 100),
    ]
    assert (a.answered, a.total) == (11, 11)


def test_city_b_by_hand():
    b = city_scores(B, ROLES)
    assert scores_of(b) == {
        "policy-maker": Fraction(250, 3),
        "service-provider": 50,
        "employer": Fraction(50, 3),
        "buyer": 75,
    }
    assert b.overall == Fraction(225, 4)
    assert rounded(b.overall) == Decimal("56.3")  # 56.25, the half rounded away from zero
    assert rounded(b.overall, 2) == Decimal("56.25")
    assert b.data_gaps == ()
    assert (b.role("service-provider").unanswered, b.role("buyer").unanswered) == (1, 1)
    assert (b.answered, b.total) == (9, 11)


def test_a_cycle_by_hand():
    cycle = cycle_aggregate([CityResponse(1, A), CityResponse(2, B)], invited=4, roles=ROLES)
    # 2 of 4 invited cities submitted.
    assert (cycle.submitted, cycle.invited) == (2, 4)
    assert cycle.response_rate == Fraction(1, 2)
    assert cycle.response_percent == 50
    # Role means, of the cities' role scores:
    assert [(r.role, r.mean, r.cities) for r in cycle.roles] == [
        ("policy-maker", Fraction(200, 3), 2),  # (50 + 250/3) / 2 = (400/3) / 2
        ("service-provider", 75, 2),  # (100 + 50) / 2
        ("employer", Fraction(100, 3), 2),  # (50 + 50/3) / 2 = (200/3) / 2
        ("buyer", 75, 1),  # A has no buyer score: B's 75 alone
    ]
    # The network mean, of the cities' overall scores: (200/3 + 225/4) / 2
    # = (800/12 + 675/12) / 2 = 1475/24 = 61.458...
    assert cycle.overall == Fraction(1475, 24)
    assert rounded(cycle.overall) == Decimal("61.5")
    assert cycle.scored_cities == 2
    # Distributions: (fully, partly, not at all, not applicable, don't know, unanswered), mean.
    table = {
        d.code: (d.fully, d.partly, d.not_at_all, d.not_applicable, d.dont_know, d.unanswered)
        for d in cycle.commitments
    }
    assert [d.code for d in cycle.commitments] == CODES
    assert table["PM1"] == (2, 0, 0, 0, 0, 0)
    assert table["PM3"] == (0, 1, 1, 0, 0, 0)
    assert table["SP2"] == (0, 0, 0, 1, 0, 1)
    assert table["EM1"] == (0, 0, 1, 0, 1, 0)
    assert table["BU3"] == (0, 0, 0, 1, 0, 1)
    assert cycle.commitment("PM3").mean == 25  # (0 + 50) / 2
    assert cycle.commitment("EM1").mean == 0  # don't know and not at all, both 0
    assert cycle.commitment("SP2").mean is None  # not applicable and not rated
    assert cycle.commitment("BU1").count(NA) == 1
    assert cycle.commitment("BU3").count(None) == 1


def test_change_since_the_previous_cycle_by_hand():
    before = city_scores(dict.fromkeys(CODES, PARTLY), ROLES)  # every role 50, overall 50
    now = city_scores(A, ROLES)
    delta = change(before, now)
    assert dict(delta.roles) == {
        "policy-maker": 0,  # 50 - 50
        "service-provider": 50,  # 100 - 50
        "employer": 0,
        "buyer": None,  # no score now
    }
    assert delta.overall == Fraction(50, 3)  # 200/3 - 50
    assert rounded(delta.overall) == Decimal("16.7")
    # Back again: the changes change sign.
    back = change(now, before)
    assert back.overall == -Fraction(50, 3)
    assert rounded(back.overall) == Decimal("-16.7")


def test_a_first_response_has_no_change():
    delta = change(None, city_scores(A, ROLES))
    assert set(delta.roles.values()) == {None}
    assert delta.overall is None


def test_compare_a_city_with_the_network_and_similar_cities_by_hand():
    network = cycle_aggregate([CityResponse(1, A), CityResponse(2, B)], invited=4, roles=ROLES)
    similar = cycle_aggregate([CityResponse(2, B)], invited=2, roles=ROLES)
    result = compare(city_scores(A, ROLES), network, similar)
    policy = result.roles["policy-maker"]
    assert (policy.city, policy.network, policy.similar) == (50, Fraction(200, 3), Fraction(250, 3))
    assert policy.vs_network == -Fraction(50, 3)  # 50 - 200/3
    assert policy.vs_similar == -Fraction(100, 3)  # 50 - 250/3
    assert result.roles["buyer"].vs_network is None  # A has no buyer score
    assert result.overall.vs_network == Fraction(200, 3) - Fraction(1475, 24)  # = 125/24
    assert result.overall.vs_similar == Fraction(200, 3) - Fraction(225, 4)  # = 125/12
    alone = compare(city_scores(A, ROLES), network)
    assert alone.overall.similar is None
    assert alone.overall.vs_similar is None


def test_trend_across_cycles_by_hand():
    first = cycle_aggregate([CityResponse(1, dict.fromkeys(CODES, PARTLY))], 2, ROLES)
    second = cycle_aggregate([CityResponse(1, A), CityResponse(2, B)], 4, ROLES)
    series = trend([("2022", first), ("2024", second)])
    assert series.labels == ("2022", "2024")
    assert series.roles["policy-maker"] == (50, Fraction(200, 3))
    assert series.roles["buyer"] == (50, 75)
    assert series.overall == (50, Fraction(1475, 24))
    assert series.response_rate == (Fraction(1, 2), Fraction(1, 2))


def test_trend_across_editions_with_other_roles():
    old = cycle_aggregate([CityResponse(1, {"X1": FULLY})], 1, {"old-role": ["X1"]})
    new = cycle_aggregate([CityResponse(1, A)], 1, ROLES)
    series = trend([("2018", old), ("2020", new)])
    assert list(series.roles) == ["old-role", *ROLES]
    assert series.roles["old-role"] == (100, None)
    assert series.roles["employer"] == (None, 50)
    assert trend([]).labels == ()


def test_another_scale():
    scale = Scale(fully=100, partly=60, not_at_all=0)
    assert city_scores({"PM1": FULLY, "PM2": PARTLY}, ROLES, scale).overall == 80  # (100 + 60) / 2
    assert scale.points(DK) == 0
    assert scale.points(NA) is None


def test_rounded():
    assert rounded(None) is None
    assert rounded(Fraction(125, 2), 0) == Decimal("63")
    assert rounded(Fraction(-25, 2), 0) == Decimal("-13")
    assert rounded(Fraction(1, 3), 2) == Decimal("0.33")
    assert str(rounded(Fraction(100))) == "100.0"
    assert str(rounded(Fraction(-1, 100))) == "0.0"
    with pytest.raises(ValueError):
        rounded(Fraction(1), -1)


# Edge cases


def test_no_responses():
    cycle = cycle_aggregate([], invited=3, roles=ROLES)
    assert (cycle.submitted, cycle.response_rate, cycle.response_percent) == (0, 0, 0)
    assert cycle.overall is None
    assert all(role.mean is None and role.cities == 0 for role in cycle.roles)
    assert all(d.total == 0 and d.mean is None for d in cycle.commitments)


def test_no_city_invited_has_no_response_rate():
    cycle = cycle_aggregate([], invited=0, roles=ROLES)
    assert cycle.response_rate is None
    assert cycle.response_percent is None


def test_a_role_all_not_applicable_or_unrated_or_empty_has_no_score():
    scores = city_scores({"a": NA, "b": None}, {"r": ["a", "b", "c"], "empty": []})
    assert scores.role("r").score is None
    assert scores.role("empty").score is None
    assert scores.overall is None
    assert city_scores({}, ROLES).overall is None


def test_dont_know_scores_0_and_is_a_data_gap():
    scores = city_scores({"PM1": FULLY, "PM2": DK}, ROLES)
    assert scores.role("policy-maker").score == 50
    assert scores.role("policy-maker").data_gaps == ("PM2",)


@pytest.mark.parametrize(
    "call",
    [
        lambda: city_scores({"XX": FULLY}, ROLES),  # a commitment of no role
        lambda: city_scores({"PM1": "yes"}, ROLES),  # not a rating
        lambda: city_scores({}, {"a": ["C1"], "b": ["C1"]}),  # a commitment in two roles
        lambda: cycle_aggregate([CityResponse(1, {}), CityResponse(1, {})], 5, ROLES),
        lambda: cycle_aggregate([CityResponse(1, {})], 0, ROLES),  # more responses than invited
        lambda: cycle_aggregate([], -1, ROLES),
        lambda: Scale(100, 0, 0),
        lambda: Scale(100, 50, -1),
        lambda: Scale(101, 50, 0),
    ],
)
def test_programming_errors_raise_value_error(call):
    with pytest.raises(ValueError):
        call()


def test_the_role_lookups_raise_key_error():
    with pytest.raises(KeyError):
        city_scores({}, ROLES).role("nobody")
    cycle = cycle_aggregate([], 1, ROLES)
    with pytest.raises(KeyError):
        cycle.role("nobody")
    with pytest.raises(KeyError):
        cycle.commitment("nobody")


# Properties over random ratings

MISSING = "missing"
choices = st.sampled_from([*Rating, None, MISSING])


@st.composite
def role_sets(draw: st.DrawFn) -> dict[str, list[str]]:
    sizes = draw(st.lists(st.integers(0, 4), min_size=1, max_size=4))
    return {f"r{i}": [f"c{i}.{j}" for j in range(size)] for i, size in enumerate(sizes)}


def ratings_for(draw: st.DrawFn, roles: dict[str, list[str]]) -> dict[str, Rating | None]:
    drawn = {code: draw(choices) for codes in roles.values() for code in codes}
    return {code: value for code, value in drawn.items() if value != MISSING}


@st.composite
def scales(draw: st.DrawFn) -> Scale:
    partly = draw(st.integers(1, 99))
    return draw(st.sampled_from([DEFAULT_SCALE, Scale(100, partly, 0)]))


@st.composite
def cities(draw: st.DrawFn):
    roles = draw(role_sets())
    return roles, ratings_for(draw, roles), draw(scales())


@st.composite
def cycles(draw: st.DrawFn):
    roles = draw(role_sets())
    count = draw(st.integers(0, 5))
    responses = [CityResponse(city, ratings_for(draw, roles)) for city in range(count)]
    invited = count + draw(st.integers(0, 3))
    return roles, responses, invited, draw(scales())


def all_means(cycle) -> list[Fraction | None]:
    return [cycle.overall, *(r.mean for r in cycle.roles), *(d.mean for d in cycle.commitments)]


@settings(max_examples=100, deadline=None)
@given(cities())
def test_every_city_score_stays_within_0_and_100(city):
    roles, ratings, scale = city
    scores = city_scores(ratings, roles, scale)
    for value in [scores.overall, *scores_of(scores).values()]:
        assert value is None or 0 <= value <= 100
    assert (scores.overall is None) == all(r.score is None for r in scores.roles)
    for role in scores.roles:
        assert (role.score is None) == (role.scored == 0)
        assert role.scored + role.not_applicable + role.unanswered == role.total
        assert len(role.data_gaps) <= role.scored


@settings(max_examples=100, deadline=None)
@given(cycles())
def test_every_cycle_mean_stays_within_0_and_100_and_the_rate_within_0_and_1(cycle):
    roles, responses, invited, scale = cycle
    result = cycle_aggregate(responses, invited, roles, scale)
    for value in all_means(result):
        assert value is None or 0 <= value <= 100
    if invited:
        assert 0 <= result.response_rate <= 1
        assert result.response_rate == Fraction(len(responses), invited)
        assert result.response_percent == result.response_rate * 100
    else:
        assert result.response_rate is None


@settings(max_examples=100, deadline=None)
@given(cities(), st.data())
def test_not_applicable_never_changes_a_score(city, data):
    roles, ratings, scale = city
    before = city_scores(ratings, roles, scale)
    # Rate some unrated commitments "not applicable", and add not applicable commitments.
    changed = dict(ratings)
    for code in (code for codes in roles.values() for code in codes):
        if changed.get(code) is None and data.draw(st.booleans()):
            changed[code] = NA
    more = {role: [*codes, f"{role}.na"] for role, codes in roles.items()}
    changed |= {f"{role}.na": NA for role in roles}
    after = city_scores(changed, more, scale)
    assert scores_of(after) == scores_of(before)
    assert after.overall == before.overall


@settings(max_examples=100, deadline=None)
@given(cycles(), st.data())
def test_a_city_rating_everything_not_applicable_never_changes_a_mean(cycle, data):
    roles, responses, invited, scale = cycle
    before = cycle_aggregate(responses, invited, roles, scale)
    codes = [code for codes in roles.values() for code in codes]
    extra = CityResponse("na", dict.fromkeys(codes, NA))
    at = data.draw(st.integers(0, len(responses)))
    after = cycle_aggregate([*responses[:at], extra, *responses[at:]], invited + 1, roles, scale)
    assert all_means(after) == all_means(before)


@settings(max_examples=100, deadline=None)
@given(cycles())
def test_all_fully_gives_100(cycle):
    roles, responses, invited, scale = cycle
    codes = [code for codes in roles.values() for code in codes]
    fully = [CityResponse(r.city, dict.fromkeys(codes, FULLY)) for r in responses]
    result = cycle_aggregate(fully, invited, roles, scale)
    for response in fully:
        scores = city_scores(response.ratings, roles, scale)
        assert scores.overall == (100 if codes else None)
        for role in scores.roles:
            assert role.score == (100 if role.total else None)
    scored = fully and codes
    assert result.overall == (100 if scored else None)
    assert all(d.mean == (100 if fully else None) for d in result.commitments)
    assert all(d.fully == len(fully) for d in result.commitments)


@settings(max_examples=100, deadline=None)
@given(cycles())
def test_distribution_counts_sum_to_the_responses(cycle):
    roles, responses, invited, scale = cycle
    result = cycle_aggregate(responses, invited, roles, scale)
    assert len(result.commitments) == sum(len(codes) for codes in roles.values())
    for distribution in result.commitments:
        assert distribution.total == len(responses) == result.submitted
        assert sum(distribution.count(r) for r in [*Rating, None]) == len(responses)


@settings(max_examples=100, deadline=None)
@given(cities(), st.integers(1, 4))
def test_the_aggregate_of_one_city_is_its_scores(city, invited):
    roles, ratings, scale = city
    scores = city_scores(ratings, roles, scale)
    result = cycle_aggregate([CityResponse(7, ratings)], invited, roles, scale)
    assert result.overall == scores.overall
    assert {r.role: r.mean for r in result.roles} == scores_of(scores)
    for role in scores.roles:
        for rated in role.commitments:
            assert result.commitment(rated.code).mean == rated.points
            assert result.commitment(rated.code).count(rated.rating) == 1
    comparison = compare(scores, result, result)
    assert comparison.overall.vs_network in (None, 0)
    assert all(s.vs_similar in (None, 0) for s in comparison.roles.values())


@settings(max_examples=100, deadline=None)
@given(cycles(), st.data())
def test_the_order_of_responses_does_not_matter(cycle, data):
    roles, responses, invited, scale = cycle
    shuffled = data.draw(st.permutations(responses))
    assert cycle_aggregate(shuffled, invited, roles, scale) == cycle_aggregate(
        responses, invited, roles, scale
    )


@settings(max_examples=100, deadline=None)
@given(cycles())
def test_the_network_mean_lies_between_the_cities_overall_scores(cycle):
    roles, responses, invited, scale = cycle
    result = cycle_aggregate(responses, invited, roles, scale)
    overalls = [city_scores(r.ratings, roles, scale).overall for r in responses]
    known = [value for value in overalls if value is not None]
    assert result.scored_cities == len(known)
    if known:
        assert min(known) <= result.overall <= max(known)
        assert result.overall == sum(known) / len(known)


@settings(max_examples=100, deadline=None)
@given(cities(), cities())
def test_the_previous_score_plus_the_change_is_the_current_score(first, second):
    roles, ratings, scale = first
    _roles, other, _scale = second
    before = city_scores(ratings, roles, scale)
    # The second city's ratings on the first city's commitments (positionally).
    codes = [code for codes in roles.values() for code in codes]
    values = list(other.values())
    now = city_scores(dict(zip(codes, values, strict=False)), roles, scale)
    delta = change(before, now)
    for role in now.roles:
        old = before.role(role.role).score
        if delta.roles[role.role] is not None:
            assert old + delta.roles[role.role] == role.score
        else:
            assert old is None or role.score is None
    if delta.overall is not None:
        assert before.overall + delta.overall == now.overall


@settings(max_examples=100, deadline=None)
@given(st.fractions(min_value=-100, max_value=100), st.integers(0, 3))
def test_rounding_is_within_half_a_unit_of_the_last_place(value, places):
    shown = rounded(value, places)
    assert abs(Fraction(shown) - value) <= Fraction(1, 2 * 10**places)
