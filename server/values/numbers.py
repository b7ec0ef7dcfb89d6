"""Whole numbers typed by people or put in URLs."""

from __future__ import annotations

import re

_DIGITS = re.compile(r"[0-9]{1,9}")  # ASCII only: "²".isdigit() is true, int("²") fails


def parse_count(text: str) -> int | None:
    """The number written in `text` (at most nine ASCII digits), or None."""
    text = text.strip()
    return int(text) if _DIGITS.fullmatch(text) else None
