"""Time the pairing recommender against one bare assignment solve of the same size.

    .venv/bin/python benchmarks/pairing.py                  # n = 100, 200, 500, 1000, 2000
    .venv/bin/python benchmarks/pairing.py 100 500          # chosen sizes
    REPEAT=5 .venv/bin/python benchmarks/pairing.py

For each n: n mentor cities and n implementing cities with 10 key factors, their scores drawn
(seeded) the way assessments give them: the mean of 2 to 8 answers worth 0, 50 or 100, one
score in 20 missing; 5 countries and 4 working languages (1 or 2 per city), with both rules
on (no pair within a country, a shared language required), capacity 1. It times
`pairing.propose` (with the explanations of every pair), the one `linear_sum_assignment` call
inside it, and a direct `linear_sum_assignment` on an n x n matrix of random costs, in the same
run, each the median of REPEAT runs (3), and prints a table with the ratio of `propose` to the
direct solve. No database, no Django: the solver is a pure module. Results go in
docs/performance.md ("Pairing").
"""

import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import scipy  # noqa: E402
from scipy.optimize import linear_sum_assignment  # noqa: E402

from citygrow.mentoring import pairing  # noqa: E402

REPEAT = int(os.environ.get("REPEAT", "3"))
SIZES = [int(arg) for arg in sys.argv[1:]] or [100, 200, 500, 1000, 2000]
KEY_FACTORS = 10
COUNTRIES = ["NL", "FI", "CY", "PT", "DE"]
LANGUAGES = ["en", "fr", "de", "el"]


def score(rng: random.Random) -> float | None:
    """A key factor's score as an assessment gives it, or None (one in 20)."""
    if rng.random() < 0.05:
        return None
    answers = [rng.choice((0, 50, 100)) for _ in range(rng.randint(2, 8))]
    return sum(answers) / len(answers)


def scheme(n: int, seed: int = 1) -> list[pairing.Candidate]:
    rng = random.Random(seed)
    cities = []
    for role, first in ((pairing.Role.MENTOR, 1), (pairing.Role.IMPLEMENTING, n + 1)):
        for id in range(first, first + n):
            cities.append(
                pairing.Candidate(
                    id=id,
                    name=f"City {id}",
                    country=rng.choice(COUNTRIES),
                    languages=frozenset(rng.sample(LANGUAGES, rng.randint(1, 2))),
                    role=role,
                    scores={key: score(rng) for key in range(1, KEY_FACTORS + 1)},
                )
            )
    return cities


def median_seconds(run: Callable[[], object]) -> float:
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    options = pairing.Options(forbid_same_country=True, require_shared_language=True)
    headings = {key: f"Key factor {key}" for key in range(1, KEY_FACTORS + 1)}
    solve_times: list[float] = []
    real_solve = pairing.linear_sum_assignment

    def timed_solve(*args: object) -> object:
        start = time.perf_counter()
        result = real_solve(*args)
        solve_times.append(time.perf_counter() - start)
        return result

    pairing.linear_sum_assignment = timed_solve  # type: ignore[attr-defined]
    print(
        f"{platform.node()}: {platform.processor() or platform.machine()}, {os.cpu_count()} cores"
    )
    print(
        f"Python {platform.python_version()}, NumPy {np.__version__}, SciPy {scipy.__version__}, "
        f"median of {REPEAT}"
    )
    print()
    print(
        "| n x n | pairs | propose (s) | its solve (s) | direct solve, random n x n (s) | ratio |"
    )
    print("|---|---|---|---|---|---|")
    for n in SIZES:
        cities = scheme(n)
        costs = np.random.default_rng(n).random((n, n))
        proposal = pairing.propose(cities, headings, options)  # warm up, and the pair count
        solve_times.clear()
        proposed = median_seconds(lambda: pairing.propose(cities, headings, options))  # noqa: B023
        its_solve = statistics.median(solve_times)
        direct = median_seconds(lambda: linear_sum_assignment(costs))  # noqa: B023
        print(
            f"| {n:,} | {len(proposal.pairs):,} | {proposed:.3f} | {its_solve:.3f} | "
            f"{direct:.3f} | {proposed / direct:.1f} |"
        )


if __name__ == "__main__":
    main()
