"""Time the public pages and API routes on a site with ten times the seeded data.

    .venv/bin/python benchmarks/pages.py            # SQLite, in a temporary file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/citygrow_bench \
        .venv/bin/python benchmarks/pages.py

It builds its own database (SQLite: a temporary file; PostgreSQL: the database named in
DATABASE_URL, which it empties first), loads the seed data plus 18 more editions of toolkit A,
200 more cities and a published assessment for 100 of them, then requests each route REPEAT
times through Django's test client and prints the median and the 90th percentile in
milliseconds. Results go in docs/performance.md.
"""

import os
import statistics
import sys
import tempfile
import time
from datetime import date
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "citygrow.settings")
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

REPEAT = int(os.environ.get("REPEAT", "30"))
ROUTES = [
    "/",
    "/toolkits/",
    "/toolkits/A/2018/",
    "/practices/",
    "/practices/?q=migrant+entrepreneurs",
    "/practices/?country=GB&page=2",
    "/cities/",
    "/api/v1/toolkits/A/2018",
    "/api/v1/practices?q=finance",
    "/assessments/",
    "ASSESSMENT",
    "ASSESSMENT_API",
]


def build() -> None:
    from citygrow.catalogue.services import load_toolkit
    from citygrow.catalogue.toolkit_file import parse_toolkit
    from citygrow.people.models import City, Country

    call_command("flush", "--noinput", stdout=StringIO())
    call_command("migrate", "--noinput", stdout=StringIO())
    call_command("seed", stdout=StringIO())
    text = (ROOT / "data/toolkits/A-2018.yaml").read_text(encoding="utf-8")
    cities = set(City.objects.values_list("name", flat=True))
    for year in range(2000, 2018):
        edited = text.replace("  year: 2018\n  status", f"  year: {year}\n  status")
        load_toolkit(document=parse_toolkit(edited, known_cities=cities), source=f"A-{year}")
    country, _ = Country.objects.get_or_create(code="ZZ", defaults={"name": "Testland"})
    City.objects.bulk_create(
        City(name=f"Town {n}", slug=f"town-{n}", country=country) for n in range(200)
    )
    # A published assessment on toolkit A for 100 cities, with a fixed pattern of answers.
    from citygrow.assessments.models import Answer, Assessment
    from citygrow.catalogue.models import GuideQuestion, Toolkit

    toolkit = Toolkit.objects.get(theme__code="A", year=2018)
    questions = list(GuideQuestion.objects.filter(key_factor__toolkit=toolkit))
    values = ["yes", "partly", "no", "dont_know", "not_applicable", "yes"]
    for n, city in enumerate(City.objects.order_by("pk")[:100]):
        assessment = Assessment.objects.create(
            city=city, toolkit=toolkit, title=f"Bench {n}", assessed_on=date(2025, 1, 1),
            status=Assessment.Status.PUBLISHED,
        )  # fmt: skip
        Answer.objects.bulk_create(
            Answer(assessment=assessment, question=q, value=values[(n + i) % len(values)])
            for i, q in enumerate(questions)
        )


def main() -> None:
    call_command("migrate", "--noinput", stdout=StringIO())
    build()
    client = Client()
    print(f"database: {django.db.connection.vendor}, {REPEAT} requests per route")
    print(f"{'route':45} {'median ms':>10} {'p90 ms':>8}")
    from citygrow.assessments.models import Assessment

    first = Assessment.objects.order_by("pk").first()
    for url in ROUTES:
        url = {
            "ASSESSMENT": f"/assessments/{first.pk}/",
            "ASSESSMENT_API": f"/api/v1/assessments/{first.pk}",
        }.get(url, url)
        client.get(url)  # warm up
        times = []
        for _ in range(REPEAT):
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        p90 = statistics.quantiles(times, n=10)[-1]
        print(f"{url:45} {statistics.median(times):10.1f} {p90:8.1f}")


if __name__ == "__main__":
    main()
