"""Whether a person holds any role at all, and who may edit a city's items (people.access.Roles).

`Roles.any` lets plans.followup (and people.rules) stop early for someone without a role;
`Roles.may_edit` is the officers' right alone: no other role, coordinators included, gives it.
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from citygrow.people.access import Roles

MUNICH, ATHENS, HELSINKI = 1, 2, 3
THEME_A = 10

HOLDERS = {
    "officer of Athens": Roles(officer_of=frozenset({ATHENS})),
    "mentor of Athens": Roles(mentoring=frozenset({(MUNICH, ATHENS, THEME_A)})),
    "facilitator of theme A": Roles(facilitating=frozenset({THEME_A})),
    "coordinator": Roles(coordinator=True),
    "nobody": Roles(),
    "staff without a role": Roles(staff=True),
}
HOLDS_A_ROLE = {"officer of Athens", "mentor of Athens", "facilitator of theme A", "coordinator"}


@pytest.mark.parametrize("who", sorted(HOLDERS))
def test_any_is_true_exactly_for_the_four_roles(who):
    assert HOLDERS[who].any is (who in HOLDS_A_ROLE)


def test_any_is_false_for_explicitly_empty_roles():
    empty = Roles(
        officer_of=frozenset(), mentoring=frozenset(), facilitating=frozenset(), coordinator=False
    )
    assert empty.any is False


@pytest.mark.parametrize("who", sorted(HOLDERS))
def test_only_the_officer_of_athens_may_edit_athens(who):
    assert HOLDERS[who].may_edit(ATHENS) is (who == "officer of Athens")


def test_an_officer_may_edit_only_the_cities_they_are_an_officer_of():
    officer = Roles(officer_of=frozenset({ATHENS, HELSINKI}))
    assert officer.may_edit(ATHENS) is True
    assert officer.may_edit(HELSINKI) is True
    assert officer.may_edit(MUNICH) is False


def test_a_mentor_may_edit_neither_the_city_mentored_nor_its_own_city():
    mentor = HOLDERS["mentor of Athens"]
    assert mentor.may_edit(ATHENS) is False
    assert mentor.may_edit(MUNICH) is False


def test_a_coordinator_who_is_also_an_officer_may_edit_only_that_city():
    both = Roles(officer_of=frozenset({HELSINKI}), coordinator=True, staff=True)
    assert both.may_edit(HELSINKI) is True
    assert both.may_edit(ATHENS) is False


ids = st.integers(min_value=1, max_value=6)


@given(
    officer_of=st.frozensets(ids),
    mentoring=st.frozensets(st.tuples(ids, ids, ids)),
    facilitating=st.frozensets(ids),
    coordinator=st.booleans(),
    staff=st.booleans(),
    city_pairings=st.frozensets(st.tuples(ids, ids, ids)),
    city=ids,
)
def test_editing_depends_on_being_an_officer_of_the_city_and_nothing_else(
    officer_of, mentoring, facilitating, coordinator, staff, city_pairings, city
):
    # Mentoring through a pairing of one's city (city_pairings) gives no right to edit.
    roles = Roles(officer_of, mentoring, facilitating, coordinator, staff, city_pairings)
    assert roles.may_edit(city) is (city in officer_of)


@given(
    officer_of=st.frozensets(ids),
    mentoring=st.frozensets(st.tuples(ids, ids, ids)),
    facilitating=st.frozensets(ids),
    coordinator=st.booleans(),
    staff=st.booleans(),
    city_pairings=st.frozensets(st.tuples(ids, ids, ids)),
)
def test_someone_without_any_role_may_see_and_edit_nothing_private(
    officer_of, mentoring, facilitating, coordinator, staff, city_pairings
):
    # What followup relies on when it stops early for `not roles.any`; pairings of cities the
    # person is not an officer of give nothing.
    roles = Roles(officer_of, mentoring, facilitating, coordinator, staff, city_pairings)
    if not roles.any:
        assert not any(
            roles.may_see_private(city, theme) or roles.may_edit(city)
            for city in range(1, 7)
            for theme in [None, *range(1, 7)]
        )
    else:
        assert any(
            roles.may_see_private(city, theme) for city in range(1, 7) for theme in range(1, 7)
        )
