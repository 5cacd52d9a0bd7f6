"""The pairing recommender (mentoring.pairing): places already taken count against a mentor's
capacity, and a city's working languages may be given as any collection, a list included."""

from collections.abc import Mapping

import pytest

from citygrow.mentoring.pairing import Candidate, Options, Role, propose

HEADINGS = {1: "Access to finance", 2: "Language support"}


def mentor(id: int, name: str, scores: Mapping[int, float | None]) -> Candidate:
    return Candidate(id, name, "NL", frozenset({"en"}), Role.MENTOR, scores)


def city(id: int, name: str, scores: Mapping[int, float | None]) -> Candidate:
    return Candidate(id, name, "FI", frozenset({"en"}), Role.IMPLEMENTING, scores)


# Places already taken


def test_a_place_already_taken_leaves_a_mentor_of_capacity_2_one_place():
    options = Options(capacity=2, taken={1: 1})
    assert options.places(1) == 1


def test_a_mentor_not_in_taken_has_its_whole_capacity():
    options = Options(capacity=2, taken={1: 1})
    assert options.places(2) == 2


@pytest.mark.parametrize("taken", [2, 3])
def test_a_mentor_with_as_many_or_more_places_taken_than_its_capacity_has_none_left(taken):
    assert Options(capacity=2, taken={1: taken}).places(1) == 0


def test_the_places_taken_are_copied_so_later_changes_do_not_show():
    taken = {1: 1}
    options = Options(capacity=2, taken=taken)
    taken[1] = 2
    assert options.places(1) == 1


def test_a_mentor_with_one_place_taken_of_2_gets_only_one_more_implementing_city():
    rotterdam = mentor(1, "Rotterdam", {1: 90})
    # The benefit decides which city gets the one place: Tampere's gap is the largest.
    tampere = city(10, "Tampere", {1: 10})  # 80 * 90 / 100 = 72
    oulu = city(11, "Oulu", {1: 50})  # 40 * 50 / 100 = 20
    turku = city(12, "Turku", {1: 60})  # 30 * 40 / 100 = 12
    proposal = propose(
        [rotterdam, tampere, oulu, turku], HEADINGS, Options(capacity=2, taken={1: 1})
    )
    assert [(pair.mentor, pair.implementing) for pair in proposal.pairs] == [(1, 10)]
    assert proposal.total_benefit == 72.0
    assert {entry.city: entry.reason for entry in proposal.unpaired} == {
        11: "Only 1 mentor place for 3 implementing cities (capacity 2)",
        12: "Only 1 mentor place for 3 implementing cities (capacity 2)",
    }


def test_without_places_taken_the_same_mentor_takes_two_cities():
    # The counterpart of the test above: it is the places taken that leave only one.
    rotterdam = mentor(1, "Rotterdam", {1: 90})
    cities = [city(10, "Tampere", {1: 10}), city(11, "Oulu", {1: 50}), city(12, "Turku", {1: 60})]
    proposal = propose([rotterdam, *cities], HEADINGS, Options(capacity=2))
    assert [(pair.mentor, pair.implementing) for pair in proposal.pairs] == [(1, 10), (1, 11)]


def test_a_full_mentor_sends_the_city_to_a_weaker_mentor_with_places_left():
    rotterdam = mentor(1, "Rotterdam", {1: 90})  # full: both places taken
    athens = mentor(2, "Athens", {1: 40})
    tampere = city(10, "Tampere", {1: 10})
    proposal = propose([rotterdam, athens, tampere], HEADINGS, Options(capacity=2, taken={1: 2}))
    assert [(pair.mentor, pair.implementing) for pair in proposal.pairs] == [(2, 10)]


def test_a_mentor_with_more_places_taken_than_its_capacity_is_given_no_city():
    rotterdam = mentor(1, "Rotterdam", {1: 90})
    tampere = city(10, "Tampere", {1: 10})
    proposal = propose([rotterdam, tampere], HEADINGS, Options(capacity=1, taken={1: 3}))
    assert proposal.pairs == ()
    [entry] = proposal.unpaired
    # Places left never go below 0.
    assert entry.city == 10
    assert entry.reason == "Only 0 mentor places for 1 implementing city (capacity 1)"


# Working languages given as a list


def test_languages_given_as_a_list_are_kept_as_a_frozenset():
    candidate = Candidate(1, "Nicosia", "CY", ["el", "tr", "el"], Role.IMPLEMENTING, {1: 10})
    assert candidate.languages == frozenset({"el", "tr"})
    assert isinstance(candidate.languages, frozenset)


def test_a_candidate_with_a_list_of_languages_equals_the_one_with_the_same_set():
    as_list = Candidate(1, "Nicosia", "CY", ["el", "tr"], Role.IMPLEMENTING, {1: 10})
    as_set = Candidate(1, "Nicosia", "CY", {"tr", "el"}, Role.IMPLEMENTING, {1: 10})
    assert as_list == as_set


@pytest.mark.parametrize("kind", [list, set, tuple, frozenset])
def test_the_shared_language_rule_works_the_same_for_a_list_of_languages(kind):
    # Athens shares Greek with Nicosia, Rotterdam shares nothing: only Athens may mentor it,
    # though Rotterdam is stronger.
    rotterdam = Candidate(1, "Rotterdam", "NL", kind(["nl", "en"]), Role.MENTOR, {1: 100})
    athens = Candidate(2, "Athens", "GR", kind(["el", "en"]), Role.MENTOR, {1: 50})
    nicosia = Candidate(3, "Nicosia", "CY", kind(["el", "tr"]), Role.IMPLEMENTING, {1: 0})
    proposal = propose(
        [rotterdam, athens, nicosia], HEADINGS, Options(require_shared_language=True)
    )
    assert [(pair.mentor, pair.implementing) for pair in proposal.pairs] == [(2, 3)]


@pytest.mark.parametrize("kind", [list, set, tuple, frozenset])
def test_no_shared_language_in_a_list_leaves_the_city_unpaired_with_the_reason(kind):
    rotterdam = Candidate(1, "Rotterdam", "NL", kind(["nl", "en"]), Role.MENTOR, {1: 100})
    nicosia = Candidate(3, "Nicosia", "CY", kind(["el", "tr"]), Role.IMPLEMENTING, {1: 0})
    proposal = propose([rotterdam, nicosia], HEADINGS, Options(require_shared_language=True))
    assert proposal.pairs == ()
    assert [(entry.city, entry.reason) for entry in proposal.unpaired] == [
        (3, "No mentor shares a working language with Nicosia")
    ]
