"""The plan import seen in a browser: reasons on the preview, a line placed by hand, import."""

from __future__ import annotations

import os

import sqlalchemy as sa

from coopnet.extensions import db
from coopnet.plan.models import Indicator
from tests.browser.support import expect, sign_in, watch
from tests.factories import make_user

PASSWORD = "import-test-password-1"
PLAN = ("\t\t8 nieuwsbrieven\n"
        "Netwerkmomenten\t4 regionale coopborrels\t4 borrels, 100 deelnemers\n"
        "Communicatie\tNieuwsbrief\t3 infoavonden (Gent, Aalst, Genk) in juli 2025\n")


def test_a_coordinator_previews_places_a_line_and_imports(new_device, app):
    with app.app_context():
        make_user("coordinator", email="sofie@coopnet.test", password=PASSWORD)
    page = new_device(laptop=True).new_page()
    problems = watch(page)
    sign_in(page, "sofie@coopnet.test", PASSWORD)
    page.goto("/plan/import")
    page.get_by_label("…of plak de cellen uit de spreadsheet, of het plan als tekst").fill(PLAN)
    page.get_by_role("button", name="Voorbeeld").click()
    expect(page.get_by_text("Regels die niet geplaatst konden worden: 1")).to_be_visible()
    expect(page.get_by_text("Waarom: een indicator zonder actie erboven")).to_be_visible()
    expect(page.locator(".reason").first).to_contain_text(
        "„borrels” gelezen als de activiteitssoort Coopborrel")
    expect(page.get_by_text("Gent, Aalst, Genk").first).to_be_visible()
    if os.environ.get("COOPNET_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["COOPNET_SCREENSHOTS"],
                                          "import-preview.png"), full_page=True)
    # the select sits outside the form (form="import-form") and still travels with it
    page.get_by_label("Plaats deze regel").select_option(label="Indicator van „Nieuwsbrief”")
    page.get_by_role("button", name="Voorbeeld").click()
    expect(page.get_by_text("Regels die niet geplaatst konden worden: 0")).to_be_visible()
    page.get_by_label("Naam van het plan").fill("Netwerkplan 2025")
    page.get_by_label("Begin van de periode").fill("2025-01-01")
    page.get_by_label("Einde van de periode").fill("2025-12-31")
    page.get_by_role("button", name="Dit plan importeren").click()
    expect(page.locator(".alert-success")).to_contain_text("Het plan werd geïmporteerd")
    assert problems == []
    with app.app_context():
        texts = db.session.execute(sa.select(Indicator.text).order_by(Indicator.id)).scalars()
        assert list(texts) == ["4 borrels", "100 deelnemers",
                               "3 infoavonden (Gent, Aalst, Genk) in juli 2025",
                               "8 nieuwsbrieven"]
