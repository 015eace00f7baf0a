"""The funder's report as a document to edit and send: DOCX and PDF, A4, in Dutch.

Both are renderings of the one report the dashboard, the exports and the snapshot page show
(`queries.Report`: the live figures at a date, or `queries.snapshot_report` for the frozen
ones). Nothing is counted here: `report_outline` turns the report into the texts of the
document once (numbers, statuses, counting rules, the comments), and the DOCX and PDF writers
only lay those texts out, so that the two files cannot say different things.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from flask import current_app
from flask_babel import force_locale, format_date, format_datetime, format_decimal
from flask_babel import gettext as _

from coopnet.plan.export import status_label
from coopnet.plan.models import Indicator
from coopnet.plan.queries import Figures, Report, event_kind_labels

if TYPE_CHECKING:
    from docx.document import Document as WordDocument
    from docx.table import Table, _Cell

# A4 in millimetres, and the margins of both documents
PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
MARGIN_MM = 18
TEXT_WIDTH_MM = PAGE_WIDTH_MM - 2 * MARGIN_MM  # 174
# indicator, target, figure, %, status, counting rule: together exactly the text width
COLUMN_MM = (42, 27, 15, 12, 18, 60)
assert sum(COLUMN_MM) == TEXT_WIDTH_MM

STATUS_COLOURS = {"achieved": "#1b7f5b", "on_track": "#0d6efd", "behind": "#c0392b",
                  "no_data": "#8a939b"}


@dataclass
class IndicatorLine:
    """One row of an action's table, as printed."""

    text: str
    target: str
    figure: str
    percent: str
    status: str
    status_key: str
    rule: str


@dataclass
class ChartBar:
    """One bar of a strategic goal's chart: the figure as a percentage of the target."""

    label: str
    percent: int | None
    expected_percent: int | None
    status_key: str
    caption: str


@dataclass
class ActionPart:
    """An action with its indicator rows and the coordinator's comment (None: none yet)."""

    title: str
    lines: list[IndicatorLine]
    comment: str | None


@dataclass
class GoalPart:
    """An operational goal (or the strategic goal itself when actions hang under it)."""

    title: str | None
    actions: list[ActionPart]


@dataclass
class StrategicPart:
    """A strategic goal: its heading, its chart and its goals."""

    title: str
    bars: list[ChartBar]
    goals: list[GoalPart]


@dataclass
class Outline:
    """Every text of the document, in order."""

    title: str
    subtitle: str
    facts: list[tuple[str, str]]
    summary: str
    parts: list[StrategicPart] = field(default_factory=list)
    headings: dict[str, str] = field(default_factory=dict)


def _number(value: float | None) -> str:
    """A figure as the dashboard shows it, written the Dutch way (33,3; 1.500)."""
    if value is None:
        return "–"
    if float(value).is_integer():
        return format_decimal(int(value))
    return format_decimal(round(float(value), 1), format="#,##0.0")


def _rule(indicator: Indicator, fig: Figures, kinds: dict[str, str]) -> str:
    """The counting rule in words, with the indicator's scope and own period."""
    kind = fig.measure_kind
    if kind is None:
        return _("No measure chosen yet.")
    words = [str(kind.rule)]
    params = indicator.params or {}
    if kind.uses_events and params.get("kinds"):
        words.append(_("Kinds: %(kinds)s.", kinds=", ".join(
            kinds.get(slug, slug) for slug in params["kinds"])))
    if kind.uses_events and params.get("cities"):
        words.append(_("Cities: %(cities)s.", cities=", ".join(params["cities"])))
    if params.get("baseline"):
        words.append(_("Baseline: %(date)s.", date=format_date(
            date.fromisoformat(params["baseline"]), "d MMMM y")))
    if indicator.starts_on or indicator.ends_on:
        words.append(_("Period: %(start)s – %(end)s.",
                       start=format_date(fig.window.starts_on, "d MMMM y"),
                       end=format_date(fig.window.ends_on, "d MMMM y")))
    if indicator.status != "confirmed":
        words.append(_("A proposal: it does not count until it is confirmed."))
    return " ".join(words)


def _line(indicator: Indicator, fig: Figures, kinds: dict[str, str]) -> IndicatorLine:
    target = _number(fig.target)
    if fig.target is not None and indicator.unit:
        target = f"{target} {indicator.unit}"
    return IndicatorLine(
        text=indicator.text, target=target, figure=_number(fig.actual),
        percent="–" if fig.percent is None else f"{fig.percent} %",
        status=status_label(fig.status), status_key=fig.status, rule=_rule(indicator, fig, kinds))


def _fit(text: str, width_pt: float) -> str:
    """The text, cut short with "…" where it would be wider than `width_pt` in the chart."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    font = _register_fonts()[0]
    text = " ".join(text.split())
    if stringWidth(text, font, FONT_PT) <= width_pt:
        return text
    room, kept = width_pt - stringWidth("…", font, FONT_PT), []
    for char in text:
        room -= stringWidth(char, font, FONT_PT)
        if room < 0:
            break
        kept.append(char)
    return "".join(kept).rstrip() + "…"


def _bar(indicator: Indicator, fig: Figures) -> ChartBar:
    label = _fit(indicator.text, LABEL_PT - 8)
    expected = (round(fig.expected_by_now * 100 / fig.target)
                if fig.expected_by_now is not None and fig.target else None)
    caption = (status_label(fig.status) if fig.percent is None
               else f"{fig.percent} % · {status_label(fig.status)}")
    return ChartBar(label, fig.percent, expected, fig.status, caption)


def report_outline(report: Report, *, comments: dict[int, str] | None = None,
                   frozen_at: datetime | None = None, note: str = "") -> Outline:
    """The document's texts from the report (and, for a frozen report, its comments)."""
    comments = comments or {}
    plan = report.plan
    kinds = event_kind_labels()
    facts = [
        (_("Period"), f"{format_date(plan.starts_on, 'd MMMM y')} – "
                      f"{format_date(plan.ends_on, 'd MMMM y')}"),
        (_("Figures as of"), format_date(report.at, "d MMMM y")),
    ]
    if frozen_at is not None:
        facts.append((_("Frozen on"), format_datetime(frozen_at, "d MMMM y, HH:mm")))
    if note:
        facts.append((_("Note"), note))
    counts = report.status_counts()
    summary = " · ".join(f"{status_label(key)}: {counts[key]}"
                         for key in ("achieved", "on_track", "behind", "no_data"))
    outline = Outline(
        title=plan.name, subtitle=_("Progress report"), facts=facts,
        summary=_("Indicators by status: %(counts)s", counts=summary),
        headings={"indicator": _("Indicator"), "target": _("Target"), "figure": _("Actual"),
                  "percent": "%", "status": _("Status"), "rule": _("How it is counted"),
                  "comment": _("Comment"),
                  "chart": _("Achieved as a share of the target (the mark: expected by now)"),
                  "empty_comment": _("(to be filled in)")})
    for sd in report.goals:
        part = StrategicPart(title=f"{sd.label} · {sd.title}".strip(" ·"), bars=[], goals=[])
        for goal in [sd, *sd.children]:
            goal_part = GoalPart(title=None if goal is sd else f"{goal.label} {goal.title}".strip(),
                                 actions=[])
            for action in goal.actions:
                shown = [i for i in action.indicators if i.id in report.figures]
                lines = [_line(i, report.figures[i.id], kinds) for i in shown]
                part.bars += [_bar(i, report.figures[i.id]) for i in shown]
                goal_part.actions.append(ActionPart(action.title, lines, comments.get(action.id)))
            if goal_part.actions or goal_part.title:
                part.goals.append(goal_part)
        outline.parts.append(part)
    return outline


def _dutch() -> force_locale:
    """The funder's report is written in the default language (Dutch), whatever the UI's."""
    return force_locale(current_app.config["BABEL_DEFAULT_LOCALE"])


# ---------------------------------------------------------------------------------------------
# the chart as a PNG (DOCX) - the PDF draws the same bars as vector graphics

def _font_path(bold: bool = False) -> str:
    """Bitstream Vera, shipped with reportlab: the same letters in the PDF and the chart."""
    import reportlab

    return str(Path(reportlab.__file__).parent / "fonts" / ("VeraBd.ttf" if bold else "Vera.ttf"))


# chart layout in points (1/72 inch), shared by the PNG and the PDF drawing
ROW_PT, LABEL_PT, CAPTION_PT, FONT_PT = 13, 190, 100, 7


def chart_size_pt(bars: list[ChartBar], width_pt: float) -> tuple[float, float]:
    """Width and height of a chart of these bars."""
    return width_pt, ROW_PT * len(bars) + 14


def chart_png(bars: list[ChartBar], *, width_mm: float = TEXT_WIDTH_MM, scale: int = 3) -> bytes:
    """A small horizontal bar chart: per indicator its figure as a share of the target."""
    from PIL import Image, ImageDraw, ImageFont

    width_pt, height_pt = chart_size_pt(bars, width_mm * 72 / 25.4)
    image = Image.new("RGB", (round(width_pt * scale), round(height_pt * scale)), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(_font_path(), FONT_PT * scale)
    bar_left = LABEL_PT
    bar_width = width_pt - LABEL_PT - CAPTION_PT

    def s(value: float) -> int:
        return round(value * scale)

    for row, bar in enumerate(bars):
        top = row * ROW_PT + 2
        draw.text((s(0), s(top + 1)), bar.label, fill="#212529", font=font)
        draw.rectangle([s(bar_left), s(top + 2), s(bar_left + bar_width), s(top + ROW_PT - 3)],
                       fill="#eef0f2")
        if bar.percent:
            filled = bar_width * min(max(bar.percent, 0), 100) / 100
            draw.rectangle([s(bar_left), s(top + 2), s(bar_left + filled), s(top + ROW_PT - 3)],
                           fill=STATUS_COLOURS.get(bar.status_key, "#8a939b"))
        if bar.expected_percent is not None:
            x = bar_left + bar_width * min(max(bar.expected_percent, 0), 100) / 100
            draw.line([s(x), s(top), s(x), s(top + ROW_PT - 1)], fill="#212529", width=scale)
        draw.text((s(bar_left + bar_width + 5), s(top + 1)), bar.caption, fill="#212529",
                  font=font)
    axis = len(bars) * ROW_PT + 3
    for pct in (0, 50, 100):
        x = bar_left + bar_width * pct / 100
        draw.line([s(x), s(axis), s(x), s(axis + 3)], fill="#6c757d", width=scale)
        draw.text((s(x - 6), s(axis + 3)), f"{pct} %", fill="#6c757d", font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(72 * scale, 72 * scale), compress_level=3)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------
# DOCX

def _set_cell_shading(cell: _Cell, colour: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour.lstrip("#"))
    cell._tc.get_or_add_tcPr().append(shading)


def _narrow_cell_margins(table: Table, mm: float = 1.2) -> None:
    """Cell margins of `mm` left and right (Word's default 1.9 mm wraps "Streefwaarde")."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(round(mm * 1440 / 25.4)))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    table._tbl.tblPr.append(margins)


def _dutch_proofing(document: WordDocument) -> None:
    """Mark the text as Dutch (Belgium) so that the word processor checks the spelling."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rpr = document.styles["Normal"].element.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "nl-BE")
    rpr.append(lang)


def report_docx(report: Report, *, comments: dict[int, str] | None = None,
                frozen_at: datetime | None = None, note: str = "") -> bytes:
    """The report as a Word document (A4), to edit and send."""
    from docx import Document
    from docx.shared import Mm, Pt, RGBColor

    with _dutch():
        outline = report_outline(report, comments=comments, frozen_at=frozen_at, note=note)
        document = Document()
        section = document.sections[0]
        section.page_width, section.page_height = Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Mm(MARGIN_MM))
        document.styles["Normal"].font.name = "Calibri"
        document.styles["Normal"].font.size = Pt(10)
        _dutch_proofing(document)
        grid = document.styles["Table Grid"].style_id
        document.core_properties.title = f"{outline.subtitle} – {outline.title}"
        document.core_properties.language = "nl-BE"

        document.add_heading(outline.title, level=0)
        document.add_paragraph(outline.subtitle).runs[0].bold = True
        for label, value in outline.facts:
            paragraph = document.add_paragraph()
            paragraph.add_run(f"{label}: ").bold = True
            paragraph.add_run(value)
            paragraph.paragraph_format.space_after = Pt(0)
        document.add_paragraph(outline.summary).paragraph_format.space_before = Pt(6)

        heads = outline.headings
        for part in outline.parts:
            document.add_heading(part.title, level=1)
            if part.bars:
                caption = document.add_paragraph(heads["chart"])
                caption.runs[0].font.size = Pt(8)
                caption.runs[0].font.color.rgb = RGBColor(0x6C, 0x75, 0x7D)
                document.add_picture(io.BytesIO(chart_png(part.bars)), width=Mm(TEXT_WIDTH_MM))
            for goal in part.goals:
                if goal.title:
                    document.add_heading(goal.title, level=2)
                for action in goal.actions:
                    document.add_heading(action.title, level=3)
                    if action.lines:
                        _docx_table(document, heads, action.lines, grid)
                    comment_head = document.add_paragraph()
                    comment_head.add_run(heads["comment"]).bold = True
                    comment_head.paragraph_format.space_before = Pt(4)
                    comment_head.paragraph_format.space_after = Pt(2)
                    box = document.add_table(rows=1, cols=1)
                    box._tbl.tblStyle_val = grid
                    box.autofit = False
                    cell = box.cell(0, 0)
                    cell.width = Mm(TEXT_WIDTH_MM)
                    if action.comment:
                        paragraphs = action.comment.split("\n")
                        cell.paragraphs[0].text = paragraphs[0]
                        for text in paragraphs[1:]:
                            cell.add_paragraph(text)
                    else:
                        run = cell.paragraphs[0].add_run(heads["empty_comment"])
                        run.italic = True
                        run.font.color.rgb = RGBColor(0x8A, 0x93, 0x9B)
                        cell.add_paragraph("")
        buffer = io.BytesIO()
        document.save(buffer)
    return buffer.getvalue()


def _docx_table(document: WordDocument, heads: dict[str, str], lines: list[IndicatorLine],
                grid: str) -> None:
    """An action's indicators as a table exactly as wide as the text."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    keys = ("indicator", "target", "figure", "percent", "status", "rule")
    table = document.add_table(rows=1, cols=len(keys))
    table._tbl.tblStyle_val = grid
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    _narrow_cell_margins(table)
    right = {1, 2, 3}
    for number, key in enumerate(keys):
        cell = table.rows[0].cells[number]
        cell.text = heads[key]
        cell.paragraphs[0].runs[0].bold = True
        _set_cell_shading(cell, "#e9ecef")
    for line in lines:
        cells = table.add_row().cells
        values = (line.text, line.target, line.figure, line.percent, line.status, line.rule)
        for number, value in enumerate(values):
            cells[number].text = value
        _set_cell_shading(cells[4], {"achieved": "#d1e7dd", "on_track": "#cfe2ff",
                                     "behind": "#f8d7da"}.get(line.status_key, "#f1f3f5"))
    for row_number, row in enumerate(table.rows):
        for number, cell in enumerate(row.cells):
            cell.width = Mm(COLUMN_MM[number])
            for paragraph in cell.paragraphs:
                if number in right:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                for run in paragraph.runs:
                    run.font.size = Pt(7.5 if number == 5 or row_number == 0 else 8.5)
    # the grid's own column widths too: Word reads the cells, LibreOffice the grid
    for number, column in enumerate(table.columns):
        column.width = Mm(COLUMN_MM[number])


# ---------------------------------------------------------------------------------------------
# PDF

def _register_fonts() -> tuple[str, str]:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if "Vera" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("Vera", _font_path()))
        pdfmetrics.registerFont(TTFont("VeraBd", _font_path(bold=True)))
    return "Vera", "VeraBd"


def _chart_drawing(bars: list[ChartBar], width_pt: float, font: str) -> Any:
    from reportlab.graphics.shapes import Drawing, Line, Rect, String
    from reportlab.lib.colors import HexColor

    width, height = chart_size_pt(bars, width_pt)
    drawing = Drawing(width, height)
    bar_width = width - LABEL_PT - CAPTION_PT

    def y(value: float) -> float:  # reportlab counts from the bottom
        return height - value

    for row, bar in enumerate(bars):
        top = row * ROW_PT + 2
        drawing.add(String(0, y(top + 8), bar.label, fontName=font, fontSize=FONT_PT))
        drawing.add(Rect(LABEL_PT, y(top + ROW_PT - 3), bar_width, ROW_PT - 5,
                         fillColor=HexColor("#eef0f2"), strokeColor=None))
        if bar.percent:
            filled = bar_width * min(max(bar.percent, 0), 100) / 100
            drawing.add(Rect(LABEL_PT, y(top + ROW_PT - 3), filled, ROW_PT - 5,
                             fillColor=HexColor(STATUS_COLOURS.get(bar.status_key, "#8a939b")),
                             strokeColor=None))
        if bar.expected_percent is not None:
            x = LABEL_PT + bar_width * min(max(bar.expected_percent, 0), 100) / 100
            drawing.add(Line(x, y(top), x, y(top + ROW_PT - 1), strokeWidth=1))
        drawing.add(String(LABEL_PT + bar_width + 5, y(top + 8), bar.caption, fontName=font,
                           fontSize=FONT_PT))
    axis = len(bars) * ROW_PT + 3
    for pct in (0, 50, 100):
        x = LABEL_PT + bar_width * pct / 100
        drawing.add(Line(x, y(axis), x, y(axis + 3), strokeColor=HexColor("#6c757d")))
        drawing.add(String(x, y(axis + 10), f"{pct} %", fontName=font, fontSize=FONT_PT - 1,
                           fillColor=HexColor("#6c757d"), textAnchor="middle"))
    return drawing


def report_pdf(report: Report, *, comments: dict[int, str] | None = None,
               frozen_at: datetime | None = None, note: str = "") -> bytes:
    """The report as a PDF (A4), with the same texts as the Word document."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        KeepTogether,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    regular, bold = _register_fonts()
    with _dutch():
        outline = report_outline(report, comments=comments, frozen_at=frozen_at, note=note)
        base = ParagraphStyle("base", fontName=regular, fontSize=9, leading=11.5)
        styles = {
            "title": ParagraphStyle("title", base, fontName=bold, fontSize=18, leading=22,
                                    spaceAfter=4),
            "subtitle": ParagraphStyle("subtitle", base, fontName=bold, fontSize=12, leading=15,
                                       spaceAfter=6),
            "h1": ParagraphStyle("h1", base, fontName=bold, fontSize=13, leading=16,
                                 spaceBefore=12, spaceAfter=4,
                                 textColor=colors.HexColor("#1b5e45")),
            "h2": ParagraphStyle("h2", base, fontName=bold, fontSize=10.5, leading=13,
                                 spaceBefore=8, spaceAfter=3),
            "h3": ParagraphStyle("h3", base, fontName=bold, fontSize=9.5, leading=12,
                                 spaceBefore=6, spaceAfter=3),
            "small": ParagraphStyle("small", base, fontSize=7.5, leading=9.5,
                                    textColor=colors.HexColor("#6c757d")),
            "cell": ParagraphStyle("cell", base, fontSize=8, leading=10),
            "num": ParagraphStyle("num", base, fontSize=8, leading=10, alignment=TA_RIGHT),
            "rule": ParagraphStyle("rule", base, fontSize=7, leading=8.6),
            "head": ParagraphStyle("head", base, fontName=bold, fontSize=7.5, leading=9.5),
        }

        def para(text: str, style: str) -> Paragraph:
            return Paragraph(escape(text).replace("\n", "<br/>"), styles[style])

        story: list = [para(outline.title, "title"), para(outline.subtitle, "subtitle")]
        for label, value in outline.facts:
            story.append(Paragraph(f"<font name='{bold}'>{escape(label)}:</font> {escape(value)}",
                                   base))
        story += [Spacer(1, 4), para(outline.summary, "cell")]
        heads = outline.headings
        widths = [w * mm for w in COLUMN_MM]
        for part in outline.parts:
            block: list = [para(part.title, "h1")]
            if part.bars:
                block += [para(heads["chart"], "small"), Spacer(1, 2),
                          _chart_drawing(part.bars, TEXT_WIDTH_MM * mm, regular)]
            story.append(KeepTogether(block))
            for goal in part.goals:
                # the goal's heading goes with its first action (KeepTogether does not nest,
                # so keepWithNext cannot do this)
                heading = [para(goal.title, "h2")] if goal.title else []
                if not goal.actions:
                    story += heading
                for number, action in enumerate(goal.actions):
                    items: list = [*(heading if number == 0 else []), para(action.title, "h3")]
                    if action.lines:
                        rows = [[para(heads[k], "head") for k in (
                            "indicator", "target", "figure", "percent", "status", "rule")]]
                        style = [
                            ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#adb5bd")),
                            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e9ecef")),
                            ("VALIGN", (0, 0), (-1, -1), "TOP"),
                            ("LEFTPADDING", (0, 0), (-1, -1), 3),
                            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                        ]
                        for number, line in enumerate(action.lines, 1):
                            rows.append([para(line.text, "cell"), para(line.target, "num"),
                                         para(line.figure, "num"), para(line.percent, "num"),
                                         para(line.status, "cell"), para(line.rule, "rule")])
                            style.append(("BACKGROUND", (4, number), (4, number), colors.HexColor(
                                {"achieved": "#d1e7dd", "on_track": "#cfe2ff",
                                 "behind": "#f8d7da"}.get(line.status_key, "#f1f3f5"))))
                        table = Table(rows, colWidths=widths, repeatRows=1)
                        table.setStyle(TableStyle(style))
                        items.append(table)
                    comment = Table(
                        [[para(heads["comment"], "head")],
                         [para(action.comment, "cell") if action.comment
                          else para(heads["empty_comment"], "small")]],
                        colWidths=[TEXT_WIDTH_MM * mm],
                        rowHeights=[None, None if action.comment else 14 * mm])
                    comment.setStyle(TableStyle([
                        ("BOX", (0, 1), (-1, 1), 0.4, colors.HexColor("#adb5bd")),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("LEFTPADDING", (0, 0), (-1, -1), 3),
                        ("TOPPADDING", (0, 0), (-1, 0), 5)]))
                    items.append(comment)
                    # a heading never ends a page; a table longer than a page still splits
                    story.append(KeepTogether(items))

        def footer(canvas: Any, doc: Any) -> None:
            canvas.saveState()
            canvas.setFont(regular, 7)
            canvas.setFillColor(colors.HexColor("#6c757d"))
            canvas.drawString(MARGIN_MM * mm, 10 * mm, f"{outline.title} · {outline.facts[1][1]}")
            canvas.drawRightString((PAGE_WIDTH_MM - MARGIN_MM) * mm, 10 * mm,
                                   _("Page %(number)d", number=doc.page))
            canvas.restoreState()

        buffer = io.BytesIO()
        document = SimpleDocTemplate(
            buffer, pagesize=A4, leftMargin=MARGIN_MM * mm, rightMargin=MARGIN_MM * mm,
            topMargin=MARGIN_MM * mm, bottomMargin=MARGIN_MM * mm,
            title=f"{outline.subtitle} – {outline.title}", author="Coopkracht", lang="nl-BE")
        document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
