"""The demo programme, modelled on CITIES GROW (EUROCITIES, 2017-2019).

`create_demo_programme` builds it through the mentoring services, for `manage.py seed --demo`.

What is historical comes from the project documents in ../shared/seeds/ (000: the project's web
page; 001: its leaflet; 002: its concept note of 11/02/2016; 003: toolkit A, 2018), cited next
to each fact below. Everything else is illustrative, made up to show how the platform works, and
says so where it is shown: the programme's summary, event titles, visit agendas, report findings,
assessment titles and evidence, work log notes.

Running it again creates what is missing and changes nothing that is there, so that a demo
someone has been working in (e.g. a coordinator who accepted the scheme C proposal) survives
`bin/serve`, which runs `seed --demo` at every start.
"""

import datetime
import logging
from collections.abc import Mapping, Sequence
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from citygrow.assessments.models import Answer, Assessment
from citygrow.catalogue.models import GuideQuestion, KeyFactor, Theme, Toolkit
from citygrow.core.errors import ServiceError
from citygrow.mentoring import services
from citygrow.mentoring.models import (
    Pairing,
    Programme,
    ProgrammeCity,
    ProgrammeEvent,
    Scheme,
    SchemeCity,
    Visit,
    VisitReport,
    WorkLog,
)
from citygrow.people.models import City, Organisation, User

logger = logging.getLogger(__name__)

SLUG = "cities-grow"

# -- Historical facts ------------------------------------------------------------------------

# 001 and 002: "coordinated by EUROCITIES".
COORDINATOR = "EUROCITIES"

# 001: "Co-funded by the Asylum, Migration and Integration Fund of the European Union".
FUNDER = "Asylum, Migration and Integration Fund of the European Union"

# 002: "Its budget will be of 650.000 euro with 10% of cofinancing brought up by the 16 cities
# partners (in staff costs)." Planned in the 2016 concept note, not a record of the budget spent:
# the demo says "planned (concept note, 2016)" wherever it shows it.
BUDGET = Decimal("650000")
CO_FINANCING_SHARE = Decimal("0.10")

# 002: "We foresee the total workload for cities at 30 full days of work over 2 years (tbc)".
# Planned, and "to be confirmed" in the source: the demo says so wherever it shows it.
PLANNED_DAYS = 30

# The dates. 002 (the concept note of 2016) planned "autumn 2016" to "autumn 2018 (24 months)",
# "if approved". The project as it ran: 000 is headed "CITIES-GROW (2017-2019)" and the 2018
# toolkits (003, "About CITIES GROW") say it was "running from February 2017 to January 2019".
# We use the dates it ran; the sources give the months only, so the days are the first and the
# last of those months.
STARTS_ON = datetime.date(2017, 2, 1)
ENDS_ON = datetime.date(2019, 1, 31)

# 001 and 002: the 16 city partners.
PARTNERS = [
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
]

# 002: each scheme's facilitator: A and D "facilitated by the Migration Policy Group", B
# "Facilitated by MigrationWork", C "Facilitated by Migration Policy Institute". The names are
# those of seed.py's organisations (003 names them "MigrationWork CIC", "Migration Policy
# Institute Europe" and "Migration Policy Group").
FACILITATORS = {
    "A": "Migration Policy Group",
    "B": "MigrationWork CIC",
    "C": "Migration Policy Institute Europe",
    "D": "Migration Policy Group",
}

# The toolkit edition each scheme uses: A and C are transcribed (data/toolkits/); the contents
# of B and D are not in the sources we hold (../shared/seeds/README.md), so they have none.
TOOLKIT_YEARS = {"A": 2018, "C": 2018}

# -- Illustrative: the schemes' cities -------------------------------------------------------

# 000: "Each mentoring scheme included four cities, some in the role of mentors ... and others
# as 'implementing' cities"; 001: the 16 cities "are paired up in eight thematic clusters". So:
# four schemes of two mentors and two implementing cities. Which city is in which scheme, in
# which role, is NOT in the sources, except that Munich and Athens were a pair (000: the
# infographic "CITIES GROW project: Munich and Athens"); Munich as mentor of Athens on theme A
# is the demo's assumption (Munich's practice is an example in toolkit A). All the rest is
# illustrative. Per scheme: (mentor, implementing city) pairs; in scheme C (UNPAIRED_SCHEMES)
# only the cities and roles are made, and these are the pairs the recommender proposes from the
# illustrative assessments below.
SCHEMES: dict[str, list[tuple[str, str]]] = {
    "A": [("Munich", "Athens"), ("Birmingham", "Lisbon")],
    "B": [("Ghent", "Dresden"), ("Utrecht", "Tampere")],
    "C": [("Rotterdam", "Riga"), ("Helsinki", "Gdansk")],
    "D": [("Barcelona", "Nicosia"), ("Nantes", "Brighton & Hove")],
}
UNPAIRED_SCHEMES = {"C"}
"""Schemes whose cities are in place but not paired: the coordinator asks the recommender."""

# Illustrative: what one day of an officer's work costs, the same for every city.
DAY_RATE = Decimal("300.00")

SUMMARY = (
    "CITIES GROW (Cities integrating refugees and migrants through economic activity) was "
    "coordinated by EUROCITIES and co-funded by the Asylum, Migration and Integration Fund of "
    "the European Union. It ran from February 2017 to January 2019. Historical, from the "
    "project's documents: the 16 partner cities, the four themes, the Integrating Cities "
    "Conference VIII in Milan on 7-8 November 2018, and that Munich and Athens were a mentoring "
    "pair.\n\n"
    "Planned (concept note, 2016), not a record of what happened: a budget of 650,000 euro, 10% "
    "of it co-financed by the 16 partner cities in staff costs; a launch meeting in Brussels; a "
    "workload of 30 days per city over two years (tbc); the expert organisations facilitating "
    "the themes (Migration Policy Group for A and D, MigrationWork for B, Migration Policy "
    "Institute for C).\n\n"
    "This is a demo. Illustrative, made up to show how the platform works and not a record of "
    "the project: which scheme each city is in and in which role (including Munich as Athens's "
    "mentor on theme A), the other pairs, the dates of the launch and final meetings, the "
    "visits with their agendas and findings, the assessments, the day rates, the even split of "
    "the co-financing between the cities, and the work logs."
)

# (kind, title, place, first day, last day)
EVENTS = [
    # 002: "1 launch meeting in Brussels (2 days)"; the date is illustrative.
    (
        ProgrammeEvent.Kind.LAUNCH,
        "Launch meeting (planned (concept note, 2016); date illustrative)",
        "Brussels",
        datetime.date(2017, 3, 8),
        datetime.date(2017, 3, 9),
    ),
    # 000: "Integrating Cities Conference, Milan, 7-8 November 2018" (the leaflet, 001, had
    # planned it for September 2018).
    (
        ProgrammeEvent.Kind.CONFERENCE,
        "Integrating Cities Conference VIII",
        "Milan",
        datetime.date(2018, 11, 7),
        datetime.date(2018, 11, 8),
    ),
    # 002 plans "The Integrating Cities conference and the final project meeting (3 days)" as
    # one trip; the sources give neither the final meeting's date nor its place, so the day
    # after the conference, in Milan, is illustrative.
    (
        ProgrammeEvent.Kind.FINAL,
        "Final project meeting (date and place illustrative)",
        "Milan",
        datetime.date(2018, 11, 9),
        datetime.date(2018, 11, 9),
    ),
]

# -- Illustrative: visits, findings, assessments, work logs ----------------------------------

# 002: "Travelling for 1 study visit OR 1 mentoring visit (3 days)": three days each.
STUDY_VISIT = (
    datetime.date(2017, 5, 16),
    datetime.date(2017, 5, 18),
    "Illustrative: an agenda made up for the demo, not the historical visit.\n"
    "Day 1: welcome by the city of Munich; the city's data on immigrant entrepreneurs; "
    "the Munich Business Start-up Office.\n"
    "Day 2: meetings with chambers of commerce, business associations and migrant "
    "associations; a site visit.\n"
    "Day 3: peer-to-peer discussion of Athens's needs; first ideas for its action plan.",
)
MENTORING_VISIT = (
    datetime.date(2017, 10, 17),
    datetime.date(2017, 10, 19),
    "Illustrative: an agenda made up for the demo, not the historical visit.\n"
    "Day 1: meeting with the city of Athens's departments for procurement and economic "
    "development.\n"
    "Day 2: interviews with local stakeholders: migrant business organisations, the chamber "
    "of commerce.\n"
    "Day 3: working session on the draft action plan.",
)
STUDY_REPORT_SUMMARY = (
    "Illustrative: findings made up for the demo, not those of the CITIES GROW visit. "
    "Athens's officers saw how Munich collects data on immigrant entrepreneurs and works with "
    "intermediaries, and took first steps towards their action plan."
)
# (kind, text, key factor positions in toolkit A)
STUDY_FINDINGS = [
    (
        "strength",
        "Illustrative: Athens already works with migrant community organisations that can reach "
        "immigrant entrepreneurs.",
        [2],
    ),
    (
        "barrier",
        "Illustrative: the city's departments hold no common data on immigrant entrepreneurs, "
        "so the city cannot set targets for inclusive procurement.",
        [1],
    ),
    (
        "challenge",
        "Illustrative: tender documents are long and complex for micro and small businesses.",
        [5],
    ),
    (
        "action",
        "Illustrative: record a migrant background in the data of the city's business support "
        "services, as Munich does, and share one dataset across departments.",
        [1],
    ),
    (
        "action",
        "Illustrative: hold information events on tendering with migrant associations.",
        [2, 6],
    ),
]

# Assessments on toolkit C for scheme C, so the recommender has something to say. Per city, one
# letter per key factor (in order): Y all "yes" (100), P all "partly" (50), N all "no" (0),
# M "yes", "partly", "no" in turn. The mentors score high on some key factors, the implementing
# cities low on others. Helsinki's answers are seed.py's demo assessment when it exists.
C_ASSESSMENTS: dict[str, tuple[str, str]] = {
    # city: (key factor letters, status)
    "Helsinki": ("MYPMPMYPN", Assessment.Status.PUBLISHED),
    "Rotterdam": ("PPYMPYPYM", Assessment.Status.PUBLISHED),
    "Riga": ("MPPYMNPNP", Assessment.Status.SUBMITTED),
    "Gdansk": ("PNMPPPNMP", Assessment.Status.PUBLISHED),
}
C_ASSESSED_ON = datetime.date(2017, 4, 3)
_ANSWERS = {"Y": ["yes"], "P": ["partly"], "N": ["no"], "M": ["yes", "partly", "no"]}

# (city, officer, activity, day, days, note)
WORK_LOGS = [
    ("Athens", "olga", "meetings", datetime.date(2017, 3, 8), "2", "Launch meeting, Brussels"),
    ("Athens", "olga", "preparation", datetime.date(2017, 4, 3), "1.5", "Self-assessment"),
    ("Athens", "olga", "preparation", datetime.date(2017, 5, 8), "1", "Study visit preparation"),
    ("Athens", "olga", "visits", datetime.date(2017, 5, 16), "3", "Study visit to Munich"),
    ("Athens", "olga", "visits", datetime.date(2017, 10, 17), "3", "Mentoring visit hosted"),
    ("Athens", "olga", "action_planning", datetime.date(2017, 11, 6), "2", "First draft"),
    ("Athens", "olga", "action_planning", datetime.date(2018, 2, 12), "2.5", "Consultation"),
    ("Athens", "olga", "meetings", datetime.date(2018, 6, 14), "0.5", "Webinar"),
    ("Munich", "mia", "meetings", datetime.date(2017, 3, 8), "2", "Launch meeting, Brussels"),
    ("Munich", "mia", "preparation", datetime.date(2017, 5, 2), "1", "Study visit programme"),
    ("Munich", "mia", "preparation", datetime.date(2017, 10, 2), "0.5", "Mentoring visit"),
    ("Munich", "mia", "visits", datetime.date(2017, 5, 16), "3", "Study visit hosted"),
    ("Munich", "mia", "visits", datetime.date(2017, 10, 17), "3", "Mentoring visit to Athens"),
    ("Munich", "mia", "action_planning", datetime.date(2017, 11, 20), "1", "Comments on draft"),
    ("Munich", "mia", "action_planning", datetime.date(2018, 3, 5), "0.5", "Follow-up call"),
    ("Munich", "mia", "meetings", datetime.date(2018, 6, 14), "0.5", "Webinar"),
]
WORK_LOG_NOTE = "Illustrative: {}"

DEMO_USERNAMES = ("cora", "olga", "mia", "fatima")


@transaction.atomic
def create_demo_programme(
    organisations: Mapping[str, Organisation], people: Mapping[str, User] | None = None
) -> Pairing | None:
    """Create what is missing of the demo programme and return its Munich → Athens pairing on
    theme A (None only if someone has since given Athens another mentor on theme A).

    `organisations` are the expert organisations by name (seed.py makes them); `people` the demo
    accounts by user name (cora makes the changes, olga, mia and fatima take part in the
    visits); looked up by user name when not given. Without them, no visits or work logs.
    """
    if people is None:
        people = {u.username: u for u in User.objects.filter(username__in=DEMO_USERNAMES)}
    by = people.get("cora")
    programme = _programme(organisations)
    _events(programme)
    cities = {city.name: city for city in City.objects.filter(name__in=PARTNERS)}
    _partners(programme, cities)
    schemes = _schemes(programme, organisations, cities, by)
    _scheme_c_assessments(schemes.get("C"), cities)
    pairing = (
        Pairing.objects.filter(
            scheme=schemes["A"], mentor_city=cities["Munich"], implementing_city=cities["Athens"]
        )
        .select_related("scheme__theme", "mentor_city", "implementing_city")
        .first()
    )
    if pairing is not None and all(name in people for name in DEMO_USERNAMES):
        _visits(pairing, people)
        _work_logs(programme, cities, people)
    return pairing


def _programme(organisations: Mapping[str, Organisation]) -> Programme:
    coordinator, _ = Organisation.objects.get_or_create(name=COORDINATOR)
    programme, created = Programme.objects.get_or_create(
        slug=SLUG,
        defaults={
            "name": "CITIES GROW",
            "summary": SUMMARY,
            "starts_on": STARTS_ON,
            "ends_on": ENDS_ON,
            "budget": BUDGET,
            # 002: "10% of cofinancing brought up by the 16 cities partners".
            "co_financing_target": BUDGET * CO_FINANCING_SHARE,
            "funder": FUNDER,
            "coordinator": coordinator,
            "planned_days": PLANNED_DAYS,
            "is_demo": True,
        },
    )
    if created:
        programme.organisations.set(
            [organisations[name] for name in sorted(set(FACILITATORS.values()))]
        )
    return programme


def _events(programme: Programme) -> None:
    have = set(programme.events.values_list("kind", flat=True))
    for kind, title, place, starts_on, ends_on in EVENTS:
        if kind not in have:
            ProgrammeEvent.objects.create(
                programme=programme,
                kind=kind,
                title=title,
                place=place,
                starts_on=starts_on,
                ends_on=ends_on,
            )


def _partners(programme: Programme, cities: Mapping[str, City]) -> None:
    # Illustrative: the 10% co-financing (002) split evenly between the 16 cities.
    share = (BUDGET * CO_FINANCING_SHARE / len(PARTNERS)).quantize(Decimal("0.01"))
    have = set(programme.partners.values_list("city_id", flat=True))
    ProgrammeCity.objects.bulk_create(
        ProgrammeCity(programme=programme, city=city, day_rate=DAY_RATE, co_financing=share)
        for name, city in sorted(cities.items())
        if city.pk not in have
    )


def _schemes(
    programme: Programme,
    organisations: Mapping[str, Organisation],
    cities: Mapping[str, City],
    by: User | None,
) -> dict[str, Scheme]:
    themes = {theme.code: theme for theme in Theme.objects.filter(code__in=SCHEMES)}
    schemes = {}
    for code, pairs in SCHEMES.items():
        toolkit = None
        if code in TOOLKIT_YEARS:
            toolkit = Toolkit.objects.filter(theme__code=code, year=TOOLKIT_YEARS[code]).first()
        scheme, _ = Scheme.objects.get_or_create(
            programme=programme,
            theme=themes[code],
            defaults={"facilitator": organisations[FACILITATORS[code]], "toolkit": toolkit},
        )
        schemes[code] = scheme
        members = set(scheme.members.values_list("city_id", flat=True))
        for mentor, implementing in pairs:
            for name, role in (
                (mentor, SchemeCity.Role.MENTOR),
                (implementing, SchemeCity.Role.IMPLEMENTING),
            ):
                if cities[name].pk not in members:
                    services.add_member(scheme=scheme, city=cities[name], role=role, by=by)
        if code in UNPAIRED_SCHEMES:
            continue
        has_mentor = set(scheme.pairings.values_list("implementing_city_id", flat=True))
        for mentor, implementing in pairs:
            if cities[implementing].pk in has_mentor:
                continue
            try:
                services.make_pairings(
                    scheme=scheme, pairs=[(cities[mentor].pk, cities[implementing].pk)], by=by
                )
            except ServiceError as error:
                # Someone changed the scheme since; their change stands.
                logger.warning("Demo pairing %s → %s not made: %s", mentor, implementing, error)
    return schemes


def _answers(letters: str, factors: Sequence[list[int]]) -> list[tuple[int, str]]:
    """(question id, answer) for each question, by the key factor letters of C_ASSESSMENTS."""
    answers = []
    for letter, question_ids in zip(letters, factors, strict=False):
        cycle = _ANSWERS[letter]
        answers += [(qid, cycle[i % len(cycle)]) for i, qid in enumerate(question_ids)]
    return answers


def _scheme_c_assessments(scheme: Scheme | None, cities: Mapping[str, City]) -> None:
    """An assessment on toolkit C for each city of scheme C that has no submitted one."""
    toolkit = services.toolkit_of(scheme) if scheme is not None else None
    if toolkit is None:
        return
    factors: dict[int, list[int]] = {}
    for qid, position in (
        GuideQuestion.objects.filter(key_factor__toolkit=toolkit)
        .order_by("key_factor__position", "position")
        .values_list("pk", "key_factor__position")
    ):
        factors.setdefault(position, []).append(qid)
    ordered = [factors[position] for position in sorted(factors)]
    assessed = set(
        Assessment.objects.filter(toolkit=toolkit)
        .exclude(status=Assessment.Status.DRAFT)
        .values_list("city_id", flat=True)
    )
    now = timezone.now()
    for name, (letters, status) in C_ASSESSMENTS.items():
        city = cities[name]
        if city.pk in assessed:
            continue
        assessment = Assessment.objects.create(
            city=city,
            toolkit=toolkit,
            title=f"Illustrative assessment ({name}, CITIES GROW demo)",
            assessed_on=C_ASSESSED_ON,
            status=status,
            submitted_at=now,
            published_at=now if status == Assessment.Status.PUBLISHED else None,
        )
        Answer.objects.bulk_create(
            Answer(
                assessment=assessment,
                question_id=qid,
                value=value,
                evidence=f"Illustrative answer made up for the demo, not {name}'s position.",
            )
            for qid, value in _answers(letters, ordered)
        )


def _visits(pairing: Pairing, people: Mapping[str, User]) -> None:
    """The pairing's study visit (with a published report) and mentoring visit (no report:
    the demo facilitator files it)."""
    kinds = set(pairing.visits.values_list("kind", flat=True))
    if Visit.Kind.STUDY not in kinds:
        starts_on, ends_on, agenda = STUDY_VISIT
        visit = services.save_visit(
            pairing=pairing,
            kind=Visit.Kind.STUDY,
            starts_on=starts_on,
            ends_on=ends_on,
            agenda=agenda,
            participants=[people["olga"], people["fatima"]],
            by=people["cora"],
        )
        _study_report(visit, people["fatima"])
    if Visit.Kind.MENTORING not in kinds:
        starts_on, ends_on, agenda = MENTORING_VISIT
        services.save_visit(
            pairing=pairing,
            kind=Visit.Kind.MENTORING,
            starts_on=starts_on,
            ends_on=ends_on,
            agenda=agenda,
            participants=[people["mia"], people["fatima"]],
            by=people["cora"],
        )


def _study_report(visit: Visit, author: User) -> VisitReport:
    toolkit = services.toolkit_of(visit.pairing.scheme)
    factor_ids = dict(
        KeyFactor.objects.filter(toolkit=toolkit).values_list("position", "pk") if toolkit else []
    )
    findings = [
        services.FindingIn(
            kind=kind,
            text=text,
            key_factors=[factor_ids[p] for p in positions if p in factor_ids],
        )
        for kind, text, positions in STUDY_FINDINGS
    ]
    report = services.save_report(
        visit=visit, summary=STUDY_REPORT_SUMMARY, findings=findings, by=author
    )
    services.publish_report(report=report, by=author)
    return report


def _work_logs(
    programme: Programme, cities: Mapping[str, City], people: Mapping[str, User]
) -> None:
    """Work logs of Athens (olga) and Munich (mia), once per city and officer."""
    logged = set(
        WorkLog.objects.filter(programme=programme).values_list("city__name", "officer__username")
    )
    for city, officer, activity, worked_on, days, note in WORK_LOGS:
        if (city, officer) in logged:
            continue
        services.log_work(
            programme=programme,
            city=cities[city],
            activity=activity,
            worked_on=worked_on,
            days=Decimal(days),
            note=WORK_LOG_NOTE.format(note),
            by=people[officer],
        )
