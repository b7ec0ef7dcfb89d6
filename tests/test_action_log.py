"""The audit trail is written in one place (server/services/action_log.py)."""

from __future__ import annotations

from pathlib import Path

from server.models import ActionLog
from server.services.action_log import log_action
from tests.support import make_organisation, make_user

SERVICES = Path(__file__).resolve().parents[1] / "server" / "services"


def test_no_service_writes_an_audit_row_by_hand():
    by_hand = [
        str(path.relative_to(SERVICES))
        for path in sorted(SERVICES.rglob("*.py"))
        if path.name != "action_log.py" and "ActionLog.create(" in path.read_text()
    ]
    assert by_hand == []


async def test_a_logged_action_names_who_did_what_to_which_object_and_where(db):
    organisation = await make_organisation()
    user = await make_user("orga@example.org", organisation=organisation)
    await log_action(
        "pledge.delivery.created",
        "delivery",
        7,
        user=user,
        organisation_id=organisation.id,
        data={"pledge": 3},
    )
    row = await ActionLog.get()
    assert (row.action, row.object_type, row.object_id, row.data) == (
        "pledge.delivery.created",
        "delivery",
        7,
        {"pledge": 3},
    )
    assert (row.user_id, row.organisation_id) == (user.id, organisation.id)  # type: ignore[attr-defined]


async def test_an_action_of_the_system_on_something_platform_wide_has_no_user_nor_organisation(db):
    await log_action("attendee.anonymised", "attendee", 5, user=None, organisation_id=None)
    row = await ActionLog.get()
    assert (row.user_id, row.organisation_id, row.data) == (None, None, {})  # type: ignore[attr-defined]
