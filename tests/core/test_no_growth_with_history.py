"""The busy pages cost the same however much history lies behind them.

The demo plus a small generated set (`flask demo scale`), then three times that history: every
page sends the same number of queries and stays about the same size (lists come in pages, the
drill-down's pager shows a window of links). `make bench` measures the time at a million
registrations; this keeps the shape of the work in `make test`.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from coopnet.extensions import db
from coopnet.members.models import Organization
from coopnet.plan.models import Indicator, Plan

TODAY = "2026-11-28"


def _pages(app) -> dict[str, str]:
    with app.app_context():
        plan_id = db.session.execute(sa.select(Plan.id).order_by(Plan.id)).scalars().first()
        drill = db.session.execute(
            sa.select(Indicator.id).where(Indicator.measure == "attendances",
                                          Indicator.status == "confirmed")
            .order_by(Indicator.id)).scalars().first()
        event_id = db.session.execute(sa.text(
            "SELECT id FROM events WHERE starts_at > '2026-11-28' AND visibility = 'public' "
            "ORDER BY starts_at, id LIMIT 1")).scalar_one()
    return {
        "calendar": "/events/",
        "event page": f"/events/{event_id}",
        "dashboard": f"/plan/{plan_id}?at=2022-04-30",
        "drill-down": f"/plan/indicators/{drill}?at=2022-04-30&page=2",
        "events API": "/api/v1/events?per_page=20",
        "member list": "/staff/members/",
    }


def _measure(client, count_queries, pages: dict[str, str]) -> dict[str, tuple[int, int, str]]:
    seen = {}
    for name, path in pages.items():
        client.get(path)  # the first request of a process loads what every request shares
        with count_queries() as queries:
            response = client.get(path)
        assert response.status_code == 200, (name, response.status_code)
        body = response.get_data(as_text=True)
        seen[name] = (queries.count, len(body), body)
    return seen


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_main_pages_send_as_many_queries_and_stay_as_big_with_three_times_the_history(
        app, client, runner, count_queries):
    assert runner.invoke(args=["demo", "load", "--today", TODAY]).exit_code == 0
    result = runner.invoke(args=["demo", "scale", "--factor", "0.002", "--today", TODAY])
    assert result.exit_code == 0, result.output
    assert "Added 20 organisations, 400 people, 10 events and 2000 registrations" in result.output
    signed_in = client.post("/auth/login", data={"email": "coordinator@coopnet.test",
                                                 "password": "coopnet-demo"})
    assert signed_in.status_code == 302
    pages = _pages(app)
    before = _measure(client, count_queries, pages)

    # twice as much again, another seed: three times the generated history
    result = runner.invoke(args=["demo", "scale", "--factor", "0.004", "--seed", "15",
                                 "--today", TODAY])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.execute(sa.text(
            "SELECT count(*) FROM registrations r JOIN people p ON p.id = r.person_id "
            "WHERE p.email LIKE 'scale-%'")).scalar_one() == 6000
    after = _measure(client, count_queries, pages)

    for name in pages:
        queries_before, size_before, _body = before[name]
        queries_after, size_after, _body = after[name]
        assert queries_after == queries_before, f"{name}: {queries_before} -> {queries_after}"
        assert size_after <= size_before * 1.1 + 1000, f"{name}: {size_before} -> {size_after}"

    # the drill-down shows a window of page links, not one per page
    drill = after["drill-down"][2]
    pager = re.findall(r'class="page-link"[^>]*>([^<]+)<', drill)
    # page 2: Previous, the first pages up to two past the current one, a gap and the last when
    # there are more, Next; never one link per page (how many pages there are depends on the
    # generated history, which the member list below fixes exactly)
    numbers = [int(text) for text in pager if text.isdigit()]
    assert pager[0] == "Vorige" and pager[-1] == "Volgende"
    assert numbers[:2] == [1, 2] and len(numbers) <= 6
    assert numbers == sorted(numbers) and ("…" in pager or numbers == list(range(1, 1 + len(numbers))))
    # the member list too: with 300 more organisations (453, 10 pages of 50), page 5
    with app.app_context():
        db.session.execute(sa.insert(Organization), [{"name": f"Extra {n}"} for n in range(300)])
        db.session.commit()
    members = client.get("/staff/members/?page=5").get_data(as_text=True)
    assert re.findall(r'class="page-link"[^>]*>([^<]+)<', members) == [
        "Vorige", "1", "2", "3", "4", "5", "6", "7", "…", "10", "Volgende"]
    # the events API says how many there are in all, and sends one page
    api = client.get("/api/v1/events?per_page=20").get_json()
    assert len(api["events"]) == 20 and api["total"] > 20 and api["pages"] > 1
