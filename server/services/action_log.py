"""The audit trail: one ActionLog row per change, with a dotted action code
(`event.published`, `pledge.delivery.created`…), written in the caller's transaction.

Every service writes its rows here. The day-before reminders write theirs in
`server.notifications.queue`, below the services, where the row is also the mark that makes
`remind` safe to repeat.
"""

from __future__ import annotations

from typing import Any

from server.models import ActionLog, Event, User


async def log_action(
    action: str,
    object_type: str,
    object_id: int,
    *,
    user: User | None,
    organisation_id: int | None,
    data: dict[str, Any] | None = None,
) -> None:
    """Record `action` on the object (`object_type`, `object_id`), by `user` (None for the
    system or a person without an account). `organisation_id` is the organisation whose trail
    shows the row: None for what is platform-wide (companies, offers, a person's own data)."""
    await ActionLog.create(
        action=action,
        user_id=user.id if user else None,
        organisation_id=organisation_id,
        object_type=object_type,
        object_id=object_id,
        data=data or {},
    )


async def log_event_action(
    action: str, event: Event, user: User | None, data: dict[str, Any]
) -> None:
    """Record `action` on `event`, by `user` (None for the system), in its organisation."""
    await log_action(
        action,
        "event",
        event.id,
        user=user,
        organisation_id=event.organisation_id,  # type: ignore[attr-defined]
        data=data,
    )
