from typing import Literal

from django.core.management.base import BaseCommand, CommandError, CommandParser

from citygrow.survey.models import Questionnaire
from citygrow.survey.services import export_questionnaire


class Command(BaseCommand):
    help = "Print a Charter questionnaire edition in the questionnaire file format (YAML or JSON)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("label", help="The edition label, e.g. charter-2010.")
        parser.add_argument("--format", choices=["yaml", "json"], default="yaml")

    def handle(self, *args: object, label: str, format: str, **options: object) -> None:
        questionnaire = Questionnaire.objects.filter(label=label).first()
        if questionnaire is None:
            raise CommandError(f"There is no questionnaire edition {label}.")
        fmt: Literal["yaml", "json"] = "json" if format == "json" else "yaml"
        self.stdout.write(export_questionnaire(questionnaire=questionnaire, fmt=fmt), ending="")
