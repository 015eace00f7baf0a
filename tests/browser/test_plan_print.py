"""The printable plan report fits an A4 page: every column, the status included, on the paper."""

from __future__ import annotations

from tests.browser.support import sign_in, watch
from tests.factories import make_indicator, make_plan, make_user

PASSWORD = "print-test-password-1"
# A4 is 210 mm wide; the print style leaves 12 mm on each side: 186 mm at 96 px per inch
A4_PRINTABLE_PX = round(186 / 25.4 * 96)


def test_the_printable_report_keeps_the_status_column_on_an_a4_page(app, new_device):
    with app.app_context():
        make_user("coordinator", email="sofie@coopnet.test", password=PASSWORD)
        plan, action = make_plan()
        action.title = "Coördineren samenwerkingsverband en kwaliteitsbewaking"
        make_indicator(action, "events_held", target=5, unit="activiteiten",
                       text="5 webinars/lezing/seminarie/debat (kapitaalophaling, GDPR,...)")
        make_indicator(action, "manual", target=3, unit="nieuwsberichten",
                       text="minimaal 3 nieuwsberichten in de nieuwsbrief")
        plan_id = plan.id
    page = new_device(laptop=True).new_page()
    problems = watch(page)
    sign_in(page, "sofie@coopnet.test", PASSWORD)
    page.set_viewport_size({"width": A4_PRINTABLE_PX, "height": 1000})
    page.emulate_media(media="print")
    page.goto(f"/plan/{plan_id}/print?at=2021-12-31")

    boxes = page.evaluate("""() => [...document.querySelectorAll('.plan-print th, .plan-print td')]
        .map(cell => ({text: cell.textContent.trim(), right: cell.getBoundingClientRect().right}))""")
    assert [b["text"] for b in boxes[:6]] == ["Actie", "Indicator", "Behaald", "Streefwaarde",
                                              "%", "Status"]
    assert max(b["right"] for b in boxes) <= A4_PRINTABLE_PX, boxes
    assert "geen gegevens" in [b["text"] for b in boxes]  # the manual value was never entered
    # the site's menu is not printed
    assert page.locator("nav.navbar").is_hidden()
    assert problems == []
