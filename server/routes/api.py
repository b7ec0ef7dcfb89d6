"""The JSON API for scanning devices, under /api/v1 (described in `server.routes.api_schema`).

A device authenticates with `Authorization: Bearer <device token>`; its event is the token's
event, so a device cannot act at another event (another event's badge answers `wrong_event`).
Every scan answers 200 with its `status`; 401 (`unauthorized`) and 422 (`invalid_request`) are
the only other answers a well-behaved device sees. Messages are in the language asked by
`Accept-Language` or `?lang=`.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from server.errors import ValidationFailed
from server.i18n import gettext, lazy
from server.routes.api_schema import openapi_document
from server.services.door.checkin import (
    GATE_MAX_LENGTH,
    NONCE_MAX_LENGTH,
    CheckInOutcome,
    perform_checkin,
    search_registrations,
)
from server.web.policies import Anyone, DeviceTokenPolicy, requires

DEVICE = DeviceTokenPolicy()
MAX_BODY_BYTES = 8 * 1024
CODE_MAX_LENGTH = 1000  # far above any badge code; longer is not a scan
QUERY_MAX_LENGTH = 100
NO_STORE = {"Cache-Control": "no-store"}  # answers carry personal data


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _invalid_request(errors: dict[str, str]) -> JSONResponse:
    return JSONResponse(
        {
            "status": "invalid_request",
            "message": gettext(lazy("The request is not valid.")),
            "errors": {field: gettext(message) for field, message in errors.items()},
        },
        status_code=422,
    )


def _read_scan(raw: bytes) -> tuple[dict[str, Any], dict[str, str]]:
    """The scan's fields and, when the body is not a valid scan, field → message."""
    if len(raw) > MAX_BODY_BYTES:
        return {}, {"body": lazy("The request is too large.")}
    try:
        body = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        body = None
    if not isinstance(body, dict):
        return {}, {"body": lazy("Send a JSON object.")}
    errors: dict[str, str] = {}
    code, gate, nonce = body.get("code"), body.get("gate", ""), body.get("nonce")
    if not isinstance(code, str) or not code.strip():
        errors["code"] = lazy("Send the text of the QR code or the badge code.")
    elif len(code) > CODE_MAX_LENGTH:
        errors["code"] = lazy("This is too long.")
    if not isinstance(gate, str):
        errors["gate"] = lazy("Send the door as text.")
    elif len(gate.strip()) > GATE_MAX_LENGTH:
        errors["gate"] = lazy("Name the door in 40 characters at most.")
    if nonce is not None and (not isinstance(nonce, str) or len(nonce) > NONCE_MAX_LENGTH):
        errors["nonce"] = lazy("Send the nonce as text of 64 characters at most.")
    return {"code": code, "gate": gate, "nonce": nonce}, errors


def outcome_json(outcome: CheckInOutcome) -> dict[str, Any]:
    """A scan's answer as the API sends it (the OpenAPI schema `CheckInResult`)."""
    attendee = (
        {"name": outcome.attendee_name, "badge_serial": outcome.badge_serial}
        if outcome.registration_id is not None
        else None
    )
    return {
        "status": outcome.code,
        "message": outcome.text(),
        "attendee": attendee,
        "checked_in_at": _iso(outcome.checked_in_at),
        "gate": outcome.gate,
        "replayed": outcome.replayed,
    }


@requires(DEVICE)
async def checkin(request: Request) -> Response:
    """POST a scanned code: check the person in at the device's event."""
    scan, errors = _read_scan(await request.body())
    if errors:
        return _invalid_request(errors)
    device = request.state.device
    try:
        outcome = await perform_checkin(
            device.event,
            scan["code"],
            secret_key=request.app.state.settings.secret_key,
            gate=scan["gate"],
            device=device,
            nonce=scan["nonce"],
        )
    except ValidationFailed as failure:
        return _invalid_request(failure.errors)
    return JSONResponse(outcome_json(outcome), headers=NO_STORE)


@requires(DEVICE)
async def search(request: Request) -> Response:
    """GET ?q=: the device's event's registrations matching a name, phone number or serial."""
    query = request.query_params.get("q", "")[:QUERY_MAX_LENGTH]
    found = await search_registrations(request.state.device.event, query)
    return JSONResponse(
        {
            "results": [
                {
                    "name": entry.name,
                    "badge_serial": entry.badge_serial,
                    "status": entry.status.value,
                    "checked_in_at": _iso(entry.checked_in_at),
                }
                for entry in found
            ]
        },
        headers=NO_STORE,
    )


@requires(Anyone())
async def openapi(request: Request) -> Response:
    return JSONResponse(openapi_document())


routes: list[BaseRoute] = [
    Route("/checkin", checkin, methods=["POST"], name="checkin"),
    Route("/search", search, name="search"),
    Route("/openapi.json", openapi, name="openapi"),
]
