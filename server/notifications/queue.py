"""Writing notifications into the outbox, inside the transaction of the change that causes them.

A message written here is delivered later by the worker (`python -m server worker`); if the change
is rolled back, so is the message, and if the mail server is down the change still succeeds.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta

from tortoise.transactions import in_transaction

from server.models import ActionLog, Attendee, Event, Organisation, OutboxMessage, Registration
from server.models.enums import Channel, EventStatus, RegistrationStatus
from server.notifications import messages
from server.notifications.messages import Notice
from server.values.clock import EVENT_TIMEZONE

REMINDER_ACTION = "registration.reminder.queued"
REMINDER_BATCH = 200  # registrations per transaction: short write locks on SQLite
REMINDED_EVENT_STATUSES = (EventStatus.PUBLISHED, EventStatus.CLOSED)


async def queue_notice(
    attendee: Attendee, notice: Notice, *, organisation_id: int | None
) -> list[OutboxMessage]:
    """One outbox row per channel the person can be reached on: e-mail when they gave an
    address, SMS to their phone. Call inside the transaction of the change."""
    if attendee.anonymised_at is not None:
        return []
    common = {
        "language": notice.language,
        "organisation_id": organisation_id,
        "attendee_id": attendee.id,
    }
    queued = []
    if attendee.email:
        queued.append(
            await OutboxMessage.create(
                channel=Channel.EMAIL,
                recipient=attendee.email,
                subject=notice.subject[:200],
                body=notice.body,
                **common,
            )
        )
    if attendee.phone:
        queued.append(
            await OutboxMessage.create(
                channel=Channel.SMS,
                recipient=attendee.phone,
                subject=notice.subject[:200],
                body=notice.short,
                **common,
            )
        )
    return queued


async def _organisation_name(organisation_id: int) -> str:
    return await Organisation.get(id=organisation_id).values_list("name", flat=True)  # type: ignore[return-value]


async def queue_confirmation(
    attendee: Attendee,
    registrations: Sequence[Registration],
    *,
    personal_link: str | None = None,
) -> list[OutboxMessage]:
    """Confirm a sign-up: the first registration is the event, the others its sessions.
    Call inside the sign-up's transaction."""
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
    return await queue_notice(attendee, notice, organisation_id=event.organisation_id)


async def queue_promotion(registration: Registration) -> list[OutboxMessage]:
    """Tell the person who got a freed seat. Call inside the cancellation's transaction."""
    attendee = await Attendee.get(id=registration.attendee_id)
    event = await Event.get(id=registration.event_id)
    notice = messages.promotion(
        attendee, event, organisation=await _organisation_name(event.organisation_id)
    )
    return await queue_notice(attendee, notice, organisation_id=event.organisation_id)


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
            await queue_notice(attendee, notice, organisation_id=event.organisation_id)
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
