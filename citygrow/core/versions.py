"""What a cached document depends on besides its data: the project's release and WeasyPrint's."""

import functools
import tomllib

from django.conf import settings


@functools.cache
def renderer_version() -> str:
    """The project's version (pyproject.toml) and WeasyPrint's: a new release renders anew."""
    import weasyprint  # type: ignore[import-untyped]

    try:
        with (settings.BASE_DIR / "pyproject.toml").open("rb") as file:
            version = str(tomllib.load(file)["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        version = "unknown"
    return f"{version}/{weasyprint.__version__}"
