"""Load baseline: the site under gunicorn on PostgreSQL, with a generated dataset many times the
demo, measured by concurrent HTTP clients on loopback. A benchmark, not a test: CI never runs it.

    .venv/bin/pip install gunicorn==27.0.1
    .venv/bin/python benchmarks/load.py                  # build the database, then measure
    .venv/bin/python benchmarks/load.py --reuse          # measure on the database built before
    .venv/bin/python benchmarks/load.py --reuse --profile assessment   # where the time goes

It uses the PostgreSQL database named in DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/citygrow_load) and, unless --reuse, drops and recreates it
first (only a database whose name contains "load" or "bench"). Then it migrates, runs `seed`
and `generate_data` (--cities, --rounds), starts gunicorn on a free port of 127.0.0.1 with
DEBUG off, and requests each target with 1, 10 and 50 concurrent clients (threads, one
keep-alive connection each, in this process) for --seconds or --requests, whichever comes
first (but at least --min-requests). It prints a Markdown table: median and 95th-percentile
latency, throughput, and each as a ratio to the trivial view at the same concurrency. Results
go in docs/performance.md.

The trivial view is /api/v1/themes (four themes, two small queries): the cheapest page the
site has that goes through the whole stack (gunicorn, middleware, session, database). Static
files are not served by gunicorn with DEBUG off, and the app has no view made for this.

With --profile TARGET it measures nothing under load: it requests that target in this process
through Django's test client under cProfile and prints the functions that cost the most.
"""

import argparse
import cProfile
import http.client
import os
import pstats
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/citygrow_load"
# The settings of a production deployment behind no proxy: DEBUG off, but plain http.
SERVER_ENVIRONMENT = {
    "DJANGO_SETTINGS_MODULE": "citygrow.settings",
    "DEBUG": "false",
    "SECRET_KEY": "load-benchmark-only-not-a-secret-0123456789abcdef",
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "false",
    "SECURE_HSTS_SECONDS": "0",
    "LOG_LEVEL": "WARNING",
}
os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
os.environ.setdefault("CONN_MAX_AGE", "60")
os.environ.update(SERVER_ENVIRONMENT)

HOST = "127.0.0.1"
#: name -> path; "{assessment}" is the id of a published generated assessment.
TARGETS = {
    "trivial": "/api/v1/themes",
    "toolkit": "/toolkits/A/2018/",
    "search": "/practices/?q=migrant+entrepreneurs",
    "assessment": "/assessments/{assessment}/",
    "report": "/assessments/{assessment}/report.pdf",
}
#: What a response must be, by target: its content type starts with this.
CONTENT_TYPES = {"report": "application/pdf", "trivial": "application/json"}
REQUEST_TIMEOUT = 600.0


@dataclass
class Result:
    target: str
    path: str
    clients: int
    latencies: list[float]  # seconds, of the successful requests
    errors: list[str]
    seconds: float  # wall time from the first request to the last response

    @property
    def median_ms(self) -> float:
        return statistics.median(self.latencies) * 1000 if self.latencies else float("nan")

    @property
    def p95_ms(self) -> float:
        if len(self.latencies) < 2:
            return self.median_ms
        return statistics.quantiles(self.latencies, n=20, method="inclusive")[18] * 1000

    @property
    def per_second(self) -> float:
        return len(self.latencies) / self.seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reuse", action="store_true", help="Keep the database; don't drop it.")
    parser.add_argument("--cities", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (default 3)")
    parser.add_argument("--clients", default="1,10,50", help="concurrency levels (1,10,50)")
    parser.add_argument("--seconds", type=float, default=10.0, help="per target and level")
    parser.add_argument("--requests", type=int, default=300, help="at most, per target and level")
    parser.add_argument("--min-requests", type=int, default=20, help="at least, likewise")
    parser.add_argument("--targets", default=",".join(TARGETS), help="comma-separated names")
    parser.add_argument("--profile", choices=sorted(TARGETS), help="profile one target instead")
    parser.add_argument("--profile-requests", type=int, default=5)
    args = parser.parse_args()
    # Stopped by a signal (kill, or Ctrl-C where a shell ignores SIGINT): stop gunicorn too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))

    if not args.reuse:
        recreate_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    build(cities=args.cities, rounds=args.rounds)
    paths = {name: path.format(assessment=pick_assessment()) for name, path in TARGETS.items()}
    if args.profile:
        profile(paths[args.profile], requests=args.profile_requests)
        return
    describe_run(args)
    from django.db import connections

    connections.close_all()
    targets = [name for name in args.targets.split(",") if name]
    levels = [int(n) for n in args.clients.split(",")]
    with GunicornServer(workers=args.workers) as port:
        for name in targets:
            check(port, name, paths[name])
        results = []
        for clients in levels:
            for name in targets:
                warm_up(port, paths[name], workers=args.workers)
                result = measure(
                    port,
                    name,
                    paths[name],
                    clients=clients,
                    seconds=args.seconds,
                    max_requests=args.requests,
                    min_requests=args.min_requests,
                )
                print(
                    f"  {name:10} {clients:3} clients: {len(result.latencies):4} requests, "
                    f"median {result.median_ms:8.1f} ms, p95 {result.p95_ms:8.1f} ms, "
                    f"{result.per_second:7.1f}/s, {len(result.errors)} errors",
                    flush=True,
                )
                results.append(result)
    print()
    print(table(results))
    failed = [r for r in results if r.errors]
    for result in failed:
        print(f"{result.path} at {result.clients}: {result.errors[:3]}", file=sys.stderr)
    if failed:
        sys.exit(1)


def recreate_database(url: str) -> None:
    """Drop and create the database named in `url`, connecting to the server's `postgres`."""
    import dj_database_url
    import psycopg
    from psycopg import sql

    config = dj_database_url.parse(url)
    name = config["NAME"]
    if config["ENGINE"] != "django.db.backends.postgresql":
        sys.exit(f"DATABASE_URL must name a PostgreSQL database, not {url}")
    if "load" not in name and "bench" not in name:
        sys.exit(f"Will not drop {name!r}: its name has neither 'load' nor 'bench'. Use --reuse.")
    with psycopg.connect(
        dbname="postgres",
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
        autocommit=True,
    ) as connection:
        database = sql.Identifier(name)
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(database))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(database))
    print(f"database {name}: created")


def build(*, cities: int, rounds: int) -> None:
    """Migrate, seed and generate the data. Each step leaves what is there already."""
    from django.core.management import call_command

    for command, *options in [
        ("migrate", "--noinput"),
        ("seed",),
        ("generate_data", "--cities", str(cities), "--rounds", str(rounds), "--seed", "1"),
    ]:
        start = time.perf_counter()
        out = StringIO()
        call_command(command, *options, stdout=out)
        summary = "; ".join(line for line in out.getvalue().splitlines()[-3:] if line)
        print(f"{command}: {time.perf_counter() - start:.1f} s  {summary[:150]}", flush=True)


def pick_assessment() -> int:
    """The latest round of the first generated city on toolkit A 2018: published, with a
    previous round, a network of every other generated city and similar cities to compare."""
    from citygrow.assessments.models import Assessment

    latest = (
        Assessment.objects.published()
        .filter(city__name="Generated City 0001", toolkit__theme__code="A", toolkit__year=2018)
        .order_by("-assessed_on")
        .first()
    )
    if latest is None:
        sys.exit("No generated assessment on toolkit A 2018: is the toolkit published?")
    return latest.pk


def describe_run(args: argparse.Namespace) -> None:
    import django
    from django.db import connection

    from citygrow.assessments.models import Answer, Assessment
    from citygrow.people.models import City
    from citygrow.practices.models import Practice

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    print(
        f"Python {sys.version.split()[0]}, Django {django.get_version()}, "
        f"gunicorn {gunicorn_version()}, PostgreSQL {postgres}, {os.cpu_count()} CPUs; "
        f"{args.workers} sync workers, CONN_MAX_AGE={os.environ['CONN_MAX_AGE']}"
    )
    print(
        f"data: {City.objects.count()} cities, "
        f"{Assessment.objects.published().count()} published assessments, "
        f"{Answer.objects.count()} answers, {Practice.objects.count()} practices"
    )
    print(
        f"each target: {args.seconds:g} s or {args.requests} requests, whichever first, "
        f"at least {args.min_requests}",
        flush=True,
    )


def gunicorn_version() -> str:
    try:
        import gunicorn
    except ImportError:
        sys.exit(f"gunicorn is not installed: {sys.executable} -m pip install gunicorn==27.0.1")
    return str(gunicorn.__version__)


class GunicornServer:
    """gunicorn serving the site on a free port of 127.0.0.1, stopped on exit."""

    def __init__(self, *, workers: int) -> None:
        gunicorn_version()
        self.workers = workers
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed in __exit__)
            prefix="citygrow-gunicorn-", suffix=".log", delete=False
        )

    def __enter__(self) -> int:
        with socket.socket() as probe:
            probe.bind((HOST, 0))
            self.port = probe.getsockname()[1]
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "citygrow.wsgi:application",
                f"--bind={HOST}:{self.port}",
                f"--workers={self.workers}",
                f"--timeout={int(REQUEST_TIMEOUT)}",
                "--log-level=warning",
                f"--chdir={ROOT}",
            ],
            env=os.environ.copy(),
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"gunicorn stopped:\n{Path(self.log.name).read_text()}")
            try:
                status, _, _ = get(self.port, TARGETS["trivial"])
            except OSError:
                time.sleep(0.2)
                continue
            if status == 200:
                print(f"gunicorn: pid {self.process.pid}, http://{HOST}:{self.port}/", flush=True)
                return self.port
            time.sleep(0.2)
        self.__exit__()
        sys.exit(f"gunicorn did not answer in 60 s:\n{Path(self.log.name).read_text()}")

    def __exit__(self, *exc: object) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()
        errors = Path(self.log.name).read_text()
        if "Traceback" in errors or "ERROR" in errors:
            print(f"gunicorn's log ({self.log.name}):\n{errors[-3000:]}", file=sys.stderr)
        else:
            os.unlink(self.log.name)


def get(port: int, path: str) -> tuple[int, str, bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read()
    finally:
        connection.close()


def check(port: int, name: str, path: str) -> None:
    """Stop here unless the target answers as it should: a 503 PDF or a 404 is no baseline."""
    status, content_type, body = get(port, path)
    expected = CONTENT_TYPES.get(name, "text/html")
    if status != 200 or not content_type.startswith(expected):
        sys.exit(f"{path}: {status} {content_type}, not 200 {expected}\n{body[:500]!r}")


def warm_up(port: int, path: str, *, workers: int) -> None:
    """A few requests first, so that every worker has imported and cached what the path needs."""
    measure(
        port,
        "",
        path,
        clients=workers,
        seconds=0,
        max_requests=2 * workers,
        min_requests=2 * workers,
    )


def measure(
    port: int,
    name: str,
    path: str,
    *,
    clients: int,
    seconds: float,
    max_requests: int,
    min_requests: int,
) -> Result:
    """`clients` threads, each with its own connection, requesting `path` one request after
    another until `seconds` have passed (and `min_requests` were started) or `max_requests`
    were started. gunicorn's sync workers close the connection after each response;
    http.client then opens a new one, and the time to connect counts in the latency."""
    lock = threading.Lock()
    started = 0
    latencies: list[float] = []
    errors: list[str] = []
    begin = time.perf_counter()
    deadline = begin + seconds

    def client() -> None:
        nonlocal started
        connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
        try:
            while True:
                with lock:
                    if started >= max_requests or (
                        started >= min_requests and time.perf_counter() >= deadline
                    ):
                        return
                    started += 1
                start = time.perf_counter()
                try:
                    connection.request("GET", path)
                    response = connection.getresponse()
                    response.read()
                except (OSError, http.client.HTTPException) as error:
                    connection.close()
                    errors.append(repr(error))
                    continue
                elapsed = time.perf_counter() - start
                if response.status == 200:
                    latencies.append(elapsed)
                else:
                    errors.append(f"HTTP {response.status}")
        finally:
            connection.close()

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        while thread.is_alive():  # a timeout, so that a signal is handled at once
            thread.join(0.2)
    return Result(name, path, clients, latencies, errors, time.perf_counter() - begin)


def table(results: list[Result]) -> str:
    """The results as a Markdown table, each figure also as a ratio to the trivial view's."""
    trivial = {r.clients: r for r in results if r.target == "trivial"}
    lines = [
        "| target | clients | requests | median ms | p95 ms | req/s "
        "| median / trivial | p95 / trivial | req/s / trivial |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for r in sorted(results, key=lambda r: (list(TARGETS).index(r.target), r.clients)):
        base = trivial.get(r.clients)
        ratios = (
            f"{r.median_ms / base.median_ms:.1f} | {r.p95_ms / base.p95_ms:.1f} "
            f"| {r.per_second / base.per_second:.2f}"
            if base and r.latencies and base.latencies
            else "| |"
        )
        lines.append(
            f"| `{r.path}` | {r.clients} | {len(r.latencies)} | {r.median_ms:.1f} "
            f"| {r.p95_ms:.1f} | {r.per_second:.1f} | {ratios} |"
        )
    return "\n".join(lines)


def profile(path: str, *, requests: int) -> None:
    """Request `path` through Django's test client under cProfile and print the top costs."""
    from django.test import Client

    client = Client(HTTP_HOST=HOST)
    response = client.get(path)  # warm up: imports, template loading
    assert response.status_code == 200, (path, response.status_code)
    profiler = cProfile.Profile()
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        profiler.enable()
        response = client.get(path)
        profiler.disable()
        times.append((time.perf_counter() - start) * 1000)
    print(f"{path}: {requests} requests, median {statistics.median(times):.1f} ms (profiled)")
    for order in ("cumulative", "tottime"):
        print(f"\n== by {order}")
        pstats.Stats(profiler).strip_dirs().sort_stats(order).print_stats(25)


if __name__ == "__main__":
    main()
