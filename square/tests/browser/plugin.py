"""pytest wiring of the browser tests (pytest-playwright against pytest-django's live
server), registered for the whole suite by the repository's conftest.py.

- The browser is the system's Chromium (`shutil.which("chromium")`; the environment
  variable `SQUARE_CHROMIUM` names another program or path, and `SQUARE_CHROMIUM=none`
  hides it), launched headless with `--no-sandbox`; nothing is ever downloaded. Without
  one every browser test is skipped and the run ends with the single line
  "browser tests skipped: no Chromium".
- Browser tests (marker `browser`) run after every other test: once Playwright's sync
  API has started, an event loop runs in the main thread until the session ends, and
  Django's async-unsafe guard trips on every database query. So `DJANGO_ALLOW_ASYNC_UNSAFE`
  is set when the browser starts, after the other tests (one of them runs
  `check --deploy`, which rightly refuses the variable), and unset at the end.
- The `web` fixture (square.tests.browser.web.Web) serves uploads, recomputes the
  leaderboards at every change instead of every 10 s, keeps each test's screenshots in
  test-artifacts/browser/<test>/, and watches every page it opens: the test fails if any
  page logged a JavaScript error, broke the Content-Security-Policy or opened a dialog.
"""

import os
import re
import shutil
from pathlib import Path

import pytest

from square.tests.browser.web import Web

SKIP_LINE = "browser tests skipped: no Chromium"
NO_CHROMIUM = pytest.StashKey[bool]()


def chromium_path() -> str | None:
    return shutil.which(os.environ.get("SQUARE_CHROMIUM", "chromium"))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """After pytest-django's ordering: the browser tests last (see the module's text)."""
    browser = [item for item in items if item.get_closest_marker("browser")]
    if browser:
        items[:] = [item for item in items if not item.get_closest_marker("browser")] + browser


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if config.stash.get(NO_CHROMIUM, False):
        terminalreporter.write_line(SKIP_LINE, yellow=True, bold=True)


@pytest.fixture(scope="session")
def _async_unsafe_allowed():
    """Django's database calls from the test thread while Playwright's loop runs."""
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    yield
    if before is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture(scope="session")
def browser_type_launch_args(pytestconfig, request):
    """Overrides pytest-playwright's: the system Chromium, or a skip. `--headed` and
    `--slowmo` still work for watching a journey."""
    path = chromium_path()
    if path is None:
        pytestconfig.stash[NO_CHROMIUM] = True
        pytest.skip(SKIP_LINE)
    request.getfixturevalue("_async_unsafe_allowed")
    return {
        "executable_path": path,
        "headless": not pytestconfig.getoption("--headed"),
        "slow_mo": pytestconfig.getoption("--slowmo"),
        "args": ["--no-sandbox"],
    }


@pytest.fixture
def web(new_context, live_server, settings, request) -> Web:
    """Watched pages on the live server (uploads served, leaderboards fresh at once)."""
    settings.ROOT_URLCONF = "square.tests.browser.urls"
    settings.SQUARE_LEADERBOARD_REFRESH_SECONDS = 0
    name = re.sub(r"[^\w.-]+", "-", request.node.name).strip("-")
    shots = Path(request.config.rootpath, "test-artifacts", "browser", name)
    shutil.rmtree(shots, ignore_errors=True)  # the last run's pictures of this test
    return Web(new_context, live_server.url, shots)


def _settled(web: Web | None) -> list[str]:
    if web is None:
        return []
    try:
        return web.settle()
    except Exception as error:  # a crashed page: say so, without hiding the test's error
        return [*web.watch.problems(), f"the pages could not be read: {error}"]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """A journey whose pages logged an error, a CSP violation or a dialog fails."""
    web = item.funcargs.get("web") if hasattr(item, "funcargs") else None
    try:
        result = yield
    finally:
        problems = _settled(web)
        if problems:
            item.add_report_section("call", "browser", "\n".join(problems))
    assert not problems, "the pages reported:\n" + "\n".join(problems)
    return result
