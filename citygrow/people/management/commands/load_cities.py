from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from citygrow.people.services import CitiesFileError, load_cities


class Command(BaseCommand):
    help = "Create or update countries and cities from a cities file (default data/cities.yaml)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", type=Path, default=settings.DATA_DIR / "cities.yaml")

    def handle(self, *args: object, path: Path, **options: object) -> None:
        try:
            created, updated = load_cities(path)
        except CitiesFileError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"{path.name}: {created} cities created, {updated} updated")
