"""What goes on a badge, read from the database: one attendee's, or every badge of an event.

The PDF itself is drawn by `server.documents.badges` (pure); this module turns registrations into
`BadgeData`, the same way for the personal page's badge and for the organiser's sheets.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from babel.dates import format_date, format_time

from server.codes.badges import make_badge_code
from server.documents.badges import BadgeData, BadgeRole
from server.errors import NotFound
from server.i18n import BABEL_LOCALES, pick_text
from server.models import Attendee, Event, Registration
from server.models.enums import RegistrationStatus
from server.services.interviews.personal import interview_lines
from server.services.registrations.lookup import UNKNOWN_REGISTRATION
from server.values.clock import EVENT_TIMEZONE

BATCH_SIZE = 500


def badge_data(
    registration: Registration,
    *,
    secret_key: str,
    language: str,
    event: Event | None = None,
    role: BadgeRole = "visitor",
) -> BadgeData:
    """The badge of `registration`, its texts in `language`.

    `registration.attendee` must be loaded, and `event` (by default `registration.event`) with
    its organisation.
    """
    event = event or registration.event
    return _badge(registration, event, _event_texts(event, language), secret_key, role)


@dataclass(frozen=True)
class _EventTexts:
    """The part of a badge that is the same for everyone at the event, formatted once."""

    event_title: str
    event_date: str
    venue: str
    organisation: str
    language: str


def _event_texts(event: Event, language: str) -> _EventTexts:
    locale = BABEL_LOCALES[language]
    starts_at = event.starts_at.astimezone(EVENT_TIMEZONE)
    return _EventTexts(
        event_title=pick_text(event.title, language),
        event_date=(
            f"{format_date(starts_at, 'full', locale=locale)}"
            f" · {format_time(starts_at, 'short', locale=locale)}"
        ),
        venue=", ".join(part for part in (event.venue, event.city) if part),
        organisation=event.organisation.name,
        language=language,
    )


def _badge(
    registration: Registration,
    event: Event,
    texts: _EventTexts,
    secret_key: str,
    role: BadgeRole,
) -> BadgeData:
    return BadgeData(
        **vars(texts),
        name=registration.attendee.full_name,
        role=role,
        serial=registration.badge_serial,
        qr_text=make_badge_code(secret_key, event.id, registration.id),
    )


async def attendee_badge(
    attendee: Attendee, registration_id: int, *, secret_key: str, language: str
) -> BadgeData:
    """The badge of one of the person's confirmed registrations, with their interviews at the
    fair on its back. Raises NotFound for anyone else's, and for a place that is not confirmed
    (no badge without a seat)."""
    registration = (
        await Registration.filter(
            id=registration_id, attendee_id=attendee.id, status=RegistrationStatus.CONFIRMED
        )
        .select_related("event__organisation", "attendee")
        .first()
    )
    if registration is None:
        raise NotFound(UNKNOWN_REGISTRATION)
    badge = badge_data(registration, secret_key=secret_key, language=language)
    lines = await interview_lines(attendee, event_id=registration.event_id)
    return replace(badge, interviews=tuple(lines.get(registration.event_id, ())))


async def event_badges(event: Event, *, secret_key: str, language: str) -> list[BadgeData]:
    """A visitor badge for every confirmed registration of `event` itself (for a fair, not its
    sessions' registrations: a session badge is its fair badge), by last name then first name.

    The ids are read first, in order, then the registrations in batches of BATCH_SIZE with their
    person: a cancellation while the batches are read cannot shift a batch and skip somebody,
    and no more than one batch of model objects is alive at a time.
    """
    await event.fetch_related("organisation")
    ids = await (
        Registration.filter(event_id=event.id, status=RegistrationStatus.CONFIRMED)
        .order_by("attendee__last_name", "attendee__first_name", "id")
        .values_list("id", flat=True)
    )
    texts = _event_texts(event, language)
    badges: list[BadgeData] = []
    for start in range(0, len(ids), BATCH_SIZE):
        batch = ids[start : start + BATCH_SIZE]
        found = {
            registration.id: registration
            for registration in await Registration.filter(
                id__in=batch, status=RegistrationStatus.CONFIRMED
            ).select_related("attendee")
        }
        badges.extend(
            _badge(found[id_], event, texts, secret_key, "visitor") for id_ in batch if id_ in found
        )
    return badges
