from django.core.management.base import BaseCommand, CommandError, CommandParser

from citygrow.catalogue.models import Toolkit
from citygrow.catalogue.toolkit_file import dump_toolkit


class Command(BaseCommand):
    help = "Print a toolkit edition in the toolkit file format, as YAML or JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("theme", help="The theme code, e.g. A.")
        parser.add_argument("year", type=int, help="The edition year, e.g. 2018.")
        parser.add_argument("--format", choices=["yaml", "json"], default="yaml")

    def handle(self, *args: object, theme: str, year: int, format: str, **options: object) -> None:
        toolkit = (
            Toolkit.objects.with_content().filter(theme__code=theme.upper(), year=year).first()
        )
        if toolkit is None:
            raise CommandError(f"There is no toolkit edition {theme.upper()} {year}.")
        self.stdout.write(dump_toolkit(toolkit.as_data(), fmt=format), ending="")
