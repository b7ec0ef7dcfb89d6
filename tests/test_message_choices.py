"""A person chooses how our messages reach them, or stops them, from their personal page or by
replying STOP to a text (the provider posts the reply to a secret address)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from server.codes.tokens import hash_token
from server.config import Settings
from server.models import ActionLog, Attendee, Event, OutboxMessage
from server.models.enums import Channel, EventKind, EventStatus, MessageKind, OutboxStatus
from server.notifications import messages, queue_notice
from server.services.registrations.message_choices import is_stop_word
from server.services.registrations.seats import register
from tests.support import csrf_from, html, make_organisation

TOKEN = "a-personal-link-token-for-tests"
PHONE = "+212612345678"
SECRET = "replies-secret-for-tests-0123456789"
WHATSAPP_URL = "whatsapp://tremplin_notice:EAAGm0PX4ZCpsBAKZC0123@123456789012345/?lang={lang}"


@pytest.fixture
def settings(tmp_path, database) -> Settings:
    """The test settings, with a WhatsApp provider (never called here) and a replies secret."""
    return Settings(
        data_dir=tmp_path,
        database_url=database.url,
        secret_key="test-secret-key-" + "x" * 32,
        whatsapp_url=WHATSAPP_URL,
        replies_secret=SECRET,
    )


@pytest.fixture
async def person(db) -> Attendee:
    return await Attendee.create(
        first_name="Fatou",
        phone=PHONE,
        email="fatou@example.org",
        preferred_language="en",
        consent_processing_at=datetime.now(UTC),
        access_token_hash=hash_token(TOKEN),
    )


async def fair() -> Event:
    """The fair of these tests (made on first use)."""
    existing = await Event.get_or_none(slug="salon")
    if existing is not None:
        return existing
    start = datetime.now(UTC) + timedelta(days=10)
    return await Event.create(
        organisation=await make_organisation(),
        slug="salon",
        kind=EventKind.JOB_FAIR,
        status=EventStatus.PUBLISHED,
        title={"fr": "Salon"},
        city="Rabat",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
    )


async def choose(client, **data: str):
    page = await client.get(f"/me/{TOKEN}?lang=en")
    response = await client.post(
        f"/me/{TOKEN}/messages", data={**data, "csrf_token": csrf_from(page)}
    )
    assert response.status_code == 303
    return html(await client.get(response.headers["location"]))


async def queue_reminder(attendee: Attendee) -> list[OutboxMessage]:
    event = await fair()
    notice = messages.reminder(attendee, event, organisation="Passerelles")
    return await queue_notice(attendee, notice, organisation_id=event.organisation_id)


# --- the personal page ------------------------------------------------------------------------


async def test_the_personal_page_offers_sms_whatsapp_and_e_mail_only(client, person):
    page = html(await client.get(f"/me/{TOKEN}"))
    choices = [i["value"] for i in page.select("#messages input[name=channel]")]
    assert choices == ["sms", "whatsapp", "email"]
    assert page.select_one("#messages input[name=channel][checked]")["value"] == "sms"


async def test_whatsapp_is_not_offered_without_a_provider(client, person, app):
    app.state.text_providers = {**app.state.text_providers, Channel.WHATSAPP: "missing"}
    await Attendee.filter(id=person.id).update(email=None)
    page = html(await client.get(f"/me/{TOKEN}"))
    assert [i["value"] for i in page.select("#messages input[name=channel]")] == ["sms"]


async def test_choosing_whatsapp_sends_the_next_texts_by_whatsapp(client, person):
    page = await choose(client, channel="whatsapp")
    assert "Your choice is saved" in page.select_one("#messages .alert-success").get_text()
    rows = await queue_reminder(await Attendee.get(id=person.id))
    assert sorted((m.channel, m.recipient) for m in rows) == [
        (Channel.EMAIL, "fatou@example.org"),
        (Channel.WHATSAPP, PHONE),
    ]
    whatsapp = next(m for m in rows if m.channel == Channel.WHATSAPP)
    assert (
        whatsapp.body
        == messages.reminder(person, await Event.get(), organisation="Passerelles").short
    )


async def test_choosing_e_mail_only_sends_no_more_texts(client, person):
    await choose(client, channel="email")
    rows = await queue_reminder(await Attendee.get(id=person.id))
    assert [m.channel for m in rows] == [Channel.EMAIL]


async def test_a_channel_not_offered_is_refused(client, person):
    await Attendee.filter(id=person.id).update(email=None)
    page = await choose(client, channel="email")
    assert page.select_one("#messages .alert-error") is not None
    assert (await Attendee.get(id=person.id)).message_channel == Channel.SMS


async def test_stopping_withdraws_the_waiting_messages_and_stops_the_next_ones(client, person):
    waiting = await queue_reminder(person)
    page = await choose(client, messages="stop")
    assert "We will not send you any more messages" in page.get_text()
    assert page.select_one("button[value=resume]") is not None
    statuses = await OutboxMessage.filter(id__in=[m.id for m in waiting]).values_list(
        "status", flat=True
    )
    assert set(statuses) == {OutboxStatus.STOPPED}
    assert await queue_reminder(await Attendee.get(id=person.id)) == []
    log = await ActionLog.get(action="attendee.messages.stopped", object_id=person.id)
    assert log.data == {"by": "page"}


async def test_a_stopped_person_still_gets_the_link_they_ask_for(person):
    await Attendee.filter(id=person.id).update(messages_stopped_at=datetime.now(UTC))
    stopped = await Attendee.get(id=person.id)
    notice = messages.personal_link(stopped, "http://127.0.0.1:8000/me/new-token")
    rows = await queue_notice(stopped, notice, organisation_id=None)
    assert {m.kind for m in rows} == {MessageKind.PERSONAL_LINK}
    assert len(rows) == 2


async def test_resuming_sends_the_next_messages_again(client, person):
    await choose(client, messages="stop")
    page = await choose(client, messages="resume")
    assert page.select_one("button[value=stop]") is not None
    assert len(await queue_reminder(await Attendee.get(id=person.id))) == 2


async def test_a_landline_gets_no_text(person):
    await Attendee.filter(id=person.id).update(phone="+212522123456")
    rows = await queue_reminder(await Attendee.get(id=person.id))
    assert [m.channel for m in rows] == [Channel.EMAIL]


async def test_the_personal_page_says_an_event_is_cancelled(client, person):
    event = await fair()
    await register(event, person.id)
    await Event.filter(id=event.id).update(status=EventStatus.CANCELLED)
    page = html(await client.get(f"/me/{TOKEN}"))
    assert page.select_one(".event-cancelled") is not None


# --- replies STOP, from each provider ---------------------------------------------------------


def twilio(text: str, number: str = PHONE) -> dict:
    return {"data": {"From": number, "To": "+15017122661", "Body": text, "MessageSid": "SM1"}}


def vonage(text: str, number: str = PHONE) -> dict:
    return {"json": {"msisdn": number.lstrip("+"), "to": "212600000000", "text": text}}


def httpsms(text: str, number: str = PHONE) -> dict:
    event = {
        "specversion": "1.0",
        "type": "message.phone.received",
        "data": {"contact": number, "owner": "+212600000000", "content": text},
    }
    return {"content": json.dumps(event), "headers": {"content-type": "application/json"}}


def whatsapp(text: str, number: str = PHONE) -> dict:
    message = {"from": number.lstrip("+"), "id": "wamid.1", "type": "text", "text": {"body": text}}
    body = {
        "object": "whatsapp_business_account",
        "entry": [
            {"id": "1", "changes": [{"field": "messages", "value": {"messages": [message]}}]}
        ],
    }
    return {"json": body}


PROVIDERS = {"twilio": twilio, "vonage": vonage, "httpsms": httpsms, "whatsapp": whatsapp}


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
async def test_a_reply_stop_stops_the_messages_of_that_number(client, person, provider):
    waiting = await queue_reminder(person)
    response = await client.post(
        f"/api/v1/replies/{provider}/{SECRET}", **PROVIDERS[provider]("Stop")
    )
    assert response.status_code == 200
    assert (await Attendee.get(id=person.id)).messages_stopped_at is not None
    assert (
        await OutboxMessage.filter(
            id__in=[m.id for m in waiting], status=OutboxStatus.STOPPED
        ).count()
        == 2
    )
    log = await ActionLog.get(action="attendee.messages.stopped", object_id=person.id)
    assert log.data == {"by": "reply"}


async def test_twilio_is_answered_with_an_empty_twiml_response(client, person):
    response = await client.post(f"/api/v1/replies/twilio/{SECRET}", **twilio("STOP"))
    assert response.headers["content-type"].startswith("text/xml")
    assert response.text.endswith("<Response></Response>")


@pytest.mark.parametrize("text", ["Merci, à demain !", "stopper le bruit ?", ""])
async def test_other_replies_change_nothing(client, person, text):
    response = await client.post(f"/api/v1/replies/twilio/{SECRET}", **twilio(text))
    assert response.status_code == 200
    assert (await Attendee.get(id=person.id)).messages_stopped_at is None


async def test_a_reply_from_an_unknown_number_changes_nothing(client, person):
    response = await client.post(
        f"/api/v1/replies/httpsms/{SECRET}", **httpsms("STOP", "+212699999999")
    )
    assert response.status_code == 200
    assert (await Attendee.get(id=person.id)).messages_stopped_at is None


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/replies/twilio/{SECRET}x",
        "/api/v1/replies/twilio/",
        f"/api/v1/replies/sinch/{SECRET}",
    ],
)
async def test_a_reply_to_a_wrong_address_is_not_found_and_changes_nothing(client, person, path):
    response = await client.post(path, **twilio("STOP"))
    assert response.status_code == 404
    assert (await Attendee.get(id=person.id)).messages_stopped_at is None


async def test_without_a_secret_no_reply_is_accepted(client, person, app):
    app.state.settings = Settings(
        data_dir=app.state.settings.data_dir,
        database_url=app.state.settings.database_url,
        secret_key=app.state.settings.secret_key,
    )
    response = await client.post("/api/v1/replies/twilio/", **twilio("STOP"))
    assert response.status_code == 404
    response = await client.post("/api/v1/replies/twilio/x", **twilio("STOP"))
    assert response.status_code == 404


async def test_whatsapp_subscribes_the_address_with_the_secret_as_verify_token(client, db):
    query = {"hub.mode": "subscribe", "hub.challenge": "1158201444", "hub.verify_token": SECRET}
    response = await client.get(f"/api/v1/replies/whatsapp/{SECRET}", params=query)
    assert (response.status_code, response.text) == (200, "1158201444")
    wrong = await client.get(
        f"/api/v1/replies/whatsapp/{SECRET}", params=query | {"hub.verify_token": "guess"}
    )
    assert wrong.status_code == 404


@pytest.mark.parametrize(
    ("text", "stops"),
    [
        ("STOP", True),
        ("stop.", True),
        ("Arrêt", True),
        ("ARRETER svp", True),
        ("إيقاف", True),
        ("توقف من فضلك", True),
        ("UNSUBSCRIBE", True),
        ("Je ne peux pas venir, stop", False),
        ("Bonjour", False),
    ],
)
def test_stop_is_the_first_word_in_any_of_our_languages(text, stops):
    assert is_stop_word(text) is stops
