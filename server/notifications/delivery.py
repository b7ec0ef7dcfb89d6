"""Delivering the outbox: the worker process (`python -m server worker`).

Several workers may run at once, on one host or many. A worker claims a batch of due messages in
a short transaction — `SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL, the write lock on SQLite —
by moving their next attempt a lease away, then sends them outside any transaction, so a slow mail
server never holds a database lock. A worker that dies mid-send leaves its messages to be claimed
again when the lease ends: a message may, rarely, be sent twice, but is never lost.

A failed attempt is retried after 1, 2, 4… minutes; after MAX_ATTEMPTS the message is `failed`,
with the last error kept for the organiser's outbox page. A channel without a provider (no
SMTP_HOST, no SMS_URL) is not claimed at all: its messages stay pending, and the organisers are
told (they may send them by hand). The log names messages by id: no address, number or text.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import smtplib
import ssl
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from typing import Protocol

from tortoise.transactions import in_transaction

from server.config import Settings
from server.models import OutboxMessage
from server.models.enums import Channel, OutboxStatus
from server.notifications.failures import DeliveryFailure, PermanentFailure, without_numbers
from server.notifications.texts import (
    AppriseNotifier,
    ProviderState,
    provider_state,
    provider_urls,
)

log = logging.getLogger("tremplin.outbox")

MAX_ATTEMPTS = 8
LEASE = timedelta(minutes=5)  # longer than one batch can take to send
BATCH_SIZE = 20
POLL_SECONDS = 2.0
SMTP_TIMEOUT = 30  # seconds
SMTPS_PORT = 465  # implicit TLS rather than STARTTLS


class Notifier(Protocol):
    """Delivers one outbox message on its channel, or raises."""

    async def send(self, message: OutboxMessage) -> None: ...


class SmtpNotifier:
    """E-mail through the SMTP server of the settings, with smtplib in a worker thread."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def send(self, message: OutboxMessage) -> None:
        await asyncio.to_thread(self._send, self.compose(message))

    def compose(self, message: OutboxMessage) -> EmailMessage:
        email = EmailMessage()
        email["From"] = self.settings.smtp_from
        email["To"] = message.recipient
        email["Subject"] = message.subject
        email["Date"] = formatdate(localtime=False)
        domain = parseaddr(self.settings.smtp_from)[1].rpartition("@")[2] or None
        email["Message-ID"] = make_msgid(idstring=f"outbox{message.id}", domain=domain)
        email.set_content(message.body)
        email["Content-Language"] = message.language  # after set_content, which resets Content-*
        return email

    def _send(self, email: EmailMessage) -> None:
        settings = self.settings
        context = ssl.create_default_context()
        smtp: smtplib.SMTP
        if settings.smtp_port == SMTPS_PORT:
            smtp = smtplib.SMTP_SSL(
                settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT, context=context
            )
        else:
            smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT)
        with smtp:
            if settings.smtp_starttls and settings.smtp_port != SMTPS_PORT:
                smtp.starttls(context=context)
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password)
            try:
                smtp.send_message(email)
            except smtplib.SMTPRecipientsRefused as error:
                raise PermanentFailure(f"recipient refused: {error.recipients}") from error


def notifiers_for(settings: Settings) -> dict[Channel, Notifier]:
    """The notifier of each channel that has a provider: SMTP_HOST for e-mail, an Apprise URL
    that Apprise accepts for SMS and WhatsApp. The others' messages stay pending until one is
    set."""
    notifiers: dict[Channel, Notifier] = {}
    if settings.smtp_host:
        notifiers[Channel.EMAIL] = SmtpNotifier(settings)
    for channel, url in provider_urls(settings).items():
        if provider_state(url) == ProviderState.READY:
            notifiers[channel] = AppriseNotifier(url)
    return notifiers


def retry_delay(attempts: int) -> timedelta:
    """Wait before the next try after `attempts` failures: 1, 2, 4… minutes."""
    return timedelta(minutes=2 ** (attempts - 1))


async def claim_due(
    channels: list[Channel], *, now: datetime, limit: int = BATCH_SIZE
) -> list[OutboxMessage]:
    """Take up to `limit` due messages for this worker alone, for the length of a lease."""
    due = OutboxMessage.filter(
        status=OutboxStatus.PENDING, next_attempt_at__lte=now, channel__in=channels
    )
    # A cheap read first: an idle worker must not take SQLite's write lock every poll.
    if not channels or not await due.exists():
        return []
    async with in_transaction():
        claimed = (
            await due.order_by("next_attempt_at", "id")
            .limit(limit)
            .select_for_update(skip_locked=True)
        )
        if claimed:
            await OutboxMessage.filter(id__in=[m.id for m in claimed]).update(
                next_attempt_at=now + LEASE
            )
    return claimed


async def attempt(message: OutboxMessage, notifier: Notifier) -> Exception | None:
    """Send one claimed message: None when it left, else why not."""
    try:
        await notifier.send(message)
    except Exception as error:  # any failure of the channel is retried, none stops the worker
        return error
    return None


async def record(message: OutboxMessage, error: Exception | None, *, now: datetime) -> OutboxStatus:
    """Write the outcome of an attempt (`error` None: sent); returns the message's new status."""
    if error is None:
        await OutboxMessage.filter(id=message.id, status=OutboxStatus.PENDING).update(
            status=OutboxStatus.SENT, attempts=message.attempts + 1, sent_at=now, last_error=""
        )
        return OutboxStatus.SENT
    attempts = message.attempts + 1
    permanent = isinstance(error, PermanentFailure)
    status = OutboxStatus.FAILED if permanent or attempts >= MAX_ATTEMPTS else OutboxStatus.PENDING
    if isinstance(error, DeliveryFailure):
        reason = error.reason
        log.warning(
            "%s message %s, attempt %s: not delivered (%s), %s",
            message.channel,
            message.id,
            attempts,
            error.code or "no answer",
            status,
        )
    else:
        reason = without_numbers(f"{type(error).__name__}: {error}")
        log.warning("%s message %s, attempt %s: %s", message.channel, message.id, attempts, reason)
    await OutboxMessage.filter(id=message.id, status=OutboxStatus.PENDING).update(
        attempts=attempts,
        status=status,
        next_attempt_at=now + retry_delay(attempts),
        last_error=reason[:2000],
    )
    return status


async def deliver_due(
    notifiers: Mapping[Channel, Notifier], *, now: datetime | None = None, limit: int = BATCH_SIZE
) -> int:
    """Claim and send one batch of due messages; returns how many were tried. Back-off counts
    from the end of each attempt, or from `now` when given (tests move the clock).

    Each outcome is written while the next message is being sent (a commit is a disk flush on
    PostgreSQL, as long as a local send): a worker killed mid-batch leaves at most the message
    in flight and the one before it to be sent again.
    """
    claimed = await claim_due(list(notifiers), now=now or datetime.now(UTC), limit=limit)
    writing: asyncio.Task[OutboxStatus] | None = None
    try:
        for message in claimed:
            error = await attempt(message, notifiers[message.channel])
            if writing is not None:
                await writing
            writing = asyncio.create_task(record(message, error, now=now or datetime.now(UTC)))
    finally:
        if writing is not None:
            await writing
    return len(claimed)


async def run_worker(settings: Settings, *, stop: asyncio.Event | None = None) -> None:
    """Deliver the outbox until SIGTERM or SIGINT (or until `stop` is set)."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    notifiers = notifiers_for(settings)
    if Channel.EMAIL not in notifiers:
        log.warning("SMTP_HOST is not set: e-mails stay in the outbox until it is")
    for channel, url in provider_urls(settings).items():
        if channel not in notifiers:
            setting = "SMS_URL" if channel == Channel.SMS else "WHATSAPP_URL"
            problem = "is not set" if not url else "is not an Apprise URL Apprise accepts"
            log.warning("%s %s: %s messages stay in the outbox", setting, problem, channel)
    log.info("outbox worker started")
    try:
        while not stop.is_set():
            try:
                tried = await deliver_due(notifiers)
            except Exception:  # the database went away for a moment: try again next poll
                log.exception("outbox worker: could not read the outbox")
                tried = 0
            if not tried:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=POLL_SECONDS)
    finally:
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(signum)
    log.info("outbox worker stopped")
