"""SMS and WhatsApp through Apprise: one URL per provider (`SMS_URL`, `WHATSAPP_URL`), the
recipient's number added to it for each message. No provider's API is written here.

Reading the provider's answer. `Apprise.notify()` says only whether a message left; since
Apprise 2.3 its result (`AppriseResult` → `NotifyResult` → `NotifyAttempt`) also keeps the log
lines of each attempt, and those carry the answer: every HTTP service ends its failure line with
`error=<code>.` and logs the response body at DEBUG (`Response Details:`), and a connection error
has no code at all. So the notifier asks for the attempt's lines at DEBUG level and decides:

- no code (the provider could not be reached, a timeout): retried;
- HTTP 5xx, 408, 425, 429: retried, the provider is busy or down;
- HTTP 401, 402, 403: retried too: they say our credentials or credit are wrong, not the
  message, and the organisers can mend that before the last attempt (about four hours);
- any other 4xx: failed at once, with the provider's line and answer as the reason;
- Twilio and WhatsApp write their own error code where the others write the HTTP status; their
  "try later" codes (RETRIED_PROVIDER_CODES) are retried, the others fail at once.

Apprise's own logger is kept off the process's log (it names the recipient and, at DEBUG, the
text); the lines reach only the result of each attempt.

Each message makes a new Apprise object (the recipient is part of the URL), which would skip
the wait Apprise keeps between two requests to a service (`request_rate_per_sec`: 0.2 s for
Twilio and WhatsApp, 5.5 s for httpSMS and Vonage, none for json://): the notifier keeps that
wait itself.
"""

from __future__ import annotations

import ast
import asyncio
import logging
import re
import time
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import quote

import apprise

from server.config import Settings
from server.models import OutboxMessage
from server.models.enums import Channel
from server.notifications.failures import DeliveryFailure, PermanentFailure, without_numbers

RECIPIENT = "{to}"
LANGUAGE = "{lang}"
SAMPLE_NUMBER = "+212612345678"
REASON_LENGTH = 500
ANSWER_LENGTH = 300
NOTIFY_TIMEOUT = 60  # seconds, the whole call; each request has Apprise's own 4 s timeouts

RETRIED_HTTP = frozenset({401, 402, 403, 408, 425, 429})
RETRIED_PROVIDER_CODES = frozenset(
    {
        # Twilio: authentication, too many requests, internal error, unavailable, queue full
        20003,
        20429,
        20500,
        20503,
        30001,
        # WhatsApp (Graph API): temporary errors, rate limits, expired token
        1,
        2,
        4,
        17,
        190,
        80007,
        130429,
        131000,
        131016,
        131048,
        131056,
    }
)
_FAILURE_CODE = re.compile(r"error=(-?\d+)\.?\s*$")
_ANSWER_PREFIX = "Response Details:"


def address_for(url: str, number: str, language: str = "fr") -> str:
    """The Apprise URL that sends to `number`: in place of `{to}` when the URL has one (the
    generic json:// and form:// targets, `…?:to={to}`), else as its `to` parameter, which every
    Apprise SMS and WhatsApp service reads; `{lang}` becomes the message's language."""
    recipient = quote(number, safe="")
    url = url.replace(LANGUAGE, language)
    if RECIPIENT in url:
        return url.replace(RECIPIENT, recipient)
    return f"{url}{'&' if '?' in url else '?'}to={recipient}"


class ProviderState(StrEnum):
    MISSING = "missing"
    INVALID = "invalid"
    READY = "ready"


def provider_state(url: str) -> ProviderState:
    """Whether texts can leave through `url`: not set, not an Apprise URL Apprise accepts (with
    a recipient added), or ready."""
    if not url.strip():
        return ProviderState.MISSING
    _keep_apprise_quiet()
    plugin = apprise.Apprise.instantiate(address_for(url.strip(), SAMPLE_NUMBER))
    return ProviderState.INVALID if plugin is None else ProviderState.READY


def provider_urls(settings: Settings) -> dict[Channel, str]:
    return {Channel.SMS: settings.sms_url.strip(), Channel.WHATSAPP: settings.whatsapp_url.strip()}


def text_providers(settings: Settings) -> dict[Channel, ProviderState]:
    """The state of the SMS and WhatsApp providers of these settings (read once at start-up:
    parsing a URL loads Apprise's plugins)."""
    return {channel: provider_state(url) for channel, url in provider_urls(settings).items()}


@dataclass(frozen=True)
class Answer:
    """What the provider said to one attempt, as read from Apprise's lines."""

    code: int | None
    line: str  # the failure line, as Apprise wrote it
    body: str  # the start of the provider's response, if any


def read_answer(result: apprise.AppriseResult) -> Answer:
    """The last failure line of the call, its code, and the provider's response body."""
    code, line, body = None, "", ""
    for entry in result.logs():
        message = entry.message
        if entry.level in ("WARNING", "ERROR"):
            line = message.strip()
            found = _FAILURE_CODE.search(line)
            code = int(found.group(1)) if found else code
        elif message.startswith(_ANSWER_PREFIX):
            body = _response_text(message[len(_ANSWER_PREFIX) :].strip())
    return Answer(code, line, body)


def _response_text(logged: str) -> str:
    """The response body Apprise logs as a bytes literal (`b'{"error": …}'`), as text."""
    try:
        value = ast.literal_eval(logged)
    except (ValueError, SyntaxError):
        return logged
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def is_retried(code: int | None) -> bool:
    """Whether an answer with this code is worth another try (see the module's docstring)."""
    if code is None:
        return True
    if 400 <= code <= 599:
        return code >= 500 or code in RETRIED_HTTP
    return code in RETRIED_PROVIDER_CODES


def failure_for(answer: Answer) -> DeliveryFailure:
    """The failure to record for a refused attempt, its reason without any phone number."""
    reason = answer.line or "The provider did not accept the message (no answer given)."
    if answer.body:
        reason = f"{reason} Answer: {answer.body[:ANSWER_LENGTH]}"
    reason = without_numbers(" ".join(reason.split()))[:REASON_LENGTH]
    code = "" if answer.code is None else str(answer.code)
    return (DeliveryFailure if is_retried(answer.code) else PermanentFailure)(reason, code=code)


class AppriseNotifier:
    """Texts on one channel through the provider's Apprise URL."""

    def __init__(self, url: str) -> None:
        _keep_apprise_quiet()
        self.url = url
        self._last_request = 0.0  # time.monotonic() when the previous request started

    async def send(self, message: OutboxMessage) -> None:
        """Send the text to `message.recipient`; raises DeliveryFailure (retry) or
        PermanentFailure."""
        plugin = apprise.Apprise.instantiate(
            address_for(self.url, message.recipient, message.language)
        )
        if plugin is None:
            raise PermanentFailure("The provider's Apprise URL does not accept this number.")
        await self._wait(float(plugin.request_rate_per_sec or 0))
        sender = apprise.Apprise()
        sender.add(plugin)
        with await sender.async_notify(
            body=message.body,
            title="",
            body_format=apprise.NotifyFormat.TEXT,
            interpret_escapes=False,
            timeout=NOTIFY_TIMEOUT,
            log_level=logging.DEBUG,
        ) as result:
            if not result:
                raise failure_for(read_answer(result))

    async def _wait(self, interval: float) -> None:
        """Wait until `interval` seconds have passed since the previous request started (as
        Apprise counts), then count this one from now."""
        pause = self._last_request + interval - time.monotonic()
        if pause > 0:
            await asyncio.sleep(pause)
        self._last_request = time.monotonic()


class _AnswersOnly(logging.Filter):
    """Of Apprise's lines, the failures and the provider's response (logged at DEBUG): the
    rest (the payload, with the text and the number, at DEBUG) is not even recorded."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING or str(record.msg).startswith(_ANSWER_PREFIX)


def _keep_apprise_quiet() -> None:
    """Apprise's lines name the recipient and, at DEBUG, the text: they go to each call's
    result only, never to the process's handlers (nor to Python's last-resort stderr handler)."""
    logger = logging.getLogger(apprise.LOGGER_NAME)
    if logger.propagate:
        logger.propagate = False
        logger.addHandler(logging.NullHandler())
        logger.addFilter(_AnswersOnly())
        logger.setLevel(logging.DEBUG)  # the response bodies are logged at DEBUG
