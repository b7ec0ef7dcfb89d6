"""The organiser's verbs on events: create, edit, publish, close, archive; sessions of a fair; the
custom questions of a sign-up form.

Forms carry what the organiser typed, as typed (dates and times are local to Africa/Casablanca),
so that a refused form comes back with nothing lost; the services check everything, store aware
UTC datetimes and write one ActionLog row per change. Errors: ValidationFailed (field → message)
and EventChangeRefused (a stable `code`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.query_utils import Prefetch
from tortoise.transactions import in_transaction

from server.errors import AppError, NotFound, ValidationFailed
from server.i18n import DEFAULT_LANGUAGE, LANGUAGES, lazy
from server.models import CustomQuestion, Event, Organisation, Registration, User
from server.models.enums import EventKind, EventStatus, QuestionKind, RegistrationStatus
from server.notifications import EventChange, queue_event_change
from server.services.action_log import log_event_action
from server.services.registrations.seats import promote_first_waiting
from server.values.clock import EVENT_TIMEZONE
from server.values.numbers import parse_count

CONTENT_LANGUAGES = tuple(LANGUAGES)  # fr first: French is required, the others fall back to it
TEXT_FIELDS = ("title", "description", "practical_info")
SESSION_KINDS = (
    EventKind.WORKSHOP,
    EventKind.SIDE_EVENT,
    EventKind.TRAINING,
    EventKind.INFO_SESSION,
)
SLUG_BASE_LENGTH = 80  # of the column's 100, leaving room for a "-12" suffix
SLUG_ATTEMPTS = 20
MAX_TITLE_LENGTH = 200
MAX_CAPACITY = 1_000_000
MAX_QUESTIONS = 30

# What each status may become: a closed event may be reopened, a cancelled one only archived,
# an archived one is final.
TRANSITIONS: dict[EventStatus, frozenset[EventStatus]] = {
    EventStatus.DRAFT: frozenset({EventStatus.PUBLISHED}),
    EventStatus.PUBLISHED: frozenset({EventStatus.CLOSED, EventStatus.CANCELLED}),
    EventStatus.CLOSED: frozenset(
        {EventStatus.PUBLISHED, EventStatus.ARCHIVED, EventStatus.CANCELLED}
    ),
    EventStatus.CANCELLED: frozenset({EventStatus.ARCHIVED}),
    EventStatus.ARCHIVED: frozenset(),
}
# Statuses whose people have registrations to be told about a change.
ANNOUNCED_STATUSES = (EventStatus.PUBLISHED, EventStatus.CLOSED)
PLACE_FIELDS = ("venue", "address", "room", "city")
ACTIVE_REGISTRATIONS = (
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.WAITLISTED,
    RegistrationStatus.PENDING,
)


class EventChangeRefused(AppError):
    """A change the event's state does not allow; `code` says why (`illegal_transition`,
    `archived`, `cancelled`, `fair_not_public`, `not_a_fair`, `status_changed`,
    `changed_meanwhile`, `too_many_questions`)."""

    status_code = 409


# --- reading ------------------------------------------------------------------------------------


async def managed_event(organisation: Organisation, event_id: int) -> Event:
    """One of the organisation's events, any status, with its parent, sessions and questions.

    Raises NotFound for an unknown id and for another organisation's event alike, so that
    nobody learns which ids exist elsewhere.
    """
    event = (
        await Event.filter(id=event_id, organisation_id=organisation.id)
        .select_related("parent")
        .prefetch_related(
            Prefetch("sessions", queryset=Event.all().order_by("starts_at", "id")), "questions"
        )
        .first()
    )
    if event is None:
        raise NotFound(lazy("This event does not exist."))
    return event


def next_statuses(event: Event) -> list[EventStatus]:
    """The statuses the event may move to now, in the order of its life."""
    return [status for status in EventStatus if status in TRANSITIONS[event.status]]


# --- the event form -----------------------------------------------------------------------------


@dataclass
class EventForm:
    """An event as typed in the form: texts per language, local dates and times as strings."""

    kind: str = ""
    title: dict[str, str] = field(default_factory=dict)
    description: dict[str, str] = field(default_factory=dict)
    practical_info: dict[str, str] = field(default_factory=dict)
    city: str = ""
    venue: str = ""
    address: str = ""
    room: str = ""
    start_date: str = ""
    start_time: str = ""
    end_date: str = ""
    end_time: str = ""
    capacity: str = ""
    waitlist_enabled: bool = True
    requires_approval: bool = False
    opens_date: str = ""
    opens_time: str = ""
    closes_date: str = ""
    closes_time: str = ""
    tell_registered: bool = True  # a new time or place is announced unless this is a correction

    @classmethod
    def from_event(cls, event: Event) -> EventForm:
        """The form that shows an existing event for editing."""
        start_date, start_time = _local_parts(event.starts_at)
        end_date, end_time = _local_parts(event.ends_at)
        opens_date, opens_time = _local_parts(event.registration_opens_at)
        closes_date, closes_time = _local_parts(event.registration_closes_at)
        return cls(
            kind=event.kind.value,
            title=dict(event.title or {}),
            description=dict(event.description or {}),
            practical_info=dict(event.practical_info or {}),
            city=event.city,
            venue=event.venue,
            address=event.address,
            room=event.room,
            start_date=start_date,
            start_time=start_time,
            end_date=end_date,
            end_time=end_time,
            capacity="" if event.capacity is None else str(event.capacity),
            waitlist_enabled=event.waitlist_enabled,
            requires_approval=event.requires_approval,
            opens_date=opens_date,
            opens_time=opens_time,
            closes_date=closes_date,
            closes_time=closes_time,
        )

    @classmethod
    def for_session_of(cls, fair: Event) -> EventForm:
        """A new session's form, with the fair's place and day already filled in."""
        day, _ = _local_parts(fair.starts_at)
        return cls(
            kind=EventKind.WORKSHOP.value,
            city=fair.city,
            venue=fair.venue,
            address=fair.address,
            start_date=day,
            end_date=day,
        )


def _local_parts(moment: datetime | None) -> tuple[str, str]:
    if moment is None:
        return "", ""
    local = moment.astimezone(EVENT_TIMEZONE)
    return local.date().isoformat(), local.strftime("%H:%M")


def _parse_moment(day: str, hour: str) -> datetime:
    """A local date and time (`2026-05-14`, `09:30`) as an aware UTC datetime; ValueError when
    either does not parse."""
    parsed_day = date.fromisoformat(day.strip())
    parsed_time = time.fromisoformat(hour.strip())
    local = datetime.combine(parsed_day, parsed_time.replace(second=0, microsecond=0))
    return local.replace(tzinfo=EVENT_TIMEZONE).astimezone(UTC)


def _optional_moment(errors: dict[str, str], key: str, day: str, hour: str) -> datetime | None:
    if not day.strip() and not hour.strip():
        return None
    try:
        return _parse_moment(day, hour or "00:00")
    except ValueError:
        errors[key] = lazy("Enter both a date and a time.")
        return None


def _clean_event(form: EventForm, *, parent: Event | None, current: Event | None) -> dict[str, Any]:
    """The model fields of a valid form; raises ValidationFailed with every error found.

    `parent` is the fair of a session; `current` the event being edited (None when creating).
    """
    errors: dict[str, str] = {}
    allowed_kinds = SESSION_KINDS if parent is not None else tuple(EventKind)
    if form.kind not in {kind.value for kind in allowed_kinds}:
        errors["kind"] = lazy("Choose a kind of event from the list.")
    elif current is not None and form.kind != EventKind.JOB_FAIR and len(current.sessions):
        errors["kind"] = lazy("This event has sessions: it must stay a job fair.")

    texts = {name: _clean_texts(getattr(form, name)) for name in TEXT_FIELDS}
    if not texts["title"].get(DEFAULT_LANGUAGE):
        errors["title_fr"] = lazy("Enter the title in French.")
    for language, title in texts["title"].items():
        if len(title) > MAX_TITLE_LENGTH:
            errors[f"title_{language}"] = lazy("Use at most 200 characters.")

    city = form.city.strip()
    if not city:
        errors["city"] = lazy("Enter the city.")
    for name, limit in (("city", 80), ("venue", 200), ("address", 300), ("room", 100)):
        if len(getattr(form, name).strip()) > limit:
            errors[name] = lazy("This text is too long.")

    starts_at = ends_at = None
    try:
        starts_at = _parse_moment(form.start_date, form.start_time)
    except ValueError:
        errors["starts_at"] = lazy("Enter both a date and a time.")
    try:
        ends_at = _parse_moment(form.end_date or form.start_date, form.end_time)
    except ValueError:
        errors["ends_at"] = lazy("Enter both a date and a time.")
    if starts_at and ends_at:
        errors |= _time_errors(starts_at, ends_at, parent=parent, current=current)

    capacity: int | None = None
    if form.capacity.strip():
        text = form.capacity.strip()
        if (parse_count(text) or 0) > MAX_CAPACITY or parse_count(text) is None:
            errors["capacity"] = lazy("Enter a number of seats, or leave empty for no limit.")
        else:
            capacity = int(text)
            if current is not None and capacity < current.seats_taken:
                errors["capacity"] = _below_seats_taken()

    opens_at = _optional_moment(errors, "registration_opens_at", form.opens_date, form.opens_time)
    closes_at = _optional_moment(
        errors, "registration_closes_at", form.closes_date, form.closes_time
    )
    if opens_at and closes_at and closes_at <= opens_at:
        errors["registration_closes_at"] = lazy("Registration must close after it opens.")
    elif closes_at and ends_at and closes_at > ends_at:
        errors["registration_closes_at"] = lazy("Registration must close before the event ends.")
    if opens_at and ends_at and opens_at >= ends_at and "registration_closes_at" not in errors:
        errors["registration_opens_at"] = lazy("Registration must open before the event ends.")

    if errors:
        raise ValidationFailed(errors)
    return {
        "kind": EventKind(form.kind),
        **texts,
        "city": city,
        "venue": form.venue.strip(),
        "address": form.address.strip(),
        "room": form.room.strip(),
        "starts_at": starts_at,
        "ends_at": ends_at,
        "capacity": capacity,
        "waitlist_enabled": form.waitlist_enabled,
        "requires_approval": form.requires_approval,
        "registration_opens_at": opens_at,
        "registration_closes_at": closes_at,
    }


def _time_errors(
    starts_at: datetime, ends_at: datetime, *, parent: Event | None, current: Event | None
) -> dict[str, str]:
    """The event ends after it starts, a session lies within its fair, and a fair's new times
    still hold all its sessions."""
    if ends_at <= starts_at:
        return {"ends_at": lazy("The event must end after it starts.")}
    during_fair = lazy("A session must take place during its event's times.")
    if parent is not None and starts_at < parent.starts_at:
        return {"starts_at": during_fair}
    if parent is not None and ends_at > parent.ends_at:
        return {"ends_at": during_fair}
    sessions = list(current.sessions) if current is not None else []
    if any(s.starts_at < starts_at or s.ends_at > ends_at for s in sessions):
        return {
            "starts_at": lazy(
                "Some sessions would then fall outside the event: change their times first."
            )
        }
    return {}


def _below_seats_taken() -> str:
    return lazy("More seats are already taken: the capacity cannot be lower.")


def _clean_texts(texts: dict[str, str]) -> dict[str, str]:
    """Texts of the content languages, trimmed, without the empty ones (they fall back to
    French when shown)."""
    cleaned = {lang: (texts.get(lang) or "").strip() for lang in CONTENT_LANGUAGES}
    return {lang: text for lang, text in cleaned.items() if text}


# --- slugs --------------------------------------------------------------------------------------


def slugify(text: str) -> str:
    """`Salon de l'emploi — Casablanca` → `salon-de-l-emploi-casablanca` (ASCII, for links)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:SLUG_BASE_LENGTH].rstrip("-") or "evenement"


async def _free_slug(base: str) -> str:
    """`base`, or `base-2`, `base-3`… whichever is not taken yet."""
    taken = set(
        await Event.filter(Q(slug=base) | Q(slug__startswith=f"{base}-")).values_list(
            "slug", flat=True
        )
    )
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


# --- creating and editing -----------------------------------------------------------------------


async def create_event(
    organisation: Organisation, form: EventForm, *, user: User | None, parent: Event | None = None
) -> Event:
    """Create a draft event (a session of `parent` when given) and log `event.created`.

    Raises ValidationFailed for bad input and EventChangeRefused when `parent` is not a job fair
    of the same organisation or is archived.
    """
    if parent is not None:
        check_can_hold_sessions(parent, organisation)
    values = _clean_event(form, parent=parent, current=None)
    base = slugify(values["title"][DEFAULT_LANGUAGE])
    for _ in range(SLUG_ATTEMPTS):
        slug = await _free_slug(base)
        try:
            async with in_transaction():
                event = await Event.create(
                    organisation_id=organisation.id,
                    parent_id=parent.id if parent else None,
                    slug=slug,
                    status=EventStatus.DRAFT,
                    **values,
                )
                await log_event_action(
                    "event.session.created" if parent else "event.created",
                    event,
                    user,
                    {"parent": parent.id} if parent else {},
                )
            return event
        except IntegrityError:
            continue  # another organiser took the same slug at the same instant: next number
    raise AppError(lazy("Could not create the event. Please try again."), code="slug_taken")


async def add_session(
    organisation: Organisation, fair: Event, form: EventForm, *, user: User | None
) -> Event:
    """Create a draft session inside `fair`, within its times. Publishing the fair does not
    publish its sessions: each is published on its own. Raises like create_event."""
    return await create_event(organisation, form, user=user, parent=fair)


def check_can_hold_sessions(parent: Event, organisation: Organisation) -> None:
    """Raise unless `parent` may receive sessions: NotFound for another organisation's event,
    EventChangeRefused `not_a_fair` (only a top-level job fair holds sessions) or `archived`."""
    if parent.organisation_id != organisation.id:  # type: ignore[attr-defined]
        raise NotFound(lazy("This event does not exist."))
    if parent.kind != EventKind.JOB_FAIR or parent.parent_id is not None:  # type: ignore[attr-defined]
        raise EventChangeRefused(lazy("Only a job fair can contain sessions."), code="not_a_fair")
    check_editable(parent)


def check_editable(event: Event) -> None:
    """Raise EventChangeRefused `archived` for an archived event (that status is final) and
    `cancelled` for a cancelled one (its people were told it will not take place)."""
    if event.status == EventStatus.ARCHIVED:
        raise EventChangeRefused(
            lazy("This event is archived: it can no longer be changed."), code="archived"
        )
    if event.status == EventStatus.CANCELLED:
        raise EventChangeRefused(
            lazy("This event is cancelled: it can no longer be changed."), code="cancelled"
        )


def announced_change(event: Event, values: dict[str, Any], *, now: datetime) -> EventChange:
    """What the people registered must hear of an edit: a new start (moved) or a new place, for
    an event that has people and has not ended yet."""
    if event.status not in ANNOUNCED_STATUSES or event.ends_at <= now:
        return EventChange()
    return EventChange(
        moved=values["starts_at"] != event.starts_at,
        new_place=any(values[name] != getattr(event, name) for name in PLACE_FIELDS),
    )


async def update_event(event: Event, form: EventForm, *, user: User | None) -> Event:
    """Save the edited event and log `event.updated` with the names of the changed fields.

    `event` comes from managed_event() (with its parent and sessions). The capacity can never
    drop below the seats already taken: the final UPDATE is conditional, so a sign-up between
    the check and the save cannot slip through. Raising the capacity gives the new seats to the
    people waiting, in order.

    A new start or place of an event with people registered is told to each of them in the
    same transaction (unless `form.tell_registered` is false: a correction). The UPDATE is then
    conditional on the time and place read too, so two organisers moving the event at once
    make one change and one message each, not two. Raises ValidationFailed and
    EventChangeRefused (`archived`, `cancelled`, `changed_meanwhile`).
    """
    check_editable(event)
    values = _clean_event(form, parent=event.parent, current=event)
    changed = sorted(name for name, value in values.items() if getattr(event, name) != value)
    now = datetime.now(UTC)
    change = announced_change(event, values, now=now) if form.tell_registered else EventChange()
    async with in_transaction():
        guard = Q(id=event.id)
        if values["capacity"] is not None:
            guard &= Q(seats_taken__lte=values["capacity"])
        if change:
            guard &= Q(starts_at=event.starts_at, **{n: getattr(event, n) for n in PLACE_FIELDS})
        if not await Event.filter(guard).update(**values, updated_at=now):
            if change and await _moved_meanwhile(event):
                raise EventChangeRefused(
                    lazy("Someone else changed this event's time or place. Please look again."),
                    code="changed_meanwhile",
                )
            raise ValidationFailed({"capacity": _below_seats_taken()})
        promoted = 0
        if "capacity" in changed or "waitlist_enabled" in changed:
            while await promote_first_waiting(event.id) is not None:
                promoted += 1
        told = await queue_event_change(await Event.get(id=event.id), change)
        await log_event_action(
            "event.updated", event, user, {"fields": changed, "promoted": promoted, "told": told}
        )
    return await Event.get(id=event.id)


async def _moved_meanwhile(event: Event) -> bool:
    """Whether the event's start or place in the database differ from those of `event`."""
    stored = await Event.get(id=event.id)
    return stored.starts_at != event.starts_at or any(
        getattr(stored, name) != getattr(event, name) for name in PLACE_FIELDS
    )


async def change_status(event: Event, status: str, *, user: User | None) -> Event:
    """Move the event along draft → published → closed → archived (closed → published reopens;
    a published or closed event may be cancelled, then only archived).

    A session can be published only once its fair is public. Cancelling tells everyone
    registered (for a fair, the people of its sessions too, once each) in the same transaction,
    then cancels the registrations, and a fair's sessions with them. Logs `event.<status>` (or
    `event.reopened`). Raises EventChangeRefused: `illegal_transition`, `fair_not_public`, or
    `status_changed` when someone else changed the status in the meantime.
    """
    try:
        target = EventStatus(status)
    except ValueError:
        target = None
    if target is None or target not in TRANSITIONS[event.status]:
        raise EventChangeRefused(
            lazy("This change of status is not possible."), code="illegal_transition"
        )
    if (
        target == EventStatus.PUBLISHED
        and event.parent is not None
        and event.parent.status not in (EventStatus.PUBLISHED, EventStatus.CLOSED)
    ):
        raise EventChangeRefused(
            lazy("Publish the job fair first: its sessions are shown on its page."),
            code="fair_not_public",
        )
    action = (
        "event.reopened"
        if (event.status, target) == (EventStatus.CLOSED, EventStatus.PUBLISHED)
        else f"event.{target.value}"
    )
    async with in_transaction():
        # Conditional on the status read: two organisers clicking at once make one change.
        if not await Event.filter(id=event.id, status=event.status).update(status=target):
            raise EventChangeRefused(
                lazy("Someone else changed this event's status. Please look again."),
                code="status_changed",
            )
        data: dict[str, Any] = {"from": event.status.value, "to": target.value}
        if target == EventStatus.CANCELLED:
            data["told"] = await _cancel_with_registrations(event)
        await log_event_action(action, event, user, data)
    event.status = target
    return event


async def _cancel_with_registrations(event: Event) -> int:
    """Tell the people of a cancelled event, cancel their registrations and, for a fair, its
    sessions; returns how many people were told. Call inside the transaction that cancelled
    the event."""
    told = await queue_event_change(event, EventChange(cancelled=True))
    sessions = Event.filter(
        parent_id=event.id, status__not_in=(EventStatus.ARCHIVED, EventStatus.CANCELLED)
    )
    event_ids = [event.id, *await sessions.values_list("id", flat=True)]
    await sessions.update(status=EventStatus.CANCELLED, seats_taken=0)
    await Event.filter(id=event.id).update(seats_taken=0)
    await Registration.filter(event_id__in=event_ids, status__in=ACTIVE_REGISTRATIONS).update(
        status=RegistrationStatus.CANCELLED, cancelled_at=datetime.now(UTC), waitlist_position=None
    )
    return told


# --- custom questions ---------------------------------------------------------------------------


@dataclass
class QuestionForm:
    """A custom question as typed: a label per language and, for a choice question, one choice
    per line in each language (the lines of each language in the same order)."""

    kind: str = QuestionKind.TEXT.value
    label: dict[str, str] = field(default_factory=dict)
    choices: dict[str, str] = field(default_factory=dict)
    required: bool = False


def _clean_question(form: QuestionForm) -> dict[str, Any]:
    errors: dict[str, str] = {}
    if form.kind not in {kind.value for kind in QuestionKind}:
        errors["kind"] = lazy("Choose a kind of question from the list.")
    label = _clean_texts(form.label)
    if not label.get(DEFAULT_LANGUAGE):
        errors["label_fr"] = lazy("Enter the question in French.")
    elif any(len(text) > 300 for text in label.values()):
        errors["label_fr"] = lazy("This text is too long.")
    choices: list[dict[str, str]] = []
    if form.kind == QuestionKind.CHOICE:
        lines = {
            lang: [line.strip() for line in (form.choices.get(lang) or "").splitlines()]
            for lang in CONTENT_LANGUAGES
        }
        lines = {lang: [line for line in found if line] for lang, found in lines.items()}
        french = lines[DEFAULT_LANGUAGE]
        if len(french) < 2:
            errors["choices_fr"] = lazy("Enter at least two choices, one per line.")
        for lang in CONTENT_LANGUAGES[1:]:
            if lines[lang] and len(lines[lang]) != len(french):
                errors[f"choices_{lang}"] = lazy(
                    "Give as many choices as in French, in the same order, or none."
                )
        given = [lang for lang in CONTENT_LANGUAGES if len(lines[lang]) == len(french)]
        choices = [{lang: lines[lang][index] for lang in given} for index in range(len(french))]
    if errors:
        raise ValidationFailed(errors)
    return {
        "kind": QuestionKind(form.kind),
        "label": label,
        "choices": choices,
        "required": form.required,
    }


async def add_question(event: Event, form: QuestionForm, *, user: User | None) -> CustomQuestion:
    """Add a question at the end of the event's sign-up form; logs `event.question.created`.

    Raises ValidationFailed and EventChangeRefused (`archived`, `too_many_questions`).
    """
    check_editable(event)
    values = _clean_question(form)
    async with in_transaction():
        positions = await CustomQuestion.filter(event_id=event.id).values_list(
            "position", flat=True
        )
        if len(positions) >= MAX_QUESTIONS:
            raise EventChangeRefused(
                lazy("An event can have at most 30 questions."), code="too_many_questions"
            )
        question = await CustomQuestion.create(
            event_id=event.id, position=max(positions, default=0) + 1, **values
        )
        await log_event_action("event.question.created", event, user, {"question": question.id})
    return question


async def delete_question(event: Event, question_id: int, *, user: User | None) -> None:
    """Remove a question from the event's sign-up form; logs `event.question.deleted`.

    Answers already given stay in the registrations. Raises NotFound for a question of another
    event and EventChangeRefused (`archived`).
    """
    check_editable(event)
    async with in_transaction():
        question = await CustomQuestion.get_or_none(id=question_id, event_id=event.id)
        if question is None:
            raise NotFound(lazy("This question does not exist."))
        await question.delete()
        await log_event_action(
            "event.question.deleted",
            event,
            user,
            {"question": question_id, "label": question.label},
        )
