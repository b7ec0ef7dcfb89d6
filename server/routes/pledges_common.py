"""What the employer's and the organisers' pledge pages share: how pledged and delivered values
read, in the pledge's unit and the reader's number format."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from server import i18n
from server.i18n import gettext, lazy
from server.models.enums import PledgeKind
from server.money import format_amount
from server.routes.offers_common import calendar_day
from server.services.pledges import is_money

MAD = lazy("%(amount)s MAD")


def number(value: Decimal | int) -> str:
    """A number of places or items, or an amount, grouped as the reader writes numbers."""
    return format_amount(Decimal(value), i18n.BABEL_LOCALES[i18n.current_language().code])


def mad(value: Decimal) -> str:
    """An amount in dirhams, e.g. "15 000 MAD" in French."""
    return gettext(MAD) % {"amount": number(value)}


def amount_text(kind: PledgeKind, value: Decimal | int) -> str:
    """A value in the unit of a pledge of `kind`: dirhams for co-funding, else a number."""
    return mad(Decimal(value)) if is_money(kind) else number(value)


def display_helpers() -> dict[str, Any]:
    """The functions the pledge templates format values with."""
    return {"day": calendar_day, "number": number, "mad": mad, "amount_text": amount_text}
