"""Signing up from the event page, and the personal page behind the link."""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, datetime, timedelta

import pytest
from pypdf import PdfReader

from server.codes.badges import read_badge_code
from server.models import Attendee, CustomQuestion, Event, Registration
from server.models.enums import EventKind, EventStatus, QuestionKind, RegistrationStatus
from tests.support import (
    SECRET_KEY,
    csrf_from,
    html,
    make_organisation,
    sign_up_form,
    submit_sign_up,
)


@pytest.fixture
async def fair(db):
    organisation = await make_organisation()
    start = datetime.now(UTC) + timedelta(days=14)
    common = {"organisation": organisation, "city": "Casablanca", "status": EventStatus.PUBLISHED}
    fair = await Event.create(
        slug="salon",
        kind=EventKind.JOB_FAIR,
        title={"fr": "Salon de l'emploi", "ar": "معرض التوظيف"},
        starts_at=start,
        ends_at=start + timedelta(hours=8),
        capacity=200,
        **common,
    )
    await Event.create(
        slug="atelier-cv",
        parent=fair,
        kind=EventKind.WORKSHOP,
        title={"fr": "Atelier CV"},
        starts_at=start + timedelta(hours=1),
        ends_at=start + timedelta(hours=2),
        capacity=1,
        waitlist_enabled=False,
        **common,
    )
    return fair


async def test_the_event_page_leads_to_the_sign_up_form(client, fair):
    page = html(await client.get("/events/salon"))
    link = page.select_one("a.button-primary")
    assert link["href"].endswith("/events/salon/register")
    form = html(await client.get(link["href"]))
    assert form.select_one("#field-phone")["type"] == "tel"
    assert [label.get_text(strip=True) for label in form.select("input[name=session_ids] + span")]


async def test_signing_up_shows_the_badge_on_the_personal_page(client, fair):
    response = await submit_sign_up(client, "salon", sign_up_form())
    assert response.status_code == 303
    personal = await client.get(response.headers["location"])
    page = html(personal)
    assert "Merci, vous êtes inscrit" in page.select_one(".alert-success").get_text()
    registration = await Registration.get(event_id=fair.id)
    assert registration.status == RegistrationStatus.CONFIRMED
    assert page.select_one(".badge-serial").get_text() == registration.badge_serial
    assert page.select_one(".badge svg.qr path") is not None
    attendee = await Attendee.get(id=registration.attendee_id)
    assert attendee.phone == "+212612345678"
    assert attendee.languages == ["fr", "wo"]
    assert attendee.consent_share_at is None


async def test_chosen_sessions_are_registered_too(client, fair):
    session = await Event.get(slug="atelier-cv")
    await submit_sign_up(client, "salon", sign_up_form(session_ids=[str(session.id)]))
    assert await Registration.filter(event_id=session.id).count() == 1


async def test_a_bad_phone_number_is_explained_next_to_the_field_and_nothing_is_lost(client, fair):
    response = await submit_sign_up(client, "salon", sign_up_form(phone="12345"))
    assert response.status_code == 422
    page = html(response)
    assert "n'est pas valide" in page.select_one("#error-phone").get_text()
    assert page.select_one("#field-first_name")["value"] == "Aminata"
    assert page.select_one("#field-phone")["value"] == "12345"
    assert page.select_one("#field-nationality option[selected]")["value"] == "SN"
    assert {i["value"] for i in page.select("input[name=languages][checked]")} == {"fr", "wo"}
    assert await Registration.all().count() == 0


async def test_consent_to_processing_is_required(client, fair):
    form = sign_up_form()
    del form["consent_processing"]
    response = await submit_sign_up(client, "salon", form, lang="ar")
    assert response.status_code == 422
    error = html(response).select_one("#error-consent_processing").get_text()
    assert "موافقتك" in error
    assert await Attendee.all().count() == 0


async def test_a_closed_event_refuses_the_sign_up_with_a_message(client, fair):
    page = await client.get("/events/salon/register")
    await Event.filter(id=fair.id).update(
        registration_closes_at=datetime.now(UTC) - timedelta(minutes=1)
    )
    response = await client.post(
        "/events/salon/register", data={**sign_up_form(), "csrf_token": csrf_from(page)}
    )
    assert response.status_code == 409
    assert "closes" in html(response).select_one(".alert-error").get_text()


async def test_a_full_event_without_waiting_list_refuses_the_sign_up(client, fair):
    await Event.filter(id=fair.id).update(capacity=0, waitlist_enabled=False)
    response = await submit_sign_up(client, "salon", sign_up_form())
    assert response.status_code == 409
    assert "complet" in html(response).select_one(".alert-error").get_text()


async def test_signing_up_again_with_the_same_phone_shows_the_existing_registration(client, fair):
    first = await submit_sign_up(client, "salon", sign_up_form())
    assert first.status_code == 303
    again = await submit_sign_up(
        client, "salon", sign_up_form(phone="+212612345678", first_name="X")
    )
    assert again.status_code == 303
    assert again.headers["location"] == "/events/salon/registered"
    assert await Registration.all().count() == 1
    page = html(await client.get(again.headers["location"]))
    assert "Aminata" not in page.get_text()


async def test_the_qr_code_carries_a_signed_code_of_the_registration(client, fair):
    response = await submit_sign_up(client, "salon", sign_up_form())
    personal = await client.get(response.headers["location"])
    registration = await Registration.get(event_id=fair.id)
    from server.codes.badges import make_badge_code
    from server.documents.qr import qr_svg

    expected = qr_svg(make_badge_code(SECRET_KEY, fair.id, registration.id))
    path = html(personal).select_one(".badge svg.qr path")["d"]
    assert path in expected
    assert read_badge_code(SECRET_KEY, make_badge_code(SECRET_KEY, fair.id, registration.id))


async def test_cancelling_from_the_personal_page(client, fair):
    response = await submit_sign_up(client, "salon", sign_up_form())
    personal_url = response.headers["location"].split("?")[0]
    page = await client.get(personal_url)
    form = html(page).select_one("form[action*=cancel]")
    cancelled = await client.post(form["action"], data={"csrf_token": csrf_from(page)})
    assert cancelled.status_code == 303
    after = html(await client.get(personal_url))
    assert after.select_one("span.status-cancelled") is not None
    assert after.select_one("form[action*=cancel]") is None
    assert (await Registration.get(event_id=fair.id)).status == RegistrationStatus.CANCELLED


async def test_an_unknown_personal_link_is_not_found(client, fair):
    assert (await client.get("/me/not-a-real-token")).status_code == 404


async def test_300_people_signing_up_at_once_for_100_seats_through_the_form(client, fair):
    await Event.filter(id=fair.id).update(capacity=100)
    token = csrf_from(await client.get("/events/salon/register"))

    async def sign_up(number: int):
        form = sign_up_form(phone=f"+2126{number:08d}", first_name=f"P{number}")
        return await client.post("/events/salon/register", data={**form, "csrf_token": token})

    responses = await asyncio.gather(*(sign_up(n) for n in range(300)))
    assert {response.status_code for response in responses} == {303}
    statuses = await Registration.filter(event_id=fair.id).values_list("status", flat=True)
    assert len(statuses) == 300
    assert statuses.count(RegistrationStatus.CONFIRMED) == 100
    assert statuses.count(RegistrationStatus.WAITLISTED) == 200
    positions = await Registration.filter(
        event_id=fair.id, status=RegistrationStatus.WAITLISTED
    ).values_list("waitlist_position", flat=True)
    assert sorted(positions) == list(range(1, 201))
    assert await Attendee.all().count() == 300


async def test_ten_identical_first_sign_ups_at_once_make_one_person_registered_once(client, fair):
    token = csrf_from(await client.get("/events/salon/register"))
    form = {**sign_up_form(), "csrf_token": token}
    responses = await asyncio.gather(
        *(client.post("/events/salon/register", data=form) for _ in range(10))
    )
    assert {response.status_code for response in responses} == {303}
    person = await Attendee.get(phone="+212612345678")
    assert await Attendee.all().count() == 1
    assert await Registration.filter(attendee_id=person.id).count() == 1


async def add_questions(event: Event) -> list[CustomQuestion]:
    return [
        await CustomQuestion.create(
            event=event,
            kind=QuestionKind.TEXT,
            label={"fr": "Quel métier cherchez-vous ?"},
            required=True,
            position=1,
        ),
        await CustomQuestion.create(
            event=event,
            kind=QuestionKind.CHOICE,
            label={"fr": "Disponibilité"},
            choices=[{"fr": "Tout de suite"}, {"fr": "Dans un mois"}],
            position=2,
        ),
        await CustomQuestion.create(
            event=event,
            kind=QuestionKind.YES_NO,
            label={"fr": "Avez-vous un CV ?"},
            position=3,
        ),
    ]


async def test_the_organisers_questions_are_asked_and_answered(client, fair):
    text, choice, yes_no = await add_questions(fair)
    page = html(await client.get("/events/salon/register"))
    assert page.select_one(f"#field-q_{text.id}") is not None
    assert [i["value"] for i in page.select(f"input[name=q_{choice.id}]")] == ["0", "1"]
    answers = {f"q_{text.id}": "Cuisinière", f"q_{choice.id}": "1", f"q_{yes_no.id}": "yes"}
    response = await submit_sign_up(client, "salon", sign_up_form(**answers))
    assert response.status_code == 303
    registration = await Registration.get(event_id=fair.id)
    assert registration.answers == {
        str(text.id): "Cuisinière",
        str(choice.id): "1",
        str(yes_no.id): "yes",
    }


async def test_a_required_question_left_empty_is_shown_next_to_it(client, fair):
    text, choice, _ = await add_questions(fair)
    response = await submit_sign_up(client, "salon", sign_up_form(**{f"q_{choice.id}": "7"}))
    assert response.status_code == 422
    page = html(response)
    assert page.select_one(f"#error-q_{text.id}") is not None
    assert page.select_one(f"#error-q_{choice.id}") is not None
    assert await Registration.all().count() == 0


async def test_the_badge_can_be_downloaded_as_a_pdf(client, fair):
    response = await submit_sign_up(client, "salon", sign_up_form())
    page = html(await client.get(response.headers["location"]))
    link = page.select_one("a[href$='badge.pdf']")["href"]
    download = await client.get(link)
    assert download.status_code == 200
    assert download.headers["content-type"] == "application/pdf"
    registration = await Registration.get(event_id=fair.id)
    text = PdfReader(io.BytesIO(download.content)).pages[0].extract_text()
    assert registration.badge_serial in text
    assert "Aminata" in text
    other = link.replace(f"/registrations/{registration.id}/", "/registrations/999999/")
    assert (await client.get(other)).status_code == 404


async def test_too_long_or_odd_values_are_refused_next_to_the_field_not_a_server_error(
    client, fair
):
    response = await submit_sign_up(
        client, "salon", sign_up_form(first_name="A" * 101, birth_year="19²5", city="C" * 81)
    )
    assert response.status_code == 422
    page = html(response)
    for name in ("first_name", "birth_year", "city"):
        assert page.select_one(f"#error-{name}") is not None
    assert await Attendee.all().count() == 0
