"""Organisers create, edit, publish, close and archive events, the sessions of a fair, and the
questions of a sign-up form — through the pages, as a browser without JavaScript would."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import partial

import httpx

from server.models import ActionLog, Attendee, CustomQuestion, Event, Registration
from server.models.enums import EventKind, EventStatus, RegistrationStatus, Role
from server.services.events.admin import slugify
from server.services.registrations.seats import register
from server.values.clock import EVENT_TIMEZONE
from tests.support import (
    html,
    id_in_location,
    login,
    make_organisation,
    make_user,
    post,
    wall_clock,
)

DAY = (datetime.now(EVENT_TIMEZONE) + timedelta(days=30)).date()
BASE = "/manage/passerelles/events"


local = partial(wall_clock, day=DAY)


def fair_form(**changes: str) -> dict[str, str]:
    form = {
        "kind": "job_fair",
        "title_fr": "Salon de l'emploi — Casablanca",
        "title_en": "Casablanca job fair",
        "description_fr": "Rencontrez des employeurs.",
        "city": "Casablanca",
        "venue": "Espace Maârif",
        "address": "Boulevard Zerktouni",
        "start_date": DAY.isoformat(),
        "start_time": "09:00",
        "end_date": DAY.isoformat(),
        "end_time": "17:00",
        "capacity": "300",
        "waitlist_enabled": "yes",
    }
    form.update(changes)
    return form


def session_form(**changes: str) -> dict[str, str]:
    form = {
        "kind": "workshop",
        "title_fr": "Atelier CV",
        "city": "Casablanca",
        "room": "Salle 2",
        "start_date": DAY.isoformat(),
        "start_time": "10:00",
        "end_date": DAY.isoformat(),
        "end_time": "11:00",
        "capacity": "25",
    }
    form.update(changes)
    return form


async def create_fair(client: httpx.AsyncClient, **changes: str) -> int:
    return id_in_location(await post(client, f"{BASE}/new", fair_form(**changes)))


async def actions_on(event_id: int) -> list[str]:
    rows = await ActionLog.filter(object_type="event", object_id=event_id).order_by("id")
    return [row.action for row in rows]


# --- creating a fair with sessions ----------------------------------------------------------


async def test_a_fair_with_two_sessions_is_published_on_the_home_page(organiser):
    fair_id = await create_fair(organiser)
    first = id_in_location(await post(organiser, f"{BASE}/{fair_id}/sessions/new", session_form()))
    second = id_in_location(
        await post(
            organiser,
            f"{BASE}/{fair_id}/sessions/new",
            session_form(
                kind="side_event", title_fr="Table ronde", start_time="14:00", end_time="15:30"
            ),
        )
    )
    for event_id in (fair_id, first, second):
        response = await post(organiser, f"{BASE}/{event_id}/status", {"status": "published"})
        assert response.status_code == 303

    home = html(await organiser.get("/?lang=en"))
    [card] = [c for c in home.select(".event-card") if "Casablanca job fair" in c.get_text()]
    assert card.select_one(".event-sessions").get_text(strip=True) == (
        "2 workshops and side events"
    )
    fair = await Event.get(id=fair_id)
    assert fair.slug == "salon-de-l-emploi-casablanca"
    assert (fair.starts_at, fair.ends_at) == (local(9), local(17))
    sessions = await Event.filter(parent_id=fair_id).order_by("starts_at")
    assert [s.id for s in sessions] == [first, second]
    assert {s.organisation_id for s in sessions} == {fair.organisation_id}
    assert sessions[1].kind == EventKind.SIDE_EVENT
    assert sessions[1].ends_at == local(15, 30)
    assert await actions_on(fair_id) == ["event.created", "event.published"]
    assert await actions_on(first) == ["event.session.created", "event.published"]


async def test_the_detail_page_shows_the_facts_and_the_sessions(organiser):
    fair_id = await create_fair(organiser)
    await post(organiser, f"{BASE}/{fair_id}/sessions/new", session_form())
    page = html(await organiser.get(f"{BASE}/{fair_id}"))
    assert page.select_one("h1").get_text(strip=True) == "Casablanca job fair"
    assert page.select_one("#event-status").get_text(strip=True) == "Draft"
    assert page.select_one("#event-capacity").get_text(strip=True) == "300"
    rows = page.select(".sessions-table tbody tr")
    assert len(rows) == 1
    assert "Atelier CV" in rows[0].get_text()
    assert [b["value"] for b in page.select("button[name=status]")] == ["published"]


async def test_publishing_a_fair_does_not_publish_its_sessions(organiser):
    fair_id = await create_fair(organiser)
    session_id = id_in_location(
        await post(organiser, f"{BASE}/{fair_id}/sessions/new", session_form())
    )
    await post(organiser, f"{BASE}/{fair_id}/status", {"status": "published"})
    assert (await Event.get(id=session_id)).status == EventStatus.DRAFT
    card = html(await organiser.get("/?lang=en")).select_one(".event-card")
    assert card.select_one(".event-sessions") is None


async def test_a_session_cannot_be_published_before_its_fair(organiser):
    fair_id = await create_fair(organiser)
    session_id = id_in_location(
        await post(organiser, f"{BASE}/{fair_id}/sessions/new", session_form())
    )
    response = await post(organiser, f"{BASE}/{session_id}/status", {"status": "published"})
    assert response.status_code == 409
    assert "Publish the job fair first" in html(response).select_one(".alert-error").get_text()
    assert (await Event.get(id=session_id)).status == EventStatus.DRAFT


async def test_only_a_job_fair_takes_sessions(organiser):
    workshop_id = await create_fair(organiser, kind="workshop")
    response = await post(organiser, f"{BASE}/{workshop_id}/sessions/new", session_form())
    assert response.status_code == 409
    assert await Event.filter(parent_id=workshop_id).count() == 0


async def test_the_slug_is_made_unique(organiser):
    first = await create_fair(organiser)
    second = await create_fair(organiser)
    slugs = [(await Event.get(id=event_id)).slug for event_id in (first, second)]
    assert slugs == ["salon-de-l-emploi-casablanca", "salon-de-l-emploi-casablanca-2"]


def test_slugs_are_ascii_and_never_empty():
    assert slugify("Journée d'information : droits & démarches") == (
        "journee-d-information-droits-demarches"
    )
    assert slugify("معرض") == "evenement"


# --- validation -------------------------------------------------------------------------------


async def test_an_end_before_the_start_is_refused_and_the_form_is_kept(organiser):
    response = await post(organiser, f"{BASE}/new", fair_form(end_time="08:00"))
    assert response.status_code == 422
    page = html(response)
    assert page.select_one("#error-ends_at").get_text(strip=True) == (
        "The event must end after it starts."
    )
    assert page.select_one("#field-title_en")["value"] == "Casablanca job fair"
    assert page.select_one("input[name=end_time]")["value"] == "08:00"
    assert page.select_one("#field-description_fr").get_text() == "Rencontrez des employeurs."
    assert await Event.all().count() == 0


async def test_a_missing_french_title_is_refused(organiser):
    response = await post(organiser, f"{BASE}/new", fair_form(title_fr="  "))
    assert response.status_code == 422
    page = html(response)
    assert page.select_one("#error-title_fr").get_text(strip=True) == "Enter the title in French."
    assert page.select_one("#field-title_en")["value"] == "Casablanca job fair"
    assert page.select_one("#field-venue")["value"] == "Espace Maârif"


async def test_the_capacity_cannot_go_below_the_seats_taken(organiser):
    event_id = await create_fair(organiser)
    await Event.filter(id=event_id).update(seats_taken=5)
    response = await post(organiser, f"{BASE}/{event_id}/edit", fair_form(capacity="3"))
    assert response.status_code == 422
    page = html(response)
    assert page.select_one("#error-capacity").get_text(strip=True) == (
        "More seats are already taken: the capacity cannot be lower."
    )
    assert page.select_one("#field-capacity")["value"] == "3"
    assert (await Event.get(id=event_id)).capacity == 300


async def test_a_negative_capacity_is_refused(organiser):
    response = await post(organiser, f"{BASE}/new", fair_form(capacity="-4"))
    assert response.status_code == 422
    assert html(response).select_one("#error-capacity") is not None


async def test_a_session_outside_its_fair_is_refused(organiser):
    fair_id = await create_fair(organiser)
    late = await post(
        organiser,
        f"{BASE}/{fair_id}/sessions/new",
        session_form(start_time="16:30", end_time="18:00"),
    )
    assert late.status_code == 422
    assert html(late).select_one("#error-ends_at").get_text(strip=True) == (
        "A session must take place during its event's times."
    )
    assert html(late).select_one("input[name=start_time]")["value"] == "16:30"
    day_before = (DAY - timedelta(days=1)).isoformat()
    early = await post(
        organiser,
        f"{BASE}/{fair_id}/sessions/new",
        session_form(start_date=day_before, end_date=day_before),
    )
    assert early.status_code == 422
    assert html(early).select_one("#error-starts_at") is not None
    assert await Event.filter(parent_id=fair_id).count() == 0


async def test_a_fair_cannot_be_shortened_past_its_sessions(organiser):
    fair_id = await create_fair(organiser)
    await post(organiser, f"{BASE}/{fair_id}/sessions/new", session_form())
    response = await post(organiser, f"{BASE}/{fair_id}/edit", fair_form(start_time="10:30"))
    assert response.status_code == 422
    assert html(response).select_one("#error-starts_at") is not None
    assert (await Event.get(id=fair_id)).starts_at == local(9)


async def test_registration_must_close_before_the_event_ends(organiser):
    response = await post(
        organiser,
        f"{BASE}/new",
        fair_form(closes_date=DAY.isoformat(), closes_time="18:00"),
    )
    assert response.status_code == 422
    assert html(response).select_one("#error-registration_closes_at").get_text(strip=True) == (
        "Registration must close before the event ends."
    )


# --- editing ------------------------------------------------------------------------------------


async def test_editing_saves_the_changes_and_logs_them(organiser):
    event_id = await create_fair(organiser)
    form = html(await organiser.get(f"{BASE}/{event_id}/edit"))
    assert form.select_one("#field-title_fr")["value"] == "Salon de l'emploi — Casablanca"
    assert form.select_one("input[name=start_time]")["value"] == "09:00"
    response = await post(
        organiser,
        f"{BASE}/{event_id}/edit",
        fair_form(
            title_ar="معرض التوظيف",
            capacity="",
            end_time="18:00",
            opens_date=(DAY - timedelta(days=10)).isoformat(),
            opens_time="08:00",
            requires_approval="yes",
        ),
    )
    assert response.status_code == 303
    event = await Event.get(id=event_id)
    assert event.title["ar"] == "معرض التوظيف"
    assert event.capacity is None
    assert event.ends_at == local(18)
    assert event.registration_opens_at == local(8, day=DAY - timedelta(days=10))
    assert event.requires_approval is True
    assert event.slug == "salon-de-l-emploi-casablanca"  # links already shared keep working
    log = await ActionLog.filter(action="event.updated", object_id=event_id).get()
    assert set(log.data["fields"]) == {
        "title",
        "capacity",
        "ends_at",
        "registration_opens_at",
        "requires_approval",
    }


async def test_more_seats_go_to_the_people_waiting(organiser):
    event_id = await create_fair(organiser, capacity="1")
    await post(organiser, f"{BASE}/{event_id}/status", {"status": "published"})
    event = await Event.get(id=event_id)
    now = datetime.now(UTC)
    people = [
        await Attendee.create(phone=f"+21260000000{n}", consent_processing_at=now) for n in range(3)
    ]
    for person in people:
        await register(event, person.id)
    response = await post(organiser, f"{BASE}/{event_id}/edit", fair_form(capacity="2"))
    assert response.status_code == 303
    statuses = [(await Registration.get(attendee_id=person.id)).status for person in people]
    assert statuses == [
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.WAITLISTED,
    ]
    assert (await Event.get(id=event_id)).seats_taken == 2


# --- statuses -----------------------------------------------------------------------------------


async def test_an_event_goes_through_its_statuses_and_archived_is_final(organiser):
    event_id = await create_fair(organiser)
    for status in ("published", "closed", "published", "closed", "archived"):
        response = await post(organiser, f"{BASE}/{event_id}/status", {"status": status})
        assert response.status_code == 303
        assert (await Event.get(id=event_id)).status == status
    refused = await post(organiser, f"{BASE}/{event_id}/status", {"status": "published"})
    assert refused.status_code == 409
    assert html(refused).select_one(".alert-error").get_text(strip=True) == (
        "This change of status is not possible."
    )
    assert (await Event.get(id=event_id)).status == EventStatus.ARCHIVED
    assert await actions_on(event_id) == [
        "event.created",
        "event.published",
        "event.closed",
        "event.reopened",
        "event.closed",
        "event.archived",
    ]
    page = html(await organiser.get(f"{BASE}/{event_id}"))
    assert page.select("button[name=status]") == []
    assert (await organiser.get(f"{BASE}/{event_id}/edit")).status_code == 409
    assert (await post(organiser, f"{BASE}/{event_id}/edit", fair_form())).status_code == 409


async def test_a_draft_cannot_be_closed_directly(organiser):
    event_id = await create_fair(organiser)
    refused = await post(organiser, f"{BASE}/{event_id}/status", {"status": "closed"})
    assert refused.status_code == 409
    assert (await Event.get(id=event_id)).status == EventStatus.DRAFT


# --- custom questions ---------------------------------------------------------------------------


async def test_questions_are_added_and_deleted(organiser):
    event_id = await create_fair(organiser)
    path = f"{BASE}/{event_id}/questions"
    response = await post(
        organiser,
        path,
        {
            "kind": "choice",
            "label_fr": "Quel métier cherchez-vous ?",
            "label_en": "Which job are you looking for?",
            "choices_fr": "Cuisine\nBâtiment\n\nCommerce",
            "choices_en": "Cooking\nBuilding\nRetail",
            "required": "yes",
        },
    )
    assert response.status_code == 303
    await post(organiser, path, {"kind": "yes_no", "label_fr": "Avez-vous un CV ?"})
    questions = await CustomQuestion.filter(event_id=event_id)
    assert [(q.kind, q.position, q.required) for q in questions] == [
        ("choice", 1, True),
        ("yes_no", 2, False),
    ]
    assert questions[0].choices[1] == {"fr": "Bâtiment", "en": "Building"}

    page = html(await organiser.get(path))
    items = page.select(".question-list > li")
    assert [li.select_one(".question-label").get_text() for li in items] == [
        "Which job are you looking for?",
        "Avez-vous un CV ?",
    ]
    assert [li.get_text() for li in items[0].select(".question-choices li")] == [
        "Cooking",
        "Building",
        "Retail",
    ]

    delete = items[0].select_one("form")["action"]
    assert (await post(organiser, delete, {})).status_code == 303
    assert [q.id for q in await CustomQuestion.filter(event_id=event_id)] == [questions[1].id]
    assert await actions_on(event_id) == [
        "event.created",
        "event.question.created",
        "event.question.created",
        "event.question.deleted",
    ]


async def test_a_choice_question_needs_matching_choices(organiser):
    event_id = await create_fair(organiser)
    response = await post(
        organiser,
        f"{BASE}/{event_id}/questions",
        {
            "kind": "choice",
            "label_fr": "Quel métier ?",
            "choices_fr": "Cuisine\nBâtiment",
            "choices_en": "Cooking",
        },
    )
    assert response.status_code == 422
    page = html(response)
    assert page.select_one("#error-choices_en") is not None
    assert page.select_one("#field-label_fr")["value"] == "Quel métier ?"
    assert page.select_one("#field-choices_fr").get_text() == "Cuisine\nBâtiment"
    assert await CustomQuestion.all().count() == 0


async def test_a_question_of_another_event_cannot_be_deleted(organiser):
    first = await create_fair(organiser)
    second = await create_fair(organiser)
    question = await CustomQuestion.create(event_id=second, kind="text", label={"fr": "Q"})
    response = await post(organiser, f"{BASE}/{first}/questions/{question.id}/delete", {})
    assert response.status_code == 404
    assert await CustomQuestion.exists(id=question.id)


# --- who may do what ----------------------------------------------------------------------------


async def test_another_organisations_event_is_not_found(organiser):
    other = await make_organisation("emploi-inclusion", "Emploi Inclusion")
    start = local(9)
    theirs = await Event.create(
        organisation=other,
        slug="leur-salon",
        kind=EventKind.JOB_FAIR,
        title={"fr": "Leur salon secret"},
        city="Rabat",
        starts_at=start,
        ends_at=start + timedelta(hours=8),
    )
    for path in ("", "/edit", "/sessions/new", "/questions"):
        response = await organiser.get(f"{BASE}/{theirs.id}{path}")
        assert response.status_code == 404
        assert "Leur salon secret" not in response.text
    for path, data in (
        ("/status", {"status": "published"}),
        ("/edit", fair_form()),
        ("/sessions/new", session_form()),
        ("/questions", {"kind": "text", "label_fr": "Q"}),
    ):
        assert (await post(organiser, f"{BASE}/{theirs.id}{path}", data)).status_code == 404
    await theirs.refresh_from_db()
    assert theirs.status == EventStatus.DRAFT
    assert await Event.filter(parent_id=theirs.id).count() == 0


async def test_an_organiser_of_another_organisation_is_refused(client, db):
    await make_organisation()
    other = await make_organisation("emploi-inclusion", "Emploi Inclusion")
    await make_user("karim@example.org", organisation=other)
    await login(client, "karim@example.org")
    assert (await client.get(f"{BASE}/new")).status_code == 403
    assert (await post(client, f"{BASE}/new", fair_form())).status_code == 403
    assert await Event.all().count() == 0


async def test_checkin_staff_are_refused(client, db):
    organisation = await make_organisation()
    await make_user("door@example.org", organisation=organisation, role=Role.CHECKIN)
    await login(client, "door@example.org")
    assert (await client.get(f"{BASE}/new")).status_code == 403
    assert (await post(client, f"{BASE}/new", fair_form())).status_code == 403
    assert await Event.all().count() == 0


async def test_the_overview_links_to_each_event_and_to_a_new_one(organiser):
    event_id = await create_fair(organiser)
    page = html(await organiser.get("/manage/passerelles/"))
    assert page.select_one(f"a[href$='{BASE}/new']") is not None
    link = page.select_one("tbody td a")
    assert link["href"].endswith(f"{BASE}/{event_id}")
    assert link.get_text() == "Casablanca job fair"
