"""Who may call every interview route (walked from the app's route table, so that a new one
fails here until it is covered): anonymous visitors, another person's personal link, check-in
staff, another company, a company awaiting review and the organisers of another organisation.

One fair of organisation A, with company A's booth, a run of slots and the interview Awa booked
there. Whoever may not act gets a refusal that carries nothing of Awa or of the booth's
candidates, and no interview, slot or invitation changes.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx
import pytest

from server.app import routes as app_routes
from server.codes.tokens import hash_token
from server.models import (
    EmployerMember,
    Event,
    Exhibitor,
    InterviewBooking,
    InterviewInvitation,
    InterviewSchedule,
    InterviewSlot,
    Organisation,
)
from server.models.enums import EmployerStatus, InterviewAudience, Role
from server.services.interviews.booking import book_slot
from tests.interview_support import make_booth, make_fair, open_run, register, tomorrow_at
from tests.support import (
    csrf_from,
    login,
    make_employer,
    make_organisation,
    make_user,
    named_routes,
)

AWA = "personal-link-of-awa"
OMAR = "personal-link-of-omar"
ROLES = (
    "anonymous",
    "another_persons_link",
    "checkin_staff",
    "another_company",
    "pending_company",
    "organiser_elsewhere",
)


INTERVIEW_ROUTES = {
    entry.name: entry for entry in named_routes(app_routes) if "interview" in entry.name
}


def test_the_interview_routes_are_all_in_the_route_table():
    assert sorted(INTERVIEW_ROUTES) == [
        "employer:interview_invite",
        "employer:interview_outcome",
        "employer:interviews",
        "manage:interview_help_desk",
        "manage:interviews",
        "manage:interviews_close",
        "manage:interviews_export",
        "me_interview_cancel",
        "me_interview_move",
        "me_interviews",
    ]


@dataclass(frozen=True)
class World:
    organisation: Organisation
    fair: Event
    booth: Exhibitor
    schedule_id: int
    slot_ids: list[int]
    booking: InterviewBooking
    registration_id: int
    awa_name: str


@pytest.fixture
async def world(db) -> World:
    organisation = await make_organisation()
    await make_user("checkin@example.org", organisation=organisation, role=Role.CHECKIN)
    elsewhere = await make_organisation("ailleurs", "Ailleurs")
    await make_user("organiser@ailleurs.example.org", organisation=elsewhere)
    fair = await make_fair(organisation)
    booth = await make_booth(fair, member_email="rh@atlas.example.org")
    slots = await open_run(booth, tomorrow_at(10), count=3, places=2)
    invited = await open_run(booth, tomorrow_at(14), count=1, audience=InterviewAudience.INVITED)
    awa, registration = await register(
        fair, first_name="Awa", last_name="Koné", access_token_hash=hash_token(AWA)
    )
    await register(fair, first_name="Omar", last_name="Sy", access_token_hash=hash_token(OMAR))
    booking = await book_slot(awa, slots[0].id)
    # Another company, approved, with its own booth at the same fair; and one awaiting review.
    other = await make_booth(
        fair, "Bahia Textiles", booth_label="B1", member_email="rh@bahia.example.org"
    )
    await open_run(other, tomorrow_at(10), count=1)
    pending = await make_employer(
        "Pending Ventures",
        ice="005555555000055",
        status=EmployerStatus.PENDING,
        member_email="rh@pending.example.org",
    )
    await Exhibitor.create(event=fair, employer=pending, status="confirmed", booth_label="P1")
    return World(
        organisation,
        fair,
        booth,
        invited[0].schedule_id,
        [slot.id for slot in slots],
        booking,
        registration.id,
        awa.full_name,
    )


async def snapshot(world: World) -> dict[str, object]:
    """Everything of company A's booth another caller could change."""
    booth = world.booth.id
    return {
        "slots": await InterviewSlot.filter(exhibitor_id=booth)
        .order_by("id")
        .values("id", "booked", "closed_at"),
        "runs": await InterviewSchedule.filter(exhibitor_id=booth).count(),
        "bookings": await InterviewBooking.filter(slot__exhibitor_id=booth)
        .order_by("id")
        .values("id", "status", "outcome", "arrived_at", "slot_id", "attendee_id"),
        "invitations": await InterviewInvitation.filter(schedule__exhibitor_id=booth).count(),
    }


LOGINS = {
    "checkin_staff": "checkin@example.org",
    "another_company": "rh@bahia.example.org",
    "pending_company": "rh@pending.example.org",
    "organiser_elsewhere": "organiser@ailleurs.example.org",
}


async def as_role(client: httpx.AsyncClient, role: str) -> str:
    """Sign in as `role` (anonymous visitors stay signed out); the session's CSRF token, so that
    a refusal comes from the access rule and not from a missing token."""
    await client.get("/?lang=en")
    if role in LOGINS:
        await login(client, LOGINS[role])
        return csrf_from(await client.get("/account"))
    return csrf_from(await client.get("/login"))


def _path(app, world: World, name: str, token: str) -> str:
    parameters = {
        "token": token,
        "event_id": world.fair.id,
        "booking_id": world.booking.id,
        "schedule_id": world.schedule_id,
        "exhibitor_id": world.booth.id,
        "organisation": world.organisation.slug,
    }
    entry = INTERVIEW_ROUTES[name]
    path = app.url_path_for(name, **{p: parameters[p] for p in entry.parameters})
    return path + ("?format=csv" if name == "manage:interviews_export" else "")


def _form(world: World) -> dict[str, str]:
    return {
        "slot": str(world.slot_ids[1]),
        "outcome": "hired",
        "interest": "1",
        "registration": str(world.registration_id),
        "bookings_per_person": "9",
        "day": tomorrow_at(10).date().isoformat(),
        "starts": "15:00",
        "ends": "16:00",
        "length": "20",
        "interviewers": "1",
        "audience": "registered",
    }


def expected(name: str, method: str, role: str) -> int:
    """The answer each role gets: anonymous staff pages send to the login page, the back office
    and the portal refuse the wrong kind of account (403) and hide another company's booth
    (404); a personal link that is not the person's finds nothing of theirs (404). Another
    company with a booth at the same fair has its own interviews page there."""
    if not name.startswith(("employer:", "manage:")):
        if role == "another_persons_link" and name == "me_interviews":
            return 200 if method == "GET" else 303  # Omar's own page, Omar books for himself
        return 404
    if role in {"anonymous", "another_persons_link"}:  # nobody signed in
        return 303
    if name.startswith("employer:") and role == "another_company":
        if name == "employer:interviews":
            return 200 if method == "GET" else 303  # its own booth at the same fair
        return 404
    return 403


CASES = [
    (name, method, role)
    for name, entry in sorted(INTERVIEW_ROUTES.items())
    for method in sorted((entry.route.methods or {"GET"}) & {"GET", "POST"})
    for role in ROLES
]


@pytest.mark.parametrize(("name", "method", "role"), CASES)
async def test_nobody_acts_on_someone_elses_interviews(app, client, world, name, method, role):
    token = await as_role(client, role)
    link = OMAR if role == "another_persons_link" else "not-a-personal-link"
    path = _path(app, world, name, link)
    before = await snapshot(world)
    if method == "GET":
        response = await client.get(path)
    else:
        response = await client.post(path, data={**_form(world), "csrf_token": token})
    assert response.status_code == expected(name, method, role), response.text[:300]
    if name.startswith(("employer:", "manage:")) and role in {"anonymous", "another_persons_link"}:
        assert response.headers["location"].startswith("/login?next=")
    assert world.awa_name not in response.text
    assert "Awa" not in response.text
    after = await snapshot(world)
    if (name, method, role) == ("me_interviews", "POST", "another_persons_link"):
        # Omar booked a place for himself: Awa's interview is untouched.
        assert after["bookings"][0] == before["bookings"][0]
    else:
        assert after == before


async def test_the_organisers_of_another_organisation_find_no_fair_of_theirs(client, world):
    await as_role(client, "organiser_elsewhere")
    for suffix in ("", "/help-desk", "/schedule?format=csv"):
        path = f"/manage/ailleurs/events/{world.fair.id}/interviews{suffix}"
        assert (await client.get(path)).status_code == 404, path


async def test_another_persons_link_never_shows_their_interviews(client, world):
    await client.get("/?lang=en")
    mine = await client.get(f"/me/{AWA}/events/{world.fair.id}/interviews")
    theirs = await client.get(f"/me/{OMAR}/events/{world.fair.id}/interviews")
    assert f'data-booking="{world.booking.id}"' in mine.text
    assert f'data-booking="{world.booking.id}"' not in theirs.text
    assert "Awa" not in theirs.text


async def test_an_employer_sees_the_interviews_of_its_own_booth_only(client, world):
    await as_role(client, "another_company")
    page = await client.get(f"/employer/fairs/{world.fair.id}/interviews")
    assert page.status_code == 200
    assert f'data-booking="{world.booking.id}"' not in page.text
    assert world.awa_name not in page.text
    member = await EmployerMember.get(user__email="rh@bahia.example.org")
    assert member.employer_id != world.booth.employer_id  # type: ignore[attr-defined]
