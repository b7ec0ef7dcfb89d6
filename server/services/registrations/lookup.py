"""One registration, for whoever may see it: the person behind their personal link, or the
staff of its event. Anyone else's registration is not found, as an unknown one: changing a
number in an address opens nothing.
"""

from __future__ import annotations

from server.errors import NotFound
from server.i18n import lazy
from server.models import Attendee, Event, Registration

UNKNOWN_REGISTRATION = lazy("This registration does not exist.")


async def registrations_of(attendee: Attendee) -> list[Registration]:
    """The person's registrations with their events, the soonest event first."""
    return (
        await Registration.filter(attendee_id=attendee.id)
        .select_related("event")
        .order_by("event__starts_at")
    )


async def registration_of(attendee: Attendee, registration_id: int) -> Registration:
    """One of the person's own registrations. Raises NotFound for anyone else's."""
    registration = await Registration.get_or_none(id=registration_id, attendee_id=attendee.id)
    if registration is None:
        raise NotFound(UNKNOWN_REGISTRATION)
    return registration


async def event_registration(event: Event, registration_id: int | None) -> Registration:
    """A registration of `event`, with its person, for the event's staff (who the caller must
    have checked). Raises NotFound for another event's, or for no id at all (a form field that
    was not a number)."""
    registration = (
        await Registration.filter(id=registration_id, event_id=event.id)
        .select_related("attendee")
        .first()
        if registration_id is not None
        else None
    )
    if registration is None:
        raise NotFound(UNKNOWN_REGISTRATION)
    return registration
