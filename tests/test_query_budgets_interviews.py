"""Query budgets of the interview pages: the person's booking page and the organisers' grid send
the same number of SQL statements with N slots and with 5N (see test_query_budgets.py)."""

from __future__ import annotations

from datetime import timedelta
from itertools import count

from server.codes.tokens import hash_token
from server.models import Interest, InterviewBooking
from server.models.enums import InterviewAudience, InterviewOutcome, Role
from server.services.interviews.booking import book_slot
from tests.interview_support import (
    make_booth,
    make_fair,
    make_offer,
    open_run,
    register,
    tomorrow_at,
)
from tests.support import both_sizes, login, make_organisation, make_user, statements

BUDGETS = {
    # The person behind the link, the fair; their registration, interests and invitations; the
    # fair's limit; their interviews, the open slots with their runs, offers and booths; the
    # open offers among them.
    "booking_page": 9,
    # The user, the organisation and the membership; the fair with its sessions and questions
    # (the organisers' pages' one way to load an event); its slots with their booths, the
    # bookings counted per booth and outcome, the fair's limit.
    "grid": 9,
}
TOKEN = "a-personal-link-for-the-interview-budgets"
ORGANISER = "organiser@example.org"

_numbers = count(1)


async def grow_fair(fair, how_many: int, person) -> None:
    """`how_many` more booths, each with an offer the person is interested in and two runs of
    two slots (one for anyone registered, one for the interested), one place taken by a
    visitor who did not come."""
    for _ in range(how_many):
        number = next(_numbers)
        booth = await make_booth(fair, f"Company {number}", booth_label=f"K{number}")
        offer = await make_offer(booth.employer, f"Offer {number}")
        await Interest.create(attendee=person, offer=offer)
        start = tomorrow_at(10) + timedelta(minutes=20 * (number % 15))
        first, _ = await open_run(booth, start, count=2, places=2)
        await open_run(booth, start, count=2, offer=offer, audience=InterviewAudience.INTERESTED)
        visitor, _ = await register(fair)
        booking = await book_slot(visitor, first.id)
        await InterviewBooking.filter(id=booking.id).update(outcome=InterviewOutcome.NO_SHOW)


async def test_the_booking_page(client, db):
    fair = await make_fair(await make_organisation())
    person, _ = await register(fair, access_token_hash=hash_token(TOKEN))
    booth = await make_booth(fair, "Atlas Logistique")
    (held,) = await open_run(booth, tomorrow_at(16), count=1)
    await book_slot(person, held.id)
    path = f"/me/{TOKEN}/events/{fair.id}/interviews"
    counts = await both_sizes(
        lambda: statements(client, "GET", path), lambda n: grow_fair(fair, n, person)
    )
    assert counts == [BUDGETS["booking_page"]] * 2


async def test_the_organisers_grid(client, db):
    organisation = await make_organisation()
    await make_user(ORGANISER, organisation=organisation, role=Role.ORGANISER)
    fair = await make_fair(organisation)
    await login(client, ORGANISER)
    person, _ = await register(fair)
    path = f"/manage/{organisation.slug}/events/{fair.id}/interviews"
    counts = await both_sizes(
        lambda: statements(client, "GET", path), lambda n: grow_fair(fair, n, person)
    )
    assert counts == [BUDGETS["grid"]] * 2
