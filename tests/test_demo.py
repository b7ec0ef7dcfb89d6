"""The demo data (`server/demo/`), told through the rules: its counters are those of its rows, its
story keeps its moments, and loading it again writes nothing.

Telling the demo through the services takes seconds, so it is loaded once per database for this
module, whose tests only read it (loading again included: it must write nothing).
"""

from __future__ import annotations

import pytest

from server import models
from server.demo import load_demo
from server.models import CheckIn, Event, Registration
from server.models.enums import CheckInKind, RegistrationSource, RegistrationStatus
from tests.conftest import Database, empty_all_tables


@pytest.fixture(scope="module")
async def demo(database: Database) -> dict[str, int]:
    """The demo, loaded once into an emptied database; what load_demo() answered."""
    await empty_all_tables(database.backend)
    return await load_demo("demo-password")


async def everything() -> dict[str, object]:
    """How many rows every table holds, and every event's counters."""
    counts: dict[str, object] = {
        name: await getattr(models, name).all().count() for name in models.__all__
    }
    counts["counters"] = (
        await Event.all()
        .order_by("slug")
        .values_list("slug", "seats_taken", "waitlist_last_position")
    )
    return counts


async def test_every_event_counts_its_confirmed_registrations_as_its_seats_taken(demo):
    for event in await Event.all():
        confirmed = await Registration.filter(
            event_id=event.id, status=RegistrationStatus.CONFIRMED
        ).count()
        assert event.seats_taken == confirmed, event.slug
        assert event.capacity is None or confirmed <= event.capacity


async def test_every_waiting_list_is_numbered_from_one_without_gaps_in_sign_up_order(demo):
    waiting_lists = 0
    for event in await Event.all():
        positions = (
            await Registration.filter(event_id=event.id, status=RegistrationStatus.WAITLISTED)
            .order_by("created_at", "id")
            .values_list("waitlist_position", flat=True)
        )
        assert positions == list(range(1, len(positions) + 1)), event.slug
        assert event.waitlist_last_position == len(positions), event.slug
        waiting_lists += bool(positions)
    assert waiting_lists == 3  # the three workshops that draw more people than they seat


async def test_every_check_in_has_its_entry_in_the_door_log(demo):
    checked_in = await Registration.filter(checked_in_at__not_isnull=True).values_list(
        "id", "checked_in_at", "checked_in_gate"
    )
    entries = await CheckIn.all().values_list("registration_id", "created_at", "gate", "kind")
    assert checked_in
    assert sorted(entries) == sorted((*row, CheckInKind.ENTRY) for row in checked_in)


async def test_the_past_job_day_was_signed_up_for_before_it_and_checked_in_on_its_day(demo):
    fair = await Event.get(slug__startswith="journee-emploi-rabat-")
    registrations = await Registration.filter(event_id=fair.id).values_list(
        "source", "created_at", "checked_in_at"
    )
    walk_ins = [row for row in registrations if row[0] == RegistrationSource.WALK_IN]
    online = [row for row in registrations if row[0] == RegistrationSource.ONLINE]
    assert len(walk_ins) == 8
    assert all(fair.starts_at <= created_at < fair.ends_at for _, created_at, _ in walk_ins)
    assert all(created_at < fair.starts_at for _, created_at, _ in online)
    came = [checked_in_at for *_, checked_in_at in registrations if checked_in_at]
    assert len(came) > len(registrations) / 2
    assert all(fair.starts_at <= checked_in_at < fair.ends_at for checked_in_at in came)


async def test_loading_the_demo_again_writes_nothing(demo):
    before = await everything()
    again = await load_demo("demo-password")
    assert await everything() == before
    assert again == demo
