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

    def x(day: date) -> float:
        return round(PAD + (WIDTH - 2 * PAD) * (day - starts_on).days / span, 1)

    def y(value: float) -> float:
        return round(HEIGHT - PAD - (HEIGHT - 2 * PAD) * value / top, 1)

    parts = [f'<svg class="plan-trend" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
             f'height="{HEIGHT}" role="img" aria-label="{Markup.escape(label)}">',
             f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" '
             'stroke="#ced4da" stroke-width="1"/>']
    if target:
        parts.append(f'<line x1="{x(starts_on)}" y1="{y(0)}" x2="{x(ends_on)}" y2="{y(target)}" '
                     'stroke="#6c757d" stroke-width="1" stroke-dasharray="3 2"/>')
    line = [(x(day), y(value)) for day, value in points if value is not None]
    if line:
        coords = " ".join(f"{px},{py}" for px, py in [(x(starts_on), y(0)), *line])
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
