"""Loading the reference list of cities (data/cities.yaml)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from typing import Annotated

import yaml
from django.db import transaction
from django.utils.text import slugify
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from citygrow.people.models import City, Country


class CitiesFileError(Exception):
    pass


class _CitySpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
    population: Annotated[int, Field(ge=0)] | None = None
    population_year: Annotated[int, Field(ge=1900, le=2100)] | None = None
    foreign_born_share: Annotated[Decimal, Field(ge=0, le=100, decimal_places=1)] | None = None
    charter_signatory: bool | None = None
    charter_signed_on: datetime.date | None = None


class _CitiesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    countries: dict[
        Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")],
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)],
    ]
    cities: list[_CitySpec]


def _check(path: Path) -> _CitiesFile:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        spec = _CitiesFile.model_validate(data)
    except (OSError, yaml.YAMLError) as error:
        raise CitiesFileError(f"{path.name}: cannot be read: {error}") from None
    except ValidationError as error:
        lines = [
            f"{path.name}: {'.'.join(str(part) for part in item['loc'])}: {item['msg']}"
            for item in error.errors()
        ]
        raise CitiesFileError("\n".join(lines)) from None
    problems = []
    seen: set[str] = set()
    for index, city in enumerate(spec.cities):
        if city.country not in spec.countries:
            problems.append(f"{path.name}: cities[{index}].country: unknown country {city.country}")
        if city.name in seen:
            problems.append(f"{path.name}: cities[{index}].name: '{city.name}' is listed twice")
        if city.charter_signed_on and city.charter_signatory is not True:
            problems.append(
                f"{path.name}: cities[{index}].charter_signed_on: "
                "a signature date needs charter_signatory: true"
            )
        seen.add(city.name)
    if problems:
        raise CitiesFileError("\n".join(problems))
    return spec


@transaction.atomic
def load_cities(path: Path) -> tuple[int, int]:
    """Create or update the countries and cities of a cities file. Returns (created, updated).

    Cities are matched by name; a figure left out of the file leaves the stored one as it is, so
    figures entered in the admin are not lost when the file is loaded again.
    """
    spec = _check(path)
    countries = {}
    for code, name in spec.countries.items():
        countries[code], _ = Country.objects.update_or_create(code=code, defaults={"name": name})
    created = updated = 0
    for item in spec.cities:
        figures = item.model_dump(exclude={"name", "country"}, exclude_none=True)
        city = City.objects.filter(name=item.name).first()
        if city is None:
            City.objects.create(
                name=item.name,
                slug=slugify(item.name),
                country=countries[item.country],
                **figures,
            )
            created += 1
            continue
        changes = {"country": countries[item.country], **figures}
        if any(getattr(city, field) != value for field, value in changes.items()):
            for field, value in changes.items():
                setattr(city, field, value)
            city.save(update_fields=list(changes))
            updated += 1
    return created, updated
