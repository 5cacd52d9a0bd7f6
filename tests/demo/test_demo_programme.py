"""The demo programme modelled on CITIES GROW (`manage.py seed --demo`)."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from citygrow.assessments.models import Assessment
from citygrow.mentoring import services
from citygrow.mentoring.models import (
    Finding,
    Pairing,
    Programme,
    ProgrammeEvent,
    Visit,
    VisitReport,
    WorkLog,
)
from citygrow.people.models import City, Role, User

PARTNERS = {
    "Athens",
    "Barcelona",
    "Birmingham",
    "Brighton & Hove",
    "Dresden",
    "Gdansk",
    "Ghent",
    "Helsinki",
    "Lisbon",
    "Munich",
    "Nantes",
    "Nicosia",
    "Riga",
    "Rotterdam",
    "Tampere",
    "Utrecht",
}


def seed_demo() -> str:
    out = StringIO()
    call_command("seed", "--demo", stdout=out)
    return out.getvalue()


def snapshot() -> dict[str, int]:
    """How many rows each model has."""
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


@pytest.fixture
def demo(db) -> Programme:
    seed_demo()
    return Programme.objects.get(slug="cities-grow")


def test_seeding_the_demo_twice_changes_nothing(demo):
    before = snapshot()
    output = seed_demo()
    assert snapshot() == before
    assert "demo account" not in output


def test_the_programme_has_the_historical_facts(demo):
    assert demo.name == "CITIES GROW"
    assert demo.is_demo
    assert demo.coordinator.name == "EUROCITIES"
    assert demo.budget == Decimal("650000")
    assert demo.funder == "Asylum, Migration and Integration Fund of the European Union"
    assert demo.planned_days == 30
    assert (demo.starts_on, demo.ends_on) == (datetime.date(2017, 2, 1), datetime.date(2019, 1, 31))
    assert set(demo.organisations.values_list("name", flat=True)) == {
        "Migration Policy Group",
        "MigrationWork CIC",
        "Migration Policy Institute Europe",
    }
    assert "Illustrative" in demo.summary and "demo" in demo.summary


def test_the_events_say_what_is_illustrative(demo):
    events = {event.kind: event for event in demo.events.all()}
    launch = events[ProgrammeEvent.Kind.LAUNCH]
    assert launch.place == "Brussels"
    assert (launch.ends_on - launch.starts_on).days == 1  # two days
    assert "illustrative" in launch.title
    # Issue 12: what the 2016 concept note planned is called planned, not history.
    assert "planned (concept note, 2016)" in launch.title
    planned = demo.summary.split("Planned (concept note, 2016)")[1]
    assert "650,000 euro" in planned and "Brussels" in planned
    assert "30 days per city over two years (tbc)" in planned
    history = demo.summary.split("Planned (concept note, 2016)")[0]
    assert "650,000" not in history and "Brussels" not in history
    conference = events[ProgrammeEvent.Kind.CONFERENCE]
    assert conference.title == "Integrating Cities Conference VIII"
    assert conference.place == "Milan"
    assert (conference.starts_on, conference.ends_on) == (
        datetime.date(2018, 11, 7),
        datetime.date(2018, 11, 8),
    )
    assert "illustrative" in events[ProgrammeEvent.Kind.FINAL].title


def test_the_sixteen_partners_share_the_co_financing(demo):
    partners = list(demo.partners.select_related("city"))
    assert {partner.city.name for partner in partners} == PARTNERS
    assert all(partner.co_financing == Decimal("4062.50") for partner in partners)
    assert sum(partner.co_financing for partner in partners) == Decimal("65000")
    assert all(partner.day_rate and partner.day_rate > 0 for partner in partners)


def test_the_partners_have_working_languages(demo):
    languages = dict(City.objects.filter(name__in=PARTNERS).values_list("name", "languages"))
    assert languages["Munich"] == "de, en"
    assert languages["Helsinki"] == "fi, sv, en"
    assert all("en" in value for value in languages.values())


def test_four_schemes_of_four_cities_with_the_concept_notes_facilitators(demo):
    schemes = {s.theme.code: s for s in demo.schemes.select_related("theme", "facilitator")}
    assert set(schemes) == {"A", "B", "C", "D"}
    assert {code: s.facilitator.name for code, s in schemes.items()} == {
        "A": "Migration Policy Group",
        "B": "MigrationWork CIC",
        "C": "Migration Policy Institute Europe",
        "D": "Migration Policy Group",
    }
    assert (schemes["A"].toolkit.theme.code, schemes["A"].toolkit.year) == ("A", 2018)
    assert (schemes["C"].toolkit.theme.code, schemes["C"].toolkit.year) == ("C", 2018)
    assert schemes["B"].toolkit is None and schemes["D"].toolkit is None
    in_schemes = []
    for scheme in schemes.values():
        roles = sorted(scheme.members.values_list("role", flat=True))
        assert roles == ["implementing", "implementing", "mentor", "mentor"]
        in_schemes += scheme.members.values_list("city__name", flat=True)
    assert sorted(in_schemes) == sorted(PARTNERS)  # each partner in exactly one scheme
    munich_athens = dict(schemes["A"].members.values_list("city__name", "role"))
    assert munich_athens["Munich"] == "mentor"
    assert munich_athens["Athens"] == "implementing"


def test_schemes_a_b_d_are_paired_and_mia_mentors_athens(demo):
    for code in "ABD":
        assert Pairing.objects.filter(scheme__programme=demo, theme__code=code).count() == 2
    pairing = Pairing.objects.get(
        scheme__programme=demo, mentor_city__name="Munich", implementing_city__name="Athens"
    )
    assert pairing.theme.code == "A"
    mia = User.objects.get(username="mia")
    assert Role.objects.filter(user=mia, kind=Role.Kind.MENTOR, pairing=pairing).exists()


def test_scheme_c_is_unpaired_and_the_recommender_pairs_it_with_reasons(demo):
    scheme = demo.schemes.get(theme__code="C")
    assert not scheme.pairings.exists()
    for member in scheme.members.select_related("city"):
        assert (
            Assessment.objects.filter(city=member.city, toolkit=scheme.toolkit)
            .exclude(status=Assessment.Status.DRAFT)
            .exists()
        ), member.city
    result = services.propose(scheme)
    assert result.proposal is not None
    implementing = set(scheme.members.filter(role="implementing").values_list("city_id", flat=True))
    assert {pair.implementing for pair in result.proposal.pairs} == implementing
    assert not result.proposal.unpaired
    for pair in result.proposal.pairs:
        assert pair.benefit > 0
        assert " scores " in pair.explanation and ", where " in pair.explanation
    # Accepting the proposal works (the demo coordinator's journey), and a later seed leaves the
    # coordinator's pairs as they are.
    cora = User.objects.get(username="cora")
    made = services.make_pairings(
        scheme=scheme,
        pairs=[(pair.mentor, pair.implementing) for pair in result.proposal.pairs],
        by=cora,
    )
    assert len(made) == 2
    before = snapshot()
    seed_demo()
    assert snapshot() == before


def test_munich_and_athens_have_a_study_visit_with_a_published_report(demo):
    pairing = Pairing.objects.get(mentor_city__name="Munich", implementing_city__name="Athens")
    visits = {visit.kind: visit for visit in pairing.visits.all()}
    assert set(visits) == {Visit.Kind.STUDY, Visit.Kind.MENTORING}
    study, mentoring = visits[Visit.Kind.STUDY], visits[Visit.Kind.MENTORING]
    assert study.host_city.name == "Munich"
    assert mentoring.host_city.name == "Athens"
    assert set(study.participants.values_list("username", flat=True)) == {"olga", "fatima"}
    assert set(mentoring.participants.values_list("username", flat=True)) == {"mia", "fatima"}
    for visit in (study, mentoring):
        assert visit.starts_on.year == 2017
        assert visit.agenda.startswith("Illustrative:")
    report = study.report
    assert report.status == VisitReport.Status.PUBLISHED
    assert report.author.username == "fatima"
    assert report.summary.startswith("Illustrative:")
    kinds = set(report.findings.values_list("kind", flat=True))
    assert kinds == {"strength", "barrier", "challenge", "action"}
    for finding in report.findings.prefetch_related("key_factors__toolkit"):
        assert finding.text.startswith("Illustrative:")
        factors = list(finding.key_factors.all())
        assert factors and all(f.toolkit_id == pairing.scheme.toolkit_id for f in factors)
    assert not VisitReport.objects.filter(visit=mentoring).exists()
    assert Finding.objects.filter(report__visit__pairing=pairing).count() == 5


def test_athens_and_munich_have_work_logs_per_activity(demo):
    for city, officer in [("Athens", "olga"), ("Munich", "mia")]:
        logs = WorkLog.objects.filter(programme=demo, city__name=city)
        assert set(logs.values_list("officer__username", flat=True)) == {officer}
        assert set(logs.values_list("activity", flat=True)) == set(WorkLog.Activity.values)
        assert all(note.startswith("Illustrative:") for note in logs.values_list("note", flat=True))
        assert 0 < sum(logs.values_list("days", flat=True)) <= demo.planned_days


def test_the_programme_list_marks_the_demo(demo, client):
    response = client.get(reverse("mentoring:programmes"))
    assert response.status_code == 200
    assert "CITIES GROW" in response.text
    assert "demo" in response.text


def test_the_programme_page_says_what_is_illustrative(demo, client):
    client.force_login(User.objects.get(username="cora"))
    response = client.get(demo.get_absolute_url())
    assert response.status_code == 200
    assert "Illustrative" in response.text
    assert "Integrating Cities Conference VIII" in response.text


def test_the_demo_accounts_can_do_what_the_issue_asks(demo, client):
    """Issue 5, "Done when": the coordinator gets the scheme C proposal, the facilitator can
    file the mentoring visit's report, each city sees its workload report."""
    mentoring = Visit.objects.get(kind=Visit.Kind.MENTORING, pairing__mentor_city__name="Munich")
    for username, url in [
        ("cora", reverse("mentoring:proposal", args=[demo.slug, "C"])),
        ("cora", reverse("mentoring:scheme", args=[demo.slug, "A"])),
        ("fatima", reverse("mentoring:report_edit", args=[mentoring.pk])),
        ("olga", reverse("mentoring:workload", args=[demo.slug, "athens"])),
        ("mia", reverse("mentoring:workload", args=[demo.slug, "munich"])),
    ]:
        client.force_login(User.objects.get(username=username))
        assert client.get(url).status_code == 200, (username, url)
    client.force_login(User.objects.get(username="cora"))
    response = client.get(reverse("mentoring:proposal", args=[demo.slug, "C"]))
    assert "Rotterdam scores 100 on Access to finance for migrant entrepreneurs" in response.text


def test_the_co_financing_target_is_the_concept_note_s_tenth_of_the_budget(db, settings, tmp_path):
    """002: "650.000 euro with 10% of cofinancing brought up by the 16 cities partners"."""
    from decimal import Decimal
    from io import StringIO

    from django.core.management import call_command

    from citygrow.mentoring.models import Programme

    settings.MEDIA_ROOT = tmp_path
    call_command("seed", "--demo", stdout=StringIO())
    assert Programme.objects.get(slug="cities-grow").co_financing_target == Decimal("65000")
