"""Replies to our texts, posted by the SMS or WhatsApp provider: a reply STOP stops the messages
of the person with that number.

Apprise only sends, so each provider documented in the README posts its replies here, at
`/api/v1/replies/<provider>/<REPLIES_SECRET>`: the secret in the address is what tells the
provider's request from anyone else's (compared in constant time; no secret set, no replies).
The address lives under /api/, where no session or CSRF token is read. Every accepted request is
answered 200 whatever it says, as providers retry any other answer; the number and the text are
never logged.
"""

from __future__ import annotations

import hmac
import json
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from server.errors import NotFound
from server.i18n import lazy
from server.services.registrations.message_choices import stop_by_reply
from server.web.policies import Anyone, requires

# Twilio reads the answer as TwiML: an empty <Response> sends nothing back.
TWIML_NOTHING = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
MAX_BODY = 256 * 1024


@dataclass(frozen=True)
class Reply:
    number: str
    text: str


def _with_plus(number: str) -> str:
    number = number.strip()
    return number if number.startswith("+") else f"+{number}"


def twilio_replies(fields: dict[str, Any]) -> list[Reply]:
    """Twilio's messaging webhook: a form with `From` and `Body`."""
    return [Reply(str(fields.get("From", "")), str(fields.get("Body", "")))]


def vonage_replies(fields: dict[str, Any]) -> list[Reply]:
    """Vonage's inbound SMS: `msisdn` and `text`, as query, form or JSON; digits only."""
    return [Reply(_with_plus(str(fields.get("msisdn", ""))), str(fields.get("text", "")))]


def httpsms_replies(fields: dict[str, Any]) -> list[Reply]:
    """httpSMS's `message.phone.received` event: `data.contact` and `data.content`."""
    data = fields.get("data")
    if fields.get("type") != "message.phone.received" or not isinstance(data, dict):
        return []
    return [Reply(str(data.get("contact", "")), str(data.get("content", "")))]


def whatsapp_replies(fields: dict[str, Any]) -> list[Reply]:
    """WhatsApp Cloud API's webhook: `entry[].changes[].value.messages[]`, each with `from`
    (digits only) and, for a text, `text.body`; a button reply carries its `button.text`."""
    found = []
    for entry in _items(fields.get("entry")):
        for change in _items(entry.get("changes")):
            value = change.get("value")
            for message in _items(value.get("messages") if isinstance(value, dict) else None):
                content = message.get("text") or message.get("button")
                body = ""
                if isinstance(content, dict):
                    body = str(content.get("body") or content.get("text") or "")
                found.append(Reply(_with_plus(str(message.get("from", ""))), body))
    return found


def _items(value: object) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


PROVIDERS = {
    "twilio": twilio_replies,
    "vonage": vonage_replies,
    "httpsms": httpsms_replies,
    "whatsapp": whatsapp_replies,
}


def _is_secret(request: Request, given: str) -> bool:
    expected = request.app.state.settings.replies_secret
    return bool(expected) and hmac.compare_digest(expected.encode(), given.encode())


def _check_address(request: Request) -> None:
    if request.path_params["provider"] not in PROVIDERS or not _is_secret(
        request, request.path_params["secret"]
    ):
        raise NotFound(lazy("This page does not exist or has moved."))


async def _fields(request: Request) -> dict[str, Any]:
    """The request's parameters: its query, then its form or JSON body (a body that is neither
    gives nothing)."""
    fields: dict[str, Any] = dict(request.query_params)
    if request.method != "POST":
        return fields
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/json"):
        raw = await request.body()
        try:
            parsed = json.loads(raw[:MAX_BODY]) if len(raw) <= MAX_BODY else None
        except ValueError:
            parsed = None
        if isinstance(parsed, dict):
            fields |= parsed
    elif content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        fields |= {key: value for key, value in form.items() if isinstance(value, str)}
    return fields


@requires(Anyone())
async def replies(request: Request) -> Response:
    """Read the provider's replies and stop the messages of those who wrote STOP. A GET from
    WhatsApp subscribing the address is answered with its `hub.challenge` when its verify
    token is REPLIES_SECRET too."""
    _check_address(request)
    provider = request.path_params["provider"]
    fields = await _fields(request)
    if request.method == "GET" and "hub.challenge" in fields:
        if not _is_secret(request, str(fields.get("hub.verify_token", ""))):
            raise NotFound(lazy("This page does not exist or has moved."))
        return PlainTextResponse(str(fields["hub.challenge"]))
    for reply in PROVIDERS[provider](fields):
        await stop_by_reply(reply.number, reply.text)
    if provider == "twilio":
        return Response(TWIML_NOTHING, media_type="text/xml")
    return JSONResponse({"status": "ok"})


# Under /api/ (no session, no CSRF token: the secret in the path authenticates the provider),
# before the devices' API is mounted there, and not part of it.
routes: list[BaseRoute] = [
    Route(
        "/api/v1/replies/{provider:str}/{secret:str}",
        replies,
        methods=["GET", "POST"],
        name="replies",
    ),
]
