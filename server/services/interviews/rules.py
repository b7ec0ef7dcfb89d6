"""The fair's rules for interviews: how many places one person may hold, and which fairs and
booths take interviews at all.

Errors: ValidationFailed (`bookings_per_person`), NotFound for a fair that is not one.
"""

from __future__ import annotations

from tortoise.transactions import in_transaction

from server.errors import NotFound, ValidationFailed
from server.i18n import lazy
from server.models import Event, InterviewRules, User
from server.models.enums import EventKind
from server.models.interviews import DEFAULT_BOOKINGS_PER_PERSON
from server.services.action_log import log_event_action
from server.services.events.catalogue import PUBLIC_STATUSES
from server.values.numbers import parse_count

MAX_BOOKINGS_PER_PERSON = 20
BAD_LIMIT = lazy("Enter a number of interviews from 1 to 20.")
UNKNOWN_FAIR = lazy("This job fair does not exist or is not public.")
NOT_A_FAIR = lazy("Interviews are only for job fairs.")


def is_fair(event: Event) -> bool:
    """Interviews are held at the booths of a job fair itself, not of its sessions."""
    return event.kind == EventKind.JOB_FAIR and event.parent_id is None  # type: ignore[attr-defined]


def check_fair(event: Event) -> Event:
    """`event`, or NotFound when it is not a job fair (a session, a workshop)."""
    if not is_fair(event):
        raise NotFound(NOT_A_FAIR)
    return event


async def public_fair(event_id: int) -> Event:
    """A public job fair, for the person's booking page; NotFound for anything else."""
    event = await Event.get_or_none(id=event_id, status__in=PUBLIC_STATUSES)
    if event is None or not is_fair(event):
        raise NotFound(UNKNOWN_FAIR)
    return event


async def bookings_per_person(event: Event) -> int:
    """How many interview places the fair lets one person hold."""
    limit = await InterviewRules.filter(event_id=event.id).values_list(
        "bookings_per_person", flat=True
    )
    return limit[0] if limit else DEFAULT_BOOKINGS_PER_PERSON


async def set_bookings_per_person(event: Event, text: str, *, by: User | None) -> int:
    """Change the fair's limit per person (1 to MAX_BOOKINGS_PER_PERSON). Places already held
    stay: a lower limit only stops new bookings. Logs `interview.limit.changed`. Raises
    ValidationFailed (`bookings_per_person`)."""
    limit = parse_count(text)
    if limit is None or not 1 <= limit <= MAX_BOOKINGS_PER_PERSON:
        raise ValidationFailed({"bookings_per_person": BAD_LIMIT})
    async with in_transaction():
        rules, _ = await InterviewRules.get_or_create(event_id=event.id)
        await InterviewRules.filter(id=rules.id).update(
            bookings_per_person=limit, updated_by_id=by.id if by else None
        )
        await log_event_action("interview.limit.changed", event, by, {"bookings_per_person": limit})
    return limit
