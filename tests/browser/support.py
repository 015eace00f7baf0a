"""What the browser tests share: where Chromium is, the phone's size, and small helpers.

Without Chromium or the playwright package, SKIP_REASON says what is missing and the
conftest skips every browser test with it (this module still imports).
"""

from __future__ import annotations

import re
import shutil
from typing import TYPE_CHECKING

try:
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # pragma: no cover - the dev extras install it
    expect = sync_playwright = None  # type: ignore[assignment]

if TYPE_CHECKING:
    from playwright.sync_api import ConsoleMessage, Page, Response

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}
# enough for the door page's poll (every 4 s) on a slow, shared machine
TIMEOUT_MS = 10_000
# Debian's Chromium in a container: no sandbox, no GPU, small /dev/shm, nothing fetched
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
               "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run"]

if CHROMIUM is None:
    SKIP_REASON = "browser tests need Chromium: apt-get install chromium"
elif sync_playwright is None:
    SKIP_REASON = "browser tests need the playwright package: pip install -e '.[dev]'"
else:
    SKIP_REASON = ""


def watch(page: Page) -> list[str]:
    """Collect uncaught script errors, console errors (CSP refusals show there) and 5xx answers.

    A 4xx answer is part of a page's normal work (a form with an error answers 422); the
    browser logs it as "Failed to load resource", which is therefore not a problem here.
    """
    problems: list[str] = []

    def _console(message: ConsoleMessage) -> None:
        if message.type == "error" and not re.match(
                r"Failed to load resource: the server responded with a status of 4\d\d",
                message.text):
            problems.append(f"console: {message.text}")

    def _response(response: Response) -> None:
        if response.status >= 500:
            problems.append(f"{response.status} from {response.request.method} {response.url}")

    page.on("pageerror", lambda error: problems.append(f"pageerror: {error}"))
    page.on("console", _console)
    page.on("response", _response)
    return problems


def sign_in(page: Page, email: str, password: str) -> None:
    """Sign in through the sign-in form, as a person would."""
    page.goto("/auth/login")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.locator(".alert-success")).to_contain_text("Welkom")
    # the page after signing in is whole (stylesheet and scripts loaded) before a test measures it
    page.wait_for_load_state("load")
