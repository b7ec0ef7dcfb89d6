"""Interviews through the pages: a person books from their personal link, the employer opens
times, scans arrivals and records outcomes, the organisers read the grid, close a booth, export
the schedule and book at the help desk; the personal page, the badge and the report name them."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from server.codes.badges import make_badge_code
from server.codes.tokens import hash_token
from server.models import (
    Delivery,
    Interest,
    InterviewBooking,
    InterviewInvitation,
    InterviewRules,
    InterviewSchedule,
    InterviewSlot,
    OutboxMessage,
    Pledge,
    SynthesisReport,
)
from server.models.enums import (
    InterestStatus,
    InterviewAudience,
    InterviewOutcome,
    PledgeKind,
    Role,
)
from server.services.interviews.booking import book_slot
from server.values.clock import today_in_morocco
from tests.interview_support import (
    make_booth,
    make_fair,
    make_offer,
    open_run,
    register,
    tomorrow_at,
)
from tests.support import csrf_from, html, login, make_organisation, make_user

TOKEN = "personal-link-of-amadou"
MEMBER = "rh@atlas.example.org"
ORGANISER = "organiser@example.org"
SECRET = "test-secret-key-" + "x" * 32  # the `settings` fixture's key
HTMX = {"HX-Request": "true"}


@pytest.fixture
async def organisation(db):
    organisation = await make_organisation()
    await make_user(ORGANISER, organisation=organisation, role=Role.ORGANISER)
    return organisation


@pytest.fixture
async def fair(organisation):
    return await make_fair(organisation)


@pytest.fixture
async def booth(fair):
    return await make_booth(fair, member_email=MEMBER)


@pytest.fixture
async def person(fair):
    attendee, registration = await register(
        fair, first_name="Amadou", access_token_hash=hash_token(TOKEN)
    )
    return attendee, registration


async def in_language(client: httpx.AsyncClient, language: str) -> None:
    await client.get(f"/?lang={language}")


def me(fair, suffix: str = "") -> str:
    return f"/me/{TOKEN}/events/{fair.id}/interviews{suffix}"


async def post(client: httpx.AsyncClient, path: str, data: dict, page: str | None = None, **kw):
    token = csrf_from(await client.get(page or path))
    return await client.post(path, data={**data, "csrf_token": token}, **kw)


# --- the person's booking page --------------------------------------------------------------------


async def test_the_booking_page_lists_the_times_open_to_the_person(client, fair, booth, person):
    await in_language(client, "en")
    offer = await make_offer(booth.employer, "Warehouse internship")
    open_to_all = await open_run(booth, tomorrow_at(10), count=3, places=2)
    await open_run(
        booth, tomorrow_at(14), count=2, offer=offer, audience=InterviewAudience.INTERESTED
    )
    page = html(await client.get(me(fair)))
    runs = page.select("li.booth-choice")
    assert len(runs) == 1  # the offer's interviews are for interested people only
    assert "Atlas Logistique · Booth A1" in runs[0].select_one("h3").get_text()
    times = [button.get_text(strip=True) for button in runs[0].select("button.slot-button")]
    assert times == ["10:00", "10:20", "10:40"]
    assert [b["value"] for b in runs[0].select("button")] == [str(s.id) for s in open_to_all]


async def test_booking_from_the_page_shows_the_interview_and_queues_the_confirmation(
    client, fair, booth, person
):
    await in_language(client, "fr")
    slots = await open_run(booth, tomorrow_at(10, 40), count=2)
    response = await post(client, me(fair), {"slot": str(slots[0].id)}, follow_redirects=True)
    assert response.status_code == 200
    page = html(response)
    assert page.select_one(".alert-success") is not None
    held = page.select_one("li.held-interview")
    assert held.select_one(".interview-when").get_text(strip=True).startswith("10:40")
    assert "Atlas Logistique" in held.get_text()
    sms = await OutboxMessage.get(attendee=person[0], channel="sms")
    assert "Entretien 10:40, stand A1, Atlas Logistique" in sms.body


async def test_a_refused_booking_says_why_and_offers_the_next_free_times(
    client, fair, booth, person
):
    await in_language(client, "en")
    first, second, third = await open_run(booth, tomorrow_at(10), count=3, places=1)
    other, _ = await register(fair)
    page = await client.get(me(fair))
    await book_slot(other, first.id)  # someone takes the last place while the page is open
    response = await client.post(
        me(fair), data={"slot": str(first.id), "csrf_token": csrf_from(page)}
    )
    assert response.status_code == 409
    refusal = html(response).select_one(".interview-refusal")
    assert refusal["data-code"] == "full"
    assert "Someone took the last place at this time." in refusal.get_text()
    offered = [b["value"] for b in refusal.select("button[name=slot]")]
    assert offered == [str(second.id), str(third.id)]


async def test_a_person_moves_then_cancels_an_interview_from_the_page(client, fair, booth, person):
    await in_language(client, "en")
    first, second = await open_run(booth, tomorrow_at(10), count=2)
    booking = await book_slot(person[0], first.id)
    moved = await post(
        client, me(fair, f"/{booking.id}/move"), {"slot": str(second.id)}, page=me(fair)
    )
    assert moved.status_code == 303
    new = await InterviewBooking.get(slot_id=second.id)
    cancelled = await post(client, me(fair, f"/{new.id}/cancel"), {}, page=me(fair))
    assert cancelled.status_code == 303
    page = html(await client.get(me(fair)))
    assert page.select("li.held-interview") == []
    assert sum(slot.booked for slot in await InterviewSlot.all()) == 0


async def test_someone_not_registered_for_the_fair_is_asked_to_register(client, fair, booth):
    await in_language(client, "en")
    from tests.support import make_attendee

    await make_attendee("Awa", access_token_hash=hash_token(TOKEN))
    await open_run(booth, tomorrow_at(10), count=1)
    page = html(await client.get(me(fair)))
    assert page.select("li.booth-choice") == []
    assert page.select_one(f"a[href='/events/{fair.slug}/register']") is not None


async def test_the_personal_page_and_the_badge_name_the_interview(client, fair, booth, person):
    await in_language(client, "fr")
    (slot,) = await open_run(booth, tomorrow_at(10, 40), count=1)
    await book_slot(person[0], slot.id)
    page = html(await client.get(f"/me/{TOKEN}"))
    lines = [li.get_text(strip=True) for li in page.select(".personal-interviews li")]
    assert lines == ["Entretien 10:40, stand A1, Atlas Logistique"]
    assert page.select_one(f"a[href='{me(fair)}']") is not None
    badge = await client.get(f"/me/{TOKEN}/registrations/{person[1].id}/badge.pdf")
    reader = PdfReader(io.BytesIO(badge.content))
    assert len(reader.pages) == 2
    back = reader.pages[1].extract_text()
    assert "Mes entretiens" in back
    assert "Entretien 10:40, stand A1, Atlas Logistique" in back


async def test_a_badge_without_interviews_has_one_page(client, fair, person):
    badge = await client.get(f"/me/{TOKEN}/registrations/{person[1].id}/badge.pdf")
    assert len(PdfReader(io.BytesIO(badge.content)).pages) == 1


# --- the employer ---------------------------------------------------------------------------------


def employer_page(fair) -> str:
    return f"/employer/fairs/{fair.id}/interviews"


async def test_an_employer_opens_interview_times_within_the_fairs_hours(client, fair, booth):
    await login(client, MEMBER)
    await in_language(client, "en")
    form = {
        "offer": "",
        "day": tomorrow_at(10).date().isoformat(),
        "starts": "10:00",
        "ends": "11:00",
        "length": "15",
        "interviewers": "2",
        "audience": "registered",
    }
    response = await post(client, employer_page(fair), form, follow_redirects=True)
    assert response.status_code == 200
    run = html(response).select_one("li.interview-run")
    times = [row.select_one("th time").get_text() for row in run.select("tr.interview-slot")]
    assert times == ["10:00", "10:15", "10:30", "10:45"]
    assert "0 of 8 places booked" in run.get_text()
    slots = await InterviewSlot.all().order_by("starts_at")
    assert [slot.places for slot in slots] == [2] * 4
    assert slots[0].starts_at == tomorrow_at(10)


async def test_times_outside_the_fairs_hours_are_refused_next_to_the_field(client, fair, booth):
    await login(client, MEMBER)
    await in_language(client, "en")
    form = {
        "day": tomorrow_at(10).date().isoformat(),
        "starts": "07:00",
        "ends": "08:00",
        "length": "15",
        "interviewers": "1",
        "audience": "registered",
    }
    response = await post(client, employer_page(fair), form)
    assert response.status_code == 422
    error = html(response).select_one("#error-starts")
    assert error.get_text(strip=True) == "Interviews must fit within the fair's opening hours."
    assert not await InterviewSlot.exists()


async def test_the_badge_scan_at_the_booth_marks_the_candidate_arrived(client, fair, booth, person):
    await login(client, MEMBER)
    await in_language(client, "en")
    (slot,) = await open_run(booth, tomorrow_at(10, 40), count=1)
    booking = await book_slot(person[0], slot.id)
    scanner = f"/employer/fairs/{fair.id}/leads/scan"
    listed = html(await client.get(scanner)).select(".day-schedule li")
    assert [li["data-booking"] for li in listed] == [str(booking.id)]
    code = make_badge_code(SECRET, fair.id, person[1].id)
    response = await post(client, scanner, {"code": code}, headers=HTMX)
    arrival = html(response).select_one(".scan-arrival")
    assert arrival["data-arrival"] == "noted"
    assert "Interview at 10:40: arrival noted." in arrival.get_text()
    assert (await InterviewBooking.get(id=booking.id)).arrived_at is not None
    again = await post(client, scanner, {"code": code}, headers=HTMX)
    assert html(again).select_one(".scan-arrival")["data-arrival"] == "already"


async def test_hired_moves_the_candidate_and_counts_as_a_delivery_of_the_pledge(
    client, fair, booth, person
):
    await login(client, MEMBER)
    await in_language(client, "en")
    pledge = await Pledge.create(
        employer=booth.employer,
        kind=PledgeKind.INTERNSHIP,
        quantity=3,
        deadline=today_in_morocco() + timedelta(days=90),
    )
    offer = await make_offer(booth.employer, pledge=pledge)
    (slot,) = await open_run(booth, tomorrow_at(10), count=1, offer=offer)
    booking = await book_slot(person[0], slot.id)
    await InterviewBooking.filter(id=booking.id).update(arrived_at=datetime.now(UTC))
    response = await post(
        client,
        f"/employer/fairs/{fair.id}/interviews/{booking.id}/outcome",
        {"outcome": "hired"},
        page=employer_page(fair),
    )
    assert response.status_code == 303
    interest = await Interest.get(attendee=person[0], offer=offer)
    assert interest.status == InterestStatus.HIRED
    assert await Delivery.filter(pledge=pledge, interest=interest).count() == 1
    candidates = html(await client.get(f"/employer/offers/{offer.id}"))
    row = candidates.select_one(f"#candidate-{interest.id}")
    assert row.select_one(".candidate-stage .status").get_text(strip=True) == "Hired"
    # Correcting the outcome takes the hire back, and its delivery with it.
    corrected = await post(
        client,
        f"/employer/fairs/{fair.id}/interviews/{booking.id}/outcome",
        {"outcome": "shortlisted"},
        page=employer_page(fair),
    )
    assert corrected.status_code == 303
    await interest.refresh_from_db()
    assert interest.status == InterestStatus.INTERVIEWED
    assert not await Delivery.filter(interest=interest).exists()


async def test_a_hire_at_a_booth_interview_names_its_offer(client, fair, booth, person):
    await login(client, MEMBER)
    await in_language(client, "en")
    offer = await make_offer(booth.employer)
    (slot,) = await open_run(booth, tomorrow_at(10), count=1)
    booking = await book_slot(person[0], slot.id)
    await InterviewBooking.filter(id=booking.id).update(arrived_at=datetime.now(UTC))
    path = f"/employer/fairs/{fair.id}/interviews/{booking.id}/outcome"
    refused = await post(client, path, {"outcome": "hired"}, page=employer_page(fair))
    assert refused.status_code == 422
    error = html(refused).select_one(f"#error-offer-{booking.id}")
    assert error.get_text(strip=True) == "Choose the offer you are hiring this person for."
    saved = await post(
        client, path, {"outcome": "hired", "offer": str(offer.id)}, page=employer_page(fair)
    )
    assert saved.status_code == 303
    assert (await Interest.get(attendee=person[0], offer=offer)).status == InterestStatus.HIRED


async def test_a_no_show_waits_for_the_interview_time(client, fair, booth, person):
    await login(client, MEMBER)
    await in_language(client, "en")
    (slot,) = await open_run(booth, tomorrow_at(10), count=1)
    booking = await book_slot(person[0], slot.id)
    path = f"/employer/fairs/{fair.id}/interviews/{booking.id}/outcome"
    response = await post(client, path, {"outcome": "no_show"}, page=employer_page(fair))
    assert response.status_code == 409
    assert html(response).select_one(f"#error-outcome-{booking.id}") is not None
    await InterviewSlot.filter(id=slot.id).update(starts_at=datetime.now(UTC) - timedelta(hours=1))
    assert (
        await post(client, path, {"outcome": "no_show"}, page=employer_page(fair))
    ).status_code == 303
    assert (await InterviewBooking.get(id=booking.id)).outcome == InterviewOutcome.NO_SHOW


async def test_an_invited_candidate_is_told_and_may_then_book(client, fair, booth, person):
    await login(client, MEMBER)
    await in_language(client, "en")
    offer = await make_offer(booth.employer)
    interest = await Interest.create(attendee=person[0], offer=offer)
    (slot,) = await open_run(booth, tomorrow_at(10), count=1, audience=InterviewAudience.INVITED)
    schedule = await InterviewSchedule.get(id=slot.schedule_id)
    page = html(await client.get(employer_page(fair)))
    assert page.select_one(f"input[name=interest][value='{interest.id}']") is not None
    response = await post(
        client,
        f"/employer/fairs/{fair.id}/interviews/runs/{schedule.id}/invitations",
        {"interest": str(interest.id)},
        page=employer_page(fair),
    )
    assert response.status_code == 303
    assert await InterviewInvitation.filter(schedule=schedule, attendee=person[0]).count() == 1
    told = await OutboxMessage.filter(attendee=person[0]).values_list("body", flat=True)
    assert any("Atlas Logistique vous invite à réserver un entretien" in body for body in told)
    assert (await book_slot(person[0], slot.id)).slot_id == slot.id


# --- the organisers -------------------------------------------------------------------------------


def grid_page(organisation, fair, suffix: str = "") -> str:
    return f"/manage/{organisation.slug}/events/{fair.id}/interviews{suffix}"


async def test_the_grid_shows_booths_against_time_with_fill_rates_and_no_shows(
    client, organisation, fair, booth, person
):
    await login(client, ORGANISER)
    await in_language(client, "en")
    other = await make_booth(fair, "Bahia Textiles", booth_label="B1")
    first, _ = await open_run(booth, tomorrow_at(10), count=2, length=15, places=2)
    await open_run(other, tomorrow_at(11), count=1, length=30, places=1)
    booking = await book_slot(person[0], first.id)
    await InterviewBooking.filter(id=booking.id).update(outcome=InterviewOutcome.NO_SHOW)
    page = html(await client.get(grid_page(organisation, fair)))
    headers = [th.get_text(strip=True) for th in page.select("#interview-grid thead th time")]
    assert len(headers) == 2
    assert headers[0].endswith("10:00") and headers[1] == "11:00"
    atlas = page.select_one(f"#booth-{booth.id}")
    assert [td.get_text() for td in atlas.select("td.grid-cell")] == ["1/4", ""]
    assert atlas.select_one(".fill-rate").get_text(strip=True) == "25%"
    assert atlas.select_one(".no-shows").get_text(strip=True) == "1"
    bahia = page.select_one(f"#booth-{other.id}")
    assert [td.get_text() for td in bahia.select("td.grid-cell")] == ["", "0/1"]
    assert page.select_one("#total-no-shows").get_text(strip=True) == "1"


async def test_closing_a_booths_times_takes_them_off_the_booking_page(
    client, organisation, fair, booth, person
):
    await login(client, ORGANISER)
    await in_language(client, "en")
    await open_run(booth, tomorrow_at(10), count=2)
    path = grid_page(organisation, fair, f"/booths/{booth.id}/close")
    response = await post(client, path, {}, page=grid_page(organisation, fair))
    assert response.status_code == 303
    assert await InterviewSlot.filter(closed_at__isnull=True).count() == 0
    async with httpx.AsyncClient(
        transport=client._transport, base_url="http://testserver"
    ) as visitor:
        page = html(await visitor.get(me(fair) + "?lang=en"))
    assert page.select("li.booth-choice") == []


async def test_the_schedule_exports_as_csv_and_xlsx(client, organisation, fair, booth, person):
    await login(client, ORGANISER)
    await in_language(client, "en")
    first, _ = await open_run(booth, tomorrow_at(10), count=2)
    await book_slot(person[0], first.id)
    csv_file = await client.get(grid_page(organisation, fair, "/schedule?format=csv"))
    rows = list(csv.reader(io.StringIO(csv_file.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Start", "End", "Booth", "Company"]
    assert rows[1][2:5] == ["A1", "Atlas Logistique", ""]
    assert rows[1][7:10] == ["Amadou Diallo", person[0].phone, person[1].badge_serial]
    assert rows[2][7] == ""  # the second time is free
    xlsx = await client.get(grid_page(organisation, fair, "/schedule?format=xlsx"))
    sheet = load_workbook(io.BytesIO(xlsx.content), read_only=True).worksheets[0]
    assert [row[7] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        "Amadou Diallo",
        None,
    ]


async def test_the_limit_per_person_is_set_on_the_grid(client, organisation, fair):
    await login(client, ORGANISER)
    await in_language(client, "en")
    refused = await post(client, grid_page(organisation, fair), {"bookings_per_person": "0"})
    assert refused.status_code == 422
    assert html(refused).select_one("#error-bookings_per_person") is not None
    saved = await post(client, grid_page(organisation, fair), {"bookings_per_person": "5"})
    assert saved.status_code == 303
    assert (await InterviewRules.get(event=fair)).bookings_per_person == 5


async def test_the_help_desk_books_for_a_person(client, organisation, fair, booth, person):
    await login(client, ORGANISER)
    await in_language(client, "en")
    (slot,) = await open_run(booth, tomorrow_at(10), count=1)
    desk = grid_page(organisation, fair, "/help-desk")
    found = html(await client.get(f"{desk}?q=Amadou"))
    choose = found.select_one(".scan-match a")
    assert choose["href"] == f"{desk}?registration={person[1].id}"
    response = await post(
        client,
        desk,
        {"registration": str(person[1].id), "slot": str(slot.id)},
        page=f"{desk}?registration={person[1].id}",
        follow_redirects=True,
    )
    assert response.status_code == 200
    booking = await InterviewBooking.get(attendee=person[0])
    assert booking.booked_by_id is not None
    assert html(response).select_one("li.held-interview") is not None


# --- the report -----------------------------------------------------------------------------------


def figure(page, name: str) -> str:
    return page.select_one(f"#report-interviews #figure-interviews-{name}").get_text(strip=True)


async def test_the_report_counts_interviews_held_no_shows_and_hires(
    client, organisation, fair, booth
):
    await login(client, ORGANISER)
    await in_language(client, "en")
    outcomes = [InterviewOutcome.HIRED] * 5 + [InterviewOutcome.SHORTLISTED] * 5
    outcomes += [InterviewOutcome.NO_SHOW] * 5
    await fill(fair, booth, outcomes)
    page = html(await client.get(report_path(organisation, fair)))
    shown = {name: figure(page, name) for name in ("booked", "held", "no-shows", "unrecorded")}
    assert shown == {"booked": "15", "held": "10", "no-shows": "5", "unrecorded": "0"}
    assert figure(page, "hired") == "5"


async def test_the_reports_interview_counts_follow_the_small_cell_rule(
    client, organisation, fair, booth
):
    await login(client, ORGANISER)
    await in_language(client, "en")
    outcomes = [InterviewOutcome.HIRED] + [InterviewOutcome.INTERVIEWED] * 6
    outcomes += [InterviewOutcome.NO_SHOW] * 2 + [None]
    await fill(fair, booth, outcomes)
    page = html(await client.get(report_path(organisation, fair)))
    assert figure(page, "booked") == "10"
    # Two no-shows and one not recorded are "<5": the held count gives their sum (3) away,
    # but not either count, so it is shown.
    assert figure(page, "no-shows") == figure(page, "unrecorded") == "<5"
    assert figure(page, "held") == "7"
    assert figure(page, "hired") == "<5"


async def test_a_lone_small_interview_count_is_protected_by_hiding_the_unrecorded_ones(
    client, organisation, fair, booth
):
    await login(client, ORGANISER)
    await in_language(client, "en")
    outcomes = [InterviewOutcome.INTERVIEWED] * 7 + [InterviewOutcome.NO_SHOW] * 3
    await fill(fair, booth, outcomes)
    page = html(await client.get(report_path(organisation, fair)))
    # Booked 10 and held 7 would give the 3 no-shows away if "not recorded" (0) were shown.
    assert (figure(page, "held"), figure(page, "no-shows")) == ("7", "<5")
    assert figure(page, "unrecorded") == "hidden"


def report_path(organisation, fair) -> str:
    return f"/manage/{organisation.slug}/events/{fair.id}/report"


async def fill(fair, booth, outcomes) -> None:
    """One kept booking per outcome, each of another person."""
    slots = await open_run(booth, tomorrow_at(10), count=len(outcomes), length=5, places=1)
    for slot, outcome in zip(slots, outcomes, strict=True):
        attendee, _ = await register(fair)
        booking = await book_slot(attendee, slot.id)
        await InterviewBooking.filter(id=booking.id).update(outcome=outcome)
    await SynthesisReport.create(event=fair)


async def test_the_report_pdf_counts_interviews_with_the_small_cell_rule(
    client, organisation, fair, booth
):
    await login(client, ORGANISER)
    outcomes = [InterviewOutcome.HIRED] + [InterviewOutcome.INTERVIEWED] * 6
    outcomes += [InterviewOutcome.NO_SHOW] * 2 + [None]
    await fill(fair, booth, outcomes)
    response = await client.get(report_path(organisation, fair) + ".pdf?language=en")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    start = text.index("Interviews at the booths")
    section = " ".join(text[start : start + 400].split())
    # Each key figure is its value above its title.
    expected = ("10 Interviews booked", "7 Interviews held", "<5 No-shows", "<5 Led to a hire")
    for figure in expected:
        assert figure in section, section
