"""Live attendance: checked in / expected, per door, per half hour and per session, counted by
the database from the registrations' check-ins, so an undo takes a person out of every figure."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from functools import partial

import pytest

from server.models import Event, Organisation, Registration
from server.models.enums import EventKind, RegistrationSource, RegistrationStatus, Role
from server.services.door.attendance import event_attendance
from server.services.door.checkin import perform_checkin, undo_checkin
from server.services.events.admin import managed_event
from tests import support
from tests.support import (
    SECRET_KEY,
    badge_code,
    html,
    login,
    make_bare_attendee,
    make_organisation,
    make_registration,
    make_staffed_organisation,
    make_user,
)

BASE = "/manage/passerelles/events"
# 10:00 in Casablanca (UTC+1 in June): the half hours are 10:00, 10:30… on the wall clock.
OPENING = datetime(2026, 6, 13, 9, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return OPENING + timedelta(minutes=minutes)


make_event = partial(support.make_event, starts_at=OPENING)


async def register(
    event: Event, name: str, status: RegistrationStatus = RegistrationStatus.CONFIRMED, **extra
) -> Registration:
    first_name, last_name = name.split(" ", 1)
    return await make_registration(
        event, await make_bare_attendee(first_name, last_name), status, **extra
    )


async def scan(event: Event, registration: Registration, gate: str, minutes: int) -> None:
    outcome = await perform_checkin(
        event, badge_code(registration), secret_key=SECRET_KEY, gate=gate, now=at(minutes)
    )
    assert outcome.admitted


@pytest.fixture
async def fair(db) -> Event:
    """Six confirmed registrations at the fair, four of them in:

    | person | door | came in (UTC) | half hour (Casablanca) |
    | r1     | A    | 09:05         | 10:00                  |
    | r2     | A    | 09:20         | 10:00                  |
    | r3     | B    | 09:35         | 10:30                  |
    | r4     | —    | 10:10         | 11:00                  |
    | r5     | B    | 09:10, undone at 09:40: not in                         |
    | r6     | did not come                                           |

    plus a cancelled registration checked in before it was cancelled and a waiting one, which
    count nowhere; a workshop with 2 of 3 confirmed in, and a workshop nobody booked.
    """
    organisation = await make_staffed_organisation()
    other = await make_organisation("autre", "Autre association")
    await make_user("other@example.org", organisation=other, role=Role.ORGANISER)

    fair = await make_event(organisation, "salon")
    people = [await register(fair, f"Person {n}") for n in range(1, 7)]
    await register(fair, "Cancelled Person", RegistrationStatus.CANCELLED, checked_in_at=at(15))
    await register(fair, "Waiting Person", RegistrationStatus.WAITLISTED)
    r1, r2, r3, r4, r5, _ = people
    await scan(fair, r1, "A", 5)
    await scan(fair, r2, "A", 20)
    await scan(fair, r3, "B", 35)
    await scan(fair, r4, "", 70)
    await scan(fair, r5, "B", 10)
    await undo_checkin(r5, staff=None, gate="B", now=at(40))

    workshop = await make_event(
        organisation, "atelier-cv", kind=EventKind.WORKSHOP, parent=fair, title={"fr": "Atelier CV"}
    )
    await make_event(
        organisation, "atelier-vide", kind=EventKind.WORKSHOP, parent=fair, title={"fr": "Vide"}
    )
    for index, registration in enumerate(people[:3]):
        booked = await make_registration(workshop, await registration.attendee)
        if index < 2:
            await scan(workshop, booked, "Salle 2", 60 + index)
    await register(workshop, "Waiting Workshop", RegistrationStatus.WAITLISTED)
    return fair


async def figures(event: Event):
    organisation = await Organisation.get(id=event.organisation_id)  # type: ignore[attr-defined]
    return await event_attendance(await managed_event(organisation, event.id))


def gates(attendance) -> list[tuple[str, int]]:
    return [(gate.gate, gate.checked_in) for gate in attendance.by_gate]


def slots(attendance) -> list[tuple[datetime, int]]:
    return [(slot.starts_at, slot.checked_in) for slot in attendance.by_slot]


# --- the figures --------------------------------------------------------------------------------


async def test_checked_in_expected_and_rate_count_confirmed_registrations(fair):
    attendance = await figures(fair)
    assert (attendance.checked_in, attendance.expected) == (4, 6)
    assert attendance.rate == pytest.approx(4 / 6)


async def test_walk_ins_are_expected_and_checked_in_but_left_out_of_the_rate(fair):
    walk_in = await register(fair, "Walk In", source=RegistrationSource.WALK_IN)
    await scan(fair, walk_in, "A", 90)

    attendance = await figures(fair)

    assert (attendance.checked_in, attendance.expected, attendance.walk_ins) == (5, 7, 1)
    assert attendance.rate == pytest.approx(4 / 6)


async def test_people_in_are_counted_per_door_busiest_first(fair):
    assert gates(await figures(fair)) == [("A", 2), ("", 1), ("B", 1)]


async def test_people_in_are_counted_per_half_hour_of_their_entry(fair):
    assert slots(await figures(fair)) == [(at(0), 2), (at(30), 1), (at(60), 1)]


async def test_empty_half_hours_between_entries_are_shown(fair):
    late = await Registration.filter(event_id=fair.id, checked_in_at__isnull=True).first()
    await scan(fair, late, "A", 200)  # 12:20 UTC: 11:30, 12:00 and 12:30 had nobody
    assert slots(await figures(fair))[-4:] == [
        (at(90), 0),
        (at(120), 0),
        (at(150), 0),
        (at(180), 1),
    ]


async def test_an_undo_takes_the_person_out_of_every_figure(fair):
    first = await Registration.get(event_id=fair.id, attendee__last_name="1")
    await undo_checkin(first, staff=None, gate="A", now=at(45))
    attendance = await figures(fair)
    assert attendance.checked_in == 3
    assert gates(attendance) == [("", 1), ("A", 1), ("B", 1)]
    assert slots(attendance) == [(at(0), 1), (at(30), 1), (at(60), 1)]


async def test_a_person_undone_then_scanned_again_counts_once_at_the_new_time(fair):
    undone = await Registration.get(event_id=fair.id, attendee__last_name="5")
    await scan(fair, undone, "A", 80)
    attendance = await figures(fair)
    assert attendance.checked_in == 5
    assert gates(attendance) == [("A", 3), ("", 1), ("B", 1)]
    assert slots(attendance) == [(at(0), 2), (at(30), 1), (at(60), 2)]


async def test_each_session_of_a_fair_has_its_own_figures(fair):
    sessions = (await figures(fair)).sessions
    assert [(row.session.slug, row.checked_in, row.expected) for row in sessions] == [
        ("atelier-cv", 2, 3),
        ("atelier-vide", 0, 0),
    ]
    assert sessions[0].rate == pytest.approx(2 / 3)
    assert sessions[1].rate is None


async def test_a_session_counts_its_own_door_and_has_no_sessions(fair):
    workshop = await Event.get(slug="atelier-cv")
    attendance = await figures(workshop)
    assert (attendance.checked_in, attendance.expected) == (2, 3)
    assert gates(attendance) == [("Salle 2", 2)]
    assert attendance.sessions == []


async def test_the_number_of_queries_does_not_grow_with_the_registrations(fair, caplog):
    organisation = await Organisation.get(slug="passerelles")
    event = await managed_event(organisation, fair.id)

    async def queries() -> int:
        caplog.clear()
        with caplog.at_level(logging.DEBUG, logger="tortoise.db_client"):
            await event_attendance(event)
        return len(caplog.records)

    before = await queries()
    for minutes in range(0, 240, 7):
        await scan(fair, await register(fair, f"More {minutes}"), f"G{minutes % 3}", minutes)
    assert (await figures(fair)).checked_in == 4 + len(range(0, 240, 7))
    assert await queries() == before <= 4


# --- the page -----------------------------------------------------------------------------------


async def test_the_page_shows_the_figures_in_casablanca_time(client, fair):
    await login(client, "orga@example.org")
    response = await client.get(f"{BASE}/{fair.id}/attendance")
    assert response.status_code == 200
    page = html(response)
    assert page.select_one("#attendance-checked-in").get_text() == "4"
    assert page.select_one("#attendance-expected").get_text() == "6"
    assert "67" in page.select_one("#attendance-rate").get_text()
    first_slot = page.select_one("#attendance-slots tbody tr")
    assert first_slot.th.get_text(strip=True).startswith("10:00")
    assert first_slot.select_one("td.num").get_text() == "2"
    door_rows = [
        [cell.get_text(strip=True) for cell in row.select("th, td.num")]
        for row in page.select("#attendance-gates tbody tr")
    ]
    assert door_rows[0] == ["A", "2"]
    sessions = page.select("#attendance-sessions tbody tr")
    assert [row.select("td.num")[0].get_text() for row in sessions] == ["2 / 3", "0 / 0"]


async def test_the_figures_poll_every_five_seconds_and_obey_the_csp(client, fair):
    await login(client, "orga@example.org")
    page = html(await client.get(f"{BASE}/{fair.id}/attendance"))
    block = page.select_one("#attendance-figures")
    assert block["hx-get"] == f"{BASE}/{fair.id}/attendance"
    assert block["hx-trigger"] == "every 5s"
    assert page.select("[style]") == [] and page.select("style") == []
    widths = [rect["width"] for rect in page.select("#attendance-slots svg rect")]
    assert widths == ["100.0", "50.0", "50.0"]


async def test_htmx_gets_only_the_figures_block(client, fair):
    await login(client, "orga@example.org")
    response = await client.get(f"{BASE}/{fair.id}/attendance", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.text
    assert "HX-Request" in response.headers["vary"]
    assert response.headers["cache-control"] == "no-store"
    assert html(response).select_one("#attendance-checked-in").get_text() == "4"


async def test_check_in_staff_see_the_figures_but_no_organiser_links(client, fair):
    await login(client, "door@example.org")
    response = await client.get(f"{BASE}/{fair.id}/attendance")
    assert response.status_code == 200
    page = html(response)
    assert page.select_one("#attendance-checked-in").get_text() == "4"
    assert not page.select(f'a[href="{BASE}/{fair.id}"]')
    assert page.select_one(".sub-nav") is None


async def test_an_organiser_of_another_organisation_is_refused(client, fair):
    await login(client, "other@example.org")
    response = await client.get(f"{BASE}/{fair.id}/attendance")
    assert response.status_code == 403


async def test_an_event_of_another_organisation_is_not_found(client, fair):
    elsewhere = await make_event(await Organisation.get(slug="autre"), "ailleurs")
    await login(client, "orga@example.org")
    response = await client.get(f"{BASE}/{elsewhere.id}/attendance")
    assert response.status_code == 404


async def test_the_event_page_links_to_attendance_and_badge_sheets(client, fair):
    await login(client, "orga@example.org")
    page = html(await client.get(f"{BASE}/{fair.id}"))
    assert page.select(f'a[href="{BASE}/{fair.id}/attendance"]')
    assert page.select(f'a[href="{BASE}/{fair.id}/badges.pdf"]')


async def test_in_arabic_the_bars_grow_from_the_right(client, fair):
    await login(client, "orga@example.org")
    page = html(await client.get(f"{BASE}/{fair.id}/attendance?lang=ar"))
    bars = [(rect["x"], rect["width"]) for rect in page.select("#attendance-slots svg rect")]
    assert bars == [("0.0", "100.0"), ("50.0", "50.0"), ("50.0", "50.0")]
