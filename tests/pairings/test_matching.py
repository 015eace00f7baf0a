"""The proposal algorithm on small hand-built cases, and its speed for 90 and 2,000 members."""

import random
import time

import pytest

from coopnet.pairings.matching import (
    NEIGHBOURS,
    Candidate,
    Reason,
    normalize_province,
    propose,
    travel,
)

ANT, LIM, OVL, WVL, VBR, BXL = ("Antwerpen", "Limburg", "Oost-Vlaanderen", "West-Vlaanderen",
                                "Vlaams-Brabant", "Brussels Hoofdstedelijk Gewest")


def c(id_, province, offers=(), needs=()):
    return Candidate(id_, province, frozenset(offers), frozenset(needs))


def test_neighbour_table_is_symmetric_and_knows_flanders_and_brussels():
    for province, neighbours in NEIGHBOURS.items():
        for other in neighbours:
            assert province in NEIGHBOURS[other], (province, other)
    assert travel(ANT, LIM) == "neighbouring"
    assert travel(BXL, VBR) == "neighbouring"
    assert travel(WVL, OVL) == "neighbouring"
    assert travel(WVL, LIM) is None
    assert travel(BXL, ANT) is None
    assert travel(ANT, ANT) == "same"
    assert travel(None, ANT) is None


def test_province_spellings_are_understood():
    assert normalize_province("Brussel") == BXL
    assert normalize_province("provincie Antwerpen") == ANT
    assert normalize_province("oost vlaanderen") == OVL
    assert normalize_province("Liège") == "Luik"
    assert normalize_province("Atlantis") is None


def test_need_meets_offer_and_says_why():
    [s] = propose([c(1, ANT, offers={"finance"}), c(2, ANT, needs={"finance"})])
    assert s.members == (1, 2)
    assert Reason("need_offer", 2, 1, theme="finance") in s.reasons
    assert Reason("travel", 1, 2, detail="same", provinces=(ANT, ANT)) in s.reasons


def test_need_offer_beats_a_shared_theme():
    # 1 and 3 both look for HR (a shared theme); 4 and 2 offer it
    result = propose([c(1, ANT, needs={"hr"}), c(2, LIM, offers={"hr"}), c(3, ANT, needs={"hr"}),
                      c(4, ANT, offers={"hr"})])
    assert [s.members for s in result] == [(1, 4), (2, 3)]
    assert [r.kind for r in result[1].reasons] == ["need_offer", "travel"]
    assert result[1].reasons[1].detail == "neighbouring"


def test_too_far_is_never_proposed():
    assert propose([c(1, WVL, offers={"energy"}), c(2, LIM, needs={"energy"})]) == []


def test_unknown_province_is_left_out():
    assert propose([c(1, None, offers={"energy"}), c(2, ANT, needs={"energy"})]) == []


def test_members_who_met_before_are_not_paired_again():
    members = [c(1, ANT, offers={"legal"}), c(2, ANT, needs={"legal"})]
    assert propose(members, met_before=[(2, 1)]) == []


def test_no_common_ground_no_suggestion():
    assert propose([c(1, ANT, offers={"energy"}), c(2, ANT, needs={"legal"})]) == []


def test_odd_member_joins_a_duo_as_a_trio():
    members = [c(1, ANT, offers={"finance"}), c(2, ANT, needs={"finance"}),
               c(3, ANT, needs={"finance"})]
    [s] = propose(members)
    assert s.members == (1, 2, 3)
    assert Reason("need_offer", 3, 1, theme="finance") in s.reasons


def test_third_member_must_be_able_to_travel_to_both():
    # 3 (Limburg) borders Antwerpen (1) but not Oost-Vlaanderen (2)
    members = [c(1, ANT, offers={"finance"}), c(2, OVL, needs={"finance"}),
               c(3, LIM, needs={"finance"})]
    result = propose(members)
    assert [s.members for s in result] == [(1, 2)] or [s.members for s in result] == [(1, 3)]
    assert all(len(s.members) == 2 for s in result)


def test_the_same_input_in_another_order_gives_the_same_proposal():
    rng = random.Random(7)
    members = _random_members(rng, 60)
    first = propose(members)
    shuffled = members[:]
    rng.shuffle(shuffled)
    assert propose(shuffled) == first


def test_every_member_appears_at_most_once_and_groups_are_duos_or_trios():
    members = _random_members(random.Random(3), 200)
    result = propose(members)
    seen = [m for s in result for m in s.members]
    assert len(seen) == len(set(seen))
    assert {len(s.members) for s in result} <= {2, 3}
    provinces = {m.id: m.province for m in members}
    for s in result:
        for i, a in enumerate(s.members):
            for b in s.members[i + 1:]:
                assert travel(provinces[a], provinces[b]) is not None


THEMES = ("governance", "members", "finance", "hr", "communication", "digital", "energy",
          "legal", "growth", "sustainability")
FLEMISH = (ANT, LIM, OVL, WVL, VBR, BXL)


def _random_members(rng, n):
    return [c(i, rng.choice(FLEMISH), offers=set(rng.sample(THEMES, rng.randint(0, 3))),
              needs=set(rng.sample(THEMES, rng.randint(1, 3)))) for i in range(1, n + 1)]


@pytest.mark.parametrize("n,limit_seconds", [(90, 0.5), (2000, 10.0)])
def test_proposal_time(n, limit_seconds, capsys):
    members = _random_members(random.Random(2021), n)
    met = [(i, i + 1) for i in range(1, n, 3)]
    # CPU time of this process: other work on a shared machine barely changes it
    started = time.process_time()
    result = propose(members, met)
    elapsed = time.process_time() - started
    with capsys.disabled():
        print(f"\n  proposal for {n} members: {elapsed * 1000:.0f} ms CPU, "
              f"{len(result)} groups, {sum(len(s.members) for s in result)} members placed")
    assert elapsed < limit_seconds
    assert sum(len(s.members) for s in result) >= n * 0.8
