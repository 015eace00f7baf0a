"""The staff registration list: groups, search, exports safe for spreadsheets, query count."""

import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from coopnet.db import utcnow
from coopnet.registrations.services import cancel_registration, register
from tests.factories import make_event, make_organization


def _event_with_registrations(app, waiting=2):
    """Two confirmed, `waiting` on the list, one cancelled."""
    with app.app_context():
        coop = make_organization("Coop Zonnewind")
        event = make_event("Dag van de Coöperatie", capacity=2,
                           starts_at=utcnow() + timedelta(days=5))
        now = utcnow()
        register(event, name="An Peeters", email="an@example.test", organization=coop,
                 consent=True, now=now)
        register(event, name="Bart Janssens", email="bart@example.test",
                 organization_name="=HYPERLINK(\"http://evil\")", consent=True,
                 now=now + timedelta(seconds=1))
        for n in range(waiting):
            register(event, name=f"Wachtende {n + 1}", email=f"w{n + 1}@example.test",
                     organization_name="@SUM(A1)", consent=True,
                     now=now + timedelta(seconds=2 + n))
        gone, _ = register(event, name="Cas Weg", email="cas@example.test", consent=True,
                           now=now + timedelta(seconds=30))
        cancel_registration(gone, now=now + timedelta(seconds=40))
        from coopnet.extensions import db
        db.session.commit()
        return event.id


@pytest.mark.parametrize(("role", "status"), [(None, 302), ("member", 403), ("staff", 200),
                                              ("coordinator", 200)])
def test_only_staff_see_the_list(client, app, login, role, status):
    event_id = _event_with_registrations(app, waiting=0)
    if role:
        login(client, role)
    assert client.get(f"/staff/events/{event_id}/registrations").status_code == status
    assert client.get(f"/staff/events/{event_id}/registrations.csv").status_code == status


def test_list_groups_confirmed_waiting_in_order_and_cancelled(client, app, login):
    event_id = _event_with_registrations(app)
    login(client, "staff")
    html = client.get(f"/staff/events/{event_id}/registrations").get_data(as_text=True)
    assert "2</strong> bevestigd" in html and "2</strong> wachtend" in html
    assert "1</strong> geannuleerd" in html
    confirmed, rest = html.split("Wachtlijst (in volgorde)")
    waiting, cancelled = rest.split("<h2 class=\"h5\">Geannuleerd")
    assert "An Peeters" in confirmed and "Coop Zonnewind" in confirmed
    assert waiting.index("Wachtende 1") < waiting.index("Wachtende 2")
    assert "Cas Weg" in cancelled


def test_search_by_name_email_or_organisation(client, app, login):
    event_id = _event_with_registrations(app)
    login(client, "staff")
    url = f"/staff/events/{event_id}/registrations"
    for query, found, not_found in [("peeters", "An Peeters", "Bart Janssens"),
                                    ("BART@", "Bart Janssens", "An Peeters"),
                                    ("zonnewind", "An Peeters", "Wachtende 1"),
                                    ("100%", None, "An Peeters")]:
        html = client.get(url, query_string={"q": query}).get_data(as_text=True)
        if found:
            assert found in html
        assert not_found not in html


def test_csv_and_xlsx_exports_neutralise_formulas(client, app, login):
    event_id = _event_with_registrations(app)
    login(client, "staff")
    response = client.get(f"/staff/events/{event_id}/registrations.csv")
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")),
                           delimiter=";"))
    assert rows[0][:5] == ["Status", "Voornaam", "Achternaam", "E-mail", "Organisatie"]
    assert rows[1][:5] == ["Bevestigd", "An", "Peeters", "an@example.test", "Coop Zonnewind"]
    assert rows[2][4] == "'=HYPERLINK(\"http://evil\")"
    assert rows[3][0] == "Wachtlijst" and rows[3][4] == "'@SUM(A1)"
    assert len(rows) == 1 + 5

    response = client.get(f"/staff/events/{event_id}/registrations.xlsx")
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[2][4] == "'=HYPERLINK(\"http://evil\")"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_list_query_count_does_not_grow_with_registrations(client, app, login, count_queries):
    small = _event_with_registrations(app, waiting=1)
    login(client, "staff")
    client.get(f"/staff/events/{small}/registrations")  # warm up
    with count_queries() as few:
        client.get(f"/staff/events/{small}/registrations")
    with app.app_context():
        from coopnet.events.models import Event
        from coopnet.extensions import db
        event = db.session.get(Event, small)
        for n in range(20):
            register(event, name=f"Extra {n}", email=f"extra{n}@example.test",
                     organization_name="Coop", consent=True)
        db.session.commit()
    with count_queries() as many:
        response = client.get(f"/staff/events/{small}/registrations")
    assert response.status_code == 200
    assert many.count == few.count
    assert many.count <= 8


def test_event_page_links_staff_to_the_registration_list(client, app, login):
    event_id = _event_with_registrations(app, waiting=0)
    login(client, "staff")
    html = client.get(f"/events/{event_id}").get_data(as_text=True)
    assert f'href="/staff/events/{event_id}/registrations"' in html
