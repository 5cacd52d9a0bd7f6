"""Loading toolkit files: idempotent, editions side by side, and a bad file writes nothing."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from citygrow.catalogue.models import GuideQuestion, KeyFactor, Toolkit
from citygrow.catalogue.services import (
    Outcome,
    load_toolkit,
    read_toolkit_file,
    read_toolkit_text,
)
from citygrow.catalogue.toolkit_file import ToolkitFileError
from citygrow.practices.models import Practice
from tests.support.toolkits import TOOLKITS, write


def snapshot() -> tuple[int, ...]:
    return (
        Toolkit.objects.count(),
        KeyFactor.objects.count(),
        GuideQuestion.objects.count(),
        Practice.objects.count(),
    )


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=out)
    return out.getvalue()


def test_loading_the_same_edition_twice_changes_nothing(toolkit_a):
    before = snapshot()
    loaded_at = toolkit_a.loaded_at
    document = read_toolkit_file(TOOLKITS / "A-2018.yaml")
    result = load_toolkit(document=document, source="A-2018.yaml")
    assert result.outcome is Outcome.UNCHANGED
    assert snapshot() == before
    assert Toolkit.objects.get(pk=toolkit_a.pk).loaded_at == loaded_at


def test_a_new_edition_is_added_beside_the_old_one(toolkit_a, toolkit_a_text, tmp_path):
    path = write(
        tmp_path,
        "A-2019.yaml",
        toolkit_a_text.replace("  year: 2018\n  status", "  year: 2019\n  status"),
    )
    assert "A 2019: created" in run("load_toolkit", str(path))
    years = list(Toolkit.objects.filter(theme__code="A").values_list("year", flat=True))
    assert sorted(years) == [2018, 2019]
    assert Practice.objects.filter(toolkit__year=2019).count() == toolkit_a.practices.count()


def test_changed_content_for_a_stored_edition_is_refused(toolkit_a, toolkit_a_text, tmp_path):
    before = snapshot()
    changed = toolkit_a_text.replace("Mapping and needs assessment", "Mapping and needs analysis")
    path = write(tmp_path, "A-2018.yaml", changed)
    output = StringIO()
    with pytest.raises(CommandError):
        call_command("load_toolkit", str(path), stdout=output, stderr=output)
    assert "already loaded with different content" in output.getvalue()
    assert snapshot() == before
    assert KeyFactor.objects.filter(heading="Mapping and needs assessment").exists()


def test_replace_swaps_the_content_in_one_go(toolkit_a, toolkit_a_text, tmp_path):
    changed = toolkit_a_text.replace("Mapping and needs assessment", "Mapping and needs analysis")
    path = write(tmp_path, "A-2018.yaml", changed)
    assert "A 2018: replaced" in run("load_toolkit", "--replace", str(path))
    assert KeyFactor.objects.filter(heading="Mapping and needs analysis").count() == 1
    assert not KeyFactor.objects.filter(heading="Mapping and needs assessment").exists()
    assert Toolkit.objects.filter(theme__code="A").count() == 1


def test_a_bad_file_writes_nothing_and_says_why(seeded, toolkit_a_text, tmp_path):
    before = snapshot()
    bad = toolkit_a_text.replace("  year: 2018\n  status", "  year: 2021\n  status").replace(
        "city: Munich", "city: Atlantis"
    )
    path = write(tmp_path, "A-2021.yaml", bad)
    output = StringIO()
    with pytest.raises(CommandError, match="1 of 1 file"):
        call_command("load_toolkit", str(path), stdout=output, stderr=output)
    assert "A-2021.yaml: key_factors[0].examples[0].city" in output.getvalue()
    assert "unknown city 'Atlantis'" in output.getvalue()
    assert snapshot() == before


def test_a_failure_half_way_rolls_everything_back(seeded, toolkit_a_text, monkeypatch):
    """If the database refuses part of an edition, none of it stays."""
    before = snapshot()
    document = read_toolkit_file(TOOLKITS / "A-2018.yaml").model_copy(
        update={
            "edition": read_toolkit_file(TOOLKITS / "A-2018.yaml").edition.model_copy(
                update={"year": 2030}
            )
        }
    )

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Practice.objects, "bulk_create", explode)
    with pytest.raises(RuntimeError):
        load_toolkit(document=document, source="A-2030.yaml")
    assert snapshot() == before


def test_check_mode_validates_without_writing(db, tmp_path):
    call_command("load_cities", stdout=StringIO())
    assert "A-2018.yaml: no problems" in run("load_toolkit", "--check", str(TOOLKITS))
    assert Toolkit.objects.count() == 0


def test_a_missing_path_is_a_clear_error(db):
    with pytest.raises(CommandError, match=r"no-such\.yaml: no such file or folder"):
        run("load_toolkit", "no-such.yaml")


def test_a_file_that_is_not_utf8_is_reported(db, tmp_path):
    path = tmp_path / "X-2020.yaml"
    path.write_bytes(b"\xff\xfe format: 1")
    with pytest.raises(ToolkitFileError, match="cannot be read"):
        read_toolkit_file(path)


def test_seeding_twice_is_harmless(seeded):
    before = snapshot()
    output = run("seed")
    assert "A-2018.yaml: A 2018: unchanged" in output
    assert "C-2018.yaml: C 2018: unchanged" in output
    assert snapshot() == before


def test_admin_edits_make_the_file_count_as_different(toolkit_a, staff_client):
    from citygrow.catalogue.services import refresh_fingerprint

    old = toolkit_a.content_hash
    factor = toolkit_a.key_factors.get(position=1)
    factor.heading = "Mapping"
    factor.save(update_fields=["heading"])
    refresh_fingerprint(toolkit_a)
    assert Toolkit.objects.get(pk=toolkit_a.pk).content_hash != old
    document = read_toolkit_file(TOOLKITS / "A-2018.yaml")
    with pytest.raises(ToolkitFileError, match="different content"):
        load_toolkit(document=document, source="A-2018.yaml")


def test_cities_file_reloads_without_losing_recorded_figures(seeded):
    from citygrow.people.models import City, CityFigure, Indicator

    munich = City.objects.get(name="Munich")
    population = Indicator.objects.get(code="population")
    CityFigure.objects.create(
        city=munich, indicator=population, value=1_500_000, year=2020, source="Made-up office"
    )
    assert "0 cities created, 0 updated" in run("load_cities")
    assert CityFigure.objects.get(city=munich).value == 1_500_000


def test_a_bad_cities_file_is_reported(db, tmp_path):
    path = write(
        tmp_path,
        "cities.yaml",
        "countries: {DE: Germany}\ncities:\n  - {name: Bonn, country: XX}\n",
    )
    with pytest.raises(CommandError, match=r"cities\[0\].country: unknown country XX"):
        run("load_cities", str(path))


@pytest.mark.parametrize("code", ["A", "C"])
def test_export_load_export_gives_the_same_file(seeded, code, tmp_path):
    """The stored edition says exactly what its source file says, and survives a round trip."""
    source = read_toolkit_file(TOOLKITS / f"{code}-2018.yaml")
    first = run("export_toolkit", code, "2018")
    assert read_toolkit_text(first, source="export").as_data() == source.as_data()
    path = write(tmp_path, f"{code}-2018.yaml", first)
    assert f"{code} 2018: unchanged" in run("load_toolkit", str(path))
    renamed = write(
        tmp_path,
        f"{code}-2024.yaml",
        first.replace("  year: 2018\n  status", "  year: 2024\n  status"),
    )
    run("load_toolkit", str(renamed))
    second = run("export_toolkit", code, "2024")
    assert second == first.replace("  year: 2018\n  status", "  year: 2024\n  status")
    as_json = run("export_toolkit", code, "2018", "--format", "json")
    assert json.loads(as_json) == source.as_data()
