"""Query budgets: the main pages and the check-in API send the same, small number of SQL
statements whatever the number of rows behind them, so an N+1 query cannot come back unnoticed.

Each page is counted with N rows, then again with five times as many; both counts must equal the
page's budget. A change that needs one more query raises the budget here, on purpose.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count

import httpx
import pytest

from server.codes.badges import make_badge_code
from server.codes.tokens import hash_token
from server.models import Event, Exhibitor, Organisation, Registration
from server.models.enums import (
    EventKind,
    ExhibitorStatus,
)
from server.services.door.devices import issue_device_token
from tests.support import (
    SECRET_KEY,
    both_sizes,
    login,
    make_bare_attendee,
    make_employer,
    make_event,
    make_offer,
    make_organisation,
    make_registration,
    make_user,
    statements,
)

PERSONAL_TOKEN = "a-personal-link-for-the-query-budgets"

# Statements per request; see each test for what they are.
BUDGETS = {
    "home": 3,
    "event": 4,
    "attendees": 8,
    "attendee_search": 8,
    "scanner": 6,
    "checkin_api": 4,
    "personal_page": 3,
}

_numbers = count(1)


async def people(event: Event, how_many: int, *, checked_in: bool = False) -> list[Registration]:
    """`how_many` new confirmed registrations to `event`, each with its own person."""
    now = datetime.now(UTC)
    made = []
    for _ in range(how_many):
        number = next(_numbers)
        attendee = await make_bare_attendee("Budget", f"Person{number}", f"+2126{number:08d}")
        made.append(
            await make_registration(
                event,
                attendee,
                checked_in_at=now if checked_in else None,
                checked_in_gate="A" if checked_in else "",
            )
        )
    return made


@pytest.fixture
async def organisation(db) -> Organisation:
    return await make_organisation()


@pytest.fixture
async def organiser(client, organisation) -> httpx.AsyncClient:
    await make_user("orga@example.org", organisation=organisation)
    await login(client, "orga@example.org")
    return client


async def test_the_list_of_upcoming_events(client, organisation):
    # The events, their sessions (one prefetch), the cities of the filter.
    start = datetime.now(UTC) + timedelta(days=5)

    async def grow(how_many: int) -> None:
        for _ in range(how_many):
            number = next(_numbers)
            fair = await make_event(organisation, f"fair-{number}", starts_at=start)
            await make_event(
                organisation,
                f"workshop-{number}",
                parent=fair,
                kind=EventKind.WORKSHOP,
                starts_at=start,
            )

    counts = await both_sizes(lambda: statements(client, "GET", "/"), grow)
    assert counts == [BUDGETS["home"]] * 2


async def test_an_event_page(client, organisation):
    # The event with its organisation and parent, its sessions, its exhibitors with their
    # employers, and their open offers.
    fair = await make_event(organisation, "salon")

    async def grow(how_many: int) -> None:
        for _ in range(how_many):
            number = next(_numbers)
            await make_event(
                organisation, f"atelier-{number}", parent=fair, kind=EventKind.WORKSHOP
            )
            employer = await make_employer(f"Employer {number}", ice=f"{number:015d}")
            await Exhibitor.create(event=fair, employer=employer, status=ExhibitorStatus.CONFIRMED)
            await make_offer(employer, f"Offer {number}")

    counts = await both_sizes(lambda: statements(client, "GET", "/events/salon"), grow)
    assert counts == [BUDGETS["event"]] * 2


async def test_the_attendee_list(organiser, organisation):
    # The user, the organisation and the membership, the event with its sessions and questions,
    # one page and one COUNT. Both sizes fill the first page.
    fair = await make_event(organisation, "salon")
    path = f"/manage/passerelles/events/{fair.id}/attendees"
    counts = await both_sizes(
        lambda: statements(organiser, "GET", path), lambda n: people(fair, 20 * n)
    )
    assert counts == [BUDGETS["attendees"]] * 2


async def test_a_search_in_the_attendee_list(organiser, organisation):
    fair = await make_event(organisation, "salon")
    path = f"/manage/passerelles/events/{fair.id}/attendees?q=Budget"
    counts = await both_sizes(
        lambda: statements(organiser, "GET", path), lambda n: people(fair, 20 * n)
    )
    assert counts == [BUDGETS["attendee_search"]] * 2


async def test_the_scanner_page(organiser, organisation):
    # The user, the organisation and the membership, the event with its sessions and questions.
    fair = await make_event(organisation, "salon")
    path = f"/manage/passerelles/events/{fair.id}/scan"
    counts = await both_sizes(
        lambda: statements(organiser, "GET", path),
        lambda n: people(fair, n, checked_in=True),
    )
    assert counts == [BUDGETS["scanner"]] * 2


async def test_a_scan_through_the_checkin_api(client, organisation):
    # The device with its event, the registration with its person, the conditional UPDATE and
    # the log row.
    fair = await make_event(organisation, "salon")
    token = await issue_device_token(fair, "Phone at door A", None)
    waiting: list[Registration] = []

    async def grow(how_many: int) -> None:
        await people(fair, how_many, checked_in=True)
        waiting.extend(await people(fair, 1))

    async def measure() -> int:
        registration = waiting.pop()
        return await statements(
            client,
            "POST",
            "/api/v1/checkin",
            headers={"Authorization": f"Bearer {token}"},
            json={"code": make_badge_code(SECRET_KEY, fair.id, registration.id), "gate": "A"},
        )

    counts = await both_sizes(measure, grow)
    assert counts == [BUDGETS["checkin_api"]] * 2


async def test_the_personal_page(client, organisation):
    # The person behind the link, their registrations with their events (whose number does not
    # matter; none asks for feedback yet), their interviews at the booths.
    attendee = await make_bare_attendee(
        "Awa", "Ndiaye", "+212612000999", access_token_hash=hash_token(PERSONAL_TOKEN)
    )

    async def grow(how_many: int) -> None:
        for _ in range(how_many):
            number = next(_numbers)
            event = await make_event(
                organisation, f"event-{number}", starts_at=datetime.now(UTC) + timedelta(days=3)
            )
            await make_registration(event, attendee)

    counts = await both_sizes(lambda: statements(client, "GET", f"/me/{PERSONAL_TOKEN}"), grow)
    assert counts == [BUDGETS["personal_page"]] * 2
