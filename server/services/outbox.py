"""Reading an organisation's outbox: what was sent to whom, what is waiting, what failed; an
event's delivery status and a preview of its messages; texts an organiser sent by hand."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise.functions import Count

from server.errors import AppError, NotFound
from server.i18n import LANGUAGES, lazy
from server.models import (
    Attendee,
    Event,
    Organisation,
    OutboxMessage,
    Registration,
    User,
)
from server.models.enums import Channel, MessageKind, OutboxStatus, RegistrationStatus
from server.notifications import interview_messages, messages
from server.notifications.messages import Notice, sms_body
from server.services.action_log import log_action
from server.values.sms import SmsLength, sms_length

PAGE_SIZE = 50
BY_HAND_LIMIT = 200  # texts listed for sending by hand on one page
# A personal link acts as the person (cancel, delete their data): organisers see that one was
# sent, not the link itself.
PERSONAL_LINK = re.compile(r"/me/[A-Za-z0-9_-]+")
SAMPLE_TOKEN = "x" * 32  # as long as a real personal link's token

STATUS_LABELS: dict[OutboxStatus, str] = {
    OutboxStatus.PENDING: lazy("Waiting to be sent"),
    OutboxStatus.SENT: lazy("Sent"),
    OutboxStatus.FAILED: lazy("Failed"),
    OutboxStatus.STOPPED: lazy("Not sent: messages stopped"),
}
CHANNEL_LABELS: dict[Channel, str] = {
    Channel.EMAIL: lazy("E-mail"),
    Channel.SMS: lazy("SMS"),
    Channel.WHATSAPP: lazy("WhatsApp"),
}
KIND_LABELS: dict[MessageKind, str] = {
    MessageKind.CONFIRMATION: lazy("Confirmation"),
    MessageKind.PROMOTION: lazy("Seat from the waiting list"),
    MessageKind.REMINDER: lazy("Reminder"),
    MessageKind.EVENT_CHANGED: lazy("New time or place"),
    MessageKind.EVENT_CANCELLED: lazy("Event cancelled"),
    MessageKind.PERSONAL_LINK: lazy("Personal link"),
    MessageKind.INVITATION: lazy("Invitation"),
}
TEXT_CHANNELS = (Channel.SMS, Channel.WHATSAPP)


class AlreadySent(AppError):
    """The message is not waiting any more (sent, failed or stopped meanwhile)."""

    status_code = 409
    code = "not_pending"


@dataclass(frozen=True)
class OutboxEntry:
    message: OutboxMessage
    text: str  # the body as organisers may read it
    length: SmsLength | None  # the segments an SMS costs; None for the other channels


@dataclass(frozen=True)
class OutboxPage:
    entries: list[OutboxEntry]
    status: OutboxStatus | None
    channel: Channel | None
    event: Event | None
    page: int
    pages: int
    total: int


def hide_personal_links(text: str) -> str:
    return PERSONAL_LINK.sub("/me/…", text)


def _entry(message: OutboxMessage) -> OutboxEntry:
    length = sms_length(message.body) if message.channel == Channel.SMS else None
    return OutboxEntry(message, hide_personal_links(message.body), length)


async def outbox_messages(
    organisation: Organisation,
    *,
    status: str = "",
    channel: str = "",
    event_id: int | None = None,
    page: int = 1,
) -> OutboxPage:
    """The organisation's messages, newest first, PAGE_SIZE a page, of one status, channel or
    event when given. An unknown `status` or `channel` shows them all, another organisation's
    event none; a page past the end shows the last one."""
    chosen = next((s for s in OutboxStatus if s.value == status), None)
    chosen_channel = next((c for c in Channel if c.value == channel), None)
    query = OutboxMessage.filter(organisation_id=organisation.id)
    if chosen is not None:
        query = query.filter(status=chosen)
    if chosen_channel is not None:
        query = query.filter(channel=chosen_channel)
    event = None
    if event_id is not None:
        event = await Event.get_or_none(id=event_id, organisation_id=organisation.id)
        query = query.filter(event_id=event.id if event else 0)
    total = await query.count()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    found = (
        await query.order_by("-created_at", "-id").offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    )
    return OutboxPage(
        [_entry(message) for message in found], chosen, chosen_channel, event, page, pages, total
    )


async def pending_texts(organisation: Organisation, *, event_id: int | None = None) -> int:
    """How many SMS and WhatsApp messages of the organisation (or of one event) wait to leave."""
    query = OutboxMessage.filter(
        organisation_id=organisation.id, status=OutboxStatus.PENDING, channel__in=TEXT_CHANNELS
    )
    if event_id is not None:
        query = query.filter(event_id=event_id)
    return await query.count()


# --- an event's messages ------------------------------------------------------------------------


@dataclass(frozen=True)
class DeliveryCount:
    channel: Channel
    status: OutboxStatus
    messages: int


@dataclass(frozen=True)
class EventDelivery:
    """Where an event's messages stand: counts per channel and status, the segments of the
    SMS sent (what the provider bills), the failed ones with their reasons, and the texts that
    wait to leave (to send by hand while no provider is set)."""

    counts: list[DeliveryCount]
    sms_segments_sent: int
    failed: list[OutboxEntry]
    waiting_texts: list[OutboxEntry]

    def total(self, status: OutboxStatus) -> int:
        return sum(count.messages for count in self.counts if count.status == status)


async def event_delivery(event: Event) -> EventDelivery:
    """The delivery status of the messages about `event` (one of the caller's events)."""
    rows = (
        await OutboxMessage.filter(event_id=event.id)
        .annotate(messages=Count("id"))
        .group_by("channel", "status")
        .values("channel", "status", "messages")
    )
    counts = [
        DeliveryCount(Channel(row["channel"]), OutboxStatus(row["status"]), row["messages"])
        for row in sorted(rows, key=lambda row: (row["channel"], row["status"]))
    ]
    sent_sms = await OutboxMessage.filter(
        event_id=event.id, channel=Channel.SMS, status=OutboxStatus.SENT
    ).values_list("body", flat=True)
    failed = await OutboxMessage.filter(event_id=event.id, status=OutboxStatus.FAILED).order_by(
        "-created_at", "-id"
    )
    waiting = (
        await OutboxMessage.filter(
            event_id=event.id, status=OutboxStatus.PENDING, channel__in=TEXT_CHANNELS
        )
        .order_by("created_at", "id")
        .limit(BY_HAND_LIMIT)
    )
    return EventDelivery(
        counts=counts,
        sms_segments_sent=sum(sms_length(str(body)).segments for body in sent_sms),
        failed=[_entry(message) for message in failed],
        waiting_texts=[_entry(message) for message in waiting],
    )


async def mark_sent_by_hand(event: Event, message_id: int, user: User) -> None:
    """Record that an organiser sent a waiting text about `event` themselves, so that no
    provider sends it again. Raises NotFound for a message about another event (or not a
    text), AlreadySent when it is not waiting any more (the conditional UPDATE decides between
    two organisers)."""
    message = await OutboxMessage.get_or_none(id=message_id, event_id=event.id)
    if message is None or message.channel not in TEXT_CHANNELS:
        raise NotFound(lazy("This message does not exist."))
    changed = await OutboxMessage.filter(id=message.id, status=OutboxStatus.PENDING).update(
        status=OutboxStatus.SENT, sent_at=datetime.now(UTC), sent_by_id=user.id, last_error=""
    )
    if not changed:
        raise AlreadySent(lazy("This message is not waiting any more."))
    await log_action(
        "outbox.sent_by_hand",
        "outbox_message",
        message.id,
        user=user,
        organisation_id=event.organisation_id,
        data={"event_id": event.id},
    )


# --- previews -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Preview:
    """One message about the event as a person reading `language` would get it by SMS."""

    kind: MessageKind
    label: str
    language: str
    text: str
    length: SmsLength


def _sample_notices(event: Event, organisation: str, link: str, person: Attendee) -> list[Notice]:
    seat = Registration(status=RegistrationStatus.CONFIRMED)
    interview = interview_messages.InterviewDetails(
        fair_title=event.title,
        starts_at=event.starts_at,
        company=SAMPLE_COMPANY,
        booth_label="B12",
        offer_title="",
        organisation=organisation,
    )
    waiting = Registration(status=RegistrationStatus.WAITLISTED, waitlist_position=12)
    return [
        messages.confirmation(person, event, seat, organisation=organisation, personal_link=link),
        messages.confirmation(person, event, waiting, organisation=organisation),
        messages.promotion(person, event, organisation=organisation),
        messages.reminder(person, event, organisation=organisation),
        messages.event_changed(
            person, event, organisation=organisation, moved=True, new_place=False
        ),
        messages.event_changed(
            person, event, organisation=organisation, moved=False, new_place=True
        ),
        messages.event_cancelled(person, event, organisation=organisation),
        interview_messages.booking_confirmation(person, interview),
        interview_messages.reminder(person, interview),
        interview_messages.invitation(
            person,
            company=interview.company,
            offer_title="",
            fair_title=event.title,
            organisation=organisation,
        ),
    ]


PREVIEW_LABELS = (
    lazy("Confirmation, with the personal link"),
    lazy("Waiting list"),
    lazy("Seat from the waiting list"),
    lazy("Reminder, the day before"),
    lazy("New date or time"),
    lazy("New place"),
    lazy("Event cancelled"),
    lazy("Interview booked"),
    lazy("Interview in an hour"),
    lazy("Invitation to book an interview"),
)
# A company's name as long as the longest of the demo's, for the interview texts' previews.
SAMPLE_COMPANY = "Atlas Logistique et Services Industriels du Maroc"


def message_previews(event: Event, organisation: Organisation, *, base_url: str) -> list[Preview]:
    """Every text the people of `event` may get, in each language, as an SMS carries it (the
    personal link as long as a real one, the waiting position 12), with what it costs."""
    link = f"{base_url.rstrip('/')}/me/{SAMPLE_TOKEN}"
    previews = []
    for language in LANGUAGES:
        person = Attendee(first_name="", preferred_language=language)
        notices = _sample_notices(event, organisation.name, link, person)
        for label, notice in zip(PREVIEW_LABELS, notices, strict=True):
            text = sms_body(notice.short)
            previews.append(Preview(notice.kind, label, language, text, sms_length(text)))
    return previews
