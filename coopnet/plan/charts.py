"""Small server-side charts: a progress bar and the trend against the target line (SVG)."""

from __future__ import annotations

from datetime import date

from markupsafe import Markup

WIDTH, HEIGHT, PAD = 160, 40, 3


def trend_svg(points: list[tuple[date, float | None]], target: float | None, starts_on: date,
              ends_on: date, *, label: str = "") -> Markup:
    """Cumulative values at month ends (solid) against the linear target line (dashed)."""
    span = max((ends_on - starts_on).days, 1)
    values = [v for _d, v in points if v is not None]
    top = max([target or 0.0, *values, 1.0])
    inner_width, inner_height, base = WIDTH - 2 * PAD, HEIGHT - 2 * PAD, HEIGHT - PAD
    # x and y written out inline (a dashboard draws dozens of lines of ~20 points each)
    parts = [f'<svg class="plan-trend" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
             f'height="{HEIGHT}" role="img" aria-label="{Markup.escape(label)}">',
             f'<line x1="{PAD}" y1="{base}" x2="{WIDTH - PAD}" y2="{base}" '
             'stroke="#ced4da" stroke-width="1"/>']
    x0, y0 = round(float(PAD), 1), round(base - 0.0, 1)
    if target:
        x1 = round(PAD + inner_width * (ends_on - starts_on).days / span, 1)
        y1 = round(base - inner_height * target / top, 1)
        parts.append(f'<line x1="{x0}" y1="{y0}" x2="{x1}" y2="{y1}" '
                     'stroke="#6c757d" stroke-width="1" stroke-dasharray="3 2"/>')
    line = [(round(PAD + inner_width * (day - starts_on).days / span, 1),
             round(base - inner_height * value / top, 1))
            for day, value in points if value is not None]
    if line:
        coords = " ".join([f"{x0},{y0}", *[f"{px},{py}" for px, py in line]])
        parts.append(f'<polyline points="{coords}" fill="none" stroke="#1b7f5b" '
                     'stroke-width="2"/>')
        px, py = line[-1]
        parts.append(f'<circle cx="{px}" cy="{py}" r="2.5" fill="#1b7f5b"/>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - built from numbers and an escaped label only


def progress_bar(percent: int | None, status: str, label: str) -> Markup:
    """The share of the target reached as a bar (0-100 %), green when achieved, red when
    behind. Written here rather than in a template macro: a dashboard draws one per indicator
    and a macro call costs Jinja ~20 us each."""
    width = max(0, min(100, percent or 0))
    colour = {"achieved": " bg-success", "behind": " bg-danger"}.get(status, "")
    return Markup(  # noqa: S704 - numbers, a fixed class and an escaped label only
        f'<div class="progress plan-progress" role="progressbar" '
        f'aria-label="{Markup.escape(label)}" aria-valuenow="{width}" aria-valuemin="0" '
        f'aria-valuemax="100"><div class="progress-bar{colour}" style="width: {width}%"></div>'
        "</div>")
