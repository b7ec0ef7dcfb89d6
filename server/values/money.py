"""Amounts in Moroccan dirhams (MAD) as people type them, and as they read them.

Money is a Decimal with at most two decimals, never a float.
"""

from __future__ import annotations

import re
from decimal import Decimal

from babel.numbers import format_decimal

# What people type: "15000", "15 000", "15000,50", "15 000.5". Spaces of any kind group
# thousands (French writes them, often as non-breaking spaces); one comma or point starts at most
# two decimals. "15.000" is refused rather than guessed: fifteen, or fifteen thousand?
_AMOUNT = re.compile(r"([0-9]{1,15})(?:[.,]([0-9]{1,2}))?")


def parse_amount(text: str) -> Decimal | None:
    """The amount written in `text` (ASCII digits only), or None when it is not one."""
    compact = "".join(text.split())
    match = _AMOUNT.fullmatch(compact)
    if match is None:
        return None
    whole, cents = match.groups()
    return Decimal(f"{whole}.{cents or '0'}").quantize(Decimal("0.01"))


def format_amount(value: Decimal, locale: str) -> str:
    """An amount in the reader's number format: whole amounts without decimals, others with two."""
    pattern = "#,##0" if value == value.to_integral_value() else "#,##0.00"
    return format_decimal(value, format=pattern, locale=locale)
