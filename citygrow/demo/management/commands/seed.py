import datetime
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from citygrow.assessments.models import Answer, Assessment
from citygrow.assessments.services import store_published_scores
from citygrow.catalogue.models import GuideQuestion, Theme, Toolkit
from citygrow.catalogue.services import load_themes
from citygrow.demo.infographic import create_demo_deliverables, create_demo_infographic
from citygrow.demo.plan import create_demo_plan, create_demo_plan_from_findings
from citygrow.demo.practices import create_demo_practices
from citygrow.demo.programme import create_demo_programme
from citygrow.demo.survey import create_demo_survey
from citygrow.people.models import City, Organisation, Role, User
from citygrow.plans.services import ensure_default_statuses
from citygrow.practices.models import Practice

#: The demo accounts: user name, name, roles. Their password is DEMO_PASSWORD. Only `seed --demo`
#: creates them, for development and trying the site; never run it on a production database.
DEMO_PASSWORD = "citygrow-demo"
DEMO_PEOPLE = [
    ("admin", "Ada Admin", "staff"),
    ("cora", "Cora Coordinator", "coordinator"),
    ("olga", "Olga Officer", "officer of Athens"),
    ("hugo", "Hugo Officer", "officer of Helsinki"),
    ("mia", "Mia Mentor", "mentor in the Munich → Athens pairing on theme A, officer of Munich"),
    ("fatima", "Fatima Facilitator", "facilitator, Migration Policy Group (themes A and D)"),
    ("nico", "Nico Officer", "officer of Nicosia (a plan on theme D, without a toolkit)"),
]


class Command(BaseCommand):
    help = (
        "Load the reference data shipped in data/: themes, cities and every toolkit, and "
        "rebuild the search index. Safe to run again: what is already there is left as it is. "
        "With --demo, also create the demo people, organisations and the demo programme "
        "modelled on CITIES GROW (development only)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--demo", action="store_true", help="Also create the demo people.")

    def handle(self, *args: object, demo: bool, **options: object) -> None:
        made = load_themes(settings.DATA_DIR / "themes.yaml")
        self.stdout.write(f"themes.yaml: {made} themes created")
        call_command("load_cities", stdout=self.stdout, stderr=self.stderr)
        call_command(
            "load_toolkit", settings.DATA_DIR / "toolkits", stdout=self.stdout, stderr=self.stderr
        )
        Practice.objects.all().refresh_search_index()
        # The Charter questionnaire, its roles and commitments in our summary (issue 15).
        call_command(
            "load_questionnaire",
            settings.DATA_DIR / "surveys",
            stdout=self.stdout,
            stderr=self.stderr,
        )
        ensure_default_statuses()
        if demo:
            self._create_demo_people()

    @transaction.atomic
    def _create_demo_people(self) -> None:
        # The expert organisations and the themes they facilitate, as the CITIES GROW concept
        # note (2016) planned them.
        themes = {theme.code: theme for theme in Theme.objects.all()}
        organisations = {}
        for name, codes in [
            ("Migration Policy Group", "AD"),
            ("MigrationWork CIC", "B"),
            ("Migration Policy Institute Europe", "C"),
        ]:
            organisations[name], _ = Organisation.objects.get_or_create(name=name)
            organisations[name].themes.add(*(themes[code] for code in codes if code in themes))
        names = ["Athens", "Helsinki", "Munich", "Nicosia"]
        city = {c.name: c for c in City.objects.filter(name__in=names)}
        roles: dict[str, list[dict[str, Any]]] = {
            "cora": [{"kind": Role.Kind.COORDINATOR}],
            "olga": [{"kind": Role.Kind.OFFICER, "city": city["Athens"]}],
            "hugo": [{"kind": Role.Kind.OFFICER, "city": city["Helsinki"]}],
            "mia": [{"kind": Role.Kind.OFFICER, "city": city["Munich"]}],
            "nico": [{"kind": Role.Kind.OFFICER, "city": city["Nicosia"]}],
            "fatima": [
                {
                    "kind": Role.Kind.FACILITATOR,
                    "organisation": organisations["Migration Policy Group"],
                }
            ],
        }
        self._create_demo_assessments(themes)
        # The people first: the demo programme's visits need their participants.
        people, created = {}, set()
        for username, name, _description in DEMO_PEOPLE:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = self._create_demo_user(username, name, roles.get(username, []))
                created.add(username)
            people[username] = user
        pairing = create_demo_programme(organisations, people)
        if "mia" in created and pairing is not None:
            Role.objects.create(user=people["mia"], kind=Role.Kind.MENTOR, pairing=pairing)
        # Practices contributed by Munich (published) and Helsinki (waiting for review); the
        # demo plan adapts Munich's (issue 13).
        create_demo_practices(people)
        if pairing is not None:
            # Athens's action plan in that pairing, endorsed and followed up (issue 7).
            create_demo_plan(pairing, people)
            # Its infographic, composed from the findings and the plan, published (issue 14).
            create_demo_infographic(pairing, people)
            create_demo_deliverables(pairing.scheme.programme, people)
        # Nicosia's plan on theme D (no toolkit), started from a visit's findings (issue 12).
        create_demo_plan_from_findings(people=people)
        # The Charter survey: a published cycle two years ago and this year's, open (issue 15).
        create_demo_survey(people)

    def _create_demo_user(self, username: str, name: str, roles: list[dict[str, Any]]) -> User:
        first, last = name.split(" ", 1)
        user = User.objects.create_user(
            username=username,
            email=f"{username}@citygrow.invalid",
            password=DEMO_PASSWORD,
            first_name=first,
            last_name=last,
            is_staff=username == "admin",
            is_superuser=username == "admin",
        )
        for role in roles:
            Role.objects.create(user=user, **role)
        self.stdout.write(f"demo account: {username} / {DEMO_PASSWORD}")
        return user

    def _create_demo_assessments(self, themes: dict) -> None:
        """Published demo assessments of Munich (toolkit A) and Helsinki (toolkit C), so that a
        demo officer's report has a network to compare with and cities to learn from. Their
        answers are made up for the demo: a fixed pattern, not any city's real position."""
        pattern = ["yes", "yes", "partly", "yes", "no", "partly", "yes", "dont_know"]
        for city_name, code in [("Munich", "A"), ("Helsinki", "C")]:
            toolkit = Toolkit.objects.published().filter(theme__code=code).first()
            city = City.objects.get(name=city_name)
            if toolkit is None or Assessment.objects.filter(city=city, toolkit=toolkit).exists():
                continue
            assessment = Assessment.objects.create(
                city=city,
                toolkit=toolkit,
                title=f"Demo assessment ({city_name})",
                assessed_on=datetime.date(2025, 6, 1),
                status=Assessment.Status.PUBLISHED,
                published_at=timezone.now(),
            )
            questions = GuideQuestion.objects.filter(key_factor__toolkit=toolkit).order_by(
                "key_factor__position", "position"
            )
            Answer.objects.bulk_create(
                Answer(
                    assessment=assessment,
                    question=question,
                    value=pattern[(i + len(city_name)) % len(pattern)],
                    evidence="Demo data.",
                )
                for i, question in enumerate(questions)
            )
            # Published, hence frozen: its scores are stored with it, as on publishing.
            store_published_scores(assessments=[assessment])
            self.stdout.write(f"demo assessment: {assessment}")
