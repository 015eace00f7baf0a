"""The demo holds the real 2021-2022 plan with live figures and a realistic mix."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from coopnet.demo.services import load_demo
from coopnet.extensions import db
from coopnet.plan.models import Indicator, Plan
from coopnet.plan.queries import plan_report


def test_demo_plan_is_measured_and_mixed(ctx):
    load_demo(today=date(2026, 11, 28))
    db.session.commit()
    # the historical plan (the living demo adds a second, current one: tests/demo)
    plan = db.session.execute(sa.select(Plan).where(Plan.starts_on == date(2021, 1, 1))).scalar_one()
    assert (plan.starts_on, plan.ends_on) == (date(2021, 1, 1), date(2022, 4, 30))
    statuses = set(db.session.execute(sa.select(Indicator.status)).scalars())
    assert statuses == {"confirmed"}
    report = plan_report(plan, date(2022, 1, 31))
    counts = report.status_counts()
    assert counts["achieved"] > 0 and counts["on_track"] > 0 and counts["behind"] > 0
    final = plan_report(plan, date(2022, 4, 30))
    by_text = {f.indicator.text: f for f in final.figures.values()}
    borrels = by_text["3 coopborrels (Antwerpen, Brussel, Gent)"]
    assert (borrels.actual, borrels.status) == (3, "achieved")
    # 14 + 11 + 12 people came to the three coopborrels (walk-ins included)
    participants = [f for f in final.figures.values()
                    if f.indicator.action_id == borrels.indicator.action_id
                    and f.indicator.measure == "attendances"][0]
    assert (participants.actual, participants.status) == (37, "behind")
    assert by_text["ledenaantal stijgt met 10% tov 2020"].actual == 11.1  # 81 -> 90 members
    # five demo micro-meetings: four marked held, the last one still waits for staff
    duos = by_text["test 5 duo's, trio's"]
    assert (duos.actual, duos.indicator.target, duos.status) == (4, 5, "behind")
