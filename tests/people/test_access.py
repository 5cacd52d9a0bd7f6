"""The rule for private items, for every relation (people.access.Roles).

A pairing Munich (mentor) → Athens on theme A makes Munich's officers mentors of Athens on A, as
an invitation into the pairing does (`Roles.city_pairings`, loaded by people.rules.roles_of)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from citygrow.people.access import Roles

MUNICH, ATHENS, HELSINKI = 1, 2, 3
THEME_A, THEME_C = 10, 30

RELATIONS = {
    "nobody": Roles(),
    "officer of this city": Roles(officer_of=frozenset({ATHENS})),
    "officer of another city": Roles(officer_of=frozenset({HELSINKI})),
    "mentor of this city on this theme": Roles(mentoring=frozenset({(MUNICH, ATHENS, THEME_A)})),
    "mentor of this city on another theme": Roles(mentoring=frozenset({(MUNICH, ATHENS, THEME_C)})),
    "mentor in another pair": Roles(mentoring=frozenset({(ATHENS, HELSINKI, THEME_A)})),
    "officer of the mentor city of this city on this theme": Roles(
        officer_of=frozenset({MUNICH}), city_pairings=frozenset({(MUNICH, ATHENS, THEME_A)})
    ),
    "officer of the mentor city of this city on another theme": Roles(
        officer_of=frozenset({MUNICH}), city_pairings=frozenset({(MUNICH, ATHENS, THEME_C)})
    ),
    "officer of the mentor city in another pair": Roles(
        officer_of=frozenset({MUNICH}), city_pairings=frozenset({(MUNICH, HELSINKI, THEME_A)})
    ),
    "officer of another city than the pairing's mentor city": Roles(
        officer_of=frozenset({HELSINKI}), city_pairings=frozenset({(MUNICH, ATHENS, THEME_A)})
    ),
    "facilitator of this theme": Roles(facilitating=frozenset({THEME_A})),
    "facilitator of another theme": Roles(facilitating=frozenset({THEME_C})),
    "coordinator": Roles(coordinator=True),
    "staff without a role": Roles(staff=True),
}
MAY_SEE = {
    "officer of this city",
    "mentor of this city on this theme",
    "officer of the mentor city of this city on this theme",
    "facilitator of this theme",
    "coordinator",
}


@pytest.mark.parametrize("relation", sorted(RELATIONS))
def test_a_private_item_of_athens_on_theme_a_is_seen_by_exactly_its_team(relation):
    assert RELATIONS[relation].may_see_private(ATHENS, THEME_A) is (relation in MAY_SEE)


def test_a_mentor_does_not_see_the_mentor_city_s_own_items():
    mentor = RELATIONS["mentor of this city on this theme"]
    assert not mentor.may_see_private(MUNICH, THEME_A)


def test_an_officer_of_the_mentor_city_is_a_mentor_of_the_pairing_s_implementing_city():
    officer = RELATIONS["officer of the mentor city of this city on this theme"]
    assert officer.mentors(ATHENS, THEME_A)
    assert not officer.mentors(ATHENS, THEME_C)
    assert not officer.mentors(MUNICH, THEME_A)
    assert officer.mentees() == {(ATHENS, THEME_A)}
    # The officer still sees all of Munich's own items, and edits only Munich's.
    assert officer.may_see_private(MUNICH, THEME_C) and officer.may_see_private(MUNICH, None)
    assert officer.may_edit(MUNICH) and not officer.may_edit(ATHENS)


def test_a_pairing_gives_nothing_to_someone_who_is_not_an_officer_of_its_mentor_city():
    roles = Roles(city_pairings=frozenset({(MUNICH, ATHENS, THEME_A)}))
    assert not roles.mentors(ATHENS, THEME_A)
    assert not roles.may_see_private(ATHENS, THEME_A)
    assert not roles.any


def test_an_item_of_the_mentored_city_without_theme_stays_with_its_officers():
    officer = RELATIONS["officer of the mentor city of this city on this theme"]
    assert not officer.may_see_private(ATHENS, None)


def test_an_item_without_theme_is_seen_by_officers_and_coordinators_only():
    assert RELATIONS["officer of this city"].may_see_private(ATHENS, None)
    assert RELATIONS["coordinator"].may_see_private(ATHENS, None)
    assert not RELATIONS["mentor of this city on this theme"].may_see_private(ATHENS, None)
    assert not RELATIONS["facilitator of this theme"].may_see_private(ATHENS, None)


ids = st.integers(min_value=1, max_value=6)


@given(
    officer_of=st.frozensets(ids),
    mentoring=st.frozensets(st.tuples(ids, ids, ids)),
    city_pairings=st.frozensets(st.tuples(ids, ids, ids)),
    facilitating=st.frozensets(ids),
    city=ids,
    theme=ids,
)
def test_seeing_is_exactly_one_of_the_four_relations(
    officer_of, mentoring, city_pairings, facilitating, city, theme
):
    roles = Roles(
        officer_of=officer_of,
        mentoring=mentoring,
        facilitating=facilitating,
        city_pairings=city_pairings,
    )
    mentor = any(m[1] == city and m[2] == theme for m in mentoring) or any(
        p[0] in officer_of and p[1] == city and p[2] == theme for p in city_pairings
    )
    expected = city in officer_of or mentor or theme in facilitating
    assert roles.may_see_private(city, theme) is expected
    assert roles.mentors(city, theme) is mentor
