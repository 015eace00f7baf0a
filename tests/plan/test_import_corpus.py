"""A corpus of plans from different organisations, each with the reading a person makes of it.

Every plan below is written in its organisation's own style; the expected reading under it was
written by hand (goals, sub-goals, actions, indicators with target, proposed measure, event
kinds, cities and period, and the lines that cannot be placed with the reason). The source
plan of 2021-2022 is in the corpus too, through tests/plan/test_importer.py (87 indicators).

Notation of a reading: "G" goal, "S" sub-goal, "A" action, "I" indicator as
"<text> → <measure> <target>" plus kinds=, cities=, baseline=, period= (own period) or
until= (a deadline), "U" an unplaced line with its reason.
"""

from __future__ import annotations

import csv
import io

import pytest

from coopnet.plan.importer import parse_rows, rows_from_text, rows_from_upload


def reading(plan) -> list[str]:
    """The plan as the lines of the notation above."""
    out = []
    for goal in plan.goals:
        out.append(" ".join(f"G {goal.number} {goal.title}".split()))
        for owner in [goal, *goal.children]:
            pad = "  "
            if owner is not goal:
                out.append(" ".join(f"  S {owner.number} {owner.title}".split(" ")).replace(
                    "S  ", "S "))
                pad = "    "
            for action in owner.actions:
                out.append(f"{pad}A {action.title}")
                out.extend(f"{pad}  I {_indicator(p)}" for t in action.texts for p in t.proposals)
    out.extend(f"U {u.line}: {u.text} ({u.reason})" for u in plan.unplaced)
    return out


def _indicator(p) -> str:
    text = f"{p.text} → {p.measure} {p.target.normalize():f}"
    for key in ("kinds", "cities"):
        if p.params.get(key):
            text += f" {key}=" + ",".join(p.params[key])
    if p.params.get("baseline"):
        text += f" baseline={p.params['baseline']}"
    if p.starts_on:
        text += f" period={p.starts_on}..{p.ends_on}"
    elif p.ends_on:
        text += f" until={p.ends_on}"
    return text


def _xlsx(rows, merges=()):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for cells in merges:
        sheet.merge_cells(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _csv(rows, delimiter):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return buffer.getvalue()


# 1. The plain table of the import page, pasted with " | " between the cells: three columns,
#    no header, no numbering.
BORRELS = "Netwerkmomenten | 4 regionale coopborrels | 4 borrels, 100 deelnemers\n"


def test_the_plain_table_gives_one_goal_one_action_two_indicators():
    plan = parse_rows(rows_from_text(BORRELS))
    assert plan.counts == {"strategic_goals": 1, "goals": 0, "actions": 1, "indicators": 2}
    assert reading(plan) == [
        "G Netwerkmomenten",
        "  A 4 regionale coopborrels",
        "    I 4 borrels → events_held 4 kinds=coopborrel",
        "    I 100 deelnemers → attendances 100 kinds=coopborrel",
    ]
    events, people = plan.all_proposals()
    assert [str(r) for r in events.reasons] == [
        "“borrels” is read as the event kind Coopborrel: events held"]
    assert [str(r) for r in people.reasons] == [
        "“deelnemers” after the events: participants of those same events"]


# 2. A neighbourhood organisation's year plan in XLSX: a merged title row naming the year, a
#    header row, goal cells merged over their rows, bulleted lines in a cell, a blank
#    continuation row, the same action on two rows, a goal heading merged over the row.
def buurtwerk():
    return rows_from_upload("jaarplan.xlsx", _xlsx([
        ["Jaarplan 2024 Buurtwerk De Schakel", None, None],
        ["Doelstelling", "Actie", "Indicatoren"],
        ["1. Bewoners ontmoeten elkaar", "Buurtfeesten en ontmoetingsmomenten",
         "• 3 infoavonden (Gent, Aalst, Genk)\n• 2 buurtborrels\n• 120 deelnemers"],
        [None, "Lezingenreeks", "4 lezingen of debatten in het najaar 2024"],
        [None, None, "- evaluatie met de stuurgroep"],
        ["2. Coöperaties groeien", "Ledenwerving",
         "15 nieuwe leden\nledenaantal stijgt met 10% t.o.v. 2023"],
        [None, "Ledenwerving", "alle leden worden persoonlijk gecontacteerd"],
        [None, "Werkbezoeken", "2 werkbezoeken bij leden in juli 2024"],
        [None, None, None],
        ["3. Jobs in de sociale economie", None, None],
        [None, "Vacatureplatform", "20 stages en jobs gepubliceerd"],
        [None, None, "6 nieuwsflashes bereik 1500"],
    ], merges=["A1:C1", "A3:A5", "A6:A8", "A10:C10"]))


BUURTWERK = [
    "G 1 Bewoners ontmoeten elkaar",
    "  A Buurtfeesten en ontmoetingsmomenten",
    "    I 3 infoavonden (Gent, Aalst, Genk) → events_held 3 kinds=infosessie "
    "cities=Gent,Aalst,Genk",
    "    I 2 buurtborrels → events_held 2 kinds=coopborrel",
    "    I 120 deelnemers → attendances 120 kinds=infosessie,coopborrel",
    "  A Lezingenreeks",
    "    I 4 lezingen of debatten in het najaar 2024 → events_held 4 kinds=lezing,debat "
    "period=2024-09-01..2024-12-31",
    "    I evaluatie met de stuurgroep → milestone 1",
    "G 2 Coöperaties groeien",
    "  A Ledenwerving",
    "    I 15 nieuwe leden → manual 15",
    "    I ledenaantal stijgt met 10% t.o.v. 2023 → member_growth 10 baseline=2023-12-31",
    "    I alle leden worden persoonlijk gecontacteerd → members_contacted_share 100",
    "  A Werkbezoeken",
    "    I 2 werkbezoeken bij leden in juli 2024 → events_held 2 kinds=praktijkbezoek "
    "period=2024-07-01..2024-07-31",
    "G 3 Jobs in de sociale economie",
    "  A Vacatureplatform",
    "    I 20 stages en jobs gepubliceerd → vacancies_published 20",
    "    I 6 nieuwsflashes → manual 6",
    "    I bereik 1500 → manual 1500",
]


# 3. A federation's plan in XLSX with four columns (strategic goal, operational goal, action,
#    indicator) numbered inside the cells, merged goal and sub-goal cells, and a fifth column
#    (who is responsible) that is not read.
def koepel():
    return rows_from_upload("plan.xlsx", _xlsx([
        ["Strategische doelstelling", "Operationele doelstelling", "Actie", "Indicator",
         "Verantwoordelijke"],
        ["SD 1 Sterk netwerk", "1.1 Leden leren van elkaar", "Webinarreeks",
         "5 webinars, 150 deelnemers", "Sara"],
        [None, None, "Studiedagen", "3 studiedagen of webinars", "Sara"],
        [None, "1.2 Leden ontmoeten elkaar", "Dag van de Coöperatie",
         "Dag van de Coöperatie juni 2025\n300 deelnemers", "Tom"],
        [None, None, "Matching", "12 duo's of trio's", None],
        ["SD 2 Sterke organisatie", "2.1 Goed bestuur", "Bestuur",
         "1 A.V.\n6 bestuursvergaderingen", "Voorzitter"],
        [None, None, None, None, "Nog te bespreken op de raad"],
    ], merges=["A2:A5", "B2:B3", "B4:B5", "A6:A7"]))


KOEPEL = [
    "G 1 Sterk netwerk",
    "  S 1.1 Leden leren van elkaar",
    "    A Webinarreeks",
    "      I 5 webinars → events_held 5 kinds=webinar",
    "      I 150 deelnemers → attendances 150 kinds=webinar",
    "    A Studiedagen",
    "      I 3 studiedagen of webinars → events_held 3 kinds=seminarie,webinar",
    "  S 1.2 Leden ontmoeten elkaar",
    "    A Dag van de Coöperatie",
    "      I Dag van de Coöperatie juni 2025 → events_held 1 kinds=dag-van-de-cooperatie "
    "period=2025-06-01..2025-06-30",
    "      I 300 deelnemers → attendances 300 kinds=dag-van-de-cooperatie "
    "period=2025-06-01..2025-06-30",
    "    A Matching",
    "      I 12 duo's of trio's → pairings_held 12",
    "G 2 Sterke organisatie",
    "  S 2.1 Goed bestuur",
    "    A Bestuur",
    "      I 1 A.V. → events_held 1 kinds=algemene-vergadering",
    "      I 6 bestuursvergaderingen → events_held 6 kinds=bestuursorgaan",
    "U 7: Nog te bespreken op de raad (text only in a column that is not read "
    "(Verantwoordelijke))",
]


# 4. An energy co-op's plan exported by a Dutch-locale spreadsheet: CSV with semicolons in
#    Windows-1252, no header, the goal and the action repeated on every row.
ENERGIE_ROWS = [
    ["Energiecoöperatie zichtbaar maken", "Infomomenten",
     "3 infosessies (Leuven, Mechelen) 45 deelnemers"],
    ["Energiecoöperatie zichtbaar maken", "Infomomenten",
     "2 rondleidingen in de windmolen tegen Q3 2025"],
    ["Energiecoöperatie zichtbaar maken", "Nieuwsbrief", "10 nieuwsbrieven, bereik 2.400"],
    ["Coöperanten betrekken", "Algemene vergadering",
     "1 algemene vergadering mei 2025 met 200 aanwezigen"],
    ["Coöperanten betrekken", "Ledengroei", "500 leden"],
    ["Coöperanten betrekken", "Ledengroei", "ledengroei van 8%"],
]


def energie():
    return rows_from_upload("energie.csv", _csv(ENERGIE_ROWS, ";").encode("cp1252"))


ENERGIE = [
    "G Energiecoöperatie zichtbaar maken",
    "  A Infomomenten",
    "    I 3 infosessies (Leuven, Mechelen) → events_held 3 kinds=infosessie "
    "cities=Leuven,Mechelen",
    "    I 45 deelnemers → attendances 45 kinds=infosessie cities=Leuven,Mechelen",
    "    I 2 rondleidingen in de windmolen tegen Q3 2025 → events_held 2 kinds=rondleiding "
    "until=2025-09-30",
    "  A Nieuwsbrief",
    "    I 10 nieuwsbrieven → manual 10",
    "    I bereik 2.400 → manual 2400",
    "G Coöperanten betrekken",
    "  A Algemene vergadering",
    "    I 1 algemene vergadering mei 2025 → events_held 1 kinds=algemene-vergadering "
    "period=2025-05-01..2025-05-31",
    "    I 200 aanwezigen → attendances 200 kinds=algemene-vergadering "
    "period=2025-05-01..2025-05-31",
    "  A Ledengroei",
    "    I 500 leden → member_count 500",
    "    I ledengroei van 8% → member_growth 8",
]


# 5. A housing co-op's plan: CSV with commas in UTF-8 with a BOM, a header "Thema / Acties /
#    Resultaten", goals lettered "A.", actions numbered "1)", numbered lines in a cell,
#    continuation rows, an empty row and a loose note in the first column.
def wooncoop():
    rows = [
        ["Thema", "Acties", "Resultaten"],
        ["A. Betaalbaar wonen", "1) Kandidaat-bewoners informeren",
         "1. 4 infoavonden\n2. 80 deelnemers"],
        ["", "2) Bouwproject opvolgen", "bouwvergunning is aangevraagd"],
        ["", "", "2 bouwvergaderingen per maand"],
        ["B. Samen beheren", "Werkgroepen opstarten", "3 werkgroepen komen samen"],
        ["", "", "huishoudelijk reglement goedgekeurd feb 2025"],
        ["", "", ""],
        ["losse nota: budget nog te bekijken", "", ""],
    ]
    return rows_from_upload("wooncoop.csv", ("\ufeff" + _csv(rows, ",")).encode("utf-8"))


WOONCOOP = [
    "G A Betaalbaar wonen",
    "  A Kandidaat-bewoners informeren",
    "    I 4 infoavonden → events_held 4 kinds=infosessie",
    "    I 80 deelnemers → attendances 80 kinds=infosessie",
    "  A Bouwproject opvolgen",
    "    I bouwvergunning is aangevraagd → milestone 1",
    "    I 2 bouwvergaderingen per maand → events_held 2 kinds=overleg",
    "G B Samen beheren",
    "  A Werkgroepen opstarten",
    "    I 3 werkgroepen komen samen → events_held 3 kinds=werkgroep",
    "    I huishoudelijk reglement goedgekeurd feb 2025 → milestone 1 "
    "period=2025-02-01..2025-02-28",
    "U 9: losse nota: budget nog te bekijken (a line in the goal column with no actions "
    "under it)",
]


# 6. An English plan pasted from a spreadsheet (tab-separated) with a header.
ENGLISH_TEXT = (
    "Goal\tAction\tIndicators\n"
    "Grow the network\tMonthly meetups\t10 meetups, 250 participants\n"
    "\tSite visits\t2 site visits (Brussels, Antwerp)\n"
    "\t\tby June 2025: all members contacted\n"
    "Stronger members\tMembership\tmembership grows by 5% against 2024\n"
    "\tJobs board\t12 vacancies published\n"
    "\tTraining\t3 workshops or webinars in Q2 2025\n"
)

ENGLISH = [
    "G Grow the network",
    "  A Monthly meetups",
    "    I 10 meetups → events_held 10 kinds=netwerkactiviteit",
    "    I 250 participants → attendances 250 kinds=netwerkactiviteit",
    "  A Site visits",
    "    I 2 site visits (Brussels, Antwerp) → events_held 2 kinds=praktijkbezoek "
    "cities=Brussels,Antwerp",
    "    I all members contacted → members_contacted_share 100 until=2025-06-30",
    "G Stronger members",
    "  A Membership",
    "    I membership grows by 5% against 2024 → member_growth 5 baseline=2024-12-31",
    "  A Jobs board",
    "    I 12 vacancies published → vacancies_published 12",
    "  A Training",
    "    I 3 workshops or webinars in Q2 2025 → events_held 3 kinds=workshop,webinar "
    "period=2025-04-01..2025-06-30",
]


# 7. Pasted tab-separated with a numbering column before the goal column, sub-goals numbered
#    "1.1" in the same column as their goal, a blank line, continuation rows, a bulleted
#    line, and an indicator before any action.
NUMBERED_TEXT = (
    "\t\t\t8 nieuwsbrieven\n"
    "1\tCommunicatie\t\t\n"
    "1.1\tNieuwsbrief\tMaandelijkse nieuwsbrief\t8 nieuwsbrieven\n"
    "\t\t\tleesbereik 900\n"
    "\n"
    "1.2\tSociale media\tLinkedIn-pagina\t- 2 posts per week\n"
    "2\tNetwerk\tLedenavonden\t4 ledenavonden\n"
    "\t\t\t60 deelnemers\n"
)

NUMBERED = [
    "G 1 Communicatie",
    "  S 1.1 Nieuwsbrief",
    "    A Maandelijkse nieuwsbrief",
    "      I 8 nieuwsbrieven → manual 8",
    "      I leesbereik 900 → manual 900",
    "  S 1.2 Sociale media",
    "    A LinkedIn-pagina",
    "      I 2 posts per week → manual 2",
    "G 2 Netwerk",
    "  A Ledenavonden",
    "    I 4 ledenavonden → events_held 4 kinds=netwerkactiviteit",
    "    I 60 deelnemers → attendances 60 kinds=netwerkactiviteit",
    "U 1: 8 nieuwsbrieven (an indicator with no action above it)",
]


# 8. The organisation's own layout ("SD n", numbered goals, a header naming the period),
#    written by another hand, with event words the source plan never used.
SD_TEXT = (
    "Actieplan januari 2025 - december 2025\tActies\tIndicatoren\n"
    "SD 1 Coöperaties ondersteunen\t\t\n"
    "1. Kennis delen\tInfosessies organiseren\t3 infoavonden (Gent, Aalst, Genk) 60 deelnemers\n"
    "\tBedrijfsbezoeken\t2 werkbezoeken 30 deelnemers\n"
    "SD 2 Netwerk versterken\t\t\n"
    "1. Ontmoeting\tCoopborrels\t4 borrels, 100 deelnemers\n"
    "\tVacatures\t20 stages en jobs gepubliceerd\n"
)

SD_PLAN = [
    "G 1 Coöperaties ondersteunen",
    "  S 1 Kennis delen",
    "    A Infosessies organiseren",
    "      I 3 infoavonden (Gent, Aalst, Genk) → events_held 3 kinds=infosessie "
    "cities=Gent,Aalst,Genk",
    "      I 60 deelnemers → attendances 60 kinds=infosessie cities=Gent,Aalst,Genk",
    "    A Bedrijfsbezoeken",
    "      I 2 werkbezoeken → events_held 2 kinds=praktijkbezoek",
    "      I 30 deelnemers → attendances 30 kinds=praktijkbezoek",
    "G 2 Netwerk versterken",
    "  S 1 Ontmoeting",
    "    A Coopborrels",
    "      I 4 borrels → events_held 4 kinds=coopborrel",
    "      I 100 deelnemers → attendances 100 kinds=coopborrel",
    "    A Vacatures",
    "      I 20 stages en jobs gepubliceerd → vacancies_published 20",
]


# 9. The organisation's layout pasted as plain text, without tabs: headings, then each action
#    on a line of its own with its indicators on the lines after it, blank lines between.
TEXT_LAYOUT = """Actieplan januari 2025 - december 2025

SD 1 Coopkracht verbindt haar leden

1. Ontmoeting

Regionale coopborrels

4 borrels (Hasselt, Kortrijk) 80 deelnemers
verslag op de website

Studiedagen

2 studiedagen of webinars
feb 2025 Dag van de Coöperatie 250 deelnemers

2. Vacatures

Jobplatform

20 stages en jobs gepubliceerd
"""

TEXT_PLAN = [
    "G 1 Coopkracht verbindt haar leden",
    "  S 1 Ontmoeting",
    "    A Regionale coopborrels",
    "      I 4 borrels (Hasselt, Kortrijk) → events_held 4 kinds=coopborrel "
    "cities=Hasselt,Kortrijk",
    "      I 80 deelnemers → attendances 80 kinds=coopborrel cities=Hasselt,Kortrijk",
    "      I verslag op de website → milestone 1",
    "    A Studiedagen",
    "      I 2 studiedagen of webinars → events_held 2 kinds=seminarie,webinar",
    "      I Dag van de Coöperatie → events_held 1 kinds=dag-van-de-cooperatie "
    "period=2025-02-01..2025-02-28",
    "      I 250 deelnemers → attendances 250 kinds=dag-van-de-cooperatie "
    "period=2025-02-01..2025-02-28",
    "  S 2 Vacatures",
    "    A Jobplatform",
    "      I 20 stages en jobs gepubliceerd → vacancies_published 20",
]


CORPUS = {
    "buurtwerk-xlsx-merged-bullets": (buurtwerk, BUURTWERK),
    "koepel-xlsx-four-columns": (koepel, KOEPEL),
    "energie-csv-semicolon-cp1252": (energie, ENERGIE),
    "wooncoop-csv-comma-utf8-bom": (wooncoop, WOONCOOP),
    "english-pasted-tsv": (lambda: rows_from_text(ENGLISH_TEXT), ENGLISH),
    "numbered-pasted-tsv": (lambda: rows_from_text(NUMBERED_TEXT), NUMBERED),
    "sd-layout-pasted": (lambda: rows_from_text(SD_TEXT), SD_PLAN),
    "sd-layout-as-plain-text": (lambda: rows_from_text(TEXT_LAYOUT), TEXT_PLAN),
    "plain-pasted-pipes": (lambda: rows_from_text(BORRELS), [
        "G Netwerkmomenten", "  A 4 regionale coopborrels",
        "    I 4 borrels → events_held 4 kinds=coopborrel",
        "    I 100 deelnemers → attendances 100 kinds=coopborrel"]),
}


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_corpus_plan_reads_as_a_person_reads_it(name):
    rows, expected = CORPUS[name]
    assert reading(parse_rows(rows())) == expected


def test_plan_names_and_periods_from_title_rows():
    assert (lambda p: (p.name, p.starts_on.isoformat(), p.ends_on.isoformat()))(
        parse_rows(buurtwerk())) == ("Jaarplan 2024 Buurtwerk De Schakel", "2024-01-01",
                                     "2024-12-31")
    sd = parse_rows(rows_from_text(SD_TEXT))
    assert (sd.name, sd.starts_on.isoformat(), sd.ends_on.isoformat()) == (
        "Actieplan januari 2025 - december 2025", "2025-01-01", "2025-12-31")
    assert parse_rows(energie()).name == ""


def test_windows_1252_and_utf8_give_the_same_reading():
    utf8 = rows_from_upload("energie.csv", _csv(ENERGIE_ROWS, ";").encode("utf-8"))
    assert reading(parse_rows(utf8)) == ENERGIE
    comma = rows_from_upload("energie.csv", _csv(ENERGIE_ROWS, ",").encode("cp1252"))
    assert reading(parse_rows(comma)) == ENERGIE


def test_the_source_plan_stays_in_the_corpus_with_its_event_words_read():
    """The source plan keeps its 87 indicators (tests/plan/test_importer.py); the meetings it
    names are now read as events of their kind, as a person reads them."""
    from pathlib import Path

    source = Path(__file__).resolve().parents[2] / "coopnet/demo/actieplan-2021-2022.txt"
    plan = parse_rows(rows_from_text(source.read_text(encoding="utf-8")))
    assert plan.counts["indicators"] == 87
    lines = reading(plan)
    for expected in [
        "      I 2 x overleg → events_held 2 kinds=overleg",
        "      I minimaal 1 x overleg → events_held 1 kinds=overleg",
        "      I minimaal 1 netwerkactiviteit bijwonen → events_held 1 kinds=netwerkactiviteit",
        "      I 3 x bestuursoverleg → events_held 3 kinds=overleg",
        "      I Dag van de Coöperatie februari 2022 → events_held 1 "
        "kinds=dag-van-de-cooperatie period=2022-02-01..2022-02-28",
        "      I 200 deelnemers → attendances 200 kinds=dag-van-de-cooperatie "
        "period=2022-02-01..2022-02-28",
        "      I 3 coopborrels (Antwerpen, Brussel, Gent) → events_held 3 kinds=coopborrel "
        "cities=Antwerpen,Brussel,Gent",
    ]:
        assert expected in lines, expected


def test_a_timing_column_dates_the_indicators_of_its_row():
    rows = [(1, ["Doel", "Actie", "Indicator", "Timing", "Trekker"]),
            (2, ["Netwerk", "Borrels", "4 borrels", "tegen juni 2025", "An"]),
            (3, ["", "Webinars", "3 webinars in maart 2025", "Q2 2025", ""]),
            (4, ["", "Lezing", "1 lezing", "", "Tom"])]
    plan = parse_rows(rows)
    assert reading(plan) == [
        "G Netwerk",
        "  A Borrels",
        "    I 4 borrels → events_held 4 kinds=coopborrel until=2025-06-30",
        "  A Webinars",  # the text's own month wins over the timing column
        "    I 3 webinars in maart 2025 → events_held 3 kinds=webinar "
        "period=2025-03-01..2025-03-31",
        "  A Lezing",
        "    I 1 lezing → events_held 1 kinds=lezing",
    ]
    assert str(plan.all_proposals()[0].reasons[-1]) == (
        "“tegen juni 2025” in the timing column gives the indicator its own period")
