"""Propose duos and trios among opted-in members: a pure function over plain data.

No database, no Flask: the same input always gives the same proposal, and tests build
small cases by hand. Reasons come back as data (`Reason`); the pages turn them into
translated sentences.

How it works, in three steps:

1. Score every pair of members that may meet: not paired before, and travel is
   reasonable (same or neighbouring province). A need of one that the other offers
   scores 3 per theme (both ways), a theme both care about scores 1, the same province
   adds 1. A pair needs at least one need/offer match or shared theme to qualify.
2. Greedy matching, best pairs first: a pair is taken when neither member is taken yet.
   Ties break on the members' ids, so the order of the input never matters.
3. Members left over join a duo as the third member when they may meet both and match
   at least one of them; each duo takes at most one extra member.

Themes are bit masks, so scoring a pair is a handful of integer operations: 2,000
members (about 700,000 candidate pairs in Flanders and Brussels) take about a second.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

# Belgian provinces (and the Brussels region) and their land borders.
PROVINCES: tuple[str, ...] = (
    "Antwerpen", "Limburg", "Oost-Vlaanderen", "West-Vlaanderen", "Vlaams-Brabant",
    "Brussels Hoofdstedelijk Gewest", "Waals-Brabant", "Henegouwen", "Namen", "Luik",
    "Luxemburg",
)
_BORDERS: dict[str, tuple[str, ...]] = {
    "Antwerpen": ("Oost-Vlaanderen", "Vlaams-Brabant", "Limburg"),
    "Limburg": ("Antwerpen", "Vlaams-Brabant", "Luik"),
    "Oost-Vlaanderen": ("West-Vlaanderen", "Antwerpen", "Vlaams-Brabant", "Henegouwen"),
    "West-Vlaanderen": ("Oost-Vlaanderen", "Henegouwen"),
    "Vlaams-Brabant": ("Antwerpen", "Limburg", "Oost-Vlaanderen",
                       "Brussels Hoofdstedelijk Gewest", "Waals-Brabant", "Henegouwen", "Luik"),
    "Brussels Hoofdstedelijk Gewest": ("Vlaams-Brabant",),
    "Waals-Brabant": ("Vlaams-Brabant", "Henegouwen", "Namen", "Luik"),
    "Henegouwen": ("West-Vlaanderen", "Oost-Vlaanderen", "Vlaams-Brabant", "Waals-Brabant",
                   "Namen"),
    "Namen": ("Henegouwen", "Waals-Brabant", "Luik", "Luxemburg"),
    "Luik": ("Limburg", "Vlaams-Brabant", "Waals-Brabant", "Namen", "Luxemburg"),
    "Luxemburg": ("Namen", "Luik"),
}
NEIGHBOURS: dict[str, frozenset[str]] = {p: frozenset(n) for p, n in _BORDERS.items()}

# other spellings people type, lower-cased and without accents
_ALIASES = {
    "brussel": "Brussels Hoofdstedelijk Gewest", "brussels": "Brussels Hoofdstedelijk Gewest",
    "bruxelles": "Brussels Hoofdstedelijk Gewest",
    "brussels gewest": "Brussels Hoofdstedelijk Gewest",
    "brussels hoofdstedelijk gewest": "Brussels Hoofdstedelijk Gewest",
    "brussels-capital region": "Brussels Hoofdstedelijk Gewest",
    "region de bruxelles-capitale": "Brussels Hoofdstedelijk Gewest",
    "antwerp": "Antwerpen", "anvers": "Antwerpen", "limbourg": "Limburg",
    "oost vlaanderen": "Oost-Vlaanderen", "flandre orientale": "Oost-Vlaanderen",
    "east flanders": "Oost-Vlaanderen", "west vlaanderen": "West-Vlaanderen",
    "flandre occidentale": "West-Vlaanderen", "west flanders": "West-Vlaanderen",
    "vlaams brabant": "Vlaams-Brabant", "brabant flamand": "Vlaams-Brabant",
    "flemish brabant": "Vlaams-Brabant", "waals brabant": "Waals-Brabant",
    "brabant wallon": "Waals-Brabant", "walloon brabant": "Waals-Brabant",
    "hainaut": "Henegouwen", "namur": "Namen", "liege": "Luik", "luxembourg": "Luxemburg",
}
for _p in PROVINCES:
    _ALIASES[_p.lower()] = _p

NEED_OFFER_WEIGHT = 3
SHARED_THEME_WEIGHT = 1
SAME_PROVINCE_WEIGHT = 1


def normalize_province(name: str | None) -> str | None:
    """The canonical province name for what was typed ('Brussel' → the Brussels region)."""
    if not name:
        return None
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    text = " ".join(text.replace("provincie", "").replace("province", "").split()).lower()
    return _ALIASES.get(text) or _ALIASES.get(text.replace("-", " "))


def travel(a: str | None, b: str | None) -> str | None:
    """'same', 'neighbouring', or None when the trip is too far (or a province is unknown)."""
    if a is None or b is None:
        return None
    if a == b:
        return "same"
    return "neighbouring" if b in NEIGHBOURS.get(a, ()) else None


@dataclass(frozen=True)
class Candidate:
    """An opted-in member: its id, province and the themes it offers and looks for."""

    id: int
    province: str | None
    offers: frozenset[str] = frozenset()
    needs: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Reason:
    """One reason two members should meet.

    kind `need_offer`: `first` looks for `theme` and `second` offers it;
    kind `shared_theme`: both care about `theme`;
    kind `travel`: `detail` is 'same' or 'neighbouring', `provinces` the two provinces.
    """

    kind: str
    first: int
    second: int
    theme: str = ""
    detail: str = ""
    provinces: tuple[str, str] = ("", "")


@dataclass(frozen=True)
class Suggestion:
    """A proposed duo or trio (member ids, ascending), its score and why."""

    members: tuple[int, ...]
    score: int
    reasons: tuple[Reason, ...] = field(default=())


class _Prepared:
    __slots__ = ("id", "province", "offers", "needs", "themes", "candidate")

    def __init__(self, candidate: Candidate, bits: dict[str, int]) -> None:
        self.candidate = candidate
        self.id = candidate.id
        self.province = normalize_province(candidate.province)
        self.offers = _mask(candidate.offers, bits)
        self.needs = _mask(candidate.needs, bits)
        self.themes = self.offers | self.needs


def _mask(themes: Iterable[str], bits: dict[str, int]) -> int:
    value = 0
    for theme in themes:
        value |= bits[theme]
    return value


def _pair_key(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def _content_score(a: _Prepared, b: _Prepared) -> int:
    matches = (a.needs & b.offers).bit_count() + (b.needs & a.offers).bit_count()
    shared = (a.themes & b.themes).bit_count()
    return NEED_OFFER_WEIGHT * matches + SHARED_THEME_WEIGHT * shared


def propose(candidates: Sequence[Candidate],
            met_before: Iterable[tuple[int, int]] = ()) -> list[Suggestion]:
    """Duos and trios among `candidates` that have not met, best matches first.

    `met_before` holds pairs of member ids that were paired before (in any order).
    Deterministic: the result depends on the data only, not on the order of the input.
    """
    by_id = {c.id: c for c in candidates}
    if len(by_id) != len(candidates):
        raise ValueError("candidate ids must be unique")
    all_themes = sorted({t for c in candidates for t in (*c.offers, *c.needs)})
    bits = {theme: 1 << i for i, theme in enumerate(all_themes)}
    members = [_Prepared(by_id[i], bits) for i in sorted(by_id)]
    met = {_pair_key(a, b) for a, b in met_before}

    # 1. candidate pairs, bucketed by score (no sort of the whole list needed)
    by_province: dict[str, list[_Prepared]] = defaultdict(list)
    for m in members:
        if m.province is not None and m.themes:
            by_province[m.province].append(m)
    buckets: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for province in sorted(by_province):
        group = by_province[province]
        nearby = [province] + sorted(p for p in NEIGHBOURS.get(province, ()) if p > province)
        for other_province in nearby:
            others = by_province.get(other_province)
            if not others:
                continue
            same = other_province == province
            bonus = SAME_PROVINCE_WEIGHT if same else 0
            for i, a in enumerate(group):
                a_id, a_needs, a_offers, a_themes = a.id, a.needs, a.offers, a.themes
                for b in (group[i + 1:] if same else others):
                    score = (NEED_OFFER_WEIGHT * ((a_needs & b.offers).bit_count()
                                                 + (b.needs & a_offers).bit_count())
                             + SHARED_THEME_WEIGHT * (a_themes & b.themes).bit_count())
                    if score == 0:
                        continue
                    key = (a_id, b.id) if a_id < b.id else (b.id, a_id)
                    if key in met:
                        continue
                    buckets[score + bonus].append(key)

    # 2. greedy: best score first, then lowest ids
    taken: dict[int, int] = {}  # member id -> index of its group
    groups: list[list[int]] = []
    for score in sorted(buckets, reverse=True):
        for a_id, b_id in sorted(buckets[score]):
            if a_id in taken or b_id in taken:
                continue
            taken[a_id] = taken[b_id] = len(groups)
            groups.append([a_id, b_id])

    # 3. a leftover member joins the duo it fits best (may meet both, matches one)
    prepared = {m.id: m for m in members}
    for m in members:
        if m.id in taken or m.province is None or not m.themes:
            continue
        best: tuple[int, int] | None = None  # (score, -group index)
        for index, duo in enumerate(groups):
            if len(duo) != 2:
                continue
            a, b = prepared[duo[0]], prepared[duo[1]]
            if (travel(m.province, a.province) is None or travel(m.province, b.province) is None
                    or _pair_key(m.id, a.id) in met or _pair_key(m.id, b.id) in met):
                continue
            gain = _content_score(m, a) + _content_score(m, b)
            if gain and (best is None or (gain, -index) > best):
                best = (gain, -index)
        if best is not None:
            groups[-best[1]].append(m.id)
            taken[m.id] = -best[1]

    suggestions = [_suggestion(sorted(group), prepared) for group in groups]
    suggestions.sort(key=lambda s: (-s.score, s.members))
    return suggestions


def _suggestion(ids: list[int], prepared: dict[int, _Prepared]) -> Suggestion:
    reasons: list[Reason] = []
    score = 0
    for i, a_id in enumerate(ids):
        for b_id in ids[i + 1:]:
            a, b = prepared[a_id], prepared[b_id]
            score += _content_score(a, b)
            reasons.extend(explain(a.candidate, b.candidate))
    return Suggestion(members=tuple(ids), score=score, reasons=tuple(reasons))


def explain(a: Candidate, b: Candidate) -> list[Reason]:
    """Why `a` and `b` fit: need/offer matches both ways, shared themes, then travel."""
    reasons = [Reason("need_offer", a.id, b.id, theme=t) for t in sorted(a.needs & b.offers)]
    reasons += [Reason("need_offer", b.id, a.id, theme=t) for t in sorted(b.needs & a.offers)]
    matched = (a.needs & b.offers) | (b.needs & a.offers)
    shared = ((a.offers | a.needs) & (b.offers | b.needs)) - matched
    reasons += [Reason("shared_theme", a.id, b.id, theme=t) for t in sorted(shared)]
    pa, pb = normalize_province(a.province), normalize_province(b.province)
    how = travel(pa, pb)
    if how is not None and pa is not None and pb is not None:
        reasons.append(Reason("travel", a.id, b.id, detail=how, provinces=(pa, pb)))
    return reasons
