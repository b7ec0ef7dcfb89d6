"""Morocco's clock: events happen there, so times are typed and shown in its zone."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

EVENT_TIMEZONE = ZoneInfo("Africa/Casablanca")


def today_in_morocco() -> date:
    """Today in Morocco, where events happen and deadlines are read."""
    return datetime.now(EVENT_TIMEZONE).date()
