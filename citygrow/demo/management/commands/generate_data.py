"""Generate a large, made-up dataset for load tests and benchmarks (benchmarks/load.py).

    manage.py seed
    manage.py generate_data --cities 1000 --rounds 3 --seed 1
    manage.py generate_data --cities 200 --rounds 1 --survey-cycles 3

Everything it makes is fictitious and marked as such: countries "Testland A" to "Testland J"
(codes XA to XJ), cities "Generated City 0001", ..., and on every published toolkit, for every
generated city, `--rounds` published assessments titled "Generated round 1", ...

The data is deterministic: the same seed gives the same cities and the same answers, whatever
else is in the database and however many runs it took to make them. Each city and each
assessment draws from a random generator of its own, seeded by the seed and its name. Running
the command again makes only what is missing (more cities, more rounds, a newly published
toolkit), so it never duplicates anything.

With `--survey-cycles N`, the generated cities are recorded as Charter signatories and answer N
cycles of the Charter survey ("generated-2022", "generated-2024", ...: one every two years): every
earlier cycle closed with every city's response accepted and its results published, the last one
open today with about three cities in four having submitted (citygrow.demo.survey).

One function per kind of data (countries, cities, assessments with their answers); a new kind
(comments, pairings, practices) is a new function called from `Command.handle`.
"""

import datetime
import random
from collections.abc import Iterator, Sequence
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from citygrow.assessments.models import Answer, Assessment
from citygrow.assessments.services import store_published_scores
from citygrow.catalogue.models import GuideQuestion, Toolkit
from citygrow.demo.survey import GENERATED_EVIDENCE, make_cycle
from citygrow.people.models import City, CityFigure, Country, Indicator
from citygrow.people.services import ensure_standard_indicators
from citygrow.survey.models import Questionnaire, Response

#: The made-up countries: (code, name). X-codes are user-assigned in ISO 3166-1; XK, which
#: some use for Kosovo, is left out.
COUNTRIES = [(f"X{letter}", f"Testland {letter}") for letter in "ABCDEFGHIJ"]
CITY_NAME = "Generated City {number:04d}"
ROUND_TITLE = "Generated round {round}"
#: The year of the first round; round n is assessed in FIRST_YEAR + n - 1.
FIRST_YEAR = 2022
EVIDENCE = "Generated data (manage.py generate_data)."


class Command(BaseCommand):
    help = (
        "Generate made-up countries, cities and published assessments (with answers drawn from "
        "a seeded random generator) for load tests. Deterministic, and safe to run again: "
        "what is there already is left as it is. Run `seed` first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cities", type=int, default=1000, help="Cities (default 1000).")
        parser.add_argument(
            "--rounds",
            type=int,
            default=3,
            help="Published assessment rounds per city and toolkit (default 3).",
        )
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--survey-cycles",
            type=int,
            default=0,
            help="Charter survey cycles the generated cities answer (default 0).",
        )
        parser.add_argument(
            "--batch",
            type=int,
            default=100,
            help="Cities per transaction when creating assessments (default 100).",
        )

    def handle(
        self,
        *args: object,
        cities: int,
        rounds: int,
        seed: int,
        batch: int,
        survey_cycles: int,
        **options: object,
    ) -> None:
        countries = generate_countries()
        self.stdout.write(f"countries: {len(countries)}")
        city_list, made = generate_cities(count=cities, seed=seed, countries=countries)
        self.stdout.write(f"cities: {made} created, {len(city_list) - made} there already")
        toolkits = list(Toolkit.objects.published().select_related("theme").order_by("pk"))
        if not toolkits:
            self.stderr.write("No published toolkit: run `manage.py seed` first.")
        assessments, answers = generate_assessments(
            cities=city_list, toolkits=toolkits, rounds=rounds, seed=seed, batch=batch
        )
        self.stdout.write(
            f"assessments: {assessments} created with {answers} answers, on "
            f"{len(toolkits)} published toolkits"
        )
        if survey_cycles:
            made_cycles = generate_survey(cities=city_list, cycles=survey_cycles, seed=seed)
            self.stdout.write(f"survey cycles: {made_cycles} created")


def generate_countries() -> list[Country]:
    """The made-up countries, created if missing, in the order of COUNTRIES."""
    countries = []
    for code, name in COUNTRIES:
        country, _ = Country.objects.get_or_create(code=code, defaults={"name": name})
        countries.append(country)
    return countries


def generate_cities(
    *, count: int, seed: int, countries: Sequence[Country]
) -> tuple[list[City], int]:
    """Generated cities 1 to `count`, creating those that are missing.

    Returns them all (in number order) and how many were created. Population and share of
    residents born abroad spread over every band of scoring.population_band and share_band, so
    that each city's report has similar cities to compare with.
    """
    names = [CITY_NAME.format(number=n) for n in range(1, count + 1)]
    existing = {city.name: city for city in City.objects.filter(name__in=names)}
    new = []
    values: dict[str, tuple[int, Decimal]] = {}
    for number, name in enumerate(names, start=1):
        if name in existing:
            continue
        rng = random.Random(f"{seed}/city/{name}")
        new.append(
            City(
                name=name,
                slug=f"generated-city-{number:04d}",
                country=countries[number % len(countries)],
            )
        )
        values[name] = (
            # Log-uniform from 50,000 to 3 million: every population band has cities.
            int(10 ** rng.uniform(4.7, 6.48)) // 100 * 100,
            Decimal(f"{rng.uniform(2.0, 45.0):.1f}"),
        )
    with transaction.atomic():
        City.objects.bulk_create(new, batch_size=500)
        indicators = ensure_standard_indicators()
        created = list(City.objects.filter(name__in=[c.name for c in new]))
        figures = []
        for city in created:
            population, share = values[city.name]
            for code, value in (
                (Indicator.POPULATION, Decimal(population)),
                (Indicator.BORN_ABROAD, share),
            ):
                figures.append(
                    CityFigure(
                        city=city,
                        indicator=indicators[code],
                        value=value,
                        year=2024,
                        source="Generated (test data)",
                    )
                )
        CityFigure.objects.bulk_create(figures, batch_size=500)
    existing.update((city.name, city) for city in created)
    return [existing[name] for name in names], len(new)


def generate_assessments(
    *,
    cities: Sequence[City],
    toolkits: Sequence[Toolkit],
    rounds: int,
    seed: int,
    batch: int = 100,
) -> tuple[int, int]:
    """For each city and toolkit, published assessments "Generated round 1" to `rounds`, each
    round based on the one before, with an answer to every guide question.

    Creates only the missing rounds, `batch` cities per transaction (an interrupted run leaves
    no assessment without its answers or its stored scores). Returns how many assessments and
    answers it created.
    """
    questions = {
        toolkit.pk: list(
            GuideQuestion.objects.filter(key_factor__toolkit=toolkit)
            .order_by("key_factor__position", "position")
            .values_list("pk", flat=True)
        )
        for toolkit in toolkits
    }
    titles = [ROUND_TITLE.format(round=n) for n in range(1, rounds + 1)]
    made_assessments = made_answers = 0
    for chunk in _chunks(cities, batch):
        with transaction.atomic():
            # (city, toolkit, title) -> assessment id, for what is there already.
            ids = {
                (city_id, toolkit_id, title): pk
                for pk, city_id, toolkit_id, title in Assessment.objects.filter(
                    city__in=chunk, toolkit__in=toolkits, title__in=titles
                ).values_list("pk", "city_id", "toolkit_id", "title")
            }
            for number, title in enumerate(titles, start=1):
                previous = titles[number - 2] if number > 1 else None
                new = [
                    _assessment(
                        city,
                        toolkit,
                        number,
                        based_on_id=ids.get((city.pk, toolkit.pk, previous)),
                        seed=seed,
                    )
                    for city in chunk
                    for toolkit in toolkits
                    if (city.pk, toolkit.pk, title) not in ids
                ]
                Assessment.objects.bulk_create(new)
                ids.update(((a.city_id, a.toolkit_id, title), a.pk) for a in new)
                answers = [
                    answer
                    for assessment in new
                    for answer in generate_answers(
                        assessment, questions[assessment.toolkit_id], round_number=number, seed=seed
                    )
                ]
                Answer.objects.bulk_create(answers, batch_size=2000)
                # Published, hence frozen: their scores are stored with them, as on publishing.
                store_published_scores(assessments=new)
                made_assessments += len(new)
                made_answers += len(answers)
    return made_assessments, made_answers


def _assessment(
    city: City, toolkit: Toolkit, number: int, *, based_on_id: int | None, seed: int
) -> Assessment:
    """Round `number` of the city on the toolkit, published, unsaved. Each city has its own
    day of the year for its rounds."""
    day = random.Random(f"{seed}/day/{city.name}").randrange(200)
    assessed_on = datetime.date(FIRST_YEAR + number - 1, 3, 1) + datetime.timedelta(days=day)
    published = datetime.datetime.combine(
        assessed_on + datetime.timedelta(days=30), datetime.time(12), tzinfo=datetime.UTC
    )
    return Assessment(
        city=city,
        toolkit=toolkit,
        title=ROUND_TITLE.format(round=number),
        assessed_on=assessed_on,
        status=Assessment.Status.PUBLISHED,
        based_on_id=based_on_id,
        submitted_at=published - datetime.timedelta(days=20),
        reviewed_at=published - datetime.timedelta(days=5),
        published_at=published,
    )


def generate_answers(
    assessment: Assessment, question_ids: Sequence[int], *, round_number: int, seed: int
) -> list[Answer]:
    """Unsaved answers to `question_ids` for `assessment`, the saved round `round_number` of a
    generated city.

    A city has a level on each toolkit, drawn once, and rises a little at every round; each
    answer is "yes" with that probability, otherwise "partly" or "no", and now and then "don't
    know" or "not applicable". The draws depend only on the seed, the city's name, the toolkit
    and the round, so the same seed always gives the same answers.
    """
    city, toolkit = assessment.city, assessment.toolkit
    edition = f"{toolkit.theme.code}-{toolkit.year}"
    level = random.Random(f"{seed}/level/{city.name}/{edition}").uniform(0.15, 0.75)
    level = min(level + 0.08 * (round_number - 1), 0.95)
    rng = random.Random(f"{seed}/answers/{city.name}/{edition}/{round_number}")
    return [
        Answer(assessment=assessment, question_id=q, value=_draw(rng, level), evidence=EVIDENCE)
        for q in question_ids
    ]


def _draw(rng: random.Random, level: float) -> str:
    """One answer value for a city at `level` (0 to 1, the chance of a "yes")."""
    u = rng.random()
    if u < 0.04:
        return Answer.Value.DONT_KNOW
    if u < 0.07:
        return Answer.Value.NOT_APPLICABLE
    v = rng.random()
    if v < level:
        return Answer.Value.YES
    return Answer.Value.PARTLY if v < level + (1 - level) / 2 else Answer.Value.NO


def generate_survey(*, cities: Sequence[City], cycles: int, seed: int) -> int:
    """`cycles` Charter survey cycles answered by `cities` (recorded as signatories), every
    second year from FIRST_YEAR; the last one open today. Returns how many were created."""
    questionnaire = Questionnaire.objects.current()
    if questionnaire is None:
        return 0
    City.objects.filter(pk__in=[city.pk for city in cities]).update(charter_signatory=True)
    today = datetime.date.today()
    made = 0
    for step in range(cycles):
        year = FIRST_YEAR + 2 * step
        last = step == cycles - 1
        rng = random.Random(f"{seed}/charter-cycle/{year}")
        submitted = {city.pk for city in cities if not last or rng.random() < 0.75}
        cycle = make_cycle(
            questionnaire=questionnaire,
            label=f"generated-{year}",
            title=f"Generated survey {year}",
            opens_on=today - datetime.timedelta(days=20) if last else datetime.date(year, 3, 1),
            closes_on=today + datetime.timedelta(days=40) if last else datetime.date(year, 5, 31),
            cities=cities,
            status_of=lambda city, done=submitted, last=last: (
                Response.Status.INVITED
                if city.pk not in done
                else Response.Status.SUBMITTED
                if last
                else Response.Status.ACCEPTED
            ),
            step=step,
            seed=seed,
            evidence=GENERATED_EVIDENCE,
            results_published=not last,
        )
        made += cycle is not None
    return made


def _chunks(items: Sequence[City], size: int) -> Iterator[Sequence[City]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
