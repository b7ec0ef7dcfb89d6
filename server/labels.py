"""Display names of the domain's vocabularies, as messages to translate."""

from __future__ import annotations

from enum import StrEnum

from server.i18n import gettext, lazy
from server.models.enums import EventKind, EventStatus, Role

LABELS: dict[StrEnum, str] = {
    EventKind.JOB_FAIR: lazy("Job fair"),
    EventKind.WORKSHOP: lazy("Workshop"),
    EventKind.SIDE_EVENT: lazy("Side event"),
    EventKind.TRAINING: lazy("Training"),
    EventKind.INFO_SESSION: lazy("Information session"),
    EventStatus.DRAFT: lazy("Draft"),
    EventStatus.PUBLISHED: lazy("Published"),
    EventStatus.CLOSED: lazy("Closed"),
    EventStatus.ARCHIVED: lazy("Archived"),
    Role.OWNER: lazy("Owner"),
    Role.ORGANISER: lazy("Organiser"),
    Role.CHECKIN: lazy("Check-in staff"),
}


def label(value: StrEnum) -> str:
    """The translated display name of an enum value (its raw value when none is defined)."""
    message = LABELS.get(value)
    return gettext(message) if message else str(value)
