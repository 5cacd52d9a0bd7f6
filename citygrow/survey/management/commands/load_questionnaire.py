from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from citygrow.survey.questionnaire_file import QuestionnaireFileError
from citygrow.survey.services import load_questionnaire, read_questionnaire_file


class Command(BaseCommand):
    help = (
        "Check and load Charter questionnaire files (docs/questionnaire-format.md). A path may "
        "be a file or a folder of *.yaml files. A file with any problem loads nothing; every "
        "problem is listed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument(
            "--check", action="store_true", help="Check the files only; write nothing."
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Replace a stored edition whose content differs from the file.",
        )

    def handle(
        self, *args: object, paths: list[Path], check: bool, replace: bool, **options: object
    ) -> None:
        files: list[Path] = []
        for path in paths:
            if path.is_dir():
                files += sorted(path.glob("*.yaml"))
            elif path.exists():
                files.append(path)
            else:
                raise CommandError(f"{path}: no such file or folder")
        failures = 0
        for file in files:
            try:
                document = read_questionnaire_file(file)
                if check:
                    self.stdout.write(f"{file.name}: no problems")
                    continue
                result = load_questionnaire(document=document, source=file.name, replace=replace)
            except QuestionnaireFileError as error:
                failures += 1
                self.stderr.write(error.report())
                continue
            self.stdout.write(f"{file.name}: {result}")
        if failures:
            raise CommandError(f"{failures} of {len(files)} file(s) not loaded; see above.")
