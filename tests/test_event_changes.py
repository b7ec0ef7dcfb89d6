"""An event moved, taking place somewhere else, or cancelled: everyone registered is told once,
in their language, on their channel, in the transaction of the change."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from server.i18n import set_language
from server.models import ActionLog, Attendee, Event, OutboxMessage, Registration
from server.models.enums import (
    Channel,
    EventKind,
    EventStatus,
    MessageKind,
    RegistrationStatus,
)
from server.services.events import admin
from server.services.events.admin import EventChangeRefused, EventForm
from server.services.registrations.seats import RegistrationRefused, check_open, register
from server.values.clock import EVENT_TIMEZONE
from server.values.formatting import local_day
from tests.support import csrf_from, html, login, make_organisation, make_user

TITLE = {"fr": "Salon de l'emploi", "ar": "معرض التوظيف", "en": "Job fair"}
START = datetime.combine(
    datetime.now(EVENT_TIMEZONE).date() + timedelta(days=20),
    datetime.min.time().replace(hour=9),
    tzinfo=EVENT_TIMEZONE,
).astimezone(UTC)


async def make_fair(**extra) -> Event:
    fields = {
        "organisation": await make_organisation(),
        "slug": "salon",
        "kind": EventKind.JOB_FAIR,
        "status": EventStatus.PUBLISHED,
        "title": TITLE,
        "venue": "Espace Darna",
        "city": "Casablanca",
        "starts_at": START,
        "ends_at": START + timedelta(hours=8),
        "capacity": 2,
    }
    return await Event.create(**(fields | extra))


async def person(number: int, language: str = "fr", **extra) -> Attendee:
    fields = {
        "first_name": f"Person{number}",
        "phone": f"+2126{number:08d}",
        "preferred_language": language,
        "consent_processing_at": datetime.now(UTC),
    }
    return await Attendee.create(**(fields | extra))


async def managed(event: Event) -> Event:
    return await admin.managed_event(await event.organisation, event.id)


def moved(event: Event, *, days: int = 1, **changes: str) -> EventForm:
    """The event's own form with the start and end `days` later and `changes` applied."""
    form = EventForm.from_event(event)
    day = (START.astimezone(EVENT_TIMEZONE).date() + timedelta(days=days)).isoformat()
    return replace(form, start_date=day, end_date=day, **changes)


@pytest.fixture
async def fair_with_people(db) -> tuple[Event, list[Attendee]]:
    """A fair of two seats: two people seated (French, Arabic), one waiting (English), one who
    cancelled."""
    fair = await make_fair()
    people = [await person(1, "fr"), await person(2, "ar"), await person(3, "en")]
    for someone in people:
        await register(fair, someone.id)
    gone = await person(4)
    registration, _ = await register(fair, gone.id)
    await Registration.filter(id=registration.id).update(status=RegistrationStatus.CANCELLED)
    await OutboxMessage.all().delete()
    return fair, people


async def texts() -> list[OutboxMessage]:
    return await OutboxMessage.filter(channel=Channel.SMS).order_by("attendee_id")


# --- moved, new place -------------------------------------------------------------------------


async def test_moving_an_event_tells_each_registered_person_once_in_their_language(
    fair_with_people,
):
    fair, people = fair_with_people
    updated = await admin.update_event(await managed(fair), moved(fair), user=None)

    sent = await texts()
    assert [m.attendee_id for m in sent] == [p.id for p in people]  # the seated and the waiting
    assert [m.language for m in sent] == ["fr", "ar", "en"]
    assert {m.kind for m in sent} == {MessageKind.EVENT_CHANGED}
    assert {m.event_id for m in sent} == {fair.id}
    for message in sent:
        set_language(message.language)
        assert local_day(updated.starts_at) in message.body
    set_language("fr")
    assert "معرض التوظيف" in sent[1].body
    log = await ActionLog.get(action="event.updated", object_id=fair.id)
    assert log.data["told"] == 3


async def test_a_new_place_is_told_with_the_place(fair_with_people):
    fair, _ = fair_with_people
    form = replace(EventForm.from_event(fair), venue="Foire Internationale", room="Hall 3")
    await admin.update_event(await managed(fair), form, user=None)
    bodies = [m.body for m in await texts()]
    assert len(bodies) == 3
    assert all("Foire Internationale, Hall 3, Casablanca" in body for body in bodies)


async def test_other_changes_tell_nobody(fair_with_people):
    fair, _ = fair_with_people
    form = replace(
        EventForm.from_event(fair),
        description={"fr": "Venez nombreux."},
        capacity="10",
        end_time="18:00",
    )
    await admin.update_event(await managed(fair), form, user=None)
    assert [m.kind for m in await OutboxMessage.all()] == [MessageKind.PROMOTION]  # a seat freed


async def test_a_correction_tells_nobody(fair_with_people):
    fair, _ = fair_with_people
    form = replace(EventForm.from_event(fair), venue="Espace Darna (Derb Ghallef)")
    await admin.update_event(await managed(fair), replace(form, tell_registered=False), user=None)
    assert await OutboxMessage.all().count() == 0
    assert (await Event.get(id=fair.id)).venue == "Espace Darna (Derb Ghallef)"


async def test_an_event_that_has_ended_tells_nobody(db):
    fair = await make_fair(starts_at=START - timedelta(days=30), ends_at=START - timedelta(days=29))
    await Registration.create(
        event=fair, attendee=await person(1), status="confirmed", badge_serial="PAST-001"
    )
    await admin.update_event(
        await managed(fair), replace(EventForm.from_event(fair), venue="Ailleurs"), user=None
    )
    assert await OutboxMessage.all().count() == 0


async def test_each_person_is_told_on_their_channel(fair_with_people):
    fair, (french, arabic, english) = fair_with_people
    await Attendee.filter(id=french.id).update(message_channel=Channel.WHATSAPP)
    await Attendee.filter(id=arabic.id).update(
        message_channel=Channel.EMAIL, email="awa@example.org"
    )
    await Attendee.filter(id=english.id).update(messages_stopped_at=datetime.now(UTC))
    await admin.update_event(await managed(fair), moved(fair), user=None)
    sent = await OutboxMessage.all().values_list("attendee_id", "channel")
    assert sorted(sent) == sorted([(french.id, Channel.WHATSAPP), (arabic.id, Channel.EMAIL)])


async def test_the_messages_belong_to_the_transaction_of_the_change(fair_with_people, monkeypatch):
    fair, _ = fair_with_people

    async def broken_log(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(admin, "log_event_action", broken_log)
    with pytest.raises(RuntimeError):
        await admin.update_event(await managed(fair), moved(fair), user=None)
    assert (await Event.get(id=fair.id)).starts_at == START
    assert await OutboxMessage.all().count() == 0


async def test_two_organisers_moving_the_event_at_once_tell_each_person_once(fair_with_people):
    fair, people = fair_with_people
    first, second = await managed(fair), await managed(fair)  # both read the same event
    outcomes = await asyncio.gather(
        admin.update_event(first, moved(fair, days=1), user=None),
        admin.update_event(second, moved(fair, days=2), user=None),
        return_exceptions=True,
    )
    refused = [o for o in outcomes if isinstance(o, EventChangeRefused)]
    assert len(refused) == 1 and refused[0].code == "changed_meanwhile"
    assert sorted(m.attendee_id for m in await texts()) == [p.id for p in people]


# --- cancelled --------------------------------------------------------------------------------


@pytest.fixture
async def fair_with_session(fair_with_people) -> tuple[Event, Event, list[Attendee]]:
    fair, people = fair_with_people
    workshop = await Event.create(
        organisation_id=fair.organisation_id,
        parent=fair,
        slug="atelier",
        kind=EventKind.WORKSHOP,
        status=EventStatus.PUBLISHED,
        title={"fr": "Atelier CV"},
        city="Casablanca",
        starts_at=START,
        ends_at=START + timedelta(hours=1),
    )
    await register(workshop, people[0].id)
    return fair, workshop, people


async def test_cancelling_tells_everyone_once_and_cancels_their_registrations(fair_with_session):
    fair, workshop, people = fair_with_session
    await admin.change_status(await managed(fair), "cancelled", user=None)

    sent = await texts()
    assert [m.attendee_id for m in sent] == [p.id for p in people]  # the workshop's one once
    assert {m.kind for m in sent} == {MessageKind.EVENT_CANCELLED}
    assert "معرض التوظيف" in sent[1].body
    statuses = await Registration.filter(event_id__in=[fair.id, workshop.id]).values_list(
        "status", flat=True
    )
    assert set(statuses) == {RegistrationStatus.CANCELLED}
    for event in (fair, workshop):
        stored = await Event.get(id=event.id)
        assert (stored.status, stored.seats_taken) == (EventStatus.CANCELLED, 0)
    with pytest.raises(RegistrationRefused):
        check_open(await Event.get(id=fair.id), datetime.now(UTC))


async def test_cancelling_twice_at_once_tells_each_person_once(fair_with_people):
    fair, people = fair_with_people
    outcomes = await asyncio.gather(
        admin.change_status(await managed(fair), "cancelled", user=None),
        admin.change_status(await managed(fair), "cancelled", user=None),
        return_exceptions=True,
    )
    assert sum(isinstance(outcome, EventChangeRefused) for outcome in outcomes) == 1
    assert sorted(m.attendee_id for m in await texts()) == [p.id for p in people]


async def test_a_cancelled_event_can_only_be_archived(fair_with_people):
    fair, _ = fair_with_people
    cancelled = await admin.change_status(await managed(fair), "cancelled", user=None)
    assert admin.next_statuses(cancelled) == [EventStatus.ARCHIVED]
    with pytest.raises(EventChangeRefused) as refusal:
        await admin.update_event(await managed(fair), moved(fair), user=None)
    assert refusal.value.code == "cancelled"


# --- through the organisers' pages ------------------------------------------------------------


@pytest.fixture
async def organiser(client, fair_with_people):
    fair, _ = fair_with_people
    await make_user("salma@example.org", organisation=await fair.organisation)
    await login(client, "salma@example.org")
    await client.get("/?lang=en")  # pages in English from now on
    return client


async def post(client, path: str, data: dict[str, str]):
    token = csrf_from(await client.get("/account"))
    return await client.post(path, data={**data, "csrf_token": token})


async def test_the_organiser_ticks_a_box_to_cancel(organiser, fair_with_people):
    fair, people = fair_with_people
    path = f"/manage/passerelles/events/{fair.id}/status"
    refused = await post(organiser, path, {"status": "cancelled"})
    assert refused.status_code == 409
    assert "Tick the box" in html(refused).select_one(".alert-error").get_text()
    assert (await Event.get(id=fair.id)).status == EventStatus.PUBLISHED
    assert await OutboxMessage.all().count() == 0

    done = await post(organiser, path, {"status": "cancelled", "confirm": "yes"})
    assert done.status_code == 303
    page = html(await organiser.get(done.headers["location"]))
    assert page.select_one("#event-status").get_text(strip=True) == "Called off"
    assert await OutboxMessage.filter(kind=MessageKind.EVENT_CANCELLED).count() == len(people)
    assert page.select_one(f'a[href="/manage/passerelles/events/{fair.id}/edit"]') is None


async def test_the_edit_form_can_keep_a_correction_quiet(organiser, fair_with_people):
    fair, _ = fair_with_people
    edit = f"/manage/passerelles/events/{fair.id}/edit"
    form = html(await organiser.get(edit)).select_one("form.event-form")
    assert form.select_one("input[name=keep_quiet]") is not None
    fields = {
        field["name"]: field.get("value", "")
        for field in form.select("input[name]")
        if field.get("type") not in ("checkbox", "hidden")
    }
    fields |= {"kind": "job_fair", "title_fr": TITLE["fr"], "waitlist_enabled": "yes"}
    response = await post(organiser, edit, fields | {"venue": "Darna", "keep_quiet": "yes"})
    assert response.status_code == 303
    assert (await Event.get(id=fair.id)).venue == "Darna"
    assert await OutboxMessage.all().count() == 0
    response = await post(organiser, edit, fields | {"venue": "Espace Darna, 2e étage"})
    assert response.status_code == 303
    assert await OutboxMessage.filter(kind=MessageKind.EVENT_CHANGED).count() == 3
