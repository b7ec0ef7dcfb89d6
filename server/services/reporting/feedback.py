"""What people thought of an event: a rating from 1 to 5 and a comment, one answer per person.

Who may answer: a registration of the event that was checked in (through the personal link, or
at the exit with the serial printed on the badge), or a confirmed exhibitor of the fair; from the
event's start until FEEDBACK_WINDOW after its end. One answer each: the unique constraints on
(event, registration) and (event, exhibitor) decide, so two answers sent at the same instant
cannot both be stored, and a second answer is refused rather than replacing the first.

Errors: ValidationFailed (`rating`, `comment`, `serial`), FeedbackRefused (`not_started`,
`feedback_closed`, `not_attended`, `not_exhibitor`, `already_answered`), RateLimited when one
address has typed too many badge codes that were not recognised.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from tortoise.exceptions import IntegrityError

from server.codes.serials import normalise_badge_serial
from server.errors import AppError, NotFound, RateLimited, ValidationFailed
from server.i18n import lazy
from server.models import Employer, Event, Exhibitor, Feedback, Registration
from server.models.enums import EventStatus, ExhibitorStatus
from server.services.ratelimit import FailureStore

FEEDBACK_WINDOW = timedelta(days=30)  # after the event's end
MAX_COMMENT_LENGTH = 2000
MAX_SERIAL_LENGTH = 20  # what is typed; a stored serial has at most 12 characters
# Badge codes typed at the exit that matched nothing, per address: a serial has 30 random bits,
# so ten guesses a quarter of an hour find nothing. Answers that succeed are not counted, so a
# venue's shared Wi-Fi address is not blocked by the people who answer through it.
BADGE_ATTEMPTS_PER_ADDRESS = 10
BADGE_ATTEMPT_WINDOW = timedelta(minutes=15)
FEEDBACK_STATUSES = (EventStatus.PUBLISHED, EventStatus.CLOSED, EventStatus.ARCHIVED)

_RATING = re.compile(r"[1-5]")  # ASCII only: "٣".isdigit() is true

RATING_REQUIRED = lazy("Choose a rating from 1 to 5.")
COMMENT_TOO_LONG = lazy("Write at most 2000 characters.")
SERIAL_REQUIRED = lazy("Type the code printed on your badge.")
# The same answer for a code that does not exist, one of another event and one of a person who
# did not come in: nobody learns from it which codes exist.
BADGE_NOT_RECOGNISED = lazy(
    "We cannot take an answer with this code. Check the code printed on your badge."
)
TOO_MANY_ATTEMPTS = lazy("Too many codes were tried. Please wait 15 minutes and try again.")
NOT_STARTED = lazy("You can give your opinion once the event has started.")
FEEDBACK_CLOSED = lazy("It is too late to give your opinion on this event.")
NOT_ATTENDED = lazy("Only people who came to the event can give their opinion on it.")
NOT_EXHIBITOR = lazy("Only confirmed exhibitors can give their opinion on this fair.")
ALREADY_ANSWERED = lazy("You have already given your opinion on this event. Thank you!")


class FeedbackRefused(AppError):
    """This person may not answer now; `code` says why (`not_started`, `feedback_closed`,
    `not_attended`, `not_exhibitor`, `already_answered`)."""

    status_code = 409


# --- finding the event and the person -----------------------------------------------------------


async def feedback_event(slug: str) -> Event:
    """The event of an exit poster's short link: any event that was published, archived ones
    too, since answers come after the event. Raises NotFound for drafts and unknown slugs."""
    event = await Event.get_or_none(slug=slug, status__in=FEEDBACK_STATUSES)
    if event is None:
        raise NotFound(lazy("This event does not exist or is not public."))
    return event


async def attendee_registration(attendee_id: int, event_id: int) -> Registration:
    """The person's registration for the event, with the event. Raises NotFound when they have
    none, like for an unknown event."""
    registration = (
        await Registration.filter(attendee_id=attendee_id, event_id=event_id)
        .select_related("event")
        .first()
    )
    if registration is None:
        raise NotFound(lazy("This registration does not exist."))
    return registration


async def fair_exhibitor(employer: Employer, event_id: int) -> Exhibitor:
    """The employer's confirmed place at a fair that has started, with the event. Raises
    NotFound otherwise (another employer's fair, a request not confirmed, a fair to come)."""
    exhibitor = (
        await Exhibitor.filter(
            employer_id=employer.id,
            event_id=event_id,
            status=ExhibitorStatus.CONFIRMED,
            event__starts_at__lte=datetime.now(UTC),
        )
        .select_related("event")
        .first()
    )
    if exhibitor is None:
        raise NotFound(lazy("This fair does not exist."))
    return exhibitor


# --- who may answer -----------------------------------------------------------------------------


def check_feedback_open(event: Event) -> None:
    """Raises FeedbackRefused (`not_started`, `feedback_closed`) outside the time when the
    event may be rated: from its start until FEEDBACK_WINDOW after its end."""
    now = datetime.now(UTC)
    if now < event.starts_at:
        raise FeedbackRefused(NOT_STARTED, code="not_started")
    if now > event.ends_at + FEEDBACK_WINDOW:
        raise FeedbackRefused(FEEDBACK_CLOSED, code="feedback_closed")


def _check_person(
    event: Event, registration: Registration | None, exhibitor: Exhibitor | None
) -> None:
    if (registration is None) == (exhibitor is None):
        raise ValueError("feedback comes from one registration or one exhibitor")
    if registration is not None and (
        registration.event_id != event.id or registration.checked_in_at is None
    ):
        raise FeedbackRefused(NOT_ATTENDED, code="not_attended")
    if exhibitor is not None and (
        exhibitor.event_id != event.id or exhibitor.status != ExhibitorStatus.CONFIRMED
    ):
        raise FeedbackRefused(NOT_EXHIBITOR, code="not_exhibitor")


async def check_may_answer(
    event: Event,
    *,
    registration: Registration | None = None,
    exhibitor: Exhibitor | None = None,
) -> None:
    """Whether the person (one registration or one exhibitor) may answer now. Raises
    FeedbackRefused with the reason, `already_answered` included."""
    check_feedback_open(event)
    _check_person(event, registration, exhibitor)
    if registration is not None:
        answered = Feedback.filter(event_id=event.id, registration_id=registration.id)
    else:
        answered = Feedback.filter(event_id=event.id, exhibitor_id=exhibitor.id)  # type: ignore[union-attr]
    if await answered.exists():
        raise FeedbackRefused(ALREADY_ANSWERED, code="already_answered")


def _validated(rating: str, comment: str) -> tuple[int, str]:
    errors: dict[str, str] = {}
    rating = rating.strip()
    if not _RATING.fullmatch(rating):
        errors["rating"] = RATING_REQUIRED
    comment = comment.strip()
    if len(comment) > MAX_COMMENT_LENGTH:
        errors["comment"] = COMMENT_TOO_LONG
    if errors:
        raise ValidationFailed(errors)
    return int(rating), comment


# --- answering ------------------------------------------------------------------------------------


async def give_feedback(
    event: Event,
    *,
    registration: Registration | None = None,
    exhibitor: Exhibitor | None = None,
    rating: str,
    comment: str,
) -> Feedback:
    """Record the answer of one checked-in registration or one confirmed exhibitor, with the
    rating and comment as typed. Raises FeedbackRefused (why this person may not answer, a
    second answer included) before ValidationFailed (`rating`, `comment`)."""
    await check_may_answer(event, registration=registration, exhibitor=exhibitor)
    value, text = _validated(rating, comment)
    try:
        return await Feedback.create(
            event_id=event.id,
            registration_id=registration.id if registration else None,
            exhibitor_id=exhibitor.id if exhibitor else None,
            rating=value,
            comment=text,
        )
    except IntegrityError:
        # The same person answered at the same instant from another tab or phone.
        raise FeedbackRefused(ALREADY_ANSWERED, code="already_answered") from None


async def give_feedback_with_badge(
    event: Event,
    serial: str,
    *,
    rating: str,
    comment: str,
    address: str,
    store: FailureStore,
) -> Feedback:
    """Record an answer given at the exit with the serial printed on the badge.

    The serial may be that of any badge of the same fair (the fair's, or one of its sessions'):
    the answer goes to the person's registration for `event`, which must have been checked in.
    A serial that leads to no such registration is refused next to the field with one message
    whatever the reason. Raises FeedbackRefused (`not_started`, `feedback_closed`,
    `already_answered`), ValidationFailed (`serial`, `rating`, `comment`) and RateLimited.
    """
    check_feedback_open(event)
    serial = serial.strip()
    errors: dict[str, str] = {} if serial else {"serial": SERIAL_REQUIRED}
    try:
        _validated(rating, comment)
    except ValidationFailed as failure:
        errors |= failure.errors
    if errors:
        raise ValidationFailed(errors)
    key = f"feedback:ip:{address}"
    # Counted before looking, so a burst of simultaneous guesses cannot slip under the limit.
    if await store.add(key, BADGE_ATTEMPT_WINDOW) > BADGE_ATTEMPTS_PER_ADDRESS:
        raise RateLimited(TOO_MANY_ATTEMPTS, retry_after=int(BADGE_ATTEMPT_WINDOW.total_seconds()))
    registration = await _attended_registration(event, normalise_badge_serial(serial))
    if registration is None:
        raise ValidationFailed({"serial": BADGE_NOT_RECOGNISED})
    feedback = await give_feedback(event, registration=registration, rating=rating, comment=comment)
    await store.remove_one(key)
    return feedback


def _fair_id(event: Event) -> int:
    return event.parent_id or event.id  # type: ignore[attr-defined,no-any-return]


async def _attended_registration(event: Event, serial: str) -> Registration | None:
    """The checked-in registration for `event` of the person whose badge has `serial`."""
    if len(serial) > MAX_SERIAL_LENGTH:
        return None
    badge = (
        await Registration.filter(badge_serial=serial, attendee__anonymised_at=None)
        .select_related("event")
        .first()
    )
    if badge is None or _fair_id(badge.event) != _fair_id(event):
        return None
    if badge.event_id == event.id:
        registration: Registration | None = badge
    else:
        registration = await Registration.get_or_none(
            event_id=event.id, attendee_id=badge.attendee_id
        )
    if registration is None or registration.checked_in_at is None:
        return None
    return registration


# --- the personal page ----------------------------------------------------------------------------


async def events_awaiting_feedback(registrations: Sequence[Registration]) -> set[int]:
    """Ids of the events, among these registrations (loaded with their event), that the person
    attended, may rate now and has not rated yet: where the personal page asks "how was it?"."""
    now = datetime.now(UTC)
    candidates = {
        registration.id: registration.event_id  # type: ignore[attr-defined]
        for registration in registrations
        if registration.checked_in_at is not None
        and registration.event.starts_at <= now <= registration.event.ends_at + FEEDBACK_WINDOW
    }
    if not candidates:
        return set()
    answered = await Feedback.filter(registration_id__in=list(candidates)).values_list(
        "registration_id", flat=True
    )
    done = set(answered)
    return {
        event_id for registration_id, event_id in candidates.items() if registration_id not in done
    }
