"""Read an action plan from a spreadsheet table or pasted text and propose indicators.

Two layouts are read. The organisation's own layout ("SD n" strategic goals, numbered goals,
actions and indicators; irregular lines included) and any plain plan table: goal, (sub-goal,)
action and indicator columns, with or without a header row, numbering, merged or blank
continuation cells and bulleted lines inside a cell. Every line the reader cannot place is
returned with the reason, so nothing is silently dropped; every proposed indicator says why
it was proposed (`Proposal.reasons`).
"""

from __future__ import annotations

import calendar
import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l

from coopnet.web.uploads import decode_text

MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
          "september", "oktober", "november", "december")
# month words in plan texts, Dutch and English, full and short -> month number
MONTH_WORDS: dict[str, int] = {}
for _month, (_nl, _en) in enumerate(zip(MONTHS, (
        "january", "february", "march", "april", "may", "june", "july", "august",
        "september", "october", "november", "december"), strict=False), 1):
    MONTH_WORDS[_nl] = MONTH_WORDS[_en] = MONTH_WORDS[_nl[:3]] = MONTH_WORDS[_en[:3]] = _month
MONTH_WORDS.update({"mrt": 3, "sept": 9, "okt": 10})
_MONTH_ALTERNATION = "|".join(sorted(MONTH_WORDS, key=len, reverse=True))

MAX_ROWS = 2000  # a plan has tens or hundreds of rows; more is not a plan

# The event kinds as the database is seeded (slug, Dutch name, English name); the reader takes
# the kinds from the database when it is given them (`kinds=`), this is the fallback.
DEFAULT_KINDS: list[tuple[str, str, str]] = [
    ("webinar", "Webinar", "Webinar"), ("lezing", "Lezing", "Lecture"),
    ("seminarie", "Seminarie", "Seminar"), ("debat", "Debat", "Debate"),
    ("workshop", "Workshop", "Workshop"), ("coopborrel", "Coopborrel", "Coop drinks"),
    ("dag-van-de-cooperatie", "Dag van de Coöperatie", "Day of the Co-operative"),
    ("rondleiding", "Rondleiding", "Guided tour"),
    ("praktijkbezoek", "Praktijkbezoek", "Site visit"),
    ("thematische-groep", "Thematische groep", "Thematic group"),
    ("micro-ontmoeting", "Micro-ontmoeting", "Micro-meeting"),
    ("infosessie", "Infosessie", "Information session"),
    ("netwerkactiviteit", "Netwerkactiviteit", "Networking event"),
    ("gebruikersgroep", "Gebruikersgroep", "User group"),
    ("managementgroep", "Managementgroep", "Management group"),
    ("partneroverleg", "Partneroverleg", "Partner meeting"),
    ("stuurgroep", "Stuurgroep", "Steering group"), ("werkgroep", "Werkgroep", "Working group"),
    ("bestuursorgaan", "Bestuursorgaan", "Board meeting"),
    ("algemene-vergadering", "Algemene vergadering", "General assembly"),
    ("overleg", "Overleg", "Consultation"),
]
# other words people write for these kinds (singular; plurals are found by the reader)
SYNONYMS: dict[str, tuple[str, ...]] = {
    "coopborrel": ("borrel", "drink", "drinks", "receptie"),
    "seminarie": ("seminar", "studiedag", "studienamiddag", "congres", "conferentie",
                  "symposium", "inspiratiedag", "conference"),
    "infosessie": ("infoavond", "informatiesessie", "infomoment", "infonamiddag",
                   "info session", "infovergadering"),
    "praktijkbezoek": ("werkbezoek", "bedrijfsbezoek", "bezoek", "site visit", "visit"),
    "lezing": ("voordracht", "talk", "lecture"),
    "workshop": ("vorming", "training", "vormingssessie"),
    "netwerkactiviteit": ("netwerkmoment", "netwerkevent", "netwerkavond", "ontmoetingsavond",
                          "meetup", "networking event", "event", "evenement"),
    "overleg": ("overlegmoment", "meeting", "bestuursoverleg"),
    "algemene-vergadering": ("ledenvergadering", "av", "a.v", "a.v.", "general meeting"),
    "debat": ("panelgesprek", "debate", "panel"),
    "rondleiding": ("guided tour", "tour"),
    "bestuursorgaan": ("bestuursvergadering", "raad van bestuur", "board meeting"),
    "thematische-groep": ("themagroep",),
}
# compounds a person reads as events ("ledenavond", "bedrijfsbezoek", "inspiratiedag", ...)
EVENT_SUFFIXES: list[tuple[str, str]] = [
    ("infoavond", "infosessie"), ("avond", "netwerkactiviteit"), ("bezoek", "praktijkbezoek"),
    ("dag", "seminarie"), ("sessie", "infosessie"), ("borrel", "coopborrel"),
    ("vergadering", "overleg"),
]
# words that are never an event even if they end like one
NOT_EVENTS = {"vandaag", "zondag", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag",
              "zaterdag", "werkdag", "feestdag", "dag", "ledenbezoek"}

KNOWN_CITIES = {"antwerpen", "brussel", "gent", "leuven", "brugge", "hasselt", "mechelen",
                "kortrijk", "oostende", "aalst", "genk", "sint-niklaas", "turnhout", "roeselare",
                "ieper", "lier", "geel", "mol", "dendermonde", "vilvoorde", "halle", "tienen",
                "tongeren", "lokeren", "beveren", "waregem", "ninove", "diest", "herentals",
                "brussels", "antwerp", "ghent", "bruges", "louvain", "liège", "luik", "namen",
                "namur", "charleroi", "bergen", "mons", "wavre", "waver", "eupen", "arlon",
                "aarlen", "limburg", "west-vlaanderen", "oost-vlaanderen",
                "vlaams-brabant", "wallonië", "vlaanderen"}
# numbers followed by these words are durations or frequencies, not targets
NOT_A_UNIT = {"weken", "week", "maal", "keer", "jaar", "jaren", "uur", "dagen", "maanden",
              "persoon", "times", "weeks", "months", "hours", "days", "year", "years",
              "x", *MONTH_WORDS}
# a short phrase after a target that qualifies it ("1 infosessie voor nieuwe werknemers")
_QUALIFIER = re.compile(r"^(?:voor|over|in|met|van|bij|rond|via|uit|naar|per|for|about|with|on|at|"
                        r"komen\s+(?:\w+\s+){0,3}?samen|komt\s+(?:\w+\s+){0,3}?samen|meet|"
                        r"a|each|every)(?:\s|$)", re.I)


# the organisation's layout: words that start an indicator in a goal or action line
# (regex fragment -> kind slug); longest first
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

# ---------------------------------------------------------------- the kinds vocabulary

def _plural_stems(word: str) -> list[str]:
    """The word and the singulars it may be a plural of ("avonden" -> "avond")."""
    word = word.lower().strip(" .,;:'’")
    stems = [word]
    for suffix in ("'s", "’s", "s"):
        if word.endswith(suffix) and len(word) > len(suffix) + 2 and \
                word[-len(suffix) - 1].isalpha():
            stems.append(word[: -len(suffix)])
    if word.endswith("en") and len(word) > 4 and word[-3].isalpha():
        stem = word[:-2]
        stems.append(stem)
        if len(stem) > 2 and stem[-1] == stem[-2]:
            stems.append(stem[:-1])  # overleggen -> overleg, debatten -> debat
        if (len(stem) > 2 and stem[-1] not in "aeiou" and stem[-2] in "aeiou"
                and stem[-3] not in "aeiou"):
            stems.append(stem[:-1] + stem[-2] + stem[-1])  # organen -> orgaan
    if word.endswith("ies") and len(word) > 5:
        stems.append(word[:-3] + "y")  # English: sessions are fine, "parties" -> party
    return stems


class KindVocabulary:
    """Event kinds by the words people use for them: names, slugs, synonyms and compounds."""

    def __init__(self, kinds: Iterable[tuple[str, str, str]] | None = None) -> None:
        kinds = list(kinds) if kinds is not None else DEFAULT_KINDS
        self.slugs = {slug for slug, _nl, _en in kinds}
        self.names: dict[str, str] = {slug: nl for slug, nl, _en in kinds}
        self.words: dict[str, tuple[str, str]] = {}  # word -> (slug, how it was matched)
        for slug, name_nl, name_en in kinds:
            for word in (slug.replace("-", " "), slug, name_nl, name_en):
                self.words.setdefault(_fold(word), (slug, "name"))
        for slug, words in SYNONYMS.items():
            if slug in self.slugs:
                for word in words:
                    self.words.setdefault(_fold(word), (slug, "synonym"))
        # the one-word names and synonyms a compound may end with, longest first
        self.endings = sorted(((w, s) for w, (s, _how) in self.words.items()
                               if len(w) >= 5 and " " not in w), key=lambda i: -len(i[0]))

    def lookup(self, word: str) -> tuple[str, str] | None:
        """(slug, how) for one word or short phrase, else None; how is name|synonym|compound."""
        for stem in _plural_stems(word):
            folded = _fold(stem)
            if folded in NOT_EVENTS:
                return None
            if folded in self.words:
                return self.words[folded]
        for stem in _plural_stems(word):
            folded = _fold(stem)
            if " " in folded:
                continue
            for known, slug in self.endings:
                if folded.endswith(known):
                    return slug, "compound"
            for suffix, slug in EVENT_SUFFIXES:
                if folded.endswith(suffix) and len(folded) > len(suffix) + 2 \
                        and slug in self.slugs:
                    return slug, "compound"
        return None


def _fold(text: str) -> str:
    return " ".join(text.lower().replace("ö", "o").replace("é", "e").split())


DEFAULT_VOCABULARY = KindVocabulary()


def kind_of(word: str, vocabulary: KindVocabulary | None = None) -> str | None:
    """The event kind slug a plan word names ("coopborrels" -> "coopborrel"), or None."""
    found = (vocabulary or DEFAULT_VOCABULARY).lookup(word)
    return found[0] if found else None


# ---------------------------------------------------------------- what the reader returns

@dataclass
class Proposal:
    """One proposed indicator: its fragment of the text, target, unit, measure and why."""

    text: str
    measure: str
    target: Decimal | None
    unit: str
    params: dict[str, Any] = field(default_factory=dict)
    reasons: list[Any] = field(default_factory=list)  # translatable strings
    starts_on: date | None = None
    ends_on: date | None = None
    confirmed: bool = False  # confirmed by a person in the preview
    key: str = ""  # set by `ParsedPlan.keyed_proposals`


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
class Unplaced:
    """A line the reader could not place, with the reason (translatable)."""

    line: int
    text: str
    reason: Any
    placed_as: str = ""  # set when a person placed it by hand in the preview


@dataclass
class ParsedPlan:
    """The result of parsing: the tree, the period if the header names one, unplaced lines."""

    name: str = ""
    starts_on: date | None = None
    ends_on: date | None = None
    goals: list[ParsedGoal] = field(default_factory=list)
    unplaced: list[Unplaced] = field(default_factory=list)
    layout: str = ""

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

    def keyed_proposals(self) -> list[tuple[str, Proposal]]:
        """Every proposal with a key that stays the same when lines are placed by hand:
        "<line>-<n>", the n-th proposal read from that line of the file."""
        seen: dict[int, int] = {}
        result = []
        for action in self.all_actions():
            for text in action.texts:
                for proposal in text.proposals:
                    seen[text.line] = seen.get(text.line, 0) + 1
                    proposal.key = f"{text.line}-{seen[text.line]}"
                    result.append((proposal.key, proposal))
        return result

    @property
    def still_unplaced(self) -> list[Unplaced]:
        """Lines nobody has placed yet."""
        return [u for u in self.unplaced if not u.placed_as]

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


class TooManyRows(ValueError):
    """The file has more rows than a plan can have."""


def _limit(rows: list[Row]) -> list[Row]:
    if len(rows) > MAX_ROWS:
        raise TooManyRows(len(rows))
    return rows


def rows_from_text(text: str) -> list[Row]:
    """Pasted text: tab-separated cells (from a spreadsheet), ` | `-separated, or plain lines."""
    text = text.lstrip("\ufeff").replace("\x00", "")
    lines = text.splitlines()
    if not any("\t" in line for line in lines) and \
            sum(" | " in line for line in lines) >= max(1, len([x for x in lines if x.strip()]) // 2):
        return _limit([(number, [c.strip() for c in line.strip().strip("|").split("|")])
                       for number, line in enumerate(lines, 1)])
    return _limit([(number, line.split("\t")) for number, line in enumerate(lines, 1)])


def rows_from_csv(text: str) -> list[Row]:
    """CSV with `,` or `;` (a Dutch-locale spreadsheet writes `;`); cells may hold line breaks."""
    text = text.lstrip("\ufeff").replace("\x00", "")
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows: list[Row] = []
    start = 1
    for row in reader:
        rows.append((start, row))
        start = reader.line_num + 1
        if len(rows) > MAX_ROWS:
            raise TooManyRows(len(rows))
    return rows


def rows_from_xlsx(data: bytes) -> list[Row]:
    """The first sheet of a workbook; one row per spreadsheet row (a merged cell's value sits
    in its first cell, the others read as blank: a blank goal cell continues the goal above)."""
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        rows: list[Row] = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), 1):
            rows.append((number, ["" if v is None else str(v).replace("\x00", "")
                                  for v in values]))
            if len(rows) > MAX_ROWS:
                raise TooManyRows(len(rows))
        return rows
    finally:
        workbook.close()


def rows_from_upload(filename: str, data: bytes) -> list[Row]:
    """Rows from an uploaded or given file, by its extension (XLSX, CSV, else text)."""
    lower = filename.lower()
    if lower.endswith((".xlsx", ".xlsm")) or data[:2] == b"PK":
        return rows_from_xlsx(data)
    text = decode_text(data).text
    if lower.endswith(".csv"):
        return rows_from_csv(text)
    return rows_from_text(text)


# ---------------------------------------------------------------- proposing indicators

_PREFIX = r"(?:minimaal\s+|minimal\s+|minstens\s+|min\.?\s+|\+/-\s*|at\s+least\s+|ca\.?\s+)?"
_WORD = r"[A-Za-zÀ-ÿ][\w'’-]*"

R_KIND = {
    "name": _l("“%(word)s” names the event kind %(kind)s: events held"),
    "synonym": _l("“%(word)s” is read as the event kind %(kind)s: events held"),
    "compound": _l("“%(word)s” is read as an event of the kind %(kind)s: events held"),
}
R_CITIES = _l("the places in brackets (%(places)s) limit it to events in those cities")
R_ATTEND_SCOPE = _l("“%(word)s” after the events: participants of those same events")
R_ATTEND_NAMED = _l("“%(word)s” of the events named with it: participants of %(kind)s events")
R_ATTEND = _l("“%(word)s”: participants of the events linked to the action")
R_CONTACT = _l("a phrase about contacting members: share of members contacted")
R_INTRO = _l("a phrase about intro conversations: share of new members with an intro")
R_GROWTH = _l("a phrase about member growth in percent: member growth")
R_BASELINE = _l("the year after “t.o.v.” is the baseline (end of %(year)s)")
R_MEMBERS = _l("“%(word)s” with a number: the member count")
R_NEW_MEMBERS = _l("“%(word)s”: coopnet has no count of new members, so the value is "
                   "entered by hand")
R_VACANCY = _l("“%(word)s” is a vacancy phrase: vacancies published")
R_PAIRING = _l("“%(word)s” names duos or trios: micro-meetings held")
R_MANUAL = _l("“%(word)s” is nothing coopnet counts: the value is entered by hand")
R_MILESTONE = _l("no number to count: a milestone, done or not done")
R_ATTEND_LINES = _l("“%(word)s” on a line after the events: participants of those events")
R_PERIOD = _l("“%(when)s” gives the indicator its own period")
R_DEADLINE = _l("“%(when)s” is a deadline: the indicator counts until then")


@dataclass
class _Built:
    measure: str
    target: Decimal | None
    unit: str
    params: dict[str, Any]
    reasons: list[Any]


Finder = Callable[[str, KindVocabulary], Iterator[tuple[int, int, _Built]]]


def _number(text: str) -> Decimal:
    return Decimal(text.replace(".", "").replace(" ", ""))


def _regex(pattern: str, build: Callable[[re.Match[str]], _Built | None]) -> Finder:
    compiled = re.compile(pattern, re.I)

    def find(text: str, _vocabulary: KindVocabulary) -> Iterator[tuple[int, int, _Built]]:
        for m in compiled.finditer(text):
            built = build(m)
            if built is not None:
                yield m.start(), m.end(), built
    return find


def _places(extra: str | None) -> list[str]:
    """The places in a bracketed list ("Gent, Aalst, Genk"), or [] when it is no list of places."""
    if not extra:
        return []
    parts = [p.strip(" .") for p in re.split(r",|/|\s+(?:en|and|&)\s+", extra) if p.strip(" .")]
    if not parts or any(re.search(r"\d", p) for p in parts):
        return []
    if any(p.lower() in ("online", "digitaal", "hybride", "hybrid") for p in parts):
        return []  # online events have no city: a city scope would leave them out
    known = [p for p in parts if p.lower() in KNOWN_CITIES]
    if len(known) == len(parts):
        return parts
    if known and all(p[:1].isupper() and len(p.split()) <= 2 for p in parts):
        return parts
    return []


_NUMBER_AT = re.compile(_PREFIX + r"(?<![\w.,/€])(?P<n>\d{1,4})(?![\d.,]\d)\s*(?:(?:x|keer|maal)\s+)?"
                        r"(?:per\s+(?:jaar|maand|kwartaal|week|year|month|quarter)\s+)?"
                        r"(?:(?:een|a|an)\s+)?(?:vergadering\s+)?", re.I)
_TOKEN = re.compile(r"[A-Za-zÀ-ÿ][\w'’.-]*")
_CONNECTOR = re.compile(r"\s*(?:/|,|&|\s(?:of|en|and|or|en/of)\s)\s*", re.I)


def _event_at(text: str, pos: int, vocabulary: KindVocabulary,
              adjectives: int) -> tuple[int, list[tuple[str, str, str]]] | None:
    """An event phrase at `pos` after up to `adjectives` words: (end, [(word, slug, how)])."""
    tokens: list[re.Match[str]] = []
    cursor = pos
    while len(tokens) < adjectives + 4:
        m = _TOKEN.match(text, cursor)
        if not m:
            break
        tokens.append(m)
        gap = re.match(r"[ \t]+", text[m.end():])
        if not gap:
            break
        cursor = m.end() + gap.end()
    for skip in range(0, min(adjectives, len(tokens)) + 1):
        if skip and tokens[skip - 1].group(0).lower() in {"en", "of", "and", "or", "x"}:
            break
        for size in range(min(4, len(tokens) - skip), 0, -1):
            words = tokens[skip: skip + size]
            phrase = text[words[0].start(): words[-1].end()].rstrip(",")
            if size == 1 and phrase.lower() in NOT_A_UNIT:
                continue
            found = vocabulary.lookup(phrase)
            if not found and phrase.endswith("."):
                phrase = phrase.rstrip(".")
                found = vocabulary.lookup(phrase)
            if found:
                end = words[0].start() + len(phrase)
                return end, [(phrase, found[0], found[1])]
    return None


def _find_events(text: str, vocabulary: KindVocabulary) -> Iterator[tuple[int, int, _Built]]:
    for m in _NUMBER_AT.finditer(text):
        first = _event_at(text, m.end(), vocabulary, adjectives=2)
        if first is None:
            continue
        end, found = first
        while True:  # "3 studiedagen of webinars", "5 webinars/lezing/seminarie"
            c = _CONNECTOR.match(text, end)
            if not c:
                break
            more = _event_at(text, c.end(), vocabulary, adjectives=0)
            if more is not None:
                end, found = more[0], found + more[1]
                continue
            slash = re.match(r"\s*/\s*[\w-]+", text[end:])
            if slash and text[end:].lstrip().startswith("/"):  # "workshop/activiteit"
                end += slash.end()
                continue
            break
        bracket = re.match(r"\s*\(([^)]*)\)", text[end:])
        places = _places(bracket.group(1)) if bracket else []
        if bracket:
            end += bracket.end()
        slugs: list[str] = []
        reasons: list[Any] = []
        for word, slug, how in found:
            if slug not in slugs:
                slugs.append(slug)
            reasons.append(_lazy(R_KIND[how], word=word, kind=vocabulary.names.get(slug, slug)))
        params: dict[str, Any] = {"kinds": slugs}
        if places:
            params["cities"] = places
            reasons.append(_lazy(R_CITIES, places=", ".join(places)))
        yield m.start(), end, _Built("events_held", _number(m.group("n")), "activiteiten",
                                     params, reasons)


_ATTEND_AT = re.compile(_PREFIX + r"(\d{1,3}(?:\.\d{3})+|\d+)\s+((?:deelnemers|participants|attendees|"
                        r"aanwezigen|bezoekers|inschrijvingen)(?![\w-]))"
                        r"(?:\s+(?:op|aan|bij|tijdens|van|voor|at|of|in)\s+"
                        r"(?:(?:de|het|een|onze|elke|iedere|the|our|each|every)\s+)?)?", re.I)


def _find_attendances(text: str, vocabulary: KindVocabulary
                      ) -> Iterator[tuple[int, int, _Built]]:
    """"100 deelnemers", and "50 aanwezigen op de infoavond": participants of those events."""
    for m in _ATTEND_AT.finditer(text):
        target, word = _number(m.group(1)), m.group(2)
        named = _event_at(text, m.end(), vocabulary, adjectives=1) if m.end() > m.end(2) \
            else None
        if named is not None:
            end, found = named
            slugs = list(dict.fromkeys(slug for _w, slug, _how in found))
            yield m.start(), end, _Built(
                "attendances", target, "deelnemers", {"kinds": slugs},
                [_lazy(R_ATTEND_NAMED, word=word,
                       kind=", ".join(vocabulary.names.get(k, k) for k in slugs))])
        else:
            yield m.start(), m.end(2), _Built("attendances", target, "deelnemers", {},
                                              [_lazy(R_ATTEND, word=word)])


def _lazy(message: Any, **values: Any) -> Any:
    """A translatable reason with its values filled in when shown."""
    return _l(message._args[0], **values)


def _words(m: re.Match[str], group: str | int = 0) -> str:
    return " ".join(m.group(group).split())


_VACANCY_WORD = (r"(?:vacatures?|jobs?|stages?|stageplaats(?:en)?|vacanc(?:y|ies)|"
                 r"jobaanbieding(?:en)?|job\s+(?:ads|offers|postings))")
_PAIR_WORD = r"(?:duo['’]?s|trio['’]?s|koppelingen|matches|pairings|micro-ontmoeting(?:en)?)"
_ATTEND_WORD = (r"(?:deelnemers|participants|attendees|aanwezigen|bezoekers|inschrijvingen)"
                r"(?![\w-])")

# finders in priority order: an earlier finder's match wins over a later overlapping one
FINDERS: list[Finder] = [
    _regex(r"alle\s+(\d+\s+)?(?:onze\s+)?leden\s+(?:werden\s+|worden\s+|zijn\s+)?(?:persoonlijk\s+)?"
           r"(?:gecontacteerd|bezocht|gesproken|gebeld)",
           lambda m: _Built("members_contacted_share", Decimal(100), "%", {},
                            [_lazy(R_CONTACT)])),
    _regex(r"(\d{1,3})\s*%\s*(?:van\s+(?:de|onze)\s+|of\s+(?:the\s+|our\s+)?)?(?:leden|members)"
           r"(?:\s+[\w-]+){0,3}?\s+(?:gecontacteerd|bezocht|gesproken|contacted|visited)",
           lambda m: _Built("members_contacted_share", Decimal(m.group(1)), "%", {},
                            [_lazy(R_CONTACT)])),
    _regex(r"all\s+(?:our\s+)?members\s+(?:are\s+|were\s+)?(?:personally\s+)?(?:contacted|visited)",
           lambda m: _Built("members_contacted_share", Decimal(100), "%", {},
                            [_lazy(R_CONTACT)])),
    _regex(r"(?:(\d{1,3})\s*%\s*(?:van\s+de\s+|of\s+)?)?(?:nieuwe\s+leden|new\s+members)\s+"
           r"(?:krijgen|hebben|kregen|get|have|had)\s+(?:een\s+|an\s+)?"
           r"(?:introductiegesprek|intro(?:gesprek)?|welkomstgesprek|intro(?:duction)?\s+"
           r"(?:meeting|conversation|call))",
           lambda m: _Built("new_members_intro_share", Decimal(m.group(1) or 100), "%", {},
                            [_lazy(R_INTRO)])),
    _regex(r"(?:ledenaantal|aantal\s+leden|member(?:ship)?\s+count|members(?:hip)?)\s+"
           r"(?:stijgt|groeit|grows|increases|rises)\s+(?:met\s+|by\s+)?(\d+)\s*%"
           r"(?:\s*(?:tov|t\.o\.v\.|ten\s+opzichte\s+van|against|compared\s+to|vs\.?)\s*(\d{4}))?",
           lambda m: _Built("member_growth", Decimal(m.group(1)), "%",
                            {"baseline": f"{m.group(2)}-12-31"} if m.group(2) else {},
                            [_lazy(R_GROWTH)] + ([_lazy(R_BASELINE, year=m.group(2))]
                                                 if m.group(2) else []))),
    _regex(r"(?:ledengroei|groei\s+(?:van\s+)?(?:het\s+)?(?:ledenaantal|aantal\s+leden)|"
           r"member(?:ship)?\s+growth)\s*(?:van|of|met|by|:)?\s*(?:\+\s*)?(\d+)\s*%",
           lambda m: _Built("member_growth", Decimal(m.group(1)), "%", {}, [_lazy(R_GROWTH)])),
    _regex(r"(?:\+\s*)?(\d+)\s*%\s+(?:meer|extra)\s+(?:leden|members)(?![\w-])|"
           r"(?:more|extra)\s+members\s*:?\s*\+?\s*(\d+)\s*%",
           lambda m: _Built("member_growth", Decimal(m.group(1)), "%", {}, [_lazy(R_GROWTH)])),
    _regex(r"leesbereik\s+nieuwsbrief\s+uitbreiden\s+naar\s+(\d+)",
           lambda m: _Built("manual", Decimal(m.group(1)), "lezers", {},
                            [_lazy(R_MANUAL, word="leesbereik")])),
    _regex(r"(?<![\w])(?:[a-z]*bereik|reach)\s+(?:van\s+|of\s+)?" + _PREFIX + r"(\d{1,3}(?:\.\d{3})+|\d+)",
           lambda m: _Built("manual", _number(m.group(1)), "bereik", {},
                            [_lazy(R_MANUAL, word=m.group(0).split()[0])])),
    _regex(_PREFIX + r"(\d+)\s+(?:[\w-]+\s+){0,2}?(" + _VACANCY_WORD + r"(?:\s*(?:,|/|en|of|and|or)"
           r"\s*" + _VACANCY_WORD + r")*)(?:\s*\([^)]*\))?(?:\s+(?:gepubliceerd|gepost|online|"
           r"published|posted))?",
           lambda m: _Built("vacancies_published", Decimal(m.group(1)), "vacatures", {},
                            [_lazy(R_VACANCY, word=_words(m, 2))])),
    _regex(r"(?:test\s+)?(\d+)\s+(?:[\w-]+\s+)?(" + _PAIR_WORD + r")(?:\s*(?:,|/|en|of|and|or)\s*"
           + _PAIR_WORD + r")*",
           lambda m: _Built("pairings_held", Decimal(m.group(1)), "duo's/trio's", {},
                            [_lazy(R_PAIRING, word=_words(m, 2))])),
    _regex(r"(?:het\s+team\s+)?woonde\s+" + _PREFIX + r"(\d+)\s+([\w/]+)\s+bij",
           lambda m: _Built("manual", Decimal(m.group(1)), m.group(2), {},
                            [_lazy(R_MANUAL, word=m.group(2))])),
    _find_attendances,
    _regex(r"werk?groep\s+komt\s+" + _PREFIX + r"(\d+)\s*(?:x|maal|keer)\s+samen",
           lambda m: _Built("events_held", Decimal(m.group(1)), "activiteiten",
                            {"kinds": ["werkgroep"]},
                            [_lazy(R_KIND["name"], word="werkgroep", kind="Werkgroep")])),
    _regex(r"(\d+)\s+groepen\s+komen\s+(?:minste?n?s?\s+)?\d+\s+(?:x|maal|keer)\s+samen",
           lambda m: _Built("events_held", Decimal(m.group(1)), "activiteiten",
                            {"kinds": ["thematische-groep"]},
                            [_lazy(R_KIND["synonym"], word="groepen",
                                   kind="Thematische groep")])),
    _regex(r"(?:(?<![\w.])(\d{1,2})\s+)?dag(?:en)?\s+van\s+de\s+co[öo]peratie",
           lambda m: _Built("events_held", Decimal(m.group(1) or 1), "activiteiten",
                            {"kinds": ["dag-van-de-cooperatie"]},
                            [_lazy(R_KIND["name"], word=_words(m),
                                   kind="Dag van de Coöperatie")])),
    _find_events,
    _regex(_PREFIX + r"(\d+)\s+((?:nieuwe|extra|bijkomende)\s+leden|leden\s+extra|"
           r"(?:new|extra|additional)\s+members)(?![\w-])",
           lambda m: _Built("manual", Decimal(m.group(1)), "leden", {},
                            [_lazy(R_NEW_MEMBERS, word=_words(m, 2))])),
    _regex(r"(?:" + _PREFIX + r"(\d+)\s+(?:(?:aangesloten|actieve|betalende)\s+)?(leden|members)"
           r"(?![\w-])(?!\s+(?:werden|worden|zijn|krijgen|brengen))|(?:ledenaantal|aantal\s+leden)"
           r"\s*(?:van\s+|:\s*)?(\d+))",
           lambda m: _Built("member_count", Decimal(m.group(1) or m.group(3)), "leden", {},
                            [_lazy(R_MEMBERS, word=m.group(2) or "ledenaantal")])),
    # any other "N things": a count entered by hand
    _regex(r"\(?" + _PREFIX + r"(?<![\w.])(\d{1,3}(?:\.\d{3})+|\d{1,3})\s*(?:x\s+)?"
           r"(" + _WORD + r"(?:/[\w'’-]+)?(?:\s+(?:of|en|or|and)\s+[a-zà-ÿ][\w'’-]*(?:s|en))?)\)?",
           lambda m: None if m.group(2).lower() in NOT_A_UNIT
           else _Built("manual", _number(m.group(1)), m.group(2), {},
                       [_lazy(R_MANUAL, word=m.group(2))])),
]

_DEADLINE = (r"(?:tegen(?:\s+(?:eind|einde))?|uiterlijk(?:\s+eind)?|ten\s+laatste|voor|by(?:\s+the"
             r"\s+end\s+of)?|before|end\s+of|eind(?:e)?)")
_DATE = re.compile(
    r"(?<![\w])(?:(?P<by>" + _DEADLINE + r")\s+)?(?:"
    r"(?P<q>Q[1-4])\s+(?P<qyear>20\d\d)"
    r"|(?:\d{1,2}\s+)?(?P<month>" + _MONTH_ALTERNATION + r")\.?\s+(?P<year>20\d\d)"
    r"|(?P<season>najaar|voorjaar|autumn|spring|fall)\s+(?:van\s+|of\s+)?(?P<syear>20\d\d)"
    r"|(?:(?P<in>in|tijdens|during|begin|in\s+het\s+jaar)\s+)?(?P<only>20\d\d)(?![\d-]))", re.I)
_SEASONS = {"najaar": (9, 12), "autumn": (9, 12), "fall": (9, 12), "voorjaar": (3, 6),
            "spring": (3, 6)}


def _dates(text: str) -> list[re.Match[str]]:
    """Months, quarters, seasons and years that date a phrase; a bare year ("t.o.v. 2020",
    "actieplan 2021 - 2023") is no date unless "in", "tegen", "by" ... comes before it."""
    return [m for m in _DATE.finditer(text)
            if not m.group("only") or m.group("by") or m.group("in")]


def _date_period(m: re.Match[str]) -> tuple[date | None, date]:
    """(first day, last day) the phrase names; a deadline ("tegen juli 2024") has no first day."""
    if m.group("q"):
        year, last = int(m.group("qyear")), int(m.group("q")[1]) * 3
        first = date(year, last - 2, 1)
    elif m.group("month"):
        year, last = int(m.group("year")), MONTH_WORDS[m.group("month").lower()]
        first = date(year, last, 1)
    elif m.group("season"):
        year = int(m.group("syear"))
        start, last = _SEASONS[m.group("season").lower()]
        first = date(year, start, 1)
    else:
        year, last = int(m.group("only")), 12
        first = date(year, 1, 1)
    end = date(year, last, calendar.monthrange(year, last)[1])
    return (None if m.group("by") else first), end


def _date_reason(m: re.Match[str]) -> Any:
    when = " ".join(m.group(0).split())
    return _lazy(R_DEADLINE if m.group("by") else R_PERIOD, when=when)


def _clean(fragment: str) -> str:
    fragment = re.sub(r"\s+", " ", fragment).strip(" ,;+")
    fragment = re.sub(r"(?:\s+(?:en|of|and|or|en/of|met|with|voor|for)|[,;+:])+$", "",
                      fragment, flags=re.I)
    if fragment.startswith("(") and ")" not in fragment:
        fragment = fragment[1:]
    if fragment.endswith(")") and "(" not in fragment:
        fragment = fragment[:-1]
    return fragment.strip(" ,;+")


def _wordy(piece: str) -> bool:
    return len(re.findall(r"[A-Za-zÀ-ÿ]{2,}", piece)) >= 2


def propose(text: str, vocabulary: KindVocabulary | None = None) -> list[Proposal]:
    """Indicators proposed from one indicator text; several targets become several indicators.

    Whatever text no rule recognises becomes one milestone proposal, so no words are lost.
    """
    vocabulary = vocabulary or DEFAULT_VOCABULARY
    dates = _dates(text)
    taken: list[tuple[int, int, _Built]] = []
    for find in FINDERS:
        for start, end, built in find(text, vocabulary):
            if any(start < e and s < end for s, e, _ in taken):
                continue
            if any(start < d.end() and d.start() < end for d in dates):
                continue  # "juli 2024": a date, not "2024 things"
            taken.append((start, end, built))
    taken.sort(key=lambda item: item[0])
    # a short qualifier right after a target belongs to it
    for index, (start, end, built) in enumerate(taken):
        following = taken[index + 1][0] if index + 1 < len(taken) else len(text)
        gap = text[end:following]
        short = len(re.findall(r"[A-Za-zÀ-ÿ]{2,}", gap)) == 1  # "1 artikel nieuwsbrief"
        dated = any(end <= d.start() and d.end() <= following and
                    not _wordy(text[end:d.start()] + text[d.end():following]) for d in dates)
        if (_QUALIFIER.match(gap.strip()) and len(gap.split()) <= 6) or short or dated:
            taken[index] = (start, following, built)
    proposals: list[Proposal] = []
    last_events: Proposal | None = None
    for start, end, built in taken:
        params, reasons = dict(built.params), list(built.reasons)
        proposal = Proposal(_clean(text[start:end]), built.measure, built.target, built.unit,
                            params, reasons)
        for d in dates:
            if start <= d.start() and d.end() <= end:
                proposal.starts_on, proposal.ends_on = _date_period(d)
                proposal.reasons.append(_date_reason(d))
                break
        if built.measure == "events_held":
            last_events = proposal
        elif built.measure == "attendances" and last_events is not None and not built.params:
            # "3 coopborrels … 50 deelnemers": the same events
            proposal.params = {k: v for k, v in last_events.params.items()}
            proposal.reasons = [_lazy(R_ATTEND_SCOPE, word=text[start:end].split()[-1])]
            if proposal.ends_on is None and last_events.ends_on is not None:
                proposal.starts_on, proposal.ends_on = last_events.starts_on, last_events.ends_on
                proposal.reasons.extend(r for r in last_events.reasons if r._args[0] in (
                    R_PERIOD._args[0], R_DEADLINE._args[0]))
        proposals.append(proposal)
    pieces, position = [], 0
    for start, end, _built in taken:
        pieces.append(text[position:start])
        position = end
    pieces.append(text[position:])
    undated = [_DATE.sub("", p) for p in pieces]  # a date alone is no milestone
    rest = [_clean(p) for p, u in zip(pieces, undated, strict=True) if _wordy(u)]
    if rest:
        remainder = Proposal(" … ".join(rest), "milestone", Decimal(1), "", {},
                             [_lazy(R_MILESTONE)])
        first_piece = _clean(pieces[0]) if pieces else ""
        if taken and first_piece == rest[0]:
            proposals.insert(0, remainder)
        else:
            proposals.append(remainder)
    if not proposals and _clean(text):  # "€ 5000 subsidie": no rule, but no words are lost
        proposals.append(Proposal(_clean(text), "milestone", Decimal(1), "", {},
                                  [_lazy(R_MILESTONE)]))
    # a date nobody claimed ("tegen juli 2024") dates every proposal of the text
    claimed = {(p.starts_on, p.ends_on) for p in proposals if p.ends_on}
    free = [d for d in dates if _date_period(d) not in claimed]
    if len(dates) == 1 and free:
        for proposal in proposals:
            if proposal.ends_on is None:
                proposal.starts_on, proposal.ends_on = _date_period(free[0])
                proposal.reasons.append(_date_reason(free[0]))
    return proposals


def carry_scope(texts: list[ParsedIndicatorText]) -> None:
    """A line with only "N deelnemers" after lines with events (of one action) counts the
    participants of those events: the kinds of all of them, their cities and period if shared."""
    events: list[Proposal] = []
    for text in texts:
        if all(p.measure == "events_held" for p in text.proposals):
            events.extend(text.proposals)
            continue
        lone = [p for p in text.proposals if p.measure == "attendances" and not p.params]
        if events and lone and len(text.proposals) == 1:
            proposal = lone[0]
            kinds: list[str] = []
            for event in events:
                kinds.extend(k for k in event.params.get("kinds", []) if k not in kinds)
            proposal.params = {"kinds": kinds}
            cities = [e.params.get("cities") for e in events]
            if cities[0] and all(c == cities[0] for c in cities):
                proposal.params["cities"] = list(cities[0])
            periods = {(e.starts_on, e.ends_on) for e in events}
            if len(periods) == 1 and proposal.ends_on is None:
                proposal.starts_on, proposal.ends_on = periods.pop()
            word = proposal.text.split()[-1]
            proposal.reasons = [_lazy(R_ATTEND_LINES, word=word)]
        events = []


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
    def __init__(self, vocabulary: KindVocabulary) -> None:
        self.vocabulary = vocabulary
        self.plan = ParsedPlan(layout="sd")
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
        added = []
        for part in raw.split("\n"):
            part = " ".join(part.split())
            if part:
                added.append(ParsedIndicatorText(part, line, propose(part, self.vocabulary)))
        carry_scope(added)
        self.action.texts.extend(added)

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
                    self.plan.unplaced.append(Unplaced(line, raw, R_BEFORE_SD))
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
                    self.plan.unplaced.append(Unplaced(line, raw, R_BEFORE_SD))
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
                self.plan.unplaced.append(Unplaced(line, raw, R_NO_GOAL))
                return
            self.lines_mode = False
            if c2:
                self._add_texts(c2, line)
            return
        if c2 and self.action is not None:
            self._add_texts(c2, line)
            return
        self.plan.unplaced.append(Unplaced(line, raw, R_NO_ACTION if c2 else R_UNREAD))

    def _single_line(self, line: int, text: str, raw: str) -> None:
        if self.lines_mode:
            if self.phase == "action":
                if self._new_action(text, line):
                    self.phase = "after_action"
                else:
                    self.plan.unplaced.append(Unplaced(line, raw, R_NO_GOAL))
                return
            self.phase = "indicators"
            assert self.action is not None
            texts = self.action.texts
            if texts and texts[-1].text.split()[-1].lower() in _CONTINUES:
                joined = f"{texts[-1].text} {text}"
                texts[-1] = ParsedIndicatorText(joined, texts[-1].line,
                                                propose(joined, self.vocabulary))
            else:
                self._add_texts(text, line)
            return
        split = _split_action_line(text)
        if split and self._owner() is not None:
            self._new_action(split[0], line)
            self._add_texts(split[1], line)
            return
        self.plan.unplaced.append(Unplaced(line, raw, R_BEFORE_SD if self.sd is None
                                           else R_LOOSE_LINE))





# ---------------------------------------------------------------- plain plan tables

R_BEFORE_SD = _l("comes before the first strategic goal (SD …)")
R_NO_GOAL = _l("an action with no goal above it")
# the goal of a table that has actions but no goal column
R_ONE_GOAL = _l("Actions")
R_NO_ACTION = _l("an indicator with no action above it")
R_UNREAD = _l("no goal, action or indicator column could be recognised in this line")
R_LOOSE_LINE = _l("a line of text with no column and no number to read as an indicator")
R_WHEN_COLUMN = _l("“%(when)s” in the timing column gives the indicator its own period")
R_EMPTY_GOAL = _l("a line in the goal column with no actions under it")
R_NO_SUBGOAL_PARENT = _l("a sub-goal with no goal above it")
R_ONE_COLUMN = _l("the table has one column: goals, actions and indicators cannot be told apart")
R_OTHER_COLUMN = _l("text only in a column that is not read (%(column)s)")

# header words -> column role
_HEADER_ROLES: list[tuple[str, str]] = [
    (r"(?:sub|operationele?|operational|specifieke?)[\s-]*(?:doel|doelstelling|goal|objective)", "sub"),
    (r"(?:strategische?\s+)?(?:doelstelling|doel|goal|objective|thema|theme|domein|pijler|"
     r"speerpunt|prioriteit|sd)(?:en|s)?\b", "goal"),
    (r"(?:actie|acties|action|actions|activiteit|activiteiten|activity|activities|"
     r"maatregel(?:en)?|project(?:en)?|wat)\b", "action"),
    (r"(?:timing|planning|periode|period|wanneer|when|deadline|termijn|tegen\s+wanneer)\b", "when"),
    (r"(?:indicator|indicatoren|indicators|kpi|kpi'?s|resultaat|resultaten|result|results|"
     r"meetbaar|streefwaarde|target|targets|doelwaarde|beoogd|output|outcome)", "indicator"),
]
_NUMBERING = re.compile(r"^(?:(?:SD|doel|doelstelling|goal|objective|actie|action)\s*)?"
                        r"(\d+(?:\.\d+)*|[A-Z])(?:[.):]|\s+-)?\s+(?=\S)(.*)$", re.I | re.S)
_BULLET = re.compile(r"^\s*(?:[-–—•*·▪◦o]\s+|\d{1,2}[.)]\s+|[a-z][.)]\s+)")
_NUMBER_ONLY = re.compile(r"^(?:SD\s*)?\d+(?:\.\d+)*\.?$", re.I)


def _role_of_header(cell: str) -> str | None:
    text = " ".join(cell.lower().split())
    if not text:
        return None
    for pattern, role in _HEADER_ROLES:
        if re.match(pattern, text):
            return role
    return "other"


def _split_number(title: str, strict: bool = False) -> tuple[str, str]:
    """"1. Netwerk" -> ("1", "Netwerk"); "SD 2 Netwerk" -> ("2", "Netwerk").

    A bare number followed by a word is numbering only before a capital ("1 Netwerk"), and
    never in `strict` mode (actions: "4 regionale coopborrels" is a quantity, not a number).
    """
    title = " ".join(title.split())
    m = _NUMBERING.match(title)
    bare = m is not None and re.match(r"^\d+\s", title) is not None
    if bare and m is not None and (strict or not m.group(2)[:1].isupper()):
        return "", title
    if m and m.group(2) and not re.match(r"^\d", m.group(2)):
        number = m.group(1)
        if number.isalpha() and not re.match(r"^[A-Z][.):]", title):
            return "", title  # "A wonderful goal" is no numbering
        return number.rstrip("."), m.group(2).strip()
    return "", title


def _cell_lines(cell: str) -> list[str]:
    """The lines of an indicator cell without bullets or numbering; broken lines joined."""
    lines: list[str] = []
    for raw in cell.replace("\r", "\n").split("\n"):
        bulleted = bool(_BULLET.match(raw))
        line = " ".join(_BULLET.sub("", raw).split())
        if not line:
            continue
        if lines and not bulleted and lines[-1].split()[-1].lower() in _CONTINUES:
            lines[-1] = f"{lines[-1]} {line}"
        else:
            lines.append(line)
    return lines


def _key(title: str) -> str:
    return _fold(re.sub(r"[^\w\s]", " ", title))


class _TableParser:
    """Goal, (sub-goal,) action and indicator columns, as a person reads such a table."""

    def __init__(self, vocabulary: KindVocabulary) -> None:
        self.vocabulary = vocabulary
        self.plan = ParsedPlan(layout="table")
        self.roles: list[str] = []
        self.headers: list[str] = []
        self.goal: ParsedGoal | None = None
        self.goal_is_sd = False  # the goal was written "SD n": plain numbers below are sub-goals
        self.sub: ParsedGoal | None = None
        self.action: ParsedAction | None = None

    def parse(self, rows: list[Row]) -> ParsedPlan:
        rows = [(n, [c.strip() for c in cells]) for n, cells in rows]
        rows = [(n, cells) for n, cells in rows if any(cells)]
        rows = self._title(rows)
        rows = self._header(rows)
        if not self.roles:
            self.roles = self._guess_roles(rows)
        for line, cells in rows:
            self._row(line, cells)
        for action in self.plan.all_actions():
            carry_scope(action.texts)  # continuation rows and lines of one action
        for goal in list(self.plan.goals):
            if not goal.actions and not goal.children:  # a note in the goal column
                self.plan.goals.remove(goal)
                self.plan.unplaced.append(Unplaced(goal.line, " ".join(
                    f"{goal.number} {goal.title}".split()), R_EMPTY_GOAL))
        self.plan.unplaced.sort(key=lambda item: item.line)
        return self.plan

    def _title(self, rows: list[Row]) -> list[Row]:
        """A first row with one cell naming the plan (or its period) is the plan's name."""
        if not rows:
            return rows
        _line, cells = rows[0]
        filled = [c for c in cells if c]
        if len(filled) == 1 and (_period(filled[0]) or re.search(
                r"(?:actie|jaar|beleids|werk)plan|action\s+plan|work\s*plan|plan\s+20\d\d",
                filled[0], re.I)):
            self.plan.name = " ".join(filled[0].split())
            period = _period(filled[0]) or _year_span(filled[0])
            if period:
                self.plan.starts_on, self.plan.ends_on = period
            return rows[1:]
        return rows

    def _header(self, rows: list[Row]) -> list[Row]:
        for index, (_line, cells) in enumerate(rows[:3]):
            roles = [_role_of_header(c) for c in cells]
            known = [r for r in roles if r not in (None, "other")]
            if len(known) >= 2 and ("action" in known or "indicator" in known) and \
                    not any(re.search(r"\d", c) for c in cells):
                self.roles = [r or "other" for r in roles]
                self.headers = cells
                if "goal" not in self.roles and "sub" in self.roles:
                    self.roles[self.roles.index("sub")] = "goal"
                body = rows[:index] + rows[index + 1:]
                self._unnamed_goal_columns(body)
                return body
        return rows

    def _unnamed_goal_columns(self, rows: list[Row]) -> None:
        """Columns left of the actions under a header no rule knows (the plan's name, say) hold
        the goals, as a person reads the table: the first the goal, a second the sub-goal; a
        column of numbers only numbers the next one."""
        if "goal" in self.roles or "action" not in self.roles:
            return
        names = iter(["goal", "sub"])
        for index in range(self.roles.index("action")):
            if self.roles[index] != "other":
                continue
            filled = [cells[index] for _n, cells in rows if index < len(cells) and cells[index]]
            if not filled:
                continue
            if all(_NUMBER_ONLY.match(c) for c in filled):
                self.roles[index] = "number"
                continue
            name = next(names, None)
            if name is None:
                return
            self.roles[index] = name

    @staticmethod
    def _guess_roles(rows: list[Row]) -> list[str]:
        width = max((max(i for i, c in enumerate(cells) if c) + 1 for _n, cells in rows),
                    default=0)
        columns = [[cells[i] if i < len(cells) else "" for _n, cells in rows]
                   for i in range(width)]
        roles: list[str] = []
        for index, column in enumerate(columns):
            filled = [c for c in column if c]
            if index + 1 < width and filled and all(_NUMBER_ONLY.match(c) for c in filled):
                roles.append("number")  # a column of "1", "1.1", "SD 2": the next one's number
            else:
                roles.append("")
        content = [i for i, r in enumerate(roles) if r != "number"]
        shape = {1: ["goal"], 2: ["action", "indicator"], 3: ["goal", "action", "indicator"],
                 4: ["goal", "sub", "action", "indicator"]}
        names = shape.get(len(content), ["goal", "sub", "action"]
                          + ["indicator"] * (len(content) - 3))
        for index, name in zip(content, names, strict=False):
            roles[index] = name
        return roles

    def _cells(self, cells: list[str]) -> dict[str, Any]:
        found: dict[str, Any] = {"indicator": [], "other": [], "number": {}}
        pending_number = ""
        for index, cell in enumerate(cells):
            role = self.roles[index] if index < len(self.roles) else "indicator"
            if role == "number":
                pending_number = cell
                continue
            if role == "other":
                if cell:
                    header = self.headers[index] if index < len(self.headers) else ""
                    found["other"].append((header, cell))
                continue
            if role == "indicator":
                if cell:
                    found["indicator"].append(cell)
            elif role == "when":
                if cell:
                    found["when"] = cell
            elif cell:
                found[role] = cell
                if pending_number:
                    found["number"][role] = pending_number.rstrip(".")
            pending_number = ""
        return found

    def _row(self, line: int, cells: list[str]) -> None:
        if self.roles == ["goal"]:
            self.plan.unplaced.append(Unplaced(line, " | ".join(c for c in cells if c),
                                               R_ONE_COLUMN))
            return
        found = self._cells(cells)
        raw = " | ".join(c.replace("\n", " / ") for c in cells if c)
        placed = False
        if "goal" in found:
            number, title = _split_number(found["goal"])
            number = found["number"].get("goal", number)
            is_sd = bool(_SD.match(found["goal"]))
            if "sub" not in self.roles and self.goal is not None and "." in number and \
                    number.split(".")[0] == self.goal.number:
                self.sub = self._child(self.goal, number, title, line)  # "1.2" under "1"
            elif ("sub" not in self.roles and self.goal_is_sd and self.goal is not None
                  and not is_sd):
                self.sub = self._child(self.goal, number, title, line)  # "1. …" under "SD 1"
            else:
                self.goal = self._goal(number, title, line)
                self.goal_is_sd = is_sd
                self.sub = None
            self.action = None
            placed = True
        if "sub" in found:
            if self.goal is None:
                self.plan.unplaced.append(Unplaced(line, raw, R_NO_SUBGOAL_PARENT))
                return
            number, title = _split_number(found["sub"])
            self.sub = self._child(self.goal, found["number"].get("sub", number), title, line)
            self.action = None
            placed = True
        if "action" in found:
            owner = self.sub or self.goal
            if owner is None and "goal" not in self.roles and "sub" not in self.roles:
                # a table of actions only: they share one goal, named after the plan
                owner = self.goal = self._goal("", self.plan.name or str(R_ONE_GOAL), line)
            if owner is None:
                self.plan.unplaced.append(Unplaced(line, raw, R_NO_GOAL))
                return
            titles = _cell_lines(found["action"])
            if len(titles) > 1 and not found["indicator"] and \
                    all(_BULLET.match(x) for x in found["action"].splitlines() if x.strip()):
                for title in titles:  # a bulleted list of actions without indicators
                    self.action = self._action(owner, title, line)
            else:
                self.action = self._action(owner, " ".join(titles), line)
            placed = True
        when = _dates(found.get("when", ""))
        for cell in found["indicator"]:
            if self.action is None:
                self.plan.unplaced.append(Unplaced(line, " ".join(cell.split()), R_NO_ACTION))
                continue
            added = [ParsedIndicatorText(text, line, propose(text, self.vocabulary))
                     for text in _cell_lines(cell)]
            for proposal in (p for t in added for p in t.proposals):
                if when and proposal.ends_on is None:  # the row's timing column
                    proposal.starts_on, proposal.ends_on = _date_period(when[0])
                    proposal.reasons.append(_lazy(R_WHEN_COLUMN, when=" ".join(
                        when[0].group(0).split())))
            self.action.texts.extend(added)
            placed = True
        if not placed and found["other"]:
            header, _cell = found["other"][0]
            self.plan.unplaced.append(Unplaced(line, raw, _lazy(
                R_OTHER_COLUMN, column=header or str(cells.index(_cell) + 1))))

    def _goal(self, number: str, title: str, line: int) -> ParsedGoal:
        for goal in self.plan.goals:
            if _key(goal.title) == _key(title) and (not number or not goal.number
                                                    or number == goal.number):
                return goal  # the same goal repeated on every row
        goal = ParsedGoal(1, number, title, line)
        self.plan.goals.append(goal)
        return goal

    @staticmethod
    def _child(parent: ParsedGoal, number: str, title: str, line: int) -> ParsedGoal:
        for child in parent.children:
            if _key(child.title) == _key(title):
                return child
        child = ParsedGoal(2, number, title, line)
        parent.children.append(child)
        return child

    @staticmethod
    def _action(owner: ParsedGoal, title: str, line: int) -> ParsedAction:
        _number, title = _split_number(title, strict=True)
        for action in owner.actions:
            if _key(action.title) == _key(title):
                return action  # the same action on several rows: one action
        action = ParsedAction(title, line)
        owner.actions.append(action)
        return action


def _year_span(text: str) -> tuple[date, date] | None:
    """"Jaarplan 2024" -> 2024; "plan 2024-2025" -> both years."""
    m = re.search(r"(20\d\d)(?:\s*[-–/]\s*(20\d\d))?", text)
    if not m:
        return None
    return date(int(m.group(1)), 1, 1), date(int(m.group(2) or m.group(1)), 12, 31)


def _is_sd_layout(rows: list[Row]) -> bool:
    return any(cells and _SD.match(" ".join(cells[0].split())) and not
               re.match(r"^SD\s*\d+(?:\.\d+)*\.?$", cells[0].strip(), re.I)
               for _n, cells in rows) and not any(
        len([c for c in cells if c.strip()]) >= 2 and
        len([r for r in (_role_of_header(c) for c in cells) if r not in (None, "other")]) >= 2
        and not any(re.search(r"\d", c) for c in cells) for _n, cells in rows[:3])


def parse_rows(rows: list[Row], kinds: Iterable[tuple[str, str, str]] | None = None) -> ParsedPlan:
    """Place every row in the plan tree; rows that fit nowhere are listed in `unplaced` with
    the reason. `kinds` are the event kinds (slug, Dutch name, English name) to recognise."""
    vocabulary = KindVocabulary(kinds) if kinds is not None else DEFAULT_VOCABULARY
    if _is_sd_layout(rows):
        parser = _Parser(vocabulary)
        for line, cells in rows:
            parser.feed(line, cells)
        return parser.plan
    return _TableParser(vocabulary).parse(rows)


def place_by_hand(parsed: ParsedPlan, placements: dict[int, str],
                  kinds: Iterable[tuple[str, str, str]] | None = None) -> None:
    """Place unplaced lines as a person chose in the preview.

    `placements` maps a line number to "action:<i>" (indicator text of the i-th action) or
    "goal:<i>" (a new action under the i-th goal, strategic and operational goals depth first).
    """
    vocabulary = KindVocabulary(kinds) if kinds is not None else DEFAULT_VOCABULARY
    goals, actions = parsed.all_goals(), parsed.all_actions()
    for item in parsed.unplaced:
        choice = placements.get(item.line, "")
        where, _sep, index = choice.partition(":")
        if not index.isdigit():
            continue
        number = int(index)
        text = " ".join(item.text.replace(" | ", " ").split())
        if where == "action" and number < len(actions):
            actions[number].texts.append(ParsedIndicatorText(text, item.line,
                                                             propose(text, vocabulary)))
            item.placed_as = choice
        elif where == "goal" and number < len(goals):
            goals[number].actions.append(ParsedAction(text, item.line))
            item.placed_as = choice
