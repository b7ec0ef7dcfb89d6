"""Reading an organisation's people."""

from __future__ import annotations

from server.models import Membership, Organisation


async def members(organisation: Organisation) -> list[Membership]:
    """Memberships of the organisation with their users, by name."""
    return (
        await Membership.filter(organisation_id=organisation.id)
        .select_related("user")
        .order_by("user__full_name")
    )
