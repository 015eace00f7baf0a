"""Coordinator pages of the action plan: import, dashboard, drill-down, exports, snapshots."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from coopnet.auth.access import COORDINATOR, access
from coopnet.db import utcnow
from coopnet.errors import DomainError
from coopnet.events.models import Event, EventKind
from coopnet.extensions import db
from coopnet.plan import services
from coopnet.plan.charts import progress_bar, trend_svg
from coopnet.plan.export import (
    drilldown_csv,
    drilldown_xlsx,
    report_csv,
    report_xlsx,
    status_label,
)
from coopnet.plan.forms import (
    EmptyForm,
    ImportForm,
    IndicatorForm,
    LinkEventForm,
    LinkUnlinkedEventsForm,
    ManualValueForm,
    MilestoneForm,
    NewIndicatorForm,
    ReportCommentForm,
    SnapshotForm,
    measure_choices,
)
from coopnet.plan.importer import (
    MAX_ROWS,
    ParsedPlan,
    TooManyRows,
    parse_rows,
    place_by_hand,
    rows_from_text,
    rows_from_upload,
)
from coopnet.plan.measures import COUNT, MEASURES, MILESTONE
from coopnet.plan.models import Action, Indicator, Plan, ReportSnapshot
from coopnet.plan.queries import (
    events_for_linking,
    events_without_attendance,
    explain_indicator,
    list_plans,
    plan_action_choices,
    plan_report,
    report_comments,
    side_figures,
    snapshot_report,
    snapshots_of,
    unlinked_events,
)
from coopnet.plan.report_documents import report_docx, report_pdf
from coopnet.timezones import brussels_today
from coopnet.validators import is_row_id
from coopnet.web.forms import show_errors
from coopnet.web.pagination import Pager, page_number
from coopnet.web.spreadsheets import download

bp = Blueprint("plan", __name__)
PAGE_SIZE = 50


def _today() -> date:
    return brussels_today(utcnow())


def _at(plan: Plan | None = None) -> date:
    """The report date from ?at=YYYY-MM-DD, else today (Brussels) — for a plan that has
    ended, its last day: its figures are final then, and "on 1 December 2026" would date a
    report of a 2021–22 plan wrongly."""
    try:
        return date.fromisoformat(request.args.get("at", ""))
    except ValueError:
        today = _today()
        return min(today, plan.ends_on) if plan is not None else today


def _plan_of(indicator: Indicator) -> Plan:
    return indicator.action.goal.plan


bp.add_app_template_global(progress_bar, "progress_bar")


@bp.app_template_global("status_label")
def _status_label(status: str) -> str:
    return status_label(status)


@bp.route("/plan/")
@access(COORDINATOR)
def index():
    """The plans."""
    return render_template("plan/index.html", plans=list_plans(), today=_today())


@bp.route("/plan/import", methods=["GET", "POST"])
@access(COORDINATOR)
def import_plan():
    """Upload or paste a plan, preview the parsed tree and unplaced lines, then import."""
    form = ImportForm()
    parsed: ParsedPlan | None = None
    places: list[tuple[str, str]] = []
    problems: dict[str, str] = {}
    if form.validate_on_submit():
        rows = None
        upload = form.file.data
        try:
            if upload is not None and getattr(upload, "filename", None):
                try:
                    rows = rows_from_upload(upload.filename, upload.read())
                except TooManyRows:
                    raise
                except DomainError as error:  # not text: the reason beside the field
                    form.file.errors.append(error.message)
                except Exception:  # any unreadable file is the user's to fix
                    form.file.errors.append(_("This file could not be read as XLSX, CSV or "
                                              "text."))
            elif form.text.data and form.text.data.strip():
                rows = rows_from_text(form.text.data)
            elif form.rows.data:
                rows = _rows_from_json(form.rows.data)
        except TooManyRows:
            rows = None
            field = form.file if upload is not None and getattr(upload, "filename", None) \
                else form.text
            field.errors.append(_("The plan has more than %(max)d rows; a plan has fewer. "
                                  "Remove the empty rows or split the file.", max=MAX_ROWS))
        if rows is None and not form.file.errors and not form.text.errors:
            form.text.errors.append(_("Choose a file or paste the plan."))
        if rows is not None:
            kinds = services.event_kind_vocabulary()
            parsed = parse_rows(rows, kinds=kinds)
            places = _placement_choices(parsed)
            place_by_hand(parsed, {item.line: request.form.get(f"place-{item.line}", "")
                                   for item in parsed.unplaced}, kinds=kinds)
            problems = services.change_proposals(parsed, {
                key: {"measure": request.form.get(f"measure-{key}", ""),
                      "target": request.form.get(f"target-{key}", ""),
                      "confirm": request.form.get(f"confirm-{key}") == "1"}
                for key, _proposal in parsed.keyed_proposals()
                if f"measure-{key}" in request.form})
            parsed.keyed_proposals()  # keys for the page, after lines placed by hand
            form.rows.data = json.dumps(rows, ensure_ascii=False)
            form.text.data = ""
            if not form.name.data:
                form.name.data = parsed.name
            if request.form.get("do_import") and problems:
                flash(_("Check the proposals marked below."), "danger")
            elif request.form.get("do_import"):
                try:
                    plan = services.import_plan(
                        parsed, name=form.name.data, starts_on=form.starts_on.data,
                        ends_on=form.ends_on.data, accept=form.accept.data, actor=current_user)
                except DomainError as error:
                    if show_errors(form, error, rename={"period": "starts_on", "file": "text"}):
                        flash(_("Check the fields below."), "danger")
                else:
                    db.session.commit()
                    flash(_("The plan was imported. Check and confirm the proposed indicators."),
                          "success")
                    return redirect(url_for("plan.dashboard", plan_id=plan.id))
    return render_template("plan/import.html", form=form, parsed=parsed, measures=MEASURES,
                           places=places, kind_names=_kind_names(), problems=problems)


def _placement_choices(parsed: ParsedPlan) -> list[tuple[str, str]]:
    """Where a person can put an unplaced line: under an action, or as a new action of a goal."""
    choices = []
    for index, goal in enumerate(parsed.all_goals()):
        label = f"{goal.number} {goal.title}".strip()
        choices.append((f"goal:{index}", _("New action under “%(goal)s”", goal=label[:80])))
    for index, action in enumerate(parsed.all_actions()):
        choices.append((f"action:{index}", _("Indicator of “%(action)s”",
                                             action=action.title[:80])))
    return choices


def _kind_names() -> dict[str, str]:
    return {k.slug: k.label for k in db.session.execute(db.select(EventKind)).scalars()}


def _rows_from_json(data: str) -> list[tuple[int, list[str]]] | None:
    try:
        raw = json.loads(data)
    except ValueError:
        return None
    if not isinstance(raw, list):
        return None
    rows = []
    for item in raw:
        if (not isinstance(item, list) or len(item) != 2 or not isinstance(item[0], int)
                or not isinstance(item[1], list)):
            return None
        rows.append((item[0], [str(c).replace("\x00", "") for c in item[1]]))
    return rows


@bp.route("/plan/<int:plan_id>")
@access(COORDINATOR)
def dashboard(plan_id: int):
    """The plan tree with actual, target, pace, status and trend per indicator."""
    plan = db.get_or_404(Plan, plan_id)
    at = _at(plan)
    report = plan_report(plan, at, trend=True)
    charts = {iid: trend_svg(fig.trend, fig.target, fig.window.starts_on, fig.window.ends_on,
                             label=_("Trend by month against the target line"))
              for iid, fig in report.figures.items() if fig.trend}
    indicators = report.indicators()
    unlinked = unlinked_events(plan, at, limit=PAGE_SIZE, report=report)
    unlinked_form = _unlinked_form(report.goals)
    if unlinked.items:
        # preselect the action the first listed event would most likely serve
        unlinked_form.action_id.data = unlinked.items[0].actions[0].id
    return render_template(
        "plan/dashboard.html", plan=plan, report=report, at=at, charts=charts,
        counts=report.status_counts(),
        unrecorded=events_without_attendance(plan, utcnow()),
        unmeasured=[i for i in indicators if not i.measure],
        proposed=[i for i in indicators if i.status == "proposed"],
        snapshots=snapshots_of(plan), snapshot_form=SnapshotForm(at=at),
        confirm_form=EmptyForm(), unlinked=unlinked, unlinked_form=unlinked_form,
        action_url=_urls_by_id("plan.action", "action_id"),
        indicator_url=_urls_by_id("plan.indicator", "indicator_id", at=at.isoformat()),
        # each measure's name translated once, not once per indicator
        measure_labels={key: str(MEASURES[key].label)
                        for key in {i.measure for i in indicators} if key in MEASURES})


# an id no row has: marks where the id goes in a URL built once for many ids
_ID_MARK = 987654321987


def _urls_by_id(endpoint: str, key: str, **values: Any) -> Callable[[int], str]:
    """url_for(endpoint, key=id, **values) for many ids: the URL built once (werkzeug's
    routing costs ~30 µs a link; a dashboard has hundreds), the id written into it."""
    marked: dict[str, Any] = {**values, key: _ID_MARK}
    head, tail = url_for(endpoint, **marked).split(str(_ID_MARK))
    return lambda row_id: f"{head}{int(row_id)}{tail}"


@bp.route("/plan/<int:plan_id>/confirm-all", methods=["POST"])
@access(COORDINATOR)
def confirm_all(plan_id: int):
    """Confirm every complete proposal at once."""
    plan = db.get_or_404(Plan, plan_id)
    if EmptyForm().validate_on_submit():
        count = services.confirm_all(plan, actor=current_user)
        db.session.commit()
        flash(_("%(count)d indicators confirmed.", count=count), "success")
    return redirect(url_for("plan.dashboard", plan_id=plan.id))


@bp.route("/plan/indicators/<int:indicator_id>")
@access(COORDINATOR)
def indicator(indicator_id: int):
    """Drill-down: the records behind the figure, with the counting rule in words."""
    item = db.get_or_404(Indicator, indicator_id)
    plan = _plan_of(item)
    at = _at(plan)
    page = page_number()
    fig = _figures_for(item, plan, at)
    # a count's figure is its list length: the figure just computed is the total
    counted = MEASURES.get(item.measure or "")
    total = (int(fig.actual) if counted is not None and counted.judged == COUNT
             and fig.actual is not None else None)
    explained = explain_indicator(item, plan, at, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE,
                                  total=total)
    chart = trend_svg(fig.trend, fig.target, fig.window.starts_on, fig.window.ends_on,
                      label=_("Trend by month against the target line")) if fig.trend else None
    return render_template(
        "plan/indicator.html", indicator=item, plan=plan, at=at, fig=fig, explained=explained,
        kind=explained.kind, pager=Pager(page=page, per_page=PAGE_SIZE, total=explained.total),
        side=side_figures(item, plan, at), form=_indicator_form(item),
        value_form=ManualValueForm(recorded_on=at), milestone_form=MilestoneForm(recorded_on=at),
        chart=chart, delete_form=EmptyForm())


def _figures_for(item: Indicator, plan: Plan, at: date):
    from coopnet.plan.queries import compute_figures

    return compute_figures(plan, [item], at, trend=True)[item.id]


def _indicator_form(item: Indicator, formdata: Any = None) -> IndicatorForm:
    params = item.params or {}
    baseline = params.get("baseline")
    form = IndicatorForm(
        formdata=formdata, text=item.text, target=item.target, unit=item.unit,
        measure=item.measure or "", kinds=params.get("kinds", []),
        cities=", ".join(params.get("cities", [])),
        baseline=date.fromisoformat(baseline) if baseline else None,
        starts_on=item.starts_on, ends_on=item.ends_on, confirm=item.status == "confirmed")
    form.measure.choices = measure_choices()
    form.kinds.choices = [(k.slug, k.label) for k in db.session.execute(
        db.select(EventKind).order_by(EventKind.sort_order, EventKind.id)).scalars()]
    return form


@bp.route("/plan/indicators/<int:indicator_id>/records.csv")
@access(COORDINATOR)
def indicator_csv(indicator_id: int):
    """The drill-down as CSV: the figure, its parts, the records and the further lists."""
    item = db.get_or_404(Indicator, indicator_id)
    plan = _plan_of(item)
    at = _at(plan)
    body = drilldown_csv(item, _figures_for(item, plan, at), explain_indicator(item, plan, at))
    return download(body, f"indicator-{item.id}-{at}.csv")


@bp.route("/plan/indicators/<int:indicator_id>/records.xlsx")
@access(COORDINATOR)
def indicator_xlsx(indicator_id: int):
    """The drill-down as XLSX: a sheet with the figure and records, a sheet per further list."""
    item = db.get_or_404(Indicator, indicator_id)
    plan = _plan_of(item)
    at = _at(plan)
    body = drilldown_xlsx(item, _figures_for(item, plan, at), explain_indicator(item, plan, at))
    return download(body, f"indicator-{item.id}-{at}.xlsx")


@bp.route("/plan/indicators/<int:indicator_id>/edit", methods=["POST"])
@access(COORDINATOR)
def edit_indicator(indicator_id: int):
    """Change and confirm an indicator."""
    item = db.get_or_404(Indicator, indicator_id)
    form = _indicator_form(item, formdata=request.form)
    if form.validate_on_submit():
        cities = [c.strip() for c in (form.cities.data or "").split(",") if c.strip()]
        try:
            services.update_indicator(
                item, text=form.text.data or "", target=form.target.data,
                unit=form.unit.data or "", measure=form.measure.data or None,
                kinds=form.kinds.data or [], cities=cities, baseline=form.baseline.data,
                starts_on=form.starts_on.data, ends_on=form.ends_on.data,
                confirm=form.confirm.data, actor=current_user)
        except DomainError as error:
            db.session.rollback()
            if show_errors(form, error):
                flash(error.message, "danger")  # the page is long: say so at the top too
        else:
            db.session.commit()
            flash(_("The indicator was saved."), "success")
            return redirect(url_for("plan.indicator", indicator_id=item.id))
    return _indicator_page_with(item, form=form), 422


def _indicator_page_with(item: Indicator, **forms: Any) -> str:
    plan = _plan_of(item)
    at = _at(plan)
    fig = _figures_for(item, plan, at)
    explained = explain_indicator(item, plan, at, limit=PAGE_SIZE)
    context: dict[str, Any] = {
        "form": _indicator_form(item), "value_form": ManualValueForm(recorded_on=at),
        "milestone_form": MilestoneForm(recorded_on=at), "delete_form": EmptyForm()}
    context.update(forms)
    return render_template(
        "plan/indicator.html", indicator=item, plan=plan, at=at, fig=fig, explained=explained,
        kind=explained.kind, pager=Pager(page=1, per_page=PAGE_SIZE, total=explained.total),
        side=side_figures(item, plan, at), chart=None, **context)


@bp.route("/plan/indicators/<int:indicator_id>/values", methods=["POST"])
@access(COORDINATOR)
def add_value(indicator_id: int):
    """Enter a value by hand (or mark a milestone done / not done)."""
    item = db.get_or_404(Indicator, indicator_id)
    kind = MEASURES.get(item.measure or "")
    is_milestone = kind is not None and kind.judged == MILESTONE
    form = MilestoneForm() if is_milestone else ManualValueForm()
    if form.validate_on_submit():
        value = form.done.data if is_milestone else form.value.data
        try:
            services.add_manual_value(item, value=value, recorded_on=form.recorded_on.data,
                                      note=form.note.data or "", actor=current_user)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(_("The value was recorded."), "success")
            return redirect(url_for("plan.indicator", indicator_id=item.id))
    key = "milestone_form" if is_milestone else "value_form"
    return _indicator_page_with(item, **{key: form}), 422


@bp.route("/plan/indicators/<int:indicator_id>/delete", methods=["POST"])
@access(COORDINATOR)
def delete_indicator(indicator_id: int):
    """Remove an indicator."""
    item = db.get_or_404(Indicator, indicator_id)
    plan_id = _plan_of(item).id
    if EmptyForm().validate_on_submit():
        services.delete_indicator(item, actor=current_user)
        db.session.commit()
        flash(_("The indicator was removed."), "success")
    return redirect(url_for("plan.dashboard", plan_id=plan_id))


@bp.route("/plan/actions/<int:action_id>", methods=["GET", "POST"])
@access(COORDINATOR)
def action(action_id: int):
    """An action: its events (link more) and a form to add an indicator."""
    item = db.get_or_404(Action, action_id)
    plan = item.goal.plan
    link_form = LinkEventForm(prefix="link")
    linked = {e.id for e in item.events}
    link_form.event_id.choices = [
        (e.id, f"{e.starts_on.isoformat()} · {e.title}")
        for e in events_for_linking(plan) if e.id not in linked]
    new_form = NewIndicatorForm(prefix="new")
    if request.method == "POST":
        if "link-event_id" in request.form and link_form.validate_on_submit():
            event = db.get_or_404(Event, link_form.event_id.data)
            services.link_event(item, event, actor=current_user)
            db.session.commit()
            flash(_("The event now counts for this action."), "success")
            return redirect(url_for("plan.action", action_id=item.id))
        if "new-text" in request.form and new_form.validate_on_submit():
            created = services.add_indicator(item, text=new_form.text.data or "",
                                             actor=current_user)
            db.session.commit()
            flash(_("Indicator added; choose its measure and target."), "success")
            return redirect(url_for("plan.indicator", indicator_id=created.id))
        return render_template("plan/action.html", action=item, plan=plan, link_form=link_form,
                               new_form=new_form, unlink_form=EmptyForm()), 422
    return render_template("plan/action.html", action=item, plan=plan, link_form=link_form,
                           new_form=new_form, unlink_form=EmptyForm())


@bp.route("/plan/actions/<int:action_id>/events/<int:event_id>/unlink", methods=["POST"])
@access(COORDINATOR)
def unlink_event(action_id: int, event_id: int):
    """Stop counting an event for an action."""
    item = db.get_or_404(Action, action_id)
    event = db.get_or_404(Event, event_id)
    if EmptyForm().validate_on_submit():
        services.unlink_event(item, event, actor=current_user)
        db.session.commit()
        flash(_("The event no longer counts for this action."), "success")
    return redirect(url_for("plan.action", action_id=item.id))


def _report_for_download(plan_id: int):
    plan = db.get_or_404(Plan, plan_id)
    return plan, plan_report(plan, _at(plan))


@bp.route("/plan/<int:plan_id>/report.csv")
@access(COORDINATOR)
def report_csv_download(plan_id: int):
    """The report as CSV."""
    plan, report = _report_for_download(plan_id)
    return download(report_csv(report), f"rapport-{plan.id}-{report.at}.csv")


@bp.route("/plan/<int:plan_id>/report.xlsx")
@access(COORDINATOR)
def report_xlsx_download(plan_id: int):
    """The report as XLSX."""
    plan, report = _report_for_download(plan_id)
    return download(report_xlsx(report), f"rapport-{plan.id}-{report.at}.xlsx")


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _document(body: bytes, mimetype: str, filename: str) -> Response:
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/plan/<int:plan_id>/report.docx")
@access(COORDINATOR)
def report_docx_download(plan_id: int):
    """The progress report (live figures at ?at=, else today) as a Word document."""
    plan, report = _report_for_download(plan_id)
    return _document(report_docx(report), DOCX, f"voortgangsrapport-{plan.id}-{report.at}.docx")


@bp.route("/plan/<int:plan_id>/report.pdf")
@access(COORDINATOR)
def report_pdf_download(plan_id: int):
    """The progress report (live figures at ?at=, else today) as a PDF."""
    plan, report = _report_for_download(plan_id)
    return _document(report_pdf(report), "application/pdf",
                     f"voortgangsrapport-{plan.id}-{report.at}.pdf")


def _frozen(snapshot_id: int) -> dict[str, Any]:
    item = db.get_or_404(ReportSnapshot, snapshot_id)
    return {"report": snapshot_report(item), "comments": report_comments(item),
            "frozen_at": item.taken_at, "note": item.note}


@bp.route("/plan/snapshots/<int:snapshot_id>/report.docx")
@access(COORDINATOR)
def snapshot_docx(snapshot_id: int):
    """A frozen report, with the coordinator's comments, as a Word document."""
    frozen = _frozen(snapshot_id)
    return _document(report_docx(**frozen), DOCX,
                     f"voortgangsrapport-{frozen['report'].plan.id}-{frozen['report'].at}"
                     f"-bevroren-{snapshot_id}.docx")


@bp.route("/plan/snapshots/<int:snapshot_id>/report.pdf")
@access(COORDINATOR)
def snapshot_pdf(snapshot_id: int):
    """A frozen report, with the coordinator's comments, as a PDF."""
    frozen = _frozen(snapshot_id)
    return _document(report_pdf(**frozen), "application/pdf",
                     f"voortgangsrapport-{frozen['report'].plan.id}-{frozen['report'].at}"
                     f"-bevroren-{snapshot_id}.pdf")


@bp.route("/plan/snapshots/<int:snapshot_id>/comments/<int:action_id>", methods=["POST"])
@access(COORDINATOR)
def save_report_comment(snapshot_id: int, action_id: int):
    """Keep the coordinator's comment on an action with a frozen report."""
    item = db.get_or_404(ReportSnapshot, snapshot_id)
    action = db.get_or_404(Action, action_id)
    form = ReportCommentForm(prefix=f"comment-{action.id}")
    back = redirect(url_for("plan.snapshot", snapshot_id=item.id, _anchor=f"action-{action.id}"))
    if not form.validate_on_submit():
        flash(form.text.errors[0] if form.text.errors else _("The comment was not saved."),
              "danger")
        return back
    try:
        services.save_report_comment(item, action, form.text.data or "", actor=current_user)
    except DomainError as error:
        db.session.rollback()
        if error.status == 404:
            abort(404)
        flash(error.fields.get("text", error.message), "danger")
        return back
    db.session.commit()
    flash(_("The comment was saved."), "success")
    return back


@bp.route("/plan/<int:plan_id>/print")
@access(COORDINATOR)
def report_print(plan_id: int):
    """A printable report."""
    plan, report = _report_for_download(plan_id)
    return render_template("plan/print.html", plan=plan, report=report, at=report.at)


@bp.route("/plan/<int:plan_id>/snapshots", methods=["POST"])
@access(COORDINATOR)
def take_snapshot(plan_id: int):
    """Freeze the report at a date."""
    plan = db.get_or_404(Plan, plan_id)
    form = SnapshotForm()
    if form.validate_on_submit():
        snapshot = services.take_snapshot(plan, at=form.at.data, note=form.note.data or "",
                                          actor=current_user)
        db.session.commit()
        flash(_("The report was frozen."), "success")
        return redirect(url_for("plan.snapshot", snapshot_id=snapshot.id))
    flash(_("Give a valid report date."), "danger")
    return redirect(url_for("plan.dashboard", plan_id=plan.id))


@bp.route("/plan/snapshots/<int:snapshot_id>")
@access(COORDINATOR)
def snapshot(snapshot_id: int):
    """A frozen report side by side with today's figures."""
    item = db.get_or_404(ReportSnapshot, snapshot_id)
    today = _today()
    report = plan_report(item.plan, today)
    comments = report_comments(item)
    comment_forms = {action.id: ReportCommentForm(prefix=f"comment-{action.id}",
                                                  text=comments.get(action.id, ""))
                     for sd in report.goals for goal in [sd, *sd.children]
                     for action in goal.actions}
    return render_template("plan/snapshot.html", snapshot=item, plan=item.plan, report=report,
                           frozen=item.data.get("indicators", {}), today=today,
                           comment_forms=comment_forms)


def _unlinked_form(goals: list[Any]) -> LinkUnlinkedEventsForm:
    form = LinkUnlinkedEventsForm(prefix="unlinked")
    form.action_id.choices = plan_action_choices(goals)
    return form


@bp.route("/plan/<int:plan_id>/unlinked-events/link", methods=["POST"])
@access(COORDINATOR)
def link_unlinked_events(plan_id: int):
    """Link the ticked events that count for nothing yet to one action of the plan."""
    from coopnet.plan.queries import plan_tree

    plan = db.get_or_404(Plan, plan_id)
    back = redirect(url_for("plan.dashboard", plan_id=plan.id,
                            at=request.args.get("at") or None))
    form = _unlinked_form(plan_tree(plan))
    if not form.validate_on_submit():
        flash(_("Tick at least one event and choose an action."), "danger")
        return back
    action = db.get_or_404(Action, form.action_id.data)
    ids = set(form.event_ids.data or [])
    if not all(is_row_id(i) for i in ids):
        abort(404)
    events = list(db.session.execute(db.select(Event).where(Event.id.in_(ids))).scalars())
    if len(events) != len(ids):
        abort(404)
    try:
        count = services.link_events_to_action(events, action, actor=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
        return back
    db.session.commit()
    flash(_("%(count)d events now count for this action.", count=count), "success")
    return back
