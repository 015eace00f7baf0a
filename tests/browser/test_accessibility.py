"""axe-core, run in the browser on the main pages of each role, on a phone and a laptop.

The test fails on any violation axe rates serious or critical (WCAG 2 A and AA rules, plus
axe's best practices such as heading order), naming the rule, the page and the elements.
axe-core comes from npm (tests/js, `npm ci --prefix tests/js`; licence MPL-2.0 in its
package) and is injected by the test only: the app never serves it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import sqlalchemy as sa

from tests.browser.support import sign_in

if TYPE_CHECKING:
    from playwright.sync_api import Page

AXE = Path(__file__).resolve().parents[1] / "js" / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = os.environ.get("COOPNET_AXE_SCREENSHOTS")  # a folder: keep a screenshot of each page

# role -> pages ("{event}", "{plan}", "{org}" filled from the demo)
PAGES: dict[str, list[str]] = {
    "visitor": ["/", "/events/", "/events/{event}", "/vacatures", "/auth/login"],
    # the same pages in French: longer words, other line breaks
    "visitor_fr": ["/", "/events/", "/events/{event}", "/vacatures"],
    "member": ["/me/", "/me/micro-meetings", "/me/vacancies", "/events/{members_event}"],
    "staff": ["/staff/events/", "/staff/checkin", "/staff/members/", "/staff/members/{org}",
              "/staff/members/people", "/staff/members/contacts"],
    "coordinator": ["/plan/", "/plan/{plan}"],
}
ALSO = {"heading-order"}
ACCOUNTS = {"member": "member@coopnet.test", "staff": "staff@coopnet.test",
            "coordinator": "coordinator@coopnet.test"}


@pytest.fixture
def demo(app, runner, live_server):
    """The demo data on today's date, and the ids the pages need."""
    from coopnet.db import utcnow
    from coopnet.events.models import Event
    from coopnet.extensions import db
    from coopnet.members.models import Organization
    from coopnet.plan.models import Plan
    from coopnet.timezones import brussels_today

    result = runner.invoke(args=["demo", "load", "--today", brussels_today(utcnow()).isoformat()])
    assert result.exit_code == 0, result.output
    with app.app_context():
        first = sa.select(Event.id).where(Event.starts_at > utcnow()).order_by(Event.starts_at)
        return {
            "base_url": live_server,
            "event": db.session.execute(first.where(Event.visibility == "public")).scalars()
            .first(),
            "members_event": db.session.execute(first.where(Event.visibility == "members"))
            .scalars().first(),
            "plan": db.session.execute(sa.select(Plan.id).order_by(Plan.starts_on.desc()))
            .scalars().first(),
            "org": db.session.execute(sa.select(Organization.id).order_by(Organization.id))
            .scalars().first(),
        }


def _serious(page: Page) -> list[dict]:
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations'],
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                                            'best-practice']}});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 4).map(n => n.target.join(' ') + ' :: '
                                           + (n.failureSummary || '').slice(0, 160))}));
    }""")
    # heading-order is "moderate" for axe, but a jump from h1 to h3 misleads screen readers
    return [v for v in result if v["impact"] in ("serious", "critical") or v["id"] in ALSO]


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is not installed: npm ci --prefix tests/js")
@pytest.mark.parametrize("laptop", [False, True], ids=["phone", "laptop"])
@pytest.mark.parametrize("role", list(PAGES))
def test_main_pages_have_no_serious_accessibility_violation(new_device, demo, role, laptop):
    context = new_device(laptop=laptop)
    if role.endswith("_fr"):
        context.add_cookies([{"name": "coopnet_lang", "value": "fr", "url": demo["base_url"]}])
    page = context.new_page()
    if role in ACCOUNTS:
        sign_in(page, ACCOUNTS[role], "coopnet-demo")
    found = {}
    for path in PAGES[role]:
        url = path.format(**demo)
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        page.wait_for_load_state("networkidle")
        if role.endswith("_fr"):
            assert page.locator("html").get_attribute("lang") == "fr"
        if SHOTS:
            name = f"{role}-{'laptop' if laptop else 'phone'}-{url.strip('/').replace('/', '_')}"
            page.screenshot(path=str(Path(SHOTS) / f"{name or 'home'}.png"), full_page=True)
        violations = _serious(page)
        if violations:
            found[url] = violations
    assert found == {}, json.dumps(found, indent=1, ensure_ascii=False)
