"""The toolkit files of data/toolkits, and writing a file for a test."""

from pathlib import Path

from django.conf import settings

#: The folder of the toolkit files the seed loads (A-2018.yaml, C-2018.yaml).
TOOLKITS = settings.DATA_DIR / "toolkits"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def made_up_toolkit(
    code: str = "B", year: int = 2026, *, factors: int = 2, status: str = "draft"
) -> str:
    """A toolkit file of obviously made-up test text (never benchmark text) for theme `code`,
    with `factors` key factors ("Test factor 1", ...), each with a guide question and an example
    from Munich."""
    key_factors = "".join(
        f"""  - heading: Test factor {n}
    why: Test reason {n}.
    guide_questions:
      - text: Test question {n}?
        sub_items: [test item a, test item b]
    examples:
      - city: Munich
        text: Munich test example {n}.
"""
        for n in range(1, factors + 1)
    )
    return f"""format: 1
theme:
  code: {code}
  title: Test toolkit {code}
edition:
  year: {year}
  status: {status}
source:
  title: Test source
  publisher: Test publisher
  year: {year}
  credit: Test credit.
standard:
  statement: Test standard statement.
terms:
  - term: Test term
    definition: Test definition.
key_factors:
{key_factors}context_factors:
  - category: Test context
    examples: [Test context example.]
"""


def blank_draft(code: str = "A", year: int = 2030):
    """A draft edition of theme `code` with only its fields, in made-up test text (no key
    factor yet), made directly in the database."""
    from citygrow.catalogue.models import Theme, Toolkit

    return Toolkit.objects.create(
        theme=Theme.objects.get(code=code),
        year=year,
        status=Toolkit.Status.DRAFT,
        title="Test toolkit",
        source_title="Test source",
        source_publisher="Test publisher",
        source_year=year,
        credit="Test credit",
        standard="Test standard statement.",
        content_hash="edited",
    )
