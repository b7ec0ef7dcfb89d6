"""Bearer tokens for scanning devices: one per phone or hand-held scanner, for one event.

The token is shown once, when it is issued; only its SHA-256 is stored, so a copy of the
database lets nobody scan. Revoking keeps the row (the check-in log names the device) and stops
the token at once. Each change is logged (`event.device.issued`, `event.device.revoked`).
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from server.codes.tokens import hash_token
from server.errors import NotFound, ValidationFailed
from server.i18n import lazy
from server.models import DeviceToken, Event, User
from server.services.action_log import log_action

NAME_MAX_LENGTH = 80  # DeviceToken.name
TOKEN_BYTES = 32


async def issue_device_token(event: Event, name: str, user: User | None) -> str:
    """A new token for a device at `event`, to show once. Raises ValidationFailed for a
    missing or too long name."""
    name = name.strip()
    if not name:
        raise ValidationFailed({"name": lazy("Name the device, such as Phone at door A.")})
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationFailed({"name": lazy("Name the device in 80 characters at most.")})
    token = secrets.token_urlsafe(TOKEN_BYTES)
    device = await DeviceToken.create(
        event_id=event.id,
        name=name,
        token_hash=hash_token(token),
        created_by_id=user.id if user else None,
    )
    await log_action(
        "event.device.issued",
        "device_token",
        device.id,
        user=user,
        organisation_id=event.organisation_id,  # type: ignore[attr-defined]
        data={"event": event.id, "name": name},
    )
    return token


async def revoke_device_token(
    event: Event, device_id: int, *, user: User | None, now: datetime | None = None
) -> None:
    """Stop a device's token. Revoking twice is harmless; NotFound for another event's device."""
    if not await DeviceToken.exists(id=device_id, event_id=event.id):
        raise NotFound(lazy("This device does not exist."))
    revoked = await DeviceToken.filter(id=device_id, revoked_at__isnull=True).update(
        revoked_at=now or datetime.now(UTC)
    )
    if revoked:
        await log_action(
            "event.device.revoked",
            "device_token",
            device_id,
            user=user,
            organisation_id=event.organisation_id,  # type: ignore[attr-defined]
            data={"event": event.id},
        )


async def device_for_token(token: str) -> DeviceToken | None:
    """The device a token belongs to, with its event, unless it is unknown or revoked."""
    if not token:
        return None
    return (
        await DeviceToken.filter(token_hash=hash_token(token), revoked_at__isnull=True)
        .select_related("event")
        .first()
    )


async def event_devices(event: Event) -> list[DeviceToken]:
    """An event's devices, newest first, revoked ones included."""
    return await DeviceToken.filter(event_id=event.id).order_by("-created_at", "-id")
