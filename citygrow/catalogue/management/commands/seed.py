from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from citygrow.catalogue.services import load_themes
from citygrow.practices.services import refresh_search_index

DEMO_ADMIN = ("admin", "citygrow-demo")


class Command(BaseCommand):
    help = (
        "Load the reference data shipped in data/: themes, cities and every toolkit, and "
        "rebuild the search index. Safe to run again: what is already there is left as it is. "
        "With --demo, also create the demo staff account (development only)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--demo", action="store_true", help="Also create the demo accounts.")

    def handle(self, *args: object, demo: bool, **options: object) -> None:
        made = load_themes(settings.DATA_DIR / "themes.yaml")
        self.stdout.write(f"themes.yaml: {made} themes created")
        call_command("load_cities", stdout=self.stdout, stderr=self.stderr)
        call_command(
            "load_toolkit", settings.DATA_DIR / "toolkits", stdout=self.stdout, stderr=self.stderr
        )
        refresh_search_index()
        if demo:
            self._create_demo_admin()

    def _create_demo_admin(self) -> None:
        username, password = DEMO_ADMIN
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            return
        User.objects.create_superuser(username=username, email="", password=password)
        self.stdout.write(f"demo staff account created: {username} / {password}")
