"""The importer on the real source file, on CSV and XLSX, and its proposals."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from coopnet.extensions import db
from coopnet.plan.importer import (
    parse_rows,
    propose,
    rows_from_csv,
    rows_from_text,
    rows_from_upload,
)
from coopnet.plan.models import Action, Goal, Indicator, Plan

SOURCE = Path(__file__).resolve().parents[2] / "coopnet/demo/actieplan-2021-2022.txt"


def parsed_source():
    return parse_rows(rows_from_text(SOURCE.read_text(encoding="utf-8")))


def test_source_file_counts_and_period():
    plan = parsed_source()
    # counted by hand in the source: SD 1-5; goals 4+3+3+2+4; actions 10+8+10+4+12
    assert plan.counts == {"strategic_goals": 5, "goals": 16, "actions": 44, "indicators": 87}
    assert (plan.starts_on, plan.ends_on) == (date(2021, 1, 1), date(2022, 4, 30))
    assert plan.name == "Actieplan januari 2021 - april 2022"
    # every non-blank line of the source has a place (blank lines carry nothing)
    assert plan.unplaced == []


def test_source_file_irregular_lines_are_placed():
    plan = parsed_source()
    sd1, sd2, _sd3, _sd4, sd5 = plan.goals
    assert [g.number for g in plan.goals] == ["1", "2", "3", "4", "5"]
    # the line without tabs under SD 1 goal 4: an action and its indicator
    werknemers = sd1.children[3].actions[1]
    assert werknemers.title.startswith("nieuwe werknemers bij onze leden wegwijs maken")
    assert [p.text for t in werknemers.texts for p in t.proposals] == [
        "1 infosessie voor nieuwe werknemers"]
    # goal and action on one line
    dag = sd2.children[2]
    assert dag.title == "Leden en coöperatieve werkveld met elkaar in contact brengen"
    assert dag.actions[0].title == "Dag van de Coöperatie"
    assert [(p.measure, p.target) for t in dag.actions[0].texts for p in t.proposals] == [
        ("events_held", 1), ("attendances", 200)]
    # the HR section written as lines: three actions, broken lines joined
    hr = sd5.children[3]
    assert hr.title == "HR"
    assert [a.title for a in hr.actions] == ["Evaluatie- en functioneringsgesprekken",
                                             "kennisontwikkeling en opleiding",
                                             "Vertrouwensfiguur"]
    assert [t.text for t in hr.actions[0].texts] == [
        "elke personeelslid heeft een functioneringsgesprek gehad",
        "richtlijnen en aanpak evaluatie- en functioneringsgesprekken zijn vastgelegd"]
    assert hr.actions[2].texts[0].text.endswith("voor de personeelsleden, min 2 gesprekken/persoon")


def _measures(text):
    return [(p.measure, p.target, p.params) for p in propose(text)]


@pytest.mark.parametrize(("text", "expected"), [
    ("5 webinars/lezing/seminarie/debat (kapitaalophaling, GDPR,...) 120 deelnemers", [
        ("events_held", 5, {"kinds": ["webinar", "lezing", "seminarie", "debat"]}),
        ("attendances", 120, {"kinds": ["webinar", "lezing", "seminarie", "debat"]})]),
    ("3 coopborrels (Antwerpen, Brussel, Gent) 50 deelnemers", [
        ("events_held", 3, {"kinds": ["coopborrel"], "cities": ["Antwerpen", "Brussel", "Gent"]}),
        ("attendances", 50, {"kinds": ["coopborrel"], "cities": ["Antwerpen", "Brussel", "Gent"]})]),
    ("alle 90 leden werden persoonlijk gecontacteerd", [("members_contacted_share", 100, {})]),
    ("Nieuwe leden krijgen een introductiegesprek", [("new_members_intro_share", 100, {})]),
    ("50 vacatures", [("vacancies_published", 50, {})]),
    ("test 5 duo's, trio's", [("pairings_held", 5, {})]),
    ("ledenaantal stijgt met 10% tov 2020", [("member_growth", 10, {"baseline": "2020-12-31"})]),
    ("7 x vergadering Bestuursorgaan", [("events_held", 7, {"kinds": ["bestuursorgaan"]})]),
    ("1 A.V.", [("events_held", 1, {"kinds": ["algemene-vergadering"]})]),
    ("2 x stuurgroep", [("events_held", 2, {"kinds": ["stuurgroep"]})]),
    ("4 managementgroepen", [("events_held", 4, {"kinds": ["managementgroep"]})]),
    ("leesbereik nieuwsbrief uitbreiden naar 2000", [("manual", 2000, {})]),
    ("Arbeidsreglement is opgemaakt", [("milestone", 1, {})]),
    ("7 nieuwsbrieven (6 weken) + 2 nieuwsflashes korte poll's gerichte mailings", [
        ("manual", 7, {}), ("manual", 2, {}), ("milestone", 1, {})]),
])
def test_proposals_from_plan_texts(text, expected):
    assert _measures(text) == [(m, Decimal(t), p) for m, t, p in expected]


def test_no_words_are_lost_in_proposals():
    texts = [p.text for p in propose(
        "Landschapstekening opmaken 5 webinars/lezing/seminarie/debat (kapitaalophaling, GDPR,...)"
        " 120 deelnemers afstemmen en overleg Febecoop en Cera")]
    assert texts == ["Landschapstekening opmaken … afstemmen en overleg Febecoop en Cera",
                     "5 webinars/lezing/seminarie/debat (kapitaalophaling, GDPR,...)",
                     "120 deelnemers"]


def test_lines_that_fit_nowhere_are_listed():
    text = ("Een losse regel voor alles\n"
            "SD 1 Doel\n"
            "\t\t3 coopborrels\n"            # an indicator with no action yet
            "1. Goal\tActie\t2 x stuurgroep\n"
            "zomaar een zin zonder cijfers\n")
    plan = parse_rows(rows_from_text(text))
    assert [(u.line, u.text, str(u.reason)) for u in plan.unplaced] == [
        (1, "Een losse regel voor alles", "comes before the first strategic goal (SD …)"),
        (3, "3 coopborrels", "an indicator with no action above it"),
        (5, "zomaar een zin zonder cijfers",
         "a line of text with no column and no number to read as an indicator")]
    assert plan.counts == {"strategic_goals": 1, "goals": 1, "actions": 1, "indicators": 1}


def _source_rows():
    return [cells for _n, cells in rows_from_text(SOURCE.read_text(encoding="utf-8"))]


def test_csv_with_semicolons_gives_the_same_tree():
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows(_source_rows())
    plan = parse_rows(rows_from_csv(buffer.getvalue()))
    assert plan.counts == parsed_source().counts and plan.unplaced == []


def test_xlsx_with_line_breaks_in_cells():
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Actieplan januari 2021 - april 2022", "Acties", "Indicatoren"])
    sheet.append(["SD 1 Coopkracht ondersteunt", None, None])
    sheet.append(["1. Kennis", "kennisdeling organiseren",
                  "5 webinars\n120 deelnemers\nLandschapstekening opmaken"])
    sheet.append([None, "regionale ontmoeting", "3 coopborrels (Antwerpen, Brussel, Gent)"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    plan = parse_rows(rows_from_upload("plan.xlsx", buffer.getvalue()))
    assert plan.counts == {"strategic_goals": 1, "goals": 1, "actions": 2, "indicators": 4}
    first = plan.goals[0].children[0].actions[0]
    assert [t.text for t in first.texts] == ["5 webinars", "120 deelnemers",
                                             "Landschapstekening opmaken"]


def test_cli_dry_run_stores_nothing(runner, app):
    result = runner.invoke(args=["plan", "import", str(SOURCE), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert ("Found 5 strategic goals, 16 operational goals, 44 actions and 87 indicators."
            in result.output)
    assert "Lines that could not be placed: 0" in result.output
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count()).select_from(Plan)).scalar_one() == 0


def test_cli_import_with_accept_confirms_every_proposal(runner, app):
    result = runner.invoke(args=["plan", "import", str(SOURCE), "--name", "Actieplan 21-22",
                                 "--accept"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        plan = db.session.execute(sa.select(Plan)).scalar_one()
        assert (plan.name, plan.starts_on, plan.ends_on) == (
            "Actieplan 21-22", date(2021, 1, 1), date(2022, 4, 30))
        statuses = db.session.execute(sa.select(Indicator.status, sa.func.count())
                                      .group_by(Indicator.status)).all()
        assert dict(statuses) == {"confirmed": 87}
        assert db.session.execute(sa.select(sa.func.count()).select_from(Goal)).scalar_one() == 21
        assert db.session.execute(sa.select(sa.func.count()).select_from(Action)).scalar_one() == 44


def test_cli_import_without_accept_leaves_proposals(runner, app):
    result = runner.invoke(args=["plan", "import", str(SOURCE)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert set(db.session.execute(sa.select(Indicator.status)).scalars()) == {"proposed"}


def test_cli_refuses_a_file_without_a_period(runner, tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text("SD 1 Doel\n1. Goal\tActie\t2 x stuurgroep\n", encoding="utf-8")
    result = runner.invoke(args=["plan", "import", str(path)])
    assert result.exit_code != 0
    assert "period" in result.output or "periode" in result.output
    result = runner.invoke(args=["plan", "import", str(path), "--name", "X", "--start",
                                 "2023-01-01", "--end", "2023-12-31"])
    assert result.exit_code == 0, result.output
