"""Language and time zone choice, and the date/time filters templates use."""

from __future__ import annotations

import functools
import math
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

from babel import Locale
from babel import dates as babel_dates
from babel.numbers import parse_pattern
from flask import Flask, current_app, has_request_context, request
from flask_babel import (
    force_locale,
    format_datetime,
    get_locale,
    get_timezone,
)
from jinja2 import pass_context
from jinja2.runtime import Context

LANG_COOKIE = "coopnet_lang"
# how a figure is written (grouped thousands, at most one decimal), parsed once
_FIGURE = parse_pattern("#,##0.#")
# the language a visitor chooses -> the locale whose dates and numbers are shown: Belgian Dutch
# and French, British English ("3 Nov 2021, 12:00", not "11/3/21, 12:00 PM"). The catalogue
# of fr_BE is found in translations/fr (gettext falls back from fr_BE to fr).
FORMAT_LOCALES = {"nl": "nl_BE", "fr": "fr_BE", "en": "en_GB"}
# each language's own name, for the language menu
LANGUAGE_NAMES = {"nl": "Nederlands", "fr": "Français", "en": "English"}


def language_of(locale: object) -> str:
    """The language code ("nl", "fr", "en") of a locale such as fr_BE."""
    return str(locale or "nl").split("_")[0]


def current_language() -> str:
    """The language ("nl", "fr", "en") the current request is shown in."""
    return language_of(get_locale())


def mail_language_of(person: Any) -> str:
    """The language a mail to `person` is written in: the one they registered in, else the
    network's default (Dutch)."""
    chosen = getattr(person, "language", None)
    if chosen in current_app.config["COOPNET_LANGUAGES"]:
        return str(chosen)
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])


@contextmanager
def in_language_of(person: Any) -> Iterator[None]:
    """Write what is rendered inside (subject, text, dates, calendar file) in `person`'s
    language, whoever's request or timer sends it: a promotion set off by someone else's
    cancellation, a change saved by staff, tomorrow's reminder."""
    language = mail_language_of(person)
    with force_locale(FORMAT_LOCALES.get(language, language)):
        yield


def select_locale() -> str:
    """The visitor's chosen language (cookie), else Dutch.

    The browser's Accept-Language is deliberately not followed: many Flemish members
    run English-language browsers and still expect Coopkracht's site in Dutch.
    """
    languages = current_app.config["COOPNET_LANGUAGES"]
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    if not has_request_context():
        return FORMAT_LOCALES.get(default, default)  # CLI, mail from a timer: Dutch
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen is not None and chosen in languages:
        return FORMAT_LOCALES.get(chosen, chosen)
    return FORMAT_LOCALES.get(default, default)


def select_timezone() -> str:
    """Everything is shown in Brussels time; the database holds UTC."""
    return current_app.config["COOPNET_TIMEZONE"]


class _FigureFormat:
    """Babel's "#,##0.#" for one locale with Python's own formatting, its symbols looked up
    once (a dashboard writes hundreds of figures; Babel's pattern costs ~15 µs each)."""

    def __init__(self, locale: Locale) -> None:
        self.locale = locale
        symbols = locale.number_symbols
        symbols = symbols.get("latn", symbols)  # Babel >= 2.14 keys them by numbering system
        self.group, self.decimal = symbols["group"], symbols["decimal"]
        self.minus = symbols["minusSign"]

    def __call__(self, value: float | int) -> str:
        rounded = round(value, 1)
        if type(rounded) not in (int, float) or not -1e15 < rounded < 1e15:
            # another number type, or beyond a float's exact decimals: Babel's own way
            return _FIGURE.apply(rounded, self.locale)
        text = f"{abs(rounded):,.1f}"
        if text.endswith(".0"):
            text = text[:-2]
        text = text.replace(",", "\0").replace(".", self.decimal).replace("\0", self.group)
        return self.minus + text if math.copysign(1, rounded) < 0 else text


# one formatter per locale, made the first time a figure is written in it
_FIGURE_FORMATS: dict[tuple[str, str | None], _FigureFormat] = {}


def format_figure(value: float | int, locale: Locale) -> str:
    """`value` rounded to at most one decimal, thousands grouped, in `locale`: as Babel's
    format_decimal(round(value, 1), "#,##0.#") writes it (1.234,5 in Dutch, 1 234,5 in
    French with a narrow no-break space, 1,234.5 in English)."""
    key = (locale.language, locale.territory)
    figure_format = _FIGURE_FORMATS.get(key)
    if figure_format is None:
        figure_format = _FIGURE_FORMATS[key] = _FigureFormat(locale)
    return figure_format(value)


def register_template_helpers(app: Flask) -> None:
    """Jinja filters for Brussels-time dates in the visitor's language."""

    @app.template_filter("datetime")
    def _datetime(value: datetime | None, fmt: str = "medium") -> str:
        return format_datetime(value, fmt) if value else ""

    @app.template_filter("date")
    @pass_context
    def _date(context: Context, value: date | datetime | None, fmt: str = "medium") -> str:
        if value is None:
            return ""
        if isinstance(value, datetime):
            return format_datetime(value, "EEEE d MMMM y" if fmt == "long" else "d MMM y")
        # a calendar day (no time zone to shift): Babel's format in the page's locale, as
        # flask_babel's format_date writes it without looking the locale up again
        return babel_dates.format_date(value, fmt, locale=context.get("format_locale")
                                       or get_locale())

    @app.template_filter("number")
    @pass_context
    def _number(context: Context, value: float | int | None) -> str:
        """A figure in the visitor's language: 1.500 and 0,3 in Dutch; at most one decimal.
        The locale is the one the page is rendered in, looked up once per page (a macro
        imported without the page's context looks it up itself)."""
        if value is None:
            return "–"
        return format_figure(value, context.get("format_locale") or get_locale())

    @app.template_filter("time")
    def _time(value: datetime | None) -> str:
        """19:00 in the shown time zone. Babel's "HH:mm" writes the same digits in every
        language offered, so this skips the locale (a calendar page shows dozens)."""
        if not value:
            return ""
        moment = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return moment.astimezone(get_timezone()).strftime("%H:%M")

    @app.context_processor
    def _inject_locale() -> dict[str, object]:
        locale = get_locale()
        return {"current_locale": language_of(locale), "format_locale": locale,
                "languages": app.config["COOPNET_LANGUAGES"], "language_names": LANGUAGE_NAMES}


def wtforms_translations() -> Any:
    """WTForms' translations for the current language (its "This field is required." …)."""
    return _wtforms_catalogue(str(get_locale()))


@functools.lru_cache(maxsize=8)
def _wtforms_catalogue(locale: str) -> Any:
    from babel import support
    from wtforms.i18n import messages_path

    return support.Translations.load(messages_path(), [locale], domain="wtforms")
