from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from citygrow.catalogue.models import Theme
from citygrow.catalogue.services import load_themes
from citygrow.people.models import City, Organisation, Pairing, Role, User
from citygrow.practices.services import refresh_search_index

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
]


class Command(BaseCommand):
    help = (
        "Load the reference data shipped in data/: themes, cities and every toolkit, and "
        "rebuild the search index. Safe to run again: what is already there is left as it is. "
        "With --demo, also create the demo people, organisations and pairing (development only)."
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
        refresh_search_index()
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
        city = {c.name: c for c in City.objects.filter(name__in=["Athens", "Helsinki", "Munich"])}
        pairing, _ = Pairing.objects.get_or_create(
            mentor_city=city["Munich"], implementing_city=city["Athens"], theme=themes["A"]
        )
        roles = {
            "cora": [{"kind": Role.Kind.COORDINATOR}],
            "olga": [{"kind": Role.Kind.OFFICER, "city": city["Athens"]}],
            "hugo": [{"kind": Role.Kind.OFFICER, "city": city["Helsinki"]}],
            "mia": [
                {"kind": Role.Kind.MENTOR, "pairing": pairing},
                {"kind": Role.Kind.OFFICER, "city": city["Munich"]},
            ],
            "fatima": [
                {
                    "kind": Role.Kind.FACILITATOR,
                    "organisation": organisations["Migration Policy Group"],
                }
            ],
        }
        for username, name, _description in DEMO_PEOPLE:
            if User.objects.filter(username=username).exists():
                continue
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
            for role in roles.get(username, []):
                Role.objects.create(user=user, **role)
            self.stdout.write(f"demo account: {username} / {DEMO_PASSWORD}")
