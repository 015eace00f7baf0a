"""Camera scanning without the browser's BarcodeDetector (Safari on iPhone): the door page's
fallback decodes the ticket's QR code with jsQR, served by coopnet and loaded only when needed.

Chromium stands in for Safari: an init script deletes window.BarcodeDetector before the page
runs. The first test reads a still image through the fallback's detect(); the second starts
the camera on a fake video device that shows a ticket's QR code, as a phone held up to a
ticket would, and the person is checked in.
"""

from __future__ import annotations

import base64
import io
import re
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
import segno

from coopnet.db import utcnow
from tests.browser.support import CHROMIUM, LAPTOP, LAUNCH_ARGS, TIMEOUT_MS, expect, sign_in, watch
from tests.factories import make_event, make_person, make_registration, make_user

if TYPE_CHECKING:
    from pathlib import Path

    from playwright.sync_api import Page

PASSWORD = "scanner-test-password-1"
NO_DETECTOR = "delete window.BarcodeDetector;"


@pytest.fixture
def door(app):
    """Tonight's coopborrel with Lies confirmed; a staff member at the door."""
    with app.app_context():
        make_user("staff", email="an@coopnet.test", display_name="An", password=PASSWORD)
        event = make_event("Coopborrel Gent", kind_slug="coopborrel", capacity=10, city="Gent",
                           starts_at=utcnow() + timedelta(hours=1))
        lies = make_registration(event, make_person("Lies", "Peeters", email="lies@example.test"))
        return {"url": f"/staff/events/{event.id}/checkin", "code": lies.ticket_code}


def _open_door(page: Page, url: str, requests: list[str]) -> None:
    page.on("request", lambda request: requests.append(request.url))
    sign_in(page, "an@coopnet.test", PASSWORD)
    page.goto(url)
    expect(page.get_by_role("heading", name="Coopborrel Gent")).to_be_visible()


def test_without_barcode_detector_the_fallback_reads_a_ticket_image(new_device, door,
                                                                     live_server):
    context = new_device()
    context.add_init_script(NO_DETECTOR)
    page = context.new_page()
    problems = watch(page)
    requests: list[str] = []
    _open_door(page, door["url"], requests)
    # the stand-in is there, the camera button shows, and jsQR is not fetched yet
    assert page.evaluate("window.BarcodeDetector.coopnetFallback") is True
    expect(page.locator("#door-camera")).to_be_visible()
    assert not [url for url in requests if "jsQR.js" in url]
    assert page.evaluate("typeof window.jsQR") == "undefined"

    link = f"{live_server}/r/{door['code']}"
    png = io.BytesIO()
    segno.make(link, error="m").save(png, kind="png", scale=6, border=4)
    found = page.evaluate("""async (src) => {
        const image = new Image();
        image.src = src;
        await image.decode();
        const detector = new BarcodeDetector({formats: ['qr_code']});
        return (await detector.detect(image)).map(code => code.rawValue);
    }""", "data:image/png;base64," + base64.b64encode(png.getvalue()).decode())
    assert found == [link]
    # now jsQR came from coopnet itself, not from a CDN
    assert [url for url in requests if "jsQR.js" in url] == [
        f"{live_server}/static/vendor/jsqr/jsQR.js"]
    # an image without a code gives no result, not an error
    assert page.evaluate("""async () => {
        const canvas = document.createElement('canvas');
        canvas.width = canvas.height = 200;
        return (await new BarcodeDetector().detect(canvas)).length;
    }""") == 0
    assert problems == []


def _y4m(text: str, path: Path, width: int = 640, height: int = 480) -> None:
    """A few frames of video (YUV 4:2:0) showing the QR code of `text` on white."""
    matrix = [list(row) for row in segno.make(text, error="m").matrix]
    size = len(matrix) + 8  # a quiet zone of four modules around the code
    scale = min(width, height) * 3 // 4 // size
    left, top = (width - size * scale) // 2, (height - size * scale) // 2
    luma = bytearray([235]) * (width * height)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                for dy in range(scale):
                    start = (top + (y + 4) * scale + dy) * width + left + (x + 4) * scale
                    luma[start:start + scale] = bytes([16]) * scale
    chroma = bytes([128]) * (width * height // 4)
    frame = b"FRAME\n" + bytes(luma) + chroma + chroma
    path.write_bytes(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode()
                     + frame * 5)


def test_the_camera_checks_a_ticket_in_without_barcode_detector(browser, door, live_server,
                                                               tmp_path):
    video = tmp_path / "ticket.y4m"
    _y4m(f"{live_server}/r/{door['code']}", video)
    camera_browser = browser.browser_type.launch(
        executable_path=CHROMIUM,
        args=[*LAUNCH_ARGS, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
              f"--use-file-for-fake-video-capture={video}"])
    try:
        context = camera_browser.new_context(base_url=live_server, viewport=LAPTOP,
                                             locale="nl-BE", timezone_id="Europe/Brussels")
        context.set_default_timeout(TIMEOUT_MS)
        context.add_init_script(NO_DETECTOR)
        page = context.new_page()
        problems = watch(page)
        _open_door(page, door["url"], [])
        page.locator("#door-camera").click()
        expect(page.locator("#door-video-box")).to_be_visible()
        expect(page.locator("#door-feedback-text")).to_have_text(
            re.compile(r"^\s*Ingecheckt: Lies Peeters"))
        expect(page.locator('[data-count="checked_in"]')).to_have_text("1")
        page.locator("#door-camera-stop").click()
        expect(page.locator("#door-video-box")).to_be_hidden()
        assert problems == []
    finally:
        camera_browser.close()
