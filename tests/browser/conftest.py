"""Browser tests: the app served on a free port, driven by Debian's Chromium through Playwright.

The server runs in a background thread (werkzeug's `make_server`) on the very app and
database the `app` fixture of tests/conftest.py prepares, so these tests run on SQLite and,
with COOPNET_TEST_DATABASE_URL set, on PostgreSQL alike. CSRF protection is on, as in
production: the pages' scripts must send their tokens.

Playwright cannot download its own browsers here; it launches /usr/bin/chromium. Without
Chromium (or without the playwright package) every test in this folder is skipped and
says why, so `make test` still passes on such a machine.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from flask import Flask
from werkzeug.serving import WSGIRequestHandler, make_server

from tests.browser.support import (
    CHROMIUM,
    LAPTOP,
    LAUNCH_ARGS,
    PHONE,
    SKIP_REASON,
    TIMEOUT_MS,
    expect,
    sync_playwright,
    watch,
)

HERE = Path(__file__).resolve().parent

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without Chromium or Playwright, skip every test in this folder with the reason."""
    if not SKIP_REASON:
        return
    skip = pytest.mark.skip(reason=SKIP_REASON)
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(skip)


@pytest.fixture
def app_config() -> dict[str, Any]:
    """CSRF on, as in production: the browser sends the tokens the pages give it."""
    return {"WTF_CSRF_ENABLED": True}


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:  # one line per request: no
        pass


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The app served on a free port in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    base_url = f"http://127.0.0.1:{server.server_port}"
    app.config["COOPNET_BASE_URL"] = base_url
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield base_url
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium per test worker."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_device(browser: Browser, live_server: str) -> Iterator[Callable[..., BrowserContext]]:
    """new_device() opens a fresh browser context (own cookies) on a phone; laptop=True: 1280x800."""
    contexts: list[BrowserContext] = []

    def _open(laptop: bool = False) -> BrowserContext:
        context = browser.new_context(base_url=live_server, viewport=LAPTOP if laptop else PHONE,
                                      is_mobile=not laptop, has_touch=not laptop,
                                      locale="nl-BE", timezone_id="Europe/Brussels")
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    expect.set_options(timeout=TIMEOUT_MS)
    yield _open
    for context in contexts:
        context.close()


@pytest.fixture
def phone(new_device: Callable[..., BrowserContext]) -> Iterator[Page]:
    """A page on a phone-sized screen; fails the test on a script error or a CSP refusal."""
    page = new_device().new_page()
    problems = watch(page)
    yield page
    assert problems == [], problems
