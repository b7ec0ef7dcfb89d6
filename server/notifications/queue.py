"""Writing notifications into the outbox, inside the transaction of the change that causes them.

A message written here is delivered later by the worker (`python -m server worker`); if the change
is rolled back, so is the message, and if the mail server is down the change still succeeds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from server.models import ActionLog, Attendee, Event, Organisation, OutboxMessage, Registration
from server.models.enums import Channel, EventStatus, MessageKind, RegistrationStatus
from server.notifications import messages
from server.notifications.messages import Notice, sms_body
from server.values.clock import EVENT_TIMEZONE
from server.values.phones import is_mobile

REMINDER_ACTION = "registration.reminder.queued"
REMINDER_BATCH = 200  # registrations per transaction: short write locks on SQLite
REMINDED_EVENT_STATUSES = (EventStatus.PUBLISHED, EventStatus.CLOSED)
# Who hears of a change of the event: everyone holding or waiting for a place.
TOLD_STATUSES = (
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.WAITLISTED,
    RegistrationStatus.PENDING,
)
ANNOUNCE_BATCH = 500  # people rendered and written at once
TEXT_CHANNELS = (Channel.SMS, Channel.WHATSAPP)
# Asked for by the person a moment ago: sent even when they stopped the other messages.
REQUESTED_KINDS = frozenset({MessageKind.PERSONAL_LINK})


def outbox_rows(
    attendee: Attendee,
    notice: Notice,
    *,
    organisation_id: int | None,
    event_id: int | None = None,
    texts: bool = True,
) -> list[OutboxMessage]:
    """The messages (not saved) that carry `notice` to the person: an e-mail when they gave an
    address, and a text on the channel they chose (SMS unless they chose WhatsApp or e-mail
    only) when their number is a mobile one. None for a person who stopped our messages or
    was forgotten; no text when `texts` is false (a cap on anonymous requests was reached)."""
    if attendee.anonymised_at is not None:
        return []
    if attendee.messages_stopped_at is not None and notice.kind not in REQUESTED_KINDS:
        return []
    common = {
        "language": notice.language,
        "organisation_id": organisation_id,
        "attendee_id": attendee.id,
        "event_id": event_id,
        "kind": notice.kind,
        "subject": notice.subject[:200],
    }
    rows = []
    if attendee.email:
        rows.append(
            OutboxMessage(
                channel=Channel.EMAIL, recipient=attendee.email, body=notice.body, **common
            )
        )
    channel = attendee.message_channel
    if texts and channel in TEXT_CHANNELS and attendee.phone and is_mobile(attendee.phone):
        # An SMS is written in the GSM alphabet when it can be: half the price of UCS-2.
        body = sms_body(notice.short) if channel == Channel.SMS else notice.short
        rows.append(OutboxMessage(channel=channel, recipient=attendee.phone, body=body, **common))
    return rows


async def queue_notice(
    attendee: Attendee,
    notice: Notice,
    *,
    organisation_id: int | None,
    event_id: int | None = None,
    texts: bool = True,
) -> list[OutboxMessage]:
    """Write the messages of `outbox_rows` to the outbox. Call inside the transaction of the
    change."""
    rows = outbox_rows(
        attendee, notice, organisation_id=organisation_id, event_id=event_id, texts=texts
    )
    for row in rows:
        await row.save()
    return rows


async def _organisation_name(organisation_id: int) -> str:
    return await Organisation.get(id=organisation_id).values_list("name", flat=True)  # type: ignore[return-value]


async def queue_confirmation(
    attendee: Attendee,
    registrations: Sequence[Registration],
    *,
    personal_link: str | None = None,
    texts: bool = True,
) -> list[OutboxMessage]:
    """Confirm a sign-up: the first registration is the event, the others its sessions.
    Call inside the sign-up's transaction; `texts` false sends the e-mail only."""
    if not registrations:
        return []
    ids = {registration.event_id for registration in registrations}
    events = {event.id: event for event in await Event.filter(id__in=ids)}
    main, *others = registrations
    event = events[main.event_id]
    notice = messages.confirmation(
        attendee,
        event,
        main,
        organisation=await _organisation_name(event.organisation_id),
        sessions=[(events[r.event_id], r) for r in others],
        personal_link=personal_link,
    )
    return await queue_notice(
        attendee, notice, organisation_id=event.organisation_id, event_id=event.id, texts=texts
    )


async def queue_promotion(registration: Registration) -> list[OutboxMessage]:
    """Tell the person who got a freed seat. Call inside the cancellation's transaction."""
    attendee = await Attendee.get(id=registration.attendee_id)
    event = await Event.get(id=registration.event_id)
    notice = messages.promotion(
        attendee, event, organisation=await _organisation_name(event.organisation_id)
    )
    return await queue_notice(
        attendee, notice, organisation_id=event.organisation_id, event_id=event.id
    )


@dataclass(frozen=True)
class EventChange:
    """What the people registered for an event must hear about: a new time (`moved`), a new
    place, or the end of it (`cancelled`)."""

    moved: bool = False
    new_place: bool = False
    cancelled: bool = False

    def __bool__(self) -> bool:
        return self.moved or self.new_place or self.cancelled


async def queue_event_change(event: Event, change: EventChange) -> int:
    """Tell each person registered for `event` (confirmed, waiting, or waiting for approval)
    about `change`, once, in their language, on their channel; for a cancelled fair, the
    people of its sessions too. `event` holds the new values. Call inside the transaction of
    the change, before registrations are cancelled. Returns how many people were told."""
    if not change:
        return 0
    where = Q(event_id=event.id)
    if change.cancelled:
        where |= Q(event__parent_id=event.id)
    attendee_ids = sorted(
        set(
            await Registration.filter(where, status__in=TOLD_STATUSES).values_list(
                "attendee_id", flat=True
            )
        )
    )
    organisation = await _organisation_name(event.organisation_id)
    for first in range(0, len(attendee_ids), ANNOUNCE_BATCH):
        batch = attendee_ids[first : first + ANNOUNCE_BATCH]
        rows: list[OutboxMessage] = []
        for attendee in await Attendee.filter(id__in=batch):
            if change.cancelled:
                notice = messages.event_cancelled(attendee, event, organisation=organisation)
            else:
                notice = messages.event_changed(
                    attendee,
                    event,
                    organisation=organisation,
                    moved=change.moved,
                    new_place=change.new_place,
                )
            rows += outbox_rows(
                attendee, notice, organisation_id=event.organisation_id, event_id=event.id
            )
        await OutboxMessage.bulk_create(rows)
    return len(attendee_ids)


def tomorrow_window(now: datetime) -> tuple[datetime, datetime]:
    """Midnight to midnight of the next day in Morocco, as UTC instants."""
    tomorrow = now.astimezone(EVENT_TIMEZONE).date() + timedelta(days=1)
    start = datetime.combine(tomorrow, time.min, tzinfo=EVENT_TIMEZONE)
    end = datetime.combine(tomorrow + timedelta(days=1), time.min, tzinfo=EVENT_TIMEZONE)
    return start.astimezone(UTC), end.astimezone(UTC)


async def queue_reminders(*, now: datetime | None = None) -> int:
    """Queue the day-before reminder of every confirmed registration for an event (not a
    session: a fair's reminder lists the person's sessions) starting tomorrow in Morocco.

    Safe to run again, and from two hosts at once: each reminder is recorded in the action log
    in the same transaction as its messages, and a batch first locks its registrations
    (PostgreSQL) or the database (SQLite). Returns how many registrations were reminded.
    """
    start, end = tomorrow_window(now or datetime.now(UTC))
    events = await Event.filter(
        parent_id=None,
        status__in=REMINDED_EVENT_STATUSES,
        starts_at__gte=start,
        starts_at__lt=end,
    )
    reminded = 0
    for event in events:
        organisation = await _organisation_name(event.organisation_id)
        registration_ids = await Registration.filter(
            event_id=event.id,
            status=RegistrationStatus.CONFIRMED,
            attendee__anonymised_at=None,
        ).values_list("id", flat=True)
        for first in range(0, len(registration_ids), REMINDER_BATCH):
            batch = registration_ids[first : first + REMINDER_BATCH]
            reminded += await _remind_batch(event, batch, organisation)  # type: ignore[arg-type]
    return reminded


async def _remind_batch(event: Event, registration_ids: list[int], organisation: str) -> int:
    async with in_transaction():
        registrations = await Registration.filter(
            id__in=registration_ids, status=RegistrationStatus.CONFIRMED
        ).select_for_update()
        done = set(
            await ActionLog.filter(
                action=REMINDER_ACTION, object_type="registration", object_id__in=registration_ids
            ).values_list("object_id", flat=True)
        )
        to_remind = [r for r in registrations if r.id not in done]
        if not to_remind:
            return 0
        attendee_ids = [r.attendee_id for r in to_remind]
        attendees = {a.id: a for a in await Attendee.filter(id__in=attendee_ids)}
        sessions = await _confirmed_sessions(event, attendee_ids)
        for registration in to_remind:
            attendee = attendees[registration.attendee_id]
            notice = messages.reminder(
                attendee,
                event,
                organisation=organisation,
                sessions=sessions.get(registration.attendee_id, []),
            )
            await queue_notice(
                attendee, notice, organisation_id=event.organisation_id, event_id=event.id
            )
            await ActionLog.create(
                action=REMINDER_ACTION,
                organisation_id=event.organisation_id,
                object_type="registration",
                object_id=registration.id,
                data={"event_id": event.id},
            )
    return len(to_remind)


async def _confirmed_sessions(
    event: Event, attendee_ids: list[int]
) -> dict[int, list[tuple[Event, Registration]]]:
    """Attendee id → their confirmed sessions of `event`, in time order."""
    rows = (
        await Registration.filter(
            event__parent_id=event.id,
            attendee_id__in=attendee_ids,
            status=RegistrationStatus.CONFIRMED,
        )
        .select_related("event")
        .order_by("event__starts_at")
    )
    found: dict[int, list[tuple[Event, Registration]]] = {}
    for row in rows:
        found.setdefault(row.attendee_id, []).append((row.event, row))
    return found
