"""Browser tests: Debian's Chromium driven by Playwright against Django's live server.

Every test in this folder is marked `browser` (deselect them with `-m "not browser"`) and is
skipped, with the reason shown, when /usr/bin/chromium or Playwright is missing. Playwright
never downloads a browser here: it launches the system Chromium.

Fixtures:
- `browser`: one headless Chromium for the session.
- `page`: a fresh context and page per test, so no cookie, storage or history leaks between
  tests. Requests to any host other than the live server are refused, and a JavaScript error
  on the page fails the test.
- `page_without_js`: the same with JavaScript off.
- `site`: the live server's base URL, with the seed data loaded for this test.
"""

import os
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

HERE = Path(__file__).resolve().parent
SCREENSHOTS = HERE.parent.parent / "var" / "browser-failures"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: How long a Playwright action or expectation waits before failing (ms). The pages are local
#: and small, and htmx waits 500 ms after the last keystroke; but CI machines have two cores
#: shared with PostgreSQL and the server, and an autosave once took over 5 s there. Waiting
#: longer costs nothing when the page is right.
TIMEOUT_MS = 15_000


def _why_not_runnable() -> str | None:
    if not CHROMIUM.exists():
        return f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "browser tests need the playwright Python package (pip install -e '.[dev]')"
    return None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Keep the test's outcome on the item, so that `page` can take a screenshot on failure."""
    report = yield
    if report.when == "call":
        item.call_report = report  # type: ignore[attr-defined]
    return report


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say plainly when the browser checks did not run."""
    reason = _why_not_runnable()
    if reason:
        terminalreporter.write_line(
            f"BROWSER CHECKS SKIPPED: {reason}. Journeys and accessibility were not tested.",
            yellow=True,
            bold=True,
        )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark this folder's tests `browser`, and skip them when they cannot run here."""
    reason = _why_not_runnable()
    if reason and os.environ.get("CITYGROW_REQUIRE_BROWSER"):
        raise pytest.UsageError(f"CITYGROW_REQUIRE_BROWSER is set, but {reason}")
    for item in items:
        if HERE not in item.path.parents:
            continue
        item.add_marker(pytest.mark.browser)
        if reason:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    # Playwright's sync API keeps an asyncio event loop running in this thread; without this,
    # Django refuses ORM calls from the tests (SynchronousOnlyOperation). Set only while the
    # browser runs (pytest-django runs these live-server tests after the others).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    reason = _why_not_runnable()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import expect, sync_playwright

    # Assertions wait as long as actions: `expect` has its own default (5 s), which an
    # autosave on a loaded CI machine (PostgreSQL and two test workers) once exceeded.
    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


class _CountRequests:
    """The live server's application, counting the requests it is still answering.

    On SQLite the live server's threads share the test's in-memory database connection. A request
    the browser made just before the test ended (an htmx swap, an image) could still hold a
    transaction open on it when pytest-django empties the database, which then fails with
    "cannot start a transaction within a transaction". `site` waits for this count to reach
    zero before the database is emptied."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.busy = 0
        self.idle = threading.Condition()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        with self.idle:
            self.busy += 1
        result = None
        try:
            result = self.app(environ, start_response)
            yield from result
        finally:
            # The WSGI server closes this generator when the response is sent or abandoned.
            if result is not None and hasattr(result, "close"):
                result.close()
            with self.idle:
                self.busy -= 1
                self.idle.notify_all()

    def wait_until_idle(self, timeout: float = 30) -> None:
        with self.idle:
            if not self.idle.wait_for(lambda: self.busy == 0, timeout=timeout):
                raise RuntimeError(f"the live server still answers {self.busy} request(s)")


@pytest.fixture
def site(live_server: Any, transactional_db: None) -> Iterator[str]:
    """The live server's base URL (no trailing slash), with the seed data loaded.

    live_server tests run with transactional_db, which empties the database after each test,
    so the seed runs for every test (about 0.4 s). After the test (and after `page` has closed
    its browser context), this waits until the server has finished every request.
    """
    server = live_server.thread.httpd
    if not isinstance(server.get_app(), _CountRequests):
        server.set_app(_CountRequests(server.get_app()))
    with open(os.devnull, "w") as devnull:
        call_command("seed", stdout=devnull)
    yield str(live_server.url)
    server.get_app().wait_until_idle()


@pytest.fixture
def page(browser: Any, site: str, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A page in a fresh browser context that reaches only the live server. When the test
    fails, a screenshot of the page is saved in var/browser-failures/<test name>.png."""
    context = browser.new_context(base_url=site, viewport={"width": 1280, "height": 800})
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    _only_live_server(context, site)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: (
            errors.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield page
    report = getattr(request.node, "call_report", None)
    if report is not None and report.failed:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = "".join(c if c.isalnum() or c in "-_" else "_" for c in request.node.name)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    context.close()
    if errors:
        pytest.fail("JavaScript errors on the page:\n" + "\n".join(errors), pytrace=False)


@pytest.fixture
def page_without_js(browser: Any, site: str) -> Iterator[Any]:
    """Like `page`, with JavaScript off: what a reader gets when htmx does not load."""
    context = browser.new_context(base_url=site, java_script_enabled=False)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    _only_live_server(context, site)
    yield context.new_page()
    context.close()


def _only_live_server(context: Any, site: str) -> None:
    """Refuse every request to another host: the tests never touch the network."""
    origin = urlsplit(site).netloc

    def route(route: Any) -> None:
        if urlsplit(route.request.url).netloc == origin:
            route.continue_()
        else:
            route.abort("blockedbyclient")

    context.route("**/*", route)


@pytest.fixture
def demo(site: str) -> str:
    """The live site with the demo people and assessments (password "citygrow-demo")."""
    with open(os.devnull, "w") as devnull:
        call_command("seed", "--demo", stdout=devnull)
    return site
