"""The toolkit files of data/toolkits, and writing a file for a test."""

from pathlib import Path

from django.conf import settings

#: The folder of the toolkit files the seed loads (A-2018.yaml, C-2018.yaml).
TOOLKITS = settings.DATA_DIR / "toolkits"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path
