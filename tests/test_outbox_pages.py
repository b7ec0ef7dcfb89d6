"""What organisers see of the texts: a banner while no SMS provider is set, the segments each
SMS costs, an event's delivery status and a preview of its messages, and the texts they sent by
hand."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from server.models import ActionLog, Attendee, Event, OutboxMessage, User
from server.models.enums import (
    Channel,
    EventKind,
    EventStatus,
    OutboxStatus,
)
from server.notifications import queue_confirmation
from server.notifications.texts import text_providers
from server.services.registrations.seats import register
from tests.support import csrf_from, html, login, make_organisation, make_user

TITLE = {"fr": "Salon de l'emploi", "ar": "معرض التوظيف", "en": "Job fair"}


@pytest.fixture
async def fair(db) -> Event:
    organisation = await make_organisation()
    await make_user("salma@example.org", organisation=organisation)
    start = datetime.now(UTC) + timedelta(days=12)
    return await Event.create(
        organisation=organisation,
        slug="salon",
        kind=EventKind.JOB_FAIR,
        status=EventStatus.PUBLISHED,
        title=TITLE,
        venue="Espace Darna",
        city="Casablanca",
        starts_at=start,
        ends_at=start + timedelta(hours=6),
    )


@pytest.fixture
async def organiser(client, fair):
    await login(client, "salma@example.org")
    await client.get("/?lang=en")
    return client


async def sign_up(fair: Event, number: int, language: str = "fr") -> Attendee:
    """A person registered for `fair`, with their confirmation waiting in the outbox."""
    person = await Attendee.create(
        first_name=f"P{number}",
        phone=f"+2126{number:08d}",
        preferred_language=language,
        consent_processing_at=datetime.now(UTC),
    )
    registration, _ = await register(fair, person.id)
    await queue_confirmation(person, [registration])
    return person


def with_sms_provider(app, settings, url: str = "json://127.0.0.1:9/sms?:to={to}") -> None:
    app.state.text_providers = text_providers(replace(settings, sms_url=url))


async def post(client, path: str, data: dict[str, str] | None = None):
    token = csrf_from(await client.get("/account"))
    return await client.post(path, data={**(data or {}), "csrf_token": token})


# --- the banner -------------------------------------------------------------------------------


async def test_without_sms_url_the_outbox_says_texts_are_not_sent(organiser, fair):
    await OutboxMessage.create(
        channel=Channel.SMS,
        recipient="+212600000001",
        body="x",
        organisation_id=fair.organisation_id,
    )
    banner = html(await organiser.get("/manage/passerelles/outbox")).select_one(".text-delivery")
    assert "Text messages are not being sent: set SMS_URL." in banner.get_text()
    assert "1 text message is waiting." in banner.get_text()
    assert banner.select_one("a")["href"] == "/manage/passerelles/outbox?status=pending&channel=sms"


async def test_each_event_page_says_texts_are_not_sent(organiser, fair):
    await sign_up(fair, 1)
    page = html(await organiser.get(f"/manage/passerelles/events/{fair.id}"))
    banner = page.select_one(".text-delivery")
    assert "set SMS_URL" in banner.get_text()
    assert (
        banner.select_one("a")["href"] == f"/manage/passerelles/events/{fair.id}/messages#waiting"
    )


async def test_with_a_provider_there_is_no_banner(organiser, fair, app, settings):
    with_sms_provider(app, settings)
    await sign_up(fair, 1)
    assert (
        html(await organiser.get("/manage/passerelles/outbox")).select_one(".text-delivery") is None
    )
    page = html(await organiser.get(f"/manage/passerelles/events/{fair.id}"))
    assert page.select_one(".text-delivery") is None


async def test_an_sms_url_apprise_refuses_is_named_in_the_banner(organiser, app, settings):
    with_sms_provider(app, settings, "smss://nowhere")
    banner = html(await organiser.get("/manage/passerelles/outbox")).select_one(".text-delivery")
    assert "SMS_URL is not an Apprise URL that Apprise accepts" in banner.get_text()


# --- the outbox -------------------------------------------------------------------------------


async def test_the_outbox_shows_what_each_sms_costs(organiser, fair):
    await sign_up(fair, 1, "ar")
    await OutboxMessage.create(
        channel=Channel.SMS,
        recipient="+212600000009",
        body="a" * 200,
        organisation_id=fair.organisation_id,
    )
    page = html(await organiser.get("/manage/passerelles/outbox"))
    lengths = [(s["data-encoding"], s["data-segments"]) for s in page.select(".sms-length")]
    assert lengths == [("GSM-7", "2"), ("UCS-2", "1")]  # newest first
    assert page.select(".message-kind")[0].get_text() == "Confirmation"


async def test_the_outbox_shows_one_events_messages(organiser, fair):
    await sign_up(fair, 1)
    await OutboxMessage.create(
        channel=Channel.SMS,
        recipient="+212600000009",
        body="other",
        organisation_id=fair.organisation_id,
    )
    page = html(await organiser.get(f"/manage/passerelles/outbox?event={fair.id}&channel=sms"))
    assert len(page.select("tr.outbox-message")) == 1
    assert "Job fair" in page.select_one(".outbox-event").get_text()


# --- an event's messages ----------------------------------------------------------------------


async def test_the_event_messages_page_counts_deliveries_and_lists_failures(organiser, fair):
    await sign_up(fair, 1)
    await sign_up(fair, 2)
    first, second = await OutboxMessage.filter(event_id=fair.id).order_by("id")
    await OutboxMessage.filter(id=first.id).update(status=OutboxStatus.SENT, body="a" * 200)
    await OutboxMessage.filter(id=second.id).update(
        status=OutboxStatus.FAILED, last_error="Failed to send: error=400. Answer: unknown number"
    )
    page = html(await organiser.get(f"/manage/passerelles/events/{fair.id}/messages"))
    counts = {
        (row["data-channel"], row["data-status"]): row.select_one(".num").get_text()
        for row in page.select(".delivery-counts tbody tr")
    }
    assert counts == {("sms", "sent"): "1", ("sms", "failed"): "1"}
    assert "SMS sent: 2 segments billed." in page.select_one(".segments-sent").get_text()
    (failure,) = page.select(".failed-message")
    assert "unknown number" in failure.get_text()


async def test_the_preview_shows_each_message_in_each_language_within_two_segments(organiser, fair):
    page = html(await organiser.get(f"/manage/passerelles/events/{fair.id}/messages"))
    rows = page.select("tr.message-preview")
    assert len(rows) == 10 * 3
    assert {row["data-language"] for row in rows} == {"fr", "ar", "en"}
    assert {int(row.select_one(".sms-length")["data-segments"]) for row in rows} <= {1, 2}
    arabic = [row for row in rows if row["data-language"] == "ar"]
    assert all(row.select_one(".sms-length")["data-encoding"] == "UCS-2" for row in arabic)
    assert "معرض التوظيف" in arabic[0].select_one(".preview-text").get_text()


async def test_waiting_texts_are_listed_without_personal_links_and_can_be_marked_sent_by_hand(
    organiser, fair
):
    await sign_up(fair, 1)
    (message,) = await OutboxMessage.filter(event_id=fair.id)
    await OutboxMessage.filter(id=message.id).update(
        body=message.body + " https://x.example/me/the-secret-token"
    )
    page = html(await organiser.get(f"/manage/passerelles/events/{fair.id}/messages"))
    (waiting,) = page.select(".waiting-text")
    assert "+212600000001" in waiting.get_text()
    assert "the-secret-token" not in waiting.get_text()
    action = waiting.select_one("form")["action"]

    response = await post(organiser, action)
    assert response.status_code == 303
    sent = await OutboxMessage.get(id=message.id)
    user = await User.get(email="salma@example.org")
    assert (sent.status, sent.sent_by_id) == (OutboxStatus.SENT, user.id)
    assert await ActionLog.filter(action="outbox.sent_by_hand", object_id=message.id).exists()
    again = html(await organiser.get((await post(organiser, action)).headers["location"]))
    assert "not waiting any more" in again.select_one(".alert-error").get_text()
    outbox = html(await organiser.get("/manage/passerelles/outbox"))
    assert outbox.select_one(".sent-by-hand") is not None


async def test_with_a_provider_texts_are_not_marked_by_hand(organiser, fair, app, settings):
    with_sms_provider(app, settings)
    await sign_up(fair, 1)
    page = html(await organiser.get(f"/manage/passerelles/events/{fair.id}/messages"))
    assert page.select_one(".waiting-text form") is None


async def test_a_message_of_another_event_cannot_be_marked_sent(organiser, fair):
    other = await Event.create(
        organisation_id=fair.organisation_id,
        slug="autre",
        kind=EventKind.WORKSHOP,
        status=EventStatus.PUBLISHED,
        title={"fr": "Atelier"},
        city="Rabat",
        starts_at=fair.starts_at,
        ends_at=fair.ends_at,
    )
    await sign_up(other, 1)
    (message,) = await OutboxMessage.filter(event_id=other.id)
    path = f"/manage/passerelles/events/{fair.id}/messages/{message.id}/sent"
    assert (await post(organiser, path)).status_code == 404
    assert (await OutboxMessage.get(id=message.id)).status == OutboxStatus.PENDING


async def test_another_organisations_event_messages_are_not_found(organiser, fair):
    theirs = await make_organisation("autre", "Autre association")
    await make_user("autre@example.org", organisation=theirs)
    await organiser.post("/logout", data={"csrf_token": csrf_from(await organiser.get("/account"))})
    await login(organiser, "autre@example.org")
    response = await organiser.get(f"/manage/autre/events/{fair.id}/messages")
    assert response.status_code == 404


async def test_the_event_page_links_to_its_messages(organiser, fair):
    page = html(await organiser.get(f"/manage/passerelles/events/{fair.id}"))
    link = f"/manage/passerelles/events/{fair.id}/messages"
    assert page.select_one(f'.page-actions a[href="{link}"]') is not None
