"""Reading an organisation's outbox: what was sent to whom, what is waiting, what failed."""

from __future__ import annotations

import re
from dataclasses import dataclass

from server.i18n import lazy
from server.models import Organisation, OutboxMessage
from server.models.enums import Channel, OutboxStatus

PAGE_SIZE = 50
# A personal link acts as the person (cancel, delete their data): organisers see that one was
# sent, not the link itself.
PERSONAL_LINK = re.compile(r"/me/[A-Za-z0-9_-]+")

STATUS_LABELS: dict[OutboxStatus, str] = {
    OutboxStatus.PENDING: lazy("Waiting to be sent"),
    OutboxStatus.SENT: lazy("Sent"),
    OutboxStatus.FAILED: lazy("Failed"),
}
CHANNEL_LABELS: dict[Channel, str] = {
    Channel.EMAIL: lazy("E-mail"),
    Channel.SMS: lazy("SMS"),
    Channel.WHATSAPP: lazy("WhatsApp"),
}


@dataclass(frozen=True)
class OutboxEntry:
    message: OutboxMessage
    text: str  # the body as organisers may read it


@dataclass(frozen=True)
class OutboxPage:
    entries: list[OutboxEntry]
    status: OutboxStatus | None
    page: int
    pages: int
    total: int


def hide_personal_links(text: str) -> str:
    return PERSONAL_LINK.sub("/me/…", text)


async def outbox_messages(
    organisation: Organisation, *, status: str = "", page: int = 1
) -> OutboxPage:
    """The organisation's messages, newest first, PAGE_SIZE a page. An unknown `status` shows
    them all; a page past the end shows the last one."""
    chosen = next((s for s in OutboxStatus if s.value == status), None)
    query = OutboxMessage.filter(organisation_id=organisation.id)
    if chosen is not None:
        query = query.filter(status=chosen)
    total = await query.count()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    messages = (
        await query.order_by("-created_at", "-id").offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    )
    entries = [OutboxEntry(message, hide_personal_links(message.body)) for message in messages]
    return OutboxPage(entries, chosen, page, pages, total)
