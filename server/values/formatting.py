"""Numbers, percentages, amounts and dates as the reader writes them.

One module for the pages, the PDFs, the spreadsheets' labels and the messages, so that a figure
reads the same everywhere. Every function reads the current language
(`server.i18n.current_language()`); PDFs are drawn inside `pdf_text.in_language`. A moment is shown
in Morocco's time; a calendar day (a deadline) has no time zone.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cache, lru_cache

from babel import Locale
from babel.dates import format_date, format_datetime, format_skeleton, format_time
from babel.numbers import format_decimal, format_percent

from server.i18n import BABEL_LOCALES, current_language, gettext, lazy
from server.models.enums import PledgeKind
from server.values.clock import EVENT_TIMEZONE
from server.values.money import format_amount

NO_VALUE = "—"  # a figure that does not exist (a rate with nothing to divide by)
MAD = lazy("%(amount)s MAD")


def _babel_locale() -> str:
    return BABEL_LOCALES[current_language().code]


@cache
def _locale(code: str) -> Locale:
    return Locale.parse(BABEL_LOCALES[code])


_DATE_FORMATTERS = {
    "datetime": format_datetime,
    "date": format_date,
    "time": format_time,
    "skeleton": lambda value, skeleton, locale: format_skeleton(skeleton, value, locale=locale),
}


@lru_cache(maxsize=4096)
def _local(kind: str, value: date, format: str, language: str) -> str:
    # Remembered: Babel takes ~10 µs a date, and pages show the same dates to every visitor
    # (a list of 50 events has 150). The result depends only on the arguments.
    if isinstance(value, datetime):
        value = value.astimezone(EVENT_TIMEZONE)
    return _DATE_FORMATTERS[kind](value, format, locale=_locale(language))


def local_datetime(value: datetime, format: str = "medium") -> str:
    return _local("datetime", value, format, current_language().code)


def local_date(value: date, format: str = "full") -> str:
    """A moment's day in Morocco, or a calendar day (a deadline), in the reader's language."""
    return _local("date", value, format, current_language().code)


def local_time(value: datetime, format: str = "short") -> str:
    return _local("time", value, format, current_language().code)


def local_day(value: datetime) -> str:
    """A moment's day in Morocco without the year (`14 mai`, `14 ماي`), as a text message says
    it: short, and about the weeks to come."""
    return _local("skeleton", value, "MMMMd", current_language().code)


def number(value: Decimal | int) -> str:
    """A count or an amount, grouped as the reader writes numbers: whole values without
    decimals, others with two."""
    return format_amount(Decimal(value), _babel_locale())


def decimal(value: float | None, places: int = 1) -> str:
    """A measure such as an average rating (4,3 in French); NO_VALUE when there is none."""
    if value is None:
        return NO_VALUE
    return format_decimal(value, format="0." + "0" * places, locale=_babel_locale())


def percent(ratio: float | None, *, missing: str = NO_VALUE) -> str:
    """A share from 0 to 1 as a whole percentage, rounded half up (77 % in French); `missing`
    when there is none. Whole percentages everywhere: a decimal would claim a precision that
    the counts of one fair do not have, and two outputs must never disagree."""
    if ratio is None:
        return missing
    whole = Decimal(str(ratio * 100)).quantize(Decimal(1), rounding=ROUND_HALF_UP) / 100
    return format_percent(whole, locale=_babel_locale())


def mad(value: Decimal | int) -> str:
    """An amount in dirhams, e.g. "15 000 MAD" in French."""
    return gettext(MAD) % {"amount": number(value)}


def amount_text(kind: PledgeKind, value: Decimal | int) -> str:
    """A value in the unit of a pledge of `kind`: dirhams for co-funding, else a number."""
    return mad(value) if kind.is_money else number(value)
