"""What a person chooses about our messages: the channel of the texts, or no messages at all,
from their personal page or by replying STOP to a text."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime

from tortoise.transactions import in_transaction

from server.errors import ValidationFailed
from server.i18n import lazy
from server.models import Attendee, OutboxMessage
from server.models.enums import Channel, OutboxStatus
from server.notifications.queue import REQUESTED_KINDS
from server.services.action_log import log_action
from server.values.phones import normalise_phone

# The first word of a reply that stops messages, as people write it in the three languages
# (and the words providers such as Twilio treat as opting out), without accents or case.
STOP_WORDS = frozenset(
    {
        "stop",
        "stopall",
        "unsubscribe",
        "end",
        "quit",
        "cancel",
        "arret",
        "arreter",
        "desabonner",
        "desinscrire",
        "توقف",
        "وقف",
        "ايقاف",
        "إيقاف",
        "الغاء",
        "إلغاء",
    }
)


def channel_choices(attendee: Attendee, *, whatsapp: bool) -> list[Channel]:
    """The channels the person may choose: SMS always, WhatsApp when the instance has a
    provider for it, e-mail only when they gave an address."""
    choices = [Channel.SMS]
    if whatsapp:
        choices.append(Channel.WHATSAPP)
    if attendee.email:
        choices.append(Channel.EMAIL)
    return choices


async def choose_channel(attendee: Attendee, value: str, *, whatsapp: bool) -> None:
    """Send the person's texts on `value` from now on (messages already queued keep theirs).
    Raises ValidationFailed for a channel that is not among `channel_choices`."""
    allowed = channel_choices(attendee, whatsapp=whatsapp)
    chosen = next((channel for channel in allowed if channel.value == value), None)
    if chosen is None:
        raise ValidationFailed({"channel": lazy("Choose one of the ways listed.")})
    await Attendee.filter(id=attendee.id).update(
        message_channel=chosen, last_activity_at=datetime.now(UTC)
    )


async def stop_messages(attendee_id: int, *, by: str) -> bool:
    """Stop every message to the person, and withdraw those still waiting to leave (a personal
    link they ask for still goes). `by` says how they asked (`page`, `reply`), for the action
    log. Returns false when their messages were already stopped."""
    now = datetime.now(UTC)
    async with in_transaction():
        stopped = await Attendee.filter(id=attendee_id, messages_stopped_at=None).update(
            messages_stopped_at=now
        )
        if not stopped:
            return False
        await (
            OutboxMessage.filter(attendee_id=attendee_id, status=OutboxStatus.PENDING)
            .exclude(kind__in=list(REQUESTED_KINDS))
            .update(status=OutboxStatus.STOPPED, last_error="")
        )
        await log_action(
            "attendee.messages.stopped",
            "attendee",
            attendee_id,
            user=None,
            organisation_id=None,
            data={"by": by},
        )
    return True


async def resume_messages(attendee: Attendee) -> None:
    """Send the person's messages again, from the next one on."""
    await Attendee.filter(id=attendee.id).update(
        messages_stopped_at=None, last_activity_at=datetime.now(UTC)
    )


def is_stop_word(text: str) -> bool:
    """Whether a reply asks us to stop: its first word is one of STOP_WORDS."""
    words = text.strip().split()
    if not words:
        return False
    decomposed = unicodedata.normalize("NFKD", words[0].casefold().strip(".!,;:"))
    first = "".join(char for char in decomposed if not unicodedata.combining(char))
    return first in STOP_WORDS


async def stop_by_reply(number: str, text: str) -> bool:
    """A text came back from `number`: when it says STOP, stop the messages of the person with
    that number. True when someone's messages were stopped; replies that say anything else,
    and numbers we do not know, change nothing."""
    phone = normalise_phone(number)
    if phone is None or not is_stop_word(text):
        return False
    attendee = await Attendee.get_or_none(phone=phone, anonymised_at=None)
    if attendee is None:
        return False
    return await stop_messages(attendee.id, by="reply")
