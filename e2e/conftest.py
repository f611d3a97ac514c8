"""Browser tests: Playwright driving the system Chromium against Django's live server.

They are skipped when Chromium is missing, unless REQUIRE_BROWSER=1 (CI), where a missing
browser fails the run instead of hiding the gap.
"""

import os
import shutil
import threading
import time

import pytest
from django.core.signals import request_finished, request_started

# Playwright's sync API runs an event loop in this thread; the ORM calls of fixtures are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
HAVE_CHROMIUM = os.path.exists(CHROMIUM)
PASSWORD = "mật-khẩu-thử-123"  # the factories' password
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(config, items):
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.browser)
    if HAVE_CHROMIUM:
        return
    if os.environ.get("REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(f"REQUIRE_BROWSER=1 but Chromium is missing at {CHROMIUM}")
    skip = pytest.mark.skip(reason=f"Chromium is missing at {CHROMIUM}: browser tests skipped")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args():
    return {"executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


@pytest.fixture(scope="session")
def browser_context_args():
    return {"viewport": {"width": 1280, "height": 900}, "locale": "vi-VN"}


class _InFlight:
    """The live server's requests under way: its threads between Django's request signals. The
    test's own thread (the test client's requests, which may end in an exception with no
    ``request_finished``) is left out, and a thread that died counts no more."""

    def __init__(self):
        self.threads: dict[int, threading.Thread] = {}
        self.lock = threading.Lock()

    def started(self, **kwargs):
        thread = threading.current_thread()
        if thread is not threading.main_thread():
            with self.lock:
                self.threads[thread.ident] = thread

    def finished(self, **kwargs):
        with self.lock:
            self.threads.pop(threading.get_ident(), None)

    def busy(self) -> bool:
        with self.lock:
            return any(thread.is_alive() for thread in self.threads.values())

    def wait_idle(self, timeout=10.0, quiet=0.05):
        """Returns once no request has been under way for ``quiet`` seconds (or at ``timeout``)."""
        deadline = time.monotonic() + timeout
        idle_since = None
        while time.monotonic() < deadline:
            if self.busy():
                idle_since = None
            elif idle_since is None:
                idle_since = time.monotonic()
            elif time.monotonic() - idle_since >= quiet:
                return True
            time.sleep(0.02)
        return False


IN_FLIGHT = _InFlight()
request_started.connect(IN_FLIGHT.started, dispatch_uid="e2e-in-flight-started")
request_finished.connect(IN_FLIGHT.finished, dispatch_uid="e2e-in-flight-finished")


@pytest.fixture(autouse=True)
def _browser_db(transactional_db, settings):
    """The live server runs in another thread: tests see its data only with a real commit.

    At the end, the database is emptied only once the live server has answered every request
    still under way: a page's last request (the notification count its load triggers) could
    otherwise hold the in-memory database while it is flushed, and fail the test's teardown."""
    settings.SECURE_COOKIES = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    yield
    IN_FLIGHT.wait_idle()


@pytest.fixture
def mobile_page(browser):
    """A page on a 375px-wide phone screen."""
    context = browser.new_context(
        viewport={"width": 375, "height": 740}, locale="vi-VN", is_mobile=True, has_touch=True
    )
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def new_page(browser):
    """Makes further pages, each in its own browser context (its own session)."""
    contexts = []

    def make(width=1280, height=900, locale="vi-VN"):
        context = browser.new_context(viewport={"width": width, "height": height}, locale=locale)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def login(live_server):
    """Signs ``user`` in through the login form, as a person would."""

    def sign_in(page, user, password=PASSWORD):
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        assert "/login/" not in page.url, f"{user.username} could not sign in"
        return page

    return sign_in


@pytest.fixture
def assert_accessible():
    """axe-core on the current page: no serious or critical violation."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page):
        results = axe.run(page)
        bad = [
            f"{v['id']} ({v['impact']}): {v['help']} — "
            + "; ".join(n["target"][0] if n.get("target") else "?" for n in v["nodes"][:3])
            for v in results.response["violations"]
            if v.get("impact") in ("serious", "critical")
        ]
        assert not bad, f"axe-core on {page.url}:\n" + "\n".join(bad)
        return results

    return check
