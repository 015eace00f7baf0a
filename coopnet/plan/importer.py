"""Read an action plan from the organisation's spreadsheet layout and propose indicators.

The layout has three columns: objective, action, indicators (TSV pasted from a spreadsheet,
CSV or XLSX). Real files are irregular: blank lines, an SD line without tabs, a goal and its
action on one line, and a final section written as separate lines (action, blank line,
indicator lines). The parser places what it can and returns every other line, so nothing
is silently dropped.
"""

from __future__ import annotations

import calendar
import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
          "september", "oktober", "november", "december")

# words that name an event kind in plan texts (regex fragment -> kind slug); longest first
KIND_WORDS: list[tuple[str, str]] = [
    (r"dag\s+van\s+de\s+co[öo]peratie", "dag-van-de-cooperatie"),
    (r"algemene\s+vergadering(?:en)?", "algemene-vergadering"),
    (r"thematische\s+groep(?:en)?", "thematische-groep"),
    (r"micro-ontmoeting(?:en)?", "micro-ontmoeting"),
    (r"gebruikersgroep(?:en)?", "gebruikersgroep"),
    (r"managementgroep(?:en)?", "managementgroep"),
    (r"partneroverleg(?:gen)?", "partneroverleg"),
    (r"bestuursorga(?:an|nen)", "bestuursorgaan"),
    (r"coopborrels?", "coopborrel"),
    (r"rondleiding(?:en)?", "rondleiding"),
    (r"infosessies?", "infosessie"),
    (r"seminaries?", "seminarie"),
    (r"stuurgroep(?:en)?", "stuurgroep"),
    (r"workshops?", "workshop"),
    (r"webinars?", "webinar"),
    (r"lezing(?:en)?", "lezing"),
    (r"debat(?:ten)?", "debat"),
    (r"a\.\s?v\.", "algemene-vergadering"),
]
KIND_ALTERNATION = "|".join(f"(?:{pattern})" for pattern, _slug in KIND_WORDS)
KNOWN_CITIES = {"antwerpen", "brussel", "gent", "leuven", "brugge", "hasselt", "mechelen",
                "kortrijk", "oostende", "aalst", "genk", "sint-niklaas", "turnhout"}
# numbers followed by these words are durations or frequencies, not targets
NOT_A_UNIT = {"weken", "week", "maal", "keer", "jaar", "jaren", "uur", "dagen", "maanden",
              "persoon"}
# a short phrase after a target that qualifies it ("1 infosessie voor nieuwe werknemers")
_QUALIFIER = re.compile(r"^(?:voor|over|in|met|van|bij|rond|via|uit|naar)\s", re.I)


def kind_of(word: str) -> str | None:
    """The event kind slug a plan word names ("coopborrels" -> "coopborrel"), or None."""
    for pattern, slug in KIND_WORDS:
        if re.fullmatch(pattern, word.strip(), re.IGNORECASE):
            return slug
    return None


@dataclass
class Proposal:
    """One proposed indicator: its fragment of the text, target, unit and measure."""

    text: str
    measure: str
    target: Decimal | None
    unit: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class ParsedIndicatorText:
    """An indicator text as found in the file, with the indicators proposed from it."""

    text: str
    line: int
    proposals: list[Proposal]


@dataclass
class ParsedAction:
    """An action and its indicator texts."""

    title: str
    line: int
    texts: list[ParsedIndicatorText] = field(default_factory=list)


@dataclass
class ParsedGoal:
    """A strategic (level 1) or operational (level 2) goal."""

    level: int
    number: str
    title: str
    line: int
    children: list[ParsedGoal] = field(default_factory=list)
    actions: list[ParsedAction] = field(default_factory=list)


@dataclass
class ParsedPlan:
    """The result of parsing: the tree, the period if the header names one, unplaced lines."""

    name: str = ""
    starts_on: date | None = None
    ends_on: date | None = None
    goals: list[ParsedGoal] = field(default_factory=list)
    unplaced: list[tuple[int, str]] = field(default_factory=list)

    def all_goals(self) -> list[ParsedGoal]:
        """Strategic and operational goals, depth first."""
        result: list[ParsedGoal] = []
        for goal in self.goals:
            result.append(goal)
            result.extend(goal.children)
        return result

    def all_actions(self) -> list[ParsedAction]:
        """Every action, in file order."""
        return [action for goal in self.all_goals() for action in goal.actions]

    def all_proposals(self) -> list[Proposal]:
        """Every proposed indicator, in file order."""
        return [p for action in self.all_actions() for t in action.texts for p in t.proposals]

    @property
    def counts(self) -> dict[str, int]:
        """How many goals (both levels), actions and indicators were found."""
        return {
            "strategic_goals": len(self.goals),
            "goals": sum(len(g.children) for g in self.goals),
            "actions": len(self.all_actions()),
            "indicators": len(self.all_proposals()),
        }


# ---------------------------------------------------------------- reading files into rows

Row = tuple[int, list[str]]


def rows_from_text(text: str) -> list[Row]:
    """Tab-separated text as pasted from a spreadsheet: one row per line."""
    text = text.lstrip("\ufeff").replace("\x00", "")
    return [(number, line.split("\t")) for number, line in enumerate(text.splitlines(), 1)]


def rows_from_csv(text: str) -> list[Row]:
    """CSV with `,` or `;` (a Dutch-locale spreadsheet writes `;`); cells may hold line breaks."""
    text = text.lstrip("\ufeff").replace("\x00", "")
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    return [(reader.line_num, row) for row in reader]


def rows_from_xlsx(data: bytes) -> list[Row]:
    """The first sheet of a workbook; one row per spreadsheet row."""
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        return [(number, ["" if v is None else str(v).replace("\x00", "") for v in values])
                for number, values in enumerate(sheet.iter_rows(values_only=True), 1)]
    finally:
        workbook.close()


def rows_from_upload(filename: str, data: bytes) -> list[Row]:
    """Rows from an uploaded or given file, by its extension (XLSX, CSV, else tab-separated)."""
    lower = filename.lower()
    if lower.endswith((".xlsx", ".xlsm")) or data[:2] == b"PK":
        return rows_from_xlsx(data)
    text = data.decode("utf-8-sig", errors="replace")
    if lower.endswith(".csv"):
        return rows_from_csv(text)
    return rows_from_text(text)


# ---------------------------------------------------------------- proposing indicators

_NUMBER = r"(\d{1,6})"
_PREFIX = r"(?:minimaal\s+|minimal\s+|minstens\s+|min\.?\s+|\+/-\s*)?"


def _events(slugs: list[str], target: str, extra: str | None = None) -> tuple[str, Decimal, str,
                                                                             dict[str, Any]]:
    params: dict[str, Any] = {"kinds": sorted(set(slugs), key=slugs.index)}
    if extra:
        parts = [p.strip() for p in extra.split(",") if p.strip()]
        if parts and all(p.lower() in KNOWN_CITIES for p in parts):
            params["cities"] = parts
    return "events_held", Decimal(target), "activiteiten", params


def _rule_kinds(m: re.Match[str]) -> tuple[str, Decimal, str, dict[str, Any]]:
    words = re.split(r"\s*/\s*", m.group("kinds"))
    slugs = [s for s in (kind_of(w) for w in words) if s]
    return _events(slugs, m.group("n"), m.group("extra"))


# (pattern, builder) in priority order: an earlier rule's match wins over a later overlapping one
RULES: list[tuple[re.Pattern[str], Any]] = [
    (re.compile(r"alle\s+(\d+)\s+leden\s+werden\s+persoonlijk\s+gecontacteerd", re.I),
     lambda m: ("members_contacted_share", Decimal(100), "%", {})),
    (re.compile(r"nieuwe\s+leden\s+krijgen\s+een\s+introductiegesprek", re.I),
     lambda m: ("new_members_intro_share", Decimal(100), "%", {})),
    (re.compile(r"ledenaantal\s+stijgt\s+met\s+(\d+)\s*%\s*(?:tov|t\.o\.v\.|ten opzichte van)"
                r"\s*(\d{4})", re.I),
     lambda m: ("member_growth", Decimal(m.group(1)), "%",
                {"baseline": f"{m.group(2)}-12-31"})),
    (re.compile(r"leesbereik\s+nieuwsbrief\s+uitbreiden\s+naar\s+(\d+)", re.I),
     lambda m: ("manual", Decimal(m.group(1)), "lezers", {})),
    (re.compile(_PREFIX + r"(\d+)\s+vacatures(?:\s*\([^)]*\))?", re.I),
     lambda m: ("vacancies_published", Decimal(m.group(1)), "vacatures", {})),
    (re.compile(r"(?:test\s+)?(\d+)\s+duo['’]s(?:\s*,\s*trio['’]s)?", re.I),
     lambda m: ("pairings_held", Decimal(m.group(1)), "duo's/trio's", {})),
    (re.compile(r"(?:het\s+team\s+)?woonde\s+" + _PREFIX + r"(\d+)\s+([\w/]+)\s+bij", re.I),
     lambda m: ("manual", Decimal(m.group(1)), m.group(2), {})),
    (re.compile(_PREFIX + r"(\d+)\s+deelnemers", re.I),
     lambda m: ("attendances", Decimal(m.group(1)), "deelnemers", {})),
    (re.compile(r"werk?groep\s+komt\s+" + _PREFIX + r"(\d+)\s*(?:x|maal|keer)\s+samen", re.I),
     lambda m: _events(["werkgroep"], m.group(1))),
    (re.compile(r"(\d+)\s+groepen\s+komen\s+(?:minste?n?s?\s+)?\d+\s+(?:x|maal|keer)\s+samen",
                re.I),
     lambda m: _events(["thematische-groep"], m.group(1))),
    (re.compile(r"dag\s+van\s+de\s+co[öo]peratie(?:\s+(?:" + "|".join(MONTHS) + r")\s+\d{4})?",
                re.I),
     lambda m: _events(["dag-van-de-cooperatie"], "1")),
    (re.compile(_PREFIX + r"(?P<n>\d+)\s*(?:x\s+)?(?:vergadering\s+)?"
                r"(?P<kinds>(?:" + KIND_ALTERNATION + r")(?:\s*/\s*(?:" + KIND_ALTERNATION
                + r"))*)(?![\w])(?:\s*/\s*[\w-]+)*(?:\s*\((?P<extra>[^)]*)\))?", re.I),
     _rule_kinds),
    # any other "N things": a count entered by hand
    (re.compile(r"\(?" + _PREFIX + r"(?<![\w.])(\d{1,3})\s*(?:x\s+)?"
                r"([a-zà-ÿ][\w'’-]*(?:/[\w'’-]+)?)\)?", re.I),
     lambda m: None if m.group(2).lower() in NOT_A_UNIT
     else ("manual", Decimal(m.group(1)), m.group(2), {})),
]


def _clean(fragment: str) -> str:
    fragment = re.sub(r"\s+", " ", fragment).strip(" ,;+")
    if fragment.startswith("(") and ")" not in fragment:
        fragment = fragment[1:]
    if fragment.endswith(")") and "(" not in fragment:
        fragment = fragment[:-1]
    return fragment.strip(" ,;+")


def propose(text: str) -> list[Proposal]:
    """Indicators proposed from one indicator text; several targets become several indicators.

    Whatever text no rule recognises becomes one milestone proposal, so no words are lost.
    """
    taken: list[tuple[int, int, tuple[str, Decimal, str, dict[str, Any]]]] = []
    for pattern, build in RULES:
        for m in pattern.finditer(text):
            if any(m.start() < end and start < m.end() for start, end, _ in taken):
                continue
            built = build(m)
            if built is None:
                continue
            taken.append((m.start(), m.end(), built))
    taken.sort(key=lambda item: item[0])
    # a short qualifier right after a target belongs to it
    for index, (start, end, built) in enumerate(taken):
        following = taken[index + 1][0] if index + 1 < len(taken) else len(text)
        gap = text[end:following]
        short = len(re.findall(r"[A-Za-zÀ-ÿ]{2,}", gap)) == 1  # "1 artikel nieuwsbrief"
        if (_QUALIFIER.match(gap.strip()) and len(gap.split()) <= 6) or short:
            taken[index] = (start, following if index + 1 < len(taken) else len(text), built)
    proposals: list[Proposal] = []
    last_scope: dict[str, Any] | None = None
    for start, end, (measure, target, unit, params) in taken:
        if measure == "events_held":
            last_scope = params
        elif measure == "attendances" and last_scope is not None:
            params = dict(last_scope)  # "3 coopborrels … 50 deelnemers": the same events
        proposals.append(Proposal(_clean(text[start:end]), measure, target, unit, params))
    pieces, position = [], 0
    for start, end, _built in taken:
        pieces.append(text[position:start])
        position = end
    pieces.append(text[position:])
    rest = [_clean(p) for p in pieces if len(re.findall(r"[A-Za-zÀ-ÿ]{2,}", p)) >= 2]
    if rest:
        remainder = Proposal(" … ".join(rest), "milestone", Decimal(1), "", {})
        if taken and pieces and _clean(pieces[0]) == rest[0]:
            proposals.insert(0, remainder)
        else:
            proposals.append(remainder)
    return proposals


# ---------------------------------------------------------------- parsing the layout

_SD = re.compile(r"^SD\s*(\d+)\s*[.:]?\s*(.*)$", re.I)
_GOAL_DOT = re.compile(r"^(\d+)\.\s*(\S.*)$")
_GOAL_NUM = re.compile(r"^(\d+)\s+(\S.*)$")
_HEADER_PERIOD = re.compile(r"(" + "|".join(MONTHS) + r")\s+(\d{4})\s*[-–]\s*("
                            + "|".join(MONTHS) + r")\s+(\d{4})", re.I)
# a line that ends with one of these words continues on the next line
_CONTINUES = {"de", "het", "een", "zijn", "van", "voor", "en", "met", "naar", "te", "om", "in",
              "op", "aan", "bij", "is", "of", "die", "dat"}
_QUANTITY_START = re.compile(r"(?<![\w/(])(\d{1,4})\s*(?:x\s+)?(" + KIND_ALTERNATION
                             + r"|deelnemers|vacatures|duo['’]s)(?![\w])", re.I)


def _period(text: str) -> tuple[date, date] | None:
    m = _HEADER_PERIOD.search(text)
    if not m:
        return None
    first_month = MONTHS.index(m.group(1).lower()) + 1
    last_month = MONTHS.index(m.group(3).lower()) + 1
    last_year = int(m.group(4))
    return (date(int(m.group(2)), first_month, 1),
            date(last_year, last_month, calendar.monthrange(last_year, last_month)[1]))


def _split_goal_line(text: str) -> tuple[str, str | None]:
    """"Leden … in contact brengen Dag van de Coöperatie …" -> (goal title, indicator text)."""
    m = re.search(KIND_ALTERNATION, text, re.I)
    if m and m.start() > 0:
        return text[:m.start()].strip(), text[m.start():].strip()
    return text, None


def _split_action_line(text: str) -> tuple[str, str] | None:
    """"nieuwe werknemers … (sluit aan bij SD 2) 1 infosessie …" -> (action, indicator text)."""
    m = _QUANTITY_START.search(text)
    if m and m.start() > 0:
        return text[:m.start()].strip(), text[m.start():].strip()
    return None


class _Parser:
    def __init__(self) -> None:
        self.plan = ParsedPlan()
        self.sd: ParsedGoal | None = None
        self.goal: ParsedGoal | None = None
        self.action: ParsedAction | None = None
        self.lines_mode = False
        self.phase = "action"  # in lines mode: action | after_action | indicators
        self.seen_content = False

    # the goal that new actions hang under: the operational goal, else the SD
    def _owner(self) -> ParsedGoal | None:
        return self.goal or self.sd

    def _add_texts(self, raw: str, line: int) -> None:
        assert self.action is not None
        for part in raw.split("\n"):
            part = " ".join(part.split())
            if part:
                self.action.texts.append(ParsedIndicatorText(part, line, propose(part)))

    def _new_action(self, title: str, line: int) -> bool:
        owner = self._owner()
        if owner is None:
            return False
        self.action = ParsedAction(" ".join(title.split()), line)
        owner.actions.append(self.action)
        return True

    def feed(self, line: int, cells: list[str]) -> None:
        cells = [c.strip() for c in cells]
        while cells and not cells[-1]:
            cells.pop()
        if len(cells) > 3:  # stray extra columns belong to the indicators
            cells = cells[:2] + ["\n".join(c for c in cells[2:] if c)]
        raw = " | ".join(c for c in cells if c)
        if not cells:
            if self.lines_mode and self.phase == "after_action":
                self.phase = "indicators"
            elif self.lines_mode and self.phase == "indicators" and self.action and \
                    self.action.texts:
                self.phase = "action"
            return
        c0 = " ".join(cells[0].split())
        c1 = " ".join(cells[1].split()) if len(cells) > 1 else ""
        c2 = cells[2] if len(cells) > 2 else ""
        if not self.seen_content:
            self.seen_content = True
            if any(c.lower().startswith(("actie", "indicator")) for c in cells[1:]) or \
                    _period(c0):
                self.plan.name = c0
                period = _period(c0)
                if period:
                    self.plan.starts_on, self.plan.ends_on = period
                return
        if c0:
            m = _SD.match(c0)
            if m:
                self.sd = ParsedGoal(1, m.group(1), m.group(2).strip(), line)
                self.plan.goals.append(self.sd)
                self.goal, self.action, self.lines_mode = None, None, False
                if c1 and self._new_action(c1, line) and c2:
                    self._add_texts(c2, line)
                return
            m = _GOAL_DOT.match(c0) or (_GOAL_NUM.match(c0) if (c1 or c2) else None)
            if m and not (self.lines_mode and self.phase == "indicators" and not (c1 or c2)
                          and not _GOAL_DOT.match(c0)):
                if self.sd is None:
                    self.plan.unplaced.append((line, raw))
                    return
                number, title = m.group(1), m.group(2).strip()
                indicator_text = None
                if not (c1 or c2):
                    title, indicator_text = _split_goal_line(title)
                self.goal = ParsedGoal(2, number, title, line)
                self.sd.children.append(self.goal)
                self.action = None
                self.lines_mode = False
                if c1 or c2:
                    if self._new_action(c1 or title, line) and c2:
                        self._add_texts(c2, line)
                elif indicator_text:
                    kind = re.search(KIND_ALTERNATION, indicator_text, re.I)
                    assert kind is not None
                    self._new_action(kind.group(0), line)
                    self._add_texts(indicator_text, line)
                else:
                    # "4. HR": what follows is written as lines, not columns
                    self.lines_mode, self.phase = True, "action"
                return
            if c1 or c2:
                # text in the first column that is no SD or numbered goal: an unnumbered goal
                if self.sd is None:
                    self.plan.unplaced.append((line, raw))
                    return
                self.goal = ParsedGoal(2, "", c0, line)
                self.sd.children.append(self.goal)
                self.lines_mode = False
                if self._new_action(c1 or c0, line) and c2:
                    self._add_texts(c2, line)
                return
            self._single_line(line, c0, raw)
            return
        if c1:
            if not self._new_action(c1, line):
                self.plan.unplaced.append((line, raw))
                return
            self.lines_mode = False
            if c2:
                self._add_texts(c2, line)
            return
        if c2 and self.action is not None:
            self._add_texts(c2, line)
            return
        self.plan.unplaced.append((line, raw))

    def _single_line(self, line: int, text: str, raw: str) -> None:
        if self.lines_mode:
            if self.phase == "action":
                if self._new_action(text, line):
                    self.phase = "after_action"
                else:
                    self.plan.unplaced.append((line, raw))
                return
            self.phase = "indicators"
            assert self.action is not None
            texts = self.action.texts
            if texts and texts[-1].text.split()[-1].lower() in _CONTINUES:
                joined = f"{texts[-1].text} {text}"
                texts[-1] = ParsedIndicatorText(joined, texts[-1].line, propose(joined))
            else:
                self._add_texts(text, line)
            return
        split = _split_action_line(text)
        if split and self._owner() is not None:
            self._new_action(split[0], line)
            self._add_texts(split[1], line)
            return
        self.plan.unplaced.append((line, raw))


def parse_rows(rows: list[Row]) -> ParsedPlan:
    """Place every row in the plan tree; rows that fit nowhere are listed in `unplaced`."""
    parser = _Parser()
    for line, cells in rows:
        parser.feed(line, cells)
    return parser.plan
