"""Feedback after an event: attendees through their personal link or with their badge's code at
the exit, exhibitors from the employer portal, one answer each; the poster organisers print."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import zxingcpp
from PIL import Image, ImageDraw

from server.codes.tokens import hash_token
from server.models import Attendee, Event, Exhibitor, Feedback, Organisation, Registration
from server.models.enums import EventKind, EventStatus, ExhibitorStatus, Role
from server.services.reporting.feedback import (
    ALREADY_ANSWERED,
    BADGE_ATTEMPTS_PER_ADDRESS,
    BADGE_NOT_RECOGNISED,
    FeedbackRefused,
    give_feedback,
)
from tests.support import (
    csrf_from,
    html,
    login,
    make_attendee,
    make_employer,
    make_event,
    make_organisation,
    make_registration,
    make_user,
    new_client,
)

TOKEN = "personal-link-token-of-amadou"
NOW = datetime.now(UTC)


async def register(
    event: Event, attendee: Attendee, serial: str, *, came: bool = True
) -> Registration:
    came_in = event.starts_at + timedelta(minutes=20) if came else None
    return await make_registration(event, attendee, badge_serial=serial, checked_in_at=came_in)


@pytest.fixture
async def client(client):
    """The messages these tests compare are the English ones."""
    client.headers["Accept-Language"] = "en"
    return client


@pytest.fixture
async def organisation(db) -> Organisation:
    return await make_organisation()


@pytest.fixture
async def fair(organisation) -> Event:
    """A fair that started three hours ago (and ends in five)."""
    return await make_event(organisation, "salon", starts_at=NOW - timedelta(hours=3))


@pytest.fixture
async def amadou(fair) -> Registration:
    """Someone who came to the fair, with a personal link."""
    attendee = await make_attendee("Amadou", access_token_hash=hash_token(TOKEN))
    return await register(fair, attendee, "K7P-3QX")


async def post_form(client: httpx.AsyncClient, path: str, data: dict[str, str]) -> httpx.Response:
    page = await client.get(path)
    return await client.post(path, data={**data, "csrf_token": csrf_from(page)})


def me_path(event: Event) -> str:
    return f"/me/{TOKEN}/events/{event.id}/feedback"


def field_error(response: httpx.Response, name: str) -> str:
    error = html(response).select_one(f"#error-{name}")
    return error.get_text(strip=True) if error else ""


def refusal(response: httpx.Response) -> str:
    alert = html(response).select_one(".feedback-refusal")
    return alert.get_text(strip=True) if alert else ""


# --- through the personal link --------------------------------------------------------------------


async def test_an_attendee_who_came_rates_the_event_from_their_personal_link(client, amadou, fair):
    form = html(await client.get(me_path(fair))).select_one("form.feedback-form")
    assert form is not None and form["action"] == me_path(fair)
    response = await post_form(client, me_path(fair), {"rating": "4", "comment": "Très utile"})
    assert response.status_code == 303
    assert response.headers["location"] == me_path(fair)
    feedback = await Feedback.get(event_id=fair.id)
    assert (feedback.registration_id, feedback.rating, feedback.comment) == (
        amadou.id,
        4,
        "Très utile",
    )


async def test_after_answering_the_person_is_thanked_in_their_language(client, amadou, fair):
    await post_form(client, me_path(fair), {"rating": "5", "comment": ""})
    page = await client.get(me_path(fair), params={"lang": "ar"})
    assert page.status_code == 200
    assert html(page).select_one("html")["dir"] == "rtl"
    assert html(page).select_one(".feedback-thanks") is not None
    assert html(page).select_one("form.feedback-form") is None


async def test_a_second_answer_is_refused_with_a_kind_message(client, amadou, fair):
    await post_form(client, me_path(fair), {"rating": "2", "comment": "Trop de monde"})
    second = await post_form(client, me_path(fair), {"rating": "5", "comment": "En fait, bien"})
    assert second.status_code == 409
    assert refusal(second) == ALREADY_ANSWERED
    assert [(f.rating, f.comment) for f in await Feedback.all()] == [(2, "Trop de monde")]


async def test_coming_back_to_the_page_after_answering_says_so_without_a_form(client, amadou, fair):
    await give_feedback(fair, registration=amadou, rating="3", comment="")
    page = await client.get(me_path(fair))
    assert refusal(page) == ALREADY_ANSWERED
    assert html(page).select_one("form.feedback-form") is None


async def test_two_answers_sent_at_the_same_instant_store_only_one(amadou, fair):
    outcomes = await asyncio.gather(
        give_feedback(fair, registration=amadou, rating="5", comment="a"),
        give_feedback(fair, registration=amadou, rating="1", comment="b"),
        return_exceptions=True,
    )
    refused = [o for o in outcomes if isinstance(o, FeedbackRefused)]
    assert [error.code for error in refused] == ["already_answered"]
    assert await Feedback.filter(event_id=fair.id).count() == 1


@pytest.mark.parametrize("rating", ["", "0", "6", "٣", "4.5", " ", "99999999999999999999"])
async def test_a_rating_other_than_1_to_5_is_refused_next_to_the_field(
    client, amadou, fair, rating
):
    response = await post_form(client, me_path(fair), {"rating": rating, "comment": "Bien"})
    assert response.status_code == 422
    assert field_error(response, "rating") == "Choose a rating from 1 to 5."
    assert html(response).select_one("#field-comment").get_text() == "Bien"
    assert await Feedback.all().count() == 0


async def test_a_comment_over_2000_characters_is_refused_and_kept(client, amadou, fair):
    response = await post_form(client, me_path(fair), {"rating": "4", "comment": "x" * 2001})
    assert response.status_code == 422
    assert field_error(response, "comment") == "Write at most 2000 characters."
    checked = html(response).select_one("input[name=rating][value='4']")
    assert checked.has_attr("checked")


async def test_someone_registered_who_did_not_come_cannot_answer(client, fair):
    attendee = await make_attendee("Fatou", access_token_hash=hash_token(TOKEN))
    await register(fair, attendee, "ABC-DEF", came=False)
    page = await client.get(me_path(fair))
    assert html(page).select_one("form.feedback-form") is None
    assert html(page).select_one(".feedback-refusal")["data-code"] == "not_attended"
    response = await client.post(
        me_path(fair), data={"rating": "5", "csrf_token": csrf_from(await client.get("/link"))}
    )
    assert response.status_code == 409
    assert await Feedback.all().count() == 0


async def test_nobody_can_answer_before_the_event_starts(client, organisation):
    tomorrow = await make_event(organisation, "demain", starts_at=NOW + timedelta(days=1))
    attendee = await make_attendee("Fatou", access_token_hash=hash_token(TOKEN))
    registration = await register(tomorrow, attendee, "ABC-DEF")
    with pytest.raises(FeedbackRefused) as refused:
        await give_feedback(tomorrow, registration=registration, rating="5", comment="")
    assert refused.value.code == "not_started"
    page = await client.get(me_path(tomorrow))
    assert html(page).select_one(".feedback-refusal")["data-code"] == "not_started"


async def test_answers_close_thirty_days_after_the_event(organisation):
    old = await make_event(organisation, "ancien", starts_at=NOW - timedelta(days=32))
    registration = await register(old, await make_attendee(), "ABC-DEF")
    with pytest.raises(FeedbackRefused) as refused:
        await give_feedback(old, registration=registration, rating="5", comment="")
    assert refused.value.code == "feedback_closed"


async def test_an_event_the_person_is_not_registered_for_is_not_found(client, amadou, organisation):
    other = await make_event(organisation, "autre", starts_at=NOW - timedelta(hours=1))
    assert (await client.get(me_path(other))).status_code == 404
    assert (
        await client.get(f"/me/not-a-token/events/{amadou.event_id}/feedback")
    ).status_code == 404


async def test_the_personal_page_asks_about_attended_events_until_answered(
    client, amadou, fair, organisation
):
    workshop = await make_event(organisation, "atelier", starts_at=NOW - timedelta(hours=2))
    await register(workshop, await Attendee.get(id=amadou.attendee_id), "ABC-DEF", came=False)

    def invitations(response: httpx.Response) -> list[str]:
        return [a["href"] for a in html(response).select(".feedback-invite a")]

    assert invitations(await client.get(f"/me/{TOKEN}")) == [me_path(fair)]
    await give_feedback(fair, registration=amadou, rating="4", comment="")
    assert invitations(await client.get(f"/me/{TOKEN}")) == []


# --- at the exit, with the badge's code ---------------------------------------------------------


async def test_a_visitor_rates_the_event_at_the_exit_with_their_badge_code(client, amadou, fair):
    page = await client.get("/events/salon/feedback")
    assert html(page).select_one("input[name=serial]") is not None
    response = await post_form(
        client, "/events/salon/feedback", {"serial": " k7p 3qx", "rating": "5", "comment": "Merci"}
    )
    assert response.status_code == 303
    thanks = await client.get(response.headers["location"])
    assert html(thanks).select_one(".feedback-thanks") is not None
    assert (await Feedback.get(event_id=fair.id)).registration_id == amadou.id


async def test_the_badge_of_the_fair_serves_to_rate_one_of_its_sessions(
    client, amadou, fair, organisation
):
    workshop = await make_event(
        organisation,
        "atelier-cv",
        parent=fair,
        kind=EventKind.WORKSHOP,
        starts_at=NOW - timedelta(hours=2),
    )
    in_workshop = await register(workshop, await Attendee.get(id=amadou.attendee_id), "WRK-001")
    response = await post_form(
        client, "/events/atelier-cv/feedback", {"serial": "K7P-3QX", "rating": "3"}
    )
    assert response.status_code == 303
    assert (await Feedback.get(event_id=workshop.id)).registration_id == in_workshop.id


async def test_a_wrong_code_gets_the_same_refusal_as_a_code_of_someone_who_did_not_come(
    client, fair, organisation
):
    await register(fair, await make_attendee("Absent"), "NTC-AM3", came=False)
    elsewhere = await make_event(organisation, "ailleurs", starts_at=NOW - timedelta(hours=1))
    await register(elsewhere, await make_attendee("Ailleurs"), "E5S-WHR")
    answers = []
    for serial in ("ZZZ-ZZZ", "NTC-AM3", "E5S-WHR"):
        response = await post_form(
            client, "/events/salon/feedback", {"serial": serial, "rating": "4"}
        )
        assert response.status_code == 422
        answers.append(field_error(response, "serial"))
    assert answers == [BADGE_NOT_RECOGNISED] * 3
    assert await Feedback.all().count() == 0


async def test_too_many_wrong_codes_from_one_address_are_refused_for_a_while(app, client, amadou):
    for attempt in range(BADGE_ATTEMPTS_PER_ADDRESS):
        response = await post_form(
            client, "/events/salon/feedback", {"serial": f"ZZZ-{attempt:03d}", "rating": "4"}
        )
        assert response.status_code == 422
    blocked = await post_form(
        client, "/events/salon/feedback", {"serial": "K7P-3QX", "rating": "4"}
    )
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) > 0
    assert html(blocked).select_one("input[name=serial]")["value"] == "K7P-3QX"
    async with await new_client(app, "198.51.100.7") as elsewhere:
        response = await post_form(
            elsewhere, "/events/salon/feedback", {"serial": "K7P-3QX", "rating": "4"}
        )
        assert response.status_code == 303


async def test_answers_that_succeed_do_not_count_against_a_shared_address(client, fair):
    for n in range(BADGE_ATTEMPTS_PER_ADDRESS + 2):
        await register(fair, await make_attendee(f"Visitor{n}"), f"V5T-{n:03d}")
    for n in range(BADGE_ATTEMPTS_PER_ADDRESS + 2):
        response = await post_form(
            client, "/events/salon/feedback", {"serial": f"V5T-{n:03d}", "rating": "5"}
        )
        assert response.status_code == 303
    assert await Feedback.all().count() == BADGE_ATTEMPTS_PER_ADDRESS + 2


async def test_a_draft_event_has_no_feedback_link(client, organisation):
    await make_event(organisation, "brouillon", status=EventStatus.DRAFT)
    assert (await client.get("/events/brouillon/feedback")).status_code == 404


# --- exhibitors -----------------------------------------------------------------------------------


@pytest.fixture
async def exhibitor(fair) -> Exhibitor:
    employer = await make_employer(member_email="rh@atlas.example.org")
    return await Exhibitor.create(
        event=fair, employer=employer, status=ExhibitorStatus.CONFIRMED, booth_label="B4"
    )


async def test_a_confirmed_exhibitor_rates_the_fair(client, exhibitor, fair):
    await login(client, "rh@atlas.example.org")
    path = f"/employer/fairs/{fair.id}/feedback"
    assert html(await client.get(path)).select_one("form.feedback-form") is not None
    response = await post_form(client, path, {"rating": "5", "comment": "Bons profils"})
    assert response.status_code == 303
    feedback = await Feedback.get(event_id=fair.id)
    assert (feedback.exhibitor_id, feedback.registration_id, feedback.rating) == (
        exhibitor.id,
        None,
        5,
    )
    second = await post_form(client, path, {"rating": "1"})
    assert second.status_code == 409


async def test_another_employer_cannot_rate_a_fair_it_did_not_exhibit_at(client, exhibitor, fair):
    await make_employer("Autre", ice="009999999000011", member_email="rh@autre.example.org")
    await login(client, "rh@autre.example.org")
    assert (await client.get(f"/employer/fairs/{fair.id}/feedback")).status_code == 404


@pytest.mark.parametrize("status", [ExhibitorStatus.REQUESTED, ExhibitorStatus.DECLINED])
async def test_an_exhibitor_not_confirmed_cannot_rate_the_fair(client, exhibitor, fair, status):
    await Exhibitor.filter(id=exhibitor.id).update(status=status)
    await login(client, "rh@atlas.example.org")
    assert (await client.get(f"/employer/fairs/{fair.id}/feedback")).status_code == 404


async def test_a_fair_to_come_cannot_be_rated_by_its_exhibitors(client, exhibitor, fair):
    await Event.filter(id=fair.id).update(starts_at=NOW + timedelta(days=2))
    await login(client, "rh@atlas.example.org")
    assert (await client.get(f"/employer/fairs/{fair.id}/feedback")).status_code == 404


# --- the poster -----------------------------------------------------------------------------------


def rasterise(svg_path: str, size: int, scale: int = 8) -> Image.Image:
    """Draw the QR code's path (`M{x} {y}h{n}v1h-{n}z` runs) in black on white."""
    image = Image.new("L", (size * scale, size * scale), 255)
    draw = ImageDraw.Draw(image)
    for x, y, length in re.findall(r"M(\d+) (\d+)h(\d+)", svg_path):
        left, top = int(x) * scale, int(y) * scale
        draw.rectangle((left, top, left + int(length) * scale - 1, top + scale - 1), fill=0)
    return image


async def signed_in_organiser(client: httpx.AsyncClient, organisation: Organisation) -> None:
    await make_user("orga@example.org", organisation=organisation, role=Role.ORGANISER)
    await login(client, "orga@example.org")


async def test_the_poster_shows_a_qr_code_of_the_short_link_written_under_it(
    client, fair, organisation
):
    await signed_in_organiser(client, organisation)
    response = await client.get(f"/manage/passerelles/events/{fair.id}/feedback-poster")
    assert response.status_code == 200
    page = html(response)
    link = "http://127.0.0.1:8000/events/salon/feedback"
    assert page.select_one(".poster-link").get_text(strip=True) == link
    svg = page.select_one(".poster-qr svg.qr")
    size = int(svg["viewbox"].split()[2])
    decoded = zxingcpp.read_barcodes(rasterise(svg.select_one("path")["d"], size))
    assert [result.text for result in decoded] == [link]


async def test_the_event_page_links_to_its_poster(client, fair, organisation):
    await signed_in_organiser(client, organisation)
    page = html(await client.get(f"/manage/passerelles/events/{fair.id}"))
    links = [a["href"] for a in page.select(".page-actions a")]
    assert f"/manage/passerelles/events/{fair.id}/feedback-poster" in links


async def test_the_poster_of_another_organisations_event_is_not_found(client, organisation):
    other = await make_organisation("autre-org", "Autre")
    theirs = await make_event(other, "leur-salon")
    await signed_in_organiser(client, organisation)
    response = await client.get(f"/manage/passerelles/events/{theirs.id}/feedback-poster")
    assert response.status_code == 404
