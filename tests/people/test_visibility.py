"""The rule for unpublished items is written once (people.access.Scope) and read two ways: as a
predicate for one item (`Scope.contains`, behind every `may_see_private` permission) and as a
database filter for lists (people.visibility, behind every `visible_to` QuerySet method).
Both must give the same answer on the same cases."""

from datetime import date

from django.db.models import Q
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citygrow.assessments.models import Assessment
from citygrow.catalogue.models import Toolkit
from citygrow.people.access import Roles, Scope
from citygrow.people.models import City
from citygrow.people.visibility import scope_q, visible

CITIES = ["Athens", "Munich", "Helsinki"]


def _items(toolkit_a, toolkit_c) -> list[Assessment]:
    """A draft and a published assessment for each city on each of two themes."""
    cities = City.objects.filter(name__in=CITIES)
    return [
        Assessment.objects.create(
            city=city, toolkit=toolkit, title="t", assessed_on=date(2017, 1, 1), status=status
        )
        for city in cities
        for toolkit in (toolkit_a, toolkit_c)
        for status in ("draft", "published")
    ]


def _roles(draw_ids: st.DataObject, cities: list[int], themes: list[int]) -> Roles:
    some_cities = st.frozensets(st.sampled_from(cities), max_size=2)
    some_themes = st.frozensets(st.sampled_from(themes), max_size=2)
    pairings = st.frozensets(
        st.tuples(st.sampled_from(cities), st.sampled_from(cities), st.sampled_from(themes)),
        max_size=2,
    )
    return Roles(
        officer_of=draw_ids.draw(some_cities),
        mentoring=draw_ids.draw(pairings),
        facilitating=draw_ids.draw(some_themes),
        coordinator=draw_ids.draw(st.booleans()),
        city_pairings=draw_ids.draw(pairings),
    )


def test_the_predicate_and_the_filter_agree(toolkit_a, toolkit_c):
    items = _items(toolkit_a, toolkit_c)
    cities = sorted({item.city_id for item in items})
    themes = [toolkit_a.theme_id, toolkit_c.theme_id]

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.data())
    def check(data):
        roles = _roles(data, cities, themes)
        scope = roles.private_scope()
        listed = set(
            visible(
                Assessment.objects.all(),
                scope,
                public=Q(status="published"),
                city="city",
                theme="toolkit__theme",
            ).values_list("pk", flat=True)
        )
        for item in items:
            expected = item.status == "published" or roles.may_see_private(
                item.city_id, item.toolkit.theme_id
            )
            assert (item.pk in listed) == expected, (roles, item.city_id, item.toolkit.theme_id)

    check()


def test_drafts_of_toolkits_follow_the_same_scope(toolkit_a, toolkit_c):
    toolkit_c.status = Toolkit.Status.DRAFT
    toolkit_c.save(update_fields=["status"])
    for roles in [
        Roles(),
        Roles(facilitating=frozenset({toolkit_c.theme_id})),
        Roles(facilitating=frozenset({toolkit_a.theme_id})),
        Roles(coordinator=True),
        Roles(staff=True),
    ]:
        scope = roles.draft_scope()
        listed = set(
            visible(
                Toolkit.objects.filter(pk__in=[toolkit_a.pk, toolkit_c.pk]),
                scope,
                public=~Q(status=Toolkit.Status.DRAFT),
                city=None,
                theme="theme",
            )
        )
        assert (toolkit_c in listed) == scope.contains(None, toolkit_c.theme_id), roles
        assert toolkit_a in listed


def test_an_empty_scope_reaches_nothing_and_everything_reaches_all(toolkit_a, toolkit_c):
    items = _items(toolkit_a, toolkit_c)
    nothing = Assessment.objects.filter(scope_q(Scope(), city="city", theme="toolkit__theme"))
    assert not nothing.exists()
    everything = visible(
        Assessment.objects.all(), Scope(everything=True), public=Q(pk__in=[]), city="city",
        theme="toolkit__theme",
    )  # fmt: skip
    assert everything.count() == len(items)


def test_an_officer_of_a_mentor_city_lists_the_mentee_s_drafts_on_the_theme_only(
    people, pairing, django_user_model
):
    """roles_of loads the pairings of an officer's city as mentor (Munich → Athens on A): the
    predicate and the list agree for an officer of Munich nobody invited, for as long as the
    pairing exists."""
    from citygrow.people.models import Role
    from citygrow.people.rules import roles_of

    toolkit_a = Toolkit.objects.get(theme__code="A", year=2018)
    toolkit_c = Toolkit.objects.get(theme__code="C", year=2018)
    items = _items(toolkit_a, toolkit_c)
    munich_officer = django_user_model.objects.create_user("max")
    Role.objects.create(user=munich_officer, kind="officer", city=City.objects.get(name="Munich"))
    athens, munich = City.objects.get(name="Athens"), City.objects.get(name="Munich")

    def seen() -> set[tuple[str, str, str]]:
        return {
            (a.city.name, a.toolkit.theme.code, a.status)
            for a in Assessment.objects.visible_to(munich_officer)
            if a.status == "draft"
        }

    assert seen() == {("Munich", "A", "draft"), ("Munich", "C", "draft"), ("Athens", "A", "draft")}
    for item in items:
        if item.status == "draft":
            expected = item.city_id == munich.pk or (
                item.city_id == athens.pk and item.toolkit_id == toolkit_a.pk
            )
            assert (
                roles_of(munich_officer).may_see_private(item.city_id, item.toolkit.theme_id)
                is expected
            )

    Role.objects.filter(pairing=pairing).delete()
    pairing.delete()
    munich_officer = django_user_model.objects.get(
        pk=munich_officer.pk
    )  # a new request: roles are read again
    assert seen() == {("Munich", "A", "draft"), ("Munich", "C", "draft")}
