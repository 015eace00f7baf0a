"""Indicator reading, decoding, the row limit, placing lines by hand and the import preview."""

from __future__ import annotations

import html as html_lib
import re
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from coopnet.events.models import EventKind
from coopnet.extensions import db
from coopnet.plan.importer import (
    MAX_ROWS,
    TooManyRows,
    parse_rows,
    place_by_hand,
    propose,
    rows_from_csv,
    rows_from_text,
    rows_from_upload,
)
from coopnet.plan.models import Action, Goal, Indicator, Plan
from coopnet.web.uploads import decode_text


def _read(text):
    """(fragment, measure, target, params, own period) per proposal."""
    return [(p.text, p.measure, p.target, p.params,
             (p.starts_on.isoformat() if p.starts_on else None,
              p.ends_on.isoformat() if p.ends_on else None)) for p in propose(text)]


NO_PERIOD = (None, None)


@pytest.mark.parametrize(("text", "expected"), [
    # "of", "en" and brackets do not cut a phrase
    ("3 studiedagen of webinars", [
        ("3 studiedagen of webinars", "events_held", 3,
         {"kinds": ["seminarie", "webinar"]}, NO_PERIOD)]),
    ("20 stages en jobs gepubliceerd", [
        ("20 stages en jobs gepubliceerd", "vacancies_published", 20, {}, NO_PERIOD)]),
    ("3 infoavonden (Gent, Aalst, Genk)", [
        ("3 infoavonden (Gent, Aalst, Genk)", "events_held", 3,
         {"kinds": ["infosessie"], "cities": ["Gent", "Aalst", "Genk"]}, NO_PERIOD)]),
    ("5 artikels of blogs", [("5 artikels of blogs", "manual", 5, {}, NO_PERIOD)]),
    # two targets in one cell
    ("6 nieuwsflashes bereik 1500", [
        ("6 nieuwsflashes", "manual", 6, {}, NO_PERIOD),
        ("bereik 1500", "manual", 1500, {}, NO_PERIOD)]),
    ("4 borrels, 100 deelnemers", [
        ("4 borrels", "events_held", 4, {"kinds": ["coopborrel"]}, NO_PERIOD),
        ("100 deelnemers", "attendances", 100, {"kinds": ["coopborrel"]}, NO_PERIOD)]),
    # event words beyond the source plan: compounds, plurals, synonyms, adjectives before them
    ("2 werkbezoeken", [("2 werkbezoeken", "events_held", 2, {"kinds": ["praktijkbezoek"]},
                         NO_PERIOD)]),
    ("4 regionale coopborrels", [("4 regionale coopborrels", "events_held", 4,
                                  {"kinds": ["coopborrel"]}, NO_PERIOD)]),
    ("2 lezingen en 1 workshop", [
        ("2 lezingen", "events_held", 2, {"kinds": ["lezing"]}, NO_PERIOD),
        ("1 workshop", "events_held", 1, {"kinds": ["workshop"]}, NO_PERIOD)]),
    ("3 overleggen met de stad", [("3 overleggen met de stad", "events_held", 3,
                                   {"kinds": ["overleg"]}, NO_PERIOD)]),
    ("1 inspiratiedag", [("1 inspiratiedag", "events_held", 1, {"kinds": ["seminarie"]},
                          NO_PERIOD)]),
    ("2 vormingssessies", [("2 vormingssessies", "events_held", 2, {"kinds": ["workshop"]},
                            NO_PERIOD)]),
    ("4 nieuwjaarsborrels", [("4 nieuwjaarsborrels", "events_held", 4,
                              {"kinds": ["coopborrel"]}, NO_PERIOD)]),
    # words that end like an event but are none
    ("4 werkdagen", [("4 werkdagen", "manual", 4, {}, NO_PERIOD)]),
    ("2 ledenbezoeken", [("2 ledenbezoeken", "manual", 2, {}, NO_PERIOD)]),
    # months and years give the indicator its own period; a deadline only its end
    ("2 werkbezoeken in juli 2024", [
        ("2 werkbezoeken in juli 2024", "events_held", 2, {"kinds": ["praktijkbezoek"]},
         ("2024-07-01", "2024-07-31"))]),
    ("Dag van de Coöperatie feb 2022, 150 deelnemers", [
        ("Dag van de Coöperatie feb 2022", "events_held", 1,
         {"kinds": ["dag-van-de-cooperatie"]}, ("2022-02-01", "2022-02-28")),
        ("150 deelnemers", "attendances", 150, {"kinds": ["dag-van-de-cooperatie"]},
         ("2022-02-01", "2022-02-28"))]),
    ("tegen juli 2024: website vernieuwd", [
        ("tegen juli 2024: website vernieuwd", "milestone", 1, {}, (None, "2024-07-31"))]),
    ("ledenaantal stijgt met 10% tov 2020", [
        ("ledenaantal stijgt met 10% tov 2020", "member_growth", 10,
         {"baseline": "2020-12-31"}, NO_PERIOD)]),
    # member, contact, pairing and vacancy phrases
    ("80% van de leden gecontacteerd", [
        ("80% van de leden gecontacteerd", "members_contacted_share", 80, {}, NO_PERIOD)]),
    ("alle leden worden persoonlijk gecontacteerd", [
        ("alle leden worden persoonlijk gecontacteerd", "members_contacted_share", 100, {},
         NO_PERIOD)]),
    ("nieuwe leden krijgen een welkomstgesprek", [
        ("nieuwe leden krijgen een welkomstgesprek", "new_members_intro_share", 100, {},
         NO_PERIOD)]),
    ("120 leden", [("120 leden", "member_count", 120, {}, NO_PERIOD)]),
    ("10 duo's en trio's", [("10 duo's en trio's", "pairings_held", 10, {}, NO_PERIOD)]),
    ("30 vacatures", [("30 vacatures", "vacancies_published", 30, {}, NO_PERIOD)]),
    # a year is no target ("in 2025 webinars" is not 2025 webinars)
    ("in 2025 webinars organiseren", [
        ("in 2025 webinars organiseren", "milestone", 1, {}, ("2025-01-01", "2025-12-31"))]),
    # participants of events named with them; a frequency before an event word
    ("50 aanwezigen op de infoavond", [
        ("50 aanwezigen op de infoavond", "attendances", 50, {"kinds": ["infosessie"]},
         NO_PERIOD)]),
    ("200 deelnemers aan onze webinars", [
        ("200 deelnemers aan onze webinars", "attendances", 200, {"kinds": ["webinar"]},
         NO_PERIOD)]),
    ("1 borrel en 2 infoavonden, 50 aanwezigen op de borrel", [
        ("1 borrel", "events_held", 1, {"kinds": ["coopborrel"]}, NO_PERIOD),
        ("2 infoavonden", "events_held", 2, {"kinds": ["infosessie"]}, NO_PERIOD),
        ("50 aanwezigen op de borrel", "attendances", 50, {"kinds": ["coopborrel"]},
         NO_PERIOD)]),
    ("2x per jaar een ledenvergadering", [
        ("2x per jaar een ledenvergadering", "events_held", 2,
         {"kinds": ["algemene-vergadering"]}, NO_PERIOD)]),
    ("1 studiedag in het voorjaar 2025 voor 80 deelnemers", [
        ("1 studiedag in het voorjaar 2025", "events_held", 1, {"kinds": ["seminarie"]},
         ("2025-03-01", "2025-06-30")),
        ("80 deelnemers", "attendances", 80, {"kinds": ["seminarie"]},
         ("2025-03-01", "2025-06-30"))]),
    # growth in percent, new members in numbers
    ("10% meer leden", [("10% meer leden", "member_growth", 10, {}, NO_PERIOD)]),
    ("groei van het aantal leden met 5%", [
        ("groei van het aantal leden met 5%", "member_growth", 5, {}, NO_PERIOD)]),
    ("25 leden extra", [("25 leden extra", "manual", 25, {}, NO_PERIOD)]),
    # no rule fits, and still no words are lost
    ("€ 5000 subsidie", [("€ 5000 subsidie", "milestone", 1, {}, NO_PERIOD)]),
    # no number: a milestone
    ("Website is vernieuwd", [("Website is vernieuwd", "milestone", 1, {}, NO_PERIOD)]),
])
def test_indicator_reading(text, expected):
    assert _read(text) == [(t, m, Decimal(n), p, w) for t, m, n, p, w in expected]


def test_every_proposal_says_why():
    reasons = [[str(r) for r in p.reasons] for p in propose(
        "3 infoavonden (Gent, Aalst, Genk) in juli 2024 60 deelnemers 6 nieuwsflashes")]
    assert reasons == [
        ["“infoavonden” is read as the event kind Infosessie: events held",
         "the places in brackets (Gent, Aalst, Genk) limit it to events in those cities",
         "“juli 2024” gives the indicator its own period"],
        ["“deelnemers” after the events: participants of those same events",
         "“juli 2024” gives the indicator its own period"],
        ["“nieuwsflashes” is nothing coopnet counts: the value is entered by hand"],
    ]


def test_places_in_brackets_only_when_they_are_places():
    assert _read("5 webinars (kapitaalophaling, GDPR)")[0][3] == {"kinds": ["webinar"]}
    assert _read("2 infosessies (Gent, Hasselt)")[0][3] == {
        "kinds": ["infosessie"], "cities": ["Gent", "Hasselt"]}
    # online events have no city: "(Gent, online)" must not leave them out
    assert _read("2 infosessies (Gent, Online)")[0][3] == {"kinds": ["infosessie"]}


def test_the_event_kinds_of_the_database_are_the_vocabulary():
    kinds = [("repair-cafe", "Repair Café", "Repair café"), ("webinar", "Webinar", "Webinar")]
    plan = parse_rows(rows_from_text("Circulair | Herstellen | 6 repair cafés, 2 webinars"),
                      kinds=kinds)
    assert [(p.measure, p.target, p.params) for p in plan.all_proposals()] == [
        ("events_held", 6, {"kinds": ["repair-cafe"]}), ("events_held", 2, {"kinds": ["webinar"]})]
    # a kind that is not in the database is not proposed: the borrel is a count by hand
    assert [(p.measure, p.params) for p in parse_rows(
        rows_from_text("Netwerk | Borrels | 4 borrels"), kinds=kinds).all_proposals()] == [
        ("manual", {})]


def test_one_decoder_for_uploads():
    text = "Coöperatie – één"
    assert decode_text(b"\xef\xbb\xbf" + text.encode("utf-8")).text == text
    assert decode_text(text.encode("utf-8")).text == text
    assert decode_text(text.encode("cp1252")).text == text


def test_a_row_limit_with_a_clear_error():
    lines = "\n".join(f"Doel\tActie {n}\t{n} webinars" for n in range(MAX_ROWS + 1))
    with pytest.raises(TooManyRows):
        rows_from_text(lines)
    with pytest.raises(TooManyRows):
        rows_from_csv(lines.replace("\t", ";"))
    assert len(rows_from_text("\n".join(lines.splitlines()[:MAX_ROWS]))) == MAX_ROWS


def test_lines_placed_by_hand():
    plan = parse_rows(rows_from_text(
        "\t\t8 nieuwsbrieven\nCommunicatie\tNieuwsbrief\t6 nieuwsflashes\nlosse nota\t\t\n"))
    assert [(u.line, u.text) for u in plan.unplaced] == [(1, "8 nieuwsbrieven"),
                                                         (3, "losse nota")]
    place_by_hand(plan, {1: "action:0", 3: "goal:0"})
    action, new = plan.goals[0].actions
    assert [p.text for t in action.texts for p in t.proposals] == ["6 nieuwsflashes",
                                                                 "8 nieuwsbrieven"]
    assert new.title == "losse nota"
    assert plan.still_unplaced == []
    assert plan.counts == {"strategic_goals": 1, "goals": 0, "actions": 2, "indicators": 2}


def test_a_header_naming_the_plan_over_the_goal_column_still_reads_goals():
    plan = parse_rows(rows_from_text(
        "Werkplan Zuid\tActies\tIndicatoren\n"
        "SD 1 Coopkracht verbindt\t\t\n"
        "1. Ontmoeting\tCoopborrels organiseren\t3 coopborrels\n"
        "\tWebinars\t5 webinars\n"))
    (sd,) = plan.goals
    assert (sd.number, sd.title) == ("1", "Coopkracht verbindt")
    assert [(g.number, g.title) for g in sd.children] == [("1", "Ontmoeting")]
    assert [a.title for a in sd.children[0].actions] == ["Coopborrels organiseren", "Webinars"]
    assert plan.unplaced == []


def test_a_table_without_a_goal_column_puts_its_actions_under_one_goal():
    plan = parse_rows(rows_from_text("Borrels\t4 borrels\nWebinars\t2 webinars\n"))
    (goal,) = plan.goals
    assert goal.title == "Actions"  # "Acties" on the Dutch page
    assert [a.title for a in goal.actions] == ["Borrels", "Webinars"]
    assert plan.unplaced == []


def test_a_numbers_only_column_under_an_unknown_header_numbers_the_actions():
    plan = parse_rows(rows_from_text("Nr\tActie\tResultaat\n1\tBorrels\t4 borrels\n"
                                     "2\tWebinars\t2 webinars\n"))
    assert [a.title for a in plan.all_actions()] == ["Borrels", "Webinars"]
    assert [p.text for a in plan.all_actions() for t in a.texts for p in t.proposals] == [
        "4 borrels", "2 webinars"]


def test_a_number_before_an_action_is_a_quantity_not_numbering():
    plan = parse_rows(rows_from_text("1. Netwerk | 4 Regionale borrels | 4 borrels"))
    assert [(g.number, g.title) for g in plan.goals] == [("1", "Netwerk")]
    assert [a.title for a in plan.all_actions()] == ["4 Regionale borrels"]


def test_bulleted_actions_in_one_cell_are_several_actions():
    rows = [(1, ["Netwerk", "- Borrels\n- Lezingen", ""]), (2, ["", "Werkbezoeken", "2 werkbezoeken"])]
    assert [a.title for a in parse_rows(rows).all_actions()] == ["Borrels", "Lezingen",
                                                                  "Werkbezoeken"]


# ---------------------------------------------------------------- the import page


def _rows_field(html):
    found = re.search(r'name="rows" type="hidden" value="([^"]*)"', html)
    assert found
    return html_lib.unescape(found.group(1))


def test_the_plain_table_imports_as_one_goal_one_action_two_indicators(app, client, login):
    login(client, "coordinator")
    preview = client.post("/plan/import", data={
        "text": "Netwerkmomenten | 4 regionale coopborrels | 4 borrels, 100 deelnemers",
        "preview": "1"}).get_data(as_text=True)
    assert "1 strategische doelstellingen, 0 operationele doelstellingen, 1 acties" in preview
    assert "Regels die niet geplaatst konden worden: 0" in preview
    assert "Waarom: „borrels” gelezen als de activiteitssoort Coopborrel" in preview
    assert "Waarom: „deelnemers” na de activiteiten: deelnemers aan diezelfde" in preview
    done = client.post("/plan/import", data={
        "rows": _rows_field(preview), "name": "Netwerkplan", "starts_on": "2025-01-01",
        "ends_on": "2025-12-31", "do_import": "1"})
    assert done.status_code == 302
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count()).select_from(Goal)).scalar_one() == 1
        assert db.session.execute(sa.select(Action.title)).scalars().all() == [
            "4 regionale coopborrels"]
        rows = db.session.execute(sa.select(
            Indicator.measure, Indicator.target, Indicator.params, Indicator.status)
            .order_by(Indicator.position)).all()
        assert [tuple(r) for r in rows] == [
            ("events_held", 4, {"kinds": ["coopborrel"]}, "proposed"),
            ("attendances", 100, {"kinds": ["coopborrel"]}, "proposed")]


def test_unplaced_lines_show_the_reason_and_are_placed_by_hand(app, client, login):
    login(client, "coordinator")
    text = "\t\t8 nieuwsbrieven\nCommunicatie\tNieuwsbrief\t6 nieuwsflashes\n"
    preview = client.post("/plan/import", data={"text": text, "preview": "1"}
                          ).get_data(as_text=True)
    assert "Regels die niet geplaatst konden worden: 1" in preview
    assert "Waarom: een indicator zonder actie erboven" in preview
    assert '<option value="action:0">Indicator van „Nieuwsbrief”</option>' in preview
    assert '<option value="goal:0">Nieuwe actie onder „Communicatie”</option>' in preview
    rows = _rows_field(preview)
    placed = client.post("/plan/import", data={"rows": rows, "place-1": "action:0",
                                               "preview": "1"}).get_data(as_text=True)
    assert "Regels die niet geplaatst konden worden: 0" in placed
    assert '<option value="action:0" selected>' in placed  # the choice stays on the page
    tree = placed.split("Wat er gevonden werd")[1].split('id="unplaced"')[1].split("</div>", 1)[1]
    assert 'id="proposal-1-1">8 nieuwsbrieven' in tree  # now an indicator of the action
    done = client.post("/plan/import", data={
        "rows": rows, "place-1": "action:0", "name": "Communicatieplan",
        "starts_on": "2025-01-01", "ends_on": "2025-12-31", "do_import": "1"})
    assert done.status_code == 302
    with app.app_context():
        assert db.session.execute(sa.select(Indicator.text).order_by(Indicator.position)
                                  ).scalars().all() == ["6 nieuwsflashes", "8 nieuwsbrieven"]


def test_an_over_long_file_is_refused_with_a_message(app, client, login):
    login(client, "coordinator")
    text = "\n".join(f"Doel\tActie {n}\t{n} webinars" for n in range(MAX_ROWS + 5))
    html = client.post("/plan/import", data={"text": text, "preview": "1"}).get_data(
        as_text=True)
    assert f"Het plan heeft meer dan {MAX_ROWS} rijen" in html
    assert "Wat er gevonden werd" not in html


def test_an_over_long_upload_is_refused_with_a_message(app, client, login):
    import io

    login(client, "coordinator")
    data = "\n".join(f"Doel;Actie {n};{n} webinars" for n in range(MAX_ROWS + 1)).encode()
    html = client.post("/plan/import", data={
        "file": (io.BytesIO(data), "plan.csv"), "preview": "1"},
        content_type="multipart/form-data").get_data(as_text=True)
    assert f"Het plan heeft meer dan {MAX_ROWS} rijen" in html
    assert "Wat er gevonden werd" not in html


def test_a_windows_1252_csv_upload_is_read(app, client, login):
    import io

    login(client, "coordinator")
    data = "Coöperatie;Infomomenten;3 infosessies (Leuven, Mechelen)\n".encode("cp1252")
    html = client.post("/plan/import", data={
        "file": (io.BytesIO(data), "plan.csv"), "preview": "1"},
        content_type="multipart/form-data").get_data(as_text=True)
    assert "Coöperatie" in html and "Leuven, Mechelen" in html


def test_the_database_kinds_and_the_own_period_reach_the_stored_indicators(app, client, login):
    with app.app_context():
        db.session.add(EventKind(slug="repair-cafe", name_nl="Repair Café",
                                 name_en="Repair café", sort_order=50))
        db.session.commit()
    login(client, "coordinator")
    preview = client.post("/plan/import", data={
        "text": "Circulair | Herstellen | 6 repair cafés in het najaar 2025", "preview": "1"}
        ).get_data(as_text=True)
    assert "Repair Café" in preview
    done = client.post("/plan/import", data={
        "rows": _rows_field(preview), "name": "Circulair", "starts_on": "2025-01-01",
        "ends_on": "2025-12-31", "do_import": "1"})
    assert done.status_code == 302
    with app.app_context():
        indicator = db.session.execute(sa.select(Indicator)).scalar_one()
        assert (indicator.measure, indicator.params, indicator.starts_on, indicator.ends_on) == (
            "events_held", {"kinds": ["repair-cafe"]}, date(2025, 9, 1), date(2025, 12, 31))
        assert db.session.execute(sa.select(Plan.name)).scalar_one() == "Circulair"


def test_upload_by_extension_reads_xlsx_and_csv():
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["Netwerk", "Borrels", "4 borrels"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    for name, data in [("plan.xlsx", buffer.getvalue()),
                       ("plan.csv", b"Netwerk;Borrels;4 borrels\n"),
                       ("plan.txt", b"Netwerk\tBorrels\t4 borrels\n")]:
        assert parse_rows(rows_from_upload(name, data)).counts == {
            "strategic_goals": 1, "goals": 0, "actions": 1, "indicators": 1}, name


def test_proposals_are_changed_and_confirmed_in_the_preview(app, client, login):
    login(client, "coordinator")
    preview = client.post("/plan/import", data={
        "text": "Netwerkmomenten | 4 regionale coopborrels | 4 borrels, 100 deelnemers",
        "preview": "1"}).get_data(as_text=True)
    assert 'name="measure-1-1"' in preview and 'name="target-1-2" ' in preview
    assert '<option value="events_held" selected>' in preview
    rows = _rows_field(preview)
    wrong = client.post("/plan/import", data={
        "rows": rows, "name": "Netwerkplan", "starts_on": "2025-01-01", "ends_on": "2025-12-31",
        "measure-1-1": "events_held", "target-1-1": "vier", "do_import": "1"})
    assert wrong.status_code == 200
    assert "De streefwaarde moet een getal zijn." in wrong.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count()).select_from(Plan)).scalar_one() == 0
    done = client.post("/plan/import", data={
        "rows": rows, "name": "Netwerkplan", "starts_on": "2025-01-01", "ends_on": "2025-12-31",
        "measure-1-1": "manual", "target-1-1": "5", "confirm-1-1": "1",
        "measure-1-2": "attendances", "target-1-2": "100", "do_import": "1"})
    assert done.status_code == 302
    with app.app_context():
        rows = db.session.execute(sa.select(
            Indicator.measure, Indicator.target, Indicator.params, Indicator.status)
            .order_by(Indicator.position)).all()
        assert [tuple(r) for r in rows] == [
            ("manual", 5, {}, "confirmed"),
            ("attendances", 100, {"kinds": ["coopborrel"]}, "proposed")]


def test_changes_in_the_preview_are_checked(ctx):
    from coopnet.plan.services import change_proposals

    plan = parse_rows(rows_from_text("Netwerk | Borrels | 4 borrels, 100 deelnemers"))
    problems = change_proposals(plan, {
        "1-1": {"measure": "events_held", "target": "", "confirm": True},
        "1-2": {"measure": "no-such-measure", "target": "100"}})
    assert problems == {"1-1": "Geef een streefwaarde voor je bevestigt.",
                        "1-2": "Onbekende meting."}
    events, people = plan.all_proposals()
    assert (events.target, events.confirmed, people.measure) == (4, False, "attendances")
    assert change_proposals(plan, {"1-1": {"measure": "milestone", "target": "1",
                                           "confirm": True}}) == {}
    assert (events.measure, events.params, events.confirmed) == ("milestone", {}, True)
    assert str(events.reasons[-1]) == "met de hand aangepast in het voorbeeld"


def test_a_placement_out_of_range_places_nothing():
    plan = parse_rows(rows_from_text("\t\t8 nieuwsbrieven\nCommunicatie\tNieuwsbrief\t6 flashes\n"))
    place_by_hand(plan, {1: "action:7"})
    place_by_hand(plan, {1: "goal:-1"})
    place_by_hand(plan, {1: "nothing"})
    assert [u.line for u in plan.still_unplaced] == [1]
    assert plan.counts["indicators"] == 1
