"""What the offer pages (public board, personal link, employer and organiser pages) share."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date

from server import i18n


def calendar_day(value: date, format: str = "medium") -> str:
    """A calendar date (an offer's or a pledge's deadline) in the reader's language. The
    templates' `date` filter takes moments in time; a deadline is a day, with no time zone."""
    return format_date(value, format, locale=i18n.BABEL_LOCALES[i18n.current_language().code])
