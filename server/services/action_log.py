"""The audit trail: one ActionLog row per change, with a dotted action code
(`event.published`, `report.published`…)."""

from __future__ import annotations

from typing import Any

from server.models import ActionLog, Event, User


async def log_event_action(
    action: str, event: Event, user: User | None, data: dict[str, Any]
) -> None:
    """Record `action` on `event`, by `user` (None for the system), in its organisation."""
    await ActionLog.create(
        action=action,
        user_id=user.id if user else None,
        organisation_id=event.organisation_id,  # type: ignore[attr-defined]
        object_type="event",
        object_id=event.id,
        data=data,
    )
