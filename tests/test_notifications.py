"""Notifications through the outbox: queued with the change, delivered by the worker over real
SMTP, retried with back-off, reminders queued once, and the organiser's outbox page."""

from __future__ import annotations

import asyncio
import email
import email.policy
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

import pytest
from aiosmtpd.controller import Controller
from babel.dates import format_date

from server.config import Settings
from server.i18n import current_language, set_language, translations
from server.models import Attendee, Event, Organisation, OutboxMessage
from server.models.enums import Channel, EventKind, EventStatus, OutboxStatus
from server.notifications import messages, queue_notice, queue_reminders
from server.notifications.delivery import (
    MAX_ATTEMPTS,
    claim_due,
    deliver_due,
    notifiers_for,
    retry_delay,
    run_worker,
)
from server.services.outbox import PAGE_SIZE
from server.services.registrations.seats import cancel, register
from server.values.clock import EVENT_TIMEZONE
from tests.support import (
    free_port,
    html,
    login,
    make_organisation,
    make_user,
    sign_up_form,
    submit_sign_up,
)

FAIR_TITLE = {"fr": "Salon de l'emploi", "ar": "معرض التوظيف", "en": "Job fair"}


class Inbox:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.received: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.received.append(
            email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        )
        return "250 Message accepted"


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server on 127.0.0.1, in its own thread."""
    handler = Inbox()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def smtp_settings(settings: Settings, port: int) -> Settings:
    return replace(settings, smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False)


async def make_event(
    organisation: Organisation, *, slug: str = "salon", starts_at: datetime | None = None, **extra
) -> Event:
    start = starts_at or datetime.now(UTC) + timedelta(days=14)
    fields = {
        "organisation": organisation,
        "slug": slug,
        "kind": EventKind.JOB_FAIR,
        "status": EventStatus.PUBLISHED,
        "title": FAIR_TITLE,
        "venue": "Espace Darna",
        "city": "Casablanca",
        "starts_at": start,
        "ends_at": start + timedelta(hours=6),
        "capacity": 100,
    }
    return await Event.create(**(fields | extra))


async def make_attendee(number: int, **extra) -> Attendee:
    fields = {
        "first_name": f"Person{number}",
        "phone": f"+2126{number:08d}",
        "consent_processing_at": datetime.now(UTC),
    }
    return await Attendee.create(**(fields | extra))


async def sign_up_by_form(client, slug: str, *, lang: str, email_address: str):
    response = await submit_sign_up(client, slug, sign_up_form(email=email_address), lang)
    assert response.status_code == 303, response.text[:500]
    return response


# --- confirmation, delivered over SMTP ---------------------------------------------------------


@pytest.mark.parametrize(("lang", "locale"), [("fr", "fr_MA"), ("ar", "ar_MA")])
async def test_the_confirmation_e_mail_reaches_the_smtp_server_in_the_persons_language(
    client, settings, inbox, lang, locale
):
    handler, port = inbox
    event = await make_event(await make_organisation())
    response = await sign_up_by_form(
        client, "salon", lang=lang, email_address="aminata@example.org"
    )

    queued = await OutboxMessage.all().order_by("channel")
    assert [(m.channel, m.language) for m in queued] == [(Channel.EMAIL, lang), (Channel.SMS, lang)]
    assert await deliver_due(notifiers_for(smtp_settings(settings, port))) == 1
    statuses = dict(await OutboxMessage.all().values_list("channel", "status"))
    assert statuses == {Channel.EMAIL: OutboxStatus.SENT, Channel.SMS: OutboxStatus.PENDING}

    (received,) = handler.received
    assert received["To"] == "aminata@example.org"
    assert received["Content-Language"] == lang
    title = FAIR_TITLE[lang]
    catalog = translations(lang)
    assert received["Subject"] == catalog.gettext("Registration confirmed: {event}").format(
        event=title
    )
    body = received.get_content()
    assert title in body
    assert format_date(event.starts_at.astimezone(EVENT_TIMEZONE), "full", locale=locale) in body
    assert "Espace Darna, Casablanca" in body
    # The personal link is the configured public address, and it opens the person's page.
    personal_path = response.headers["location"].split("?")[0]
    assert f"{settings.base_url}{personal_path}" in body
    assert (await client.get(personal_path)).status_code == 200


async def test_signing_up_again_queues_no_second_confirmation(client, db):
    await make_event(await make_organisation())
    await sign_up_by_form(client, "salon", lang="fr", email_address="")
    await sign_up_by_form(client, "salon", lang="fr", email_address="")
    assert [m.channel for m in await OutboxMessage.all()] == [Channel.SMS]


def test_building_a_message_gives_the_caller_its_language_back():
    attendee = Attendee(first_name="Awa", preferred_language="ar")
    start = datetime(2031, 3, 4, 9, 0, tzinfo=UTC)
    event = Event(title=FAIR_TITLE, city="Rabat", starts_at=start, ends_at=start)
    previous = current_language().code
    set_language("en")
    try:
        notice = messages.promotion(attendee, event, organisation="Passerelles")
        assert current_language().code == "en"
    finally:
        set_language(previous)
    assert notice.language == "ar"
    assert FAIR_TITLE["ar"] in notice.subject
    assert "مارس" in notice.body  # March, in Arabic


# --- promotion from the waiting list -----------------------------------------------------------


async def test_a_cancellation_queues_one_promotion_message_for_the_promoted_person(db):
    organisation = await make_organisation()
    event = await make_event(organisation, capacity=1)
    seated, waiting, later = [await make_attendee(n) for n in range(3)]
    first, _ = await register(event, seated.id)
    await register(event, waiting.id)
    await register(event, later.id)
    assert await OutboxMessage.all().count() == 0

    promoted = await cancel(first.id)

    assert promoted is not None and promoted.attendee_id == waiting.id
    (message,) = await OutboxMessage.all()
    assert message.attendee_id == waiting.id
    assert message.organisation_id == organisation.id
    assert message.channel == Channel.SMS and message.recipient == waiting.phone
    assert message.status == OutboxStatus.PENDING
    assert FAIR_TITLE["fr"] in message.body


async def test_cancelling_a_waiting_place_promotes_nobody_and_sends_nothing(db):
    event = await make_event(await make_organisation(), capacity=1)
    seated, waiting = [await make_attendee(n) for n in range(2)]
    await register(event, seated.id)
    waiting_registration, _ = await register(event, waiting.id)
    await cancel(waiting_registration.id)
    assert await OutboxMessage.all().count() == 0


# --- retries ----------------------------------------------------------------------------------


async def test_a_failing_mail_server_leads_to_back_off_then_failure(settings, db):
    organisation = await make_organisation()
    event = await make_event(organisation)
    person = await make_attendee(1, email="nobody@example.org", phone=None)
    notice = messages.promotion(person, event, organisation=organisation.name)
    (message,) = await queue_notice(person, notice, organisation_id=organisation.id)
    closed_port = free_port()  # nothing listens there
    notifiers = notifiers_for(smtp_settings(settings, closed_port))

    clock = datetime.now(UTC) + timedelta(seconds=1)
    for attempt in range(1, MAX_ATTEMPTS + 1):
        assert await deliver_due(notifiers, now=clock) == 1
        await message.refresh_from_db()
        assert message.attempts == attempt
        assert message.last_error
        if attempt < MAX_ATTEMPTS:
            assert message.status == OutboxStatus.PENDING
            assert message.next_attempt_at == clock + retry_delay(attempt)
            just_before = message.next_attempt_at - timedelta(seconds=1)
            assert await deliver_due(notifiers, now=just_before) == 0  # not due yet
            clock = message.next_attempt_at
    assert message.status == OutboxStatus.FAILED
    assert message.sent_at is None
    assert [retry_delay(n).total_seconds() / 60 for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert await deliver_due(notifiers, now=clock + timedelta(days=1)) == 0


async def test_two_workers_never_claim_the_same_message(db):
    organisation = await make_organisation()
    for n in range(30):
        await queue_for(organisation, n)
    later = datetime.now(UTC) + timedelta(seconds=1)
    batches = await asyncio.gather(
        *(claim_due([Channel.SMS], now=later, limit=10) for _ in range(4))
    )
    claimed = [message.id for batch in batches for message in batch]
    assert len(claimed) == len(set(claimed)) == 30


async def test_messages_wait_in_the_outbox_while_no_provider_is_set(settings, db):
    organisation = await make_organisation()
    event = await make_event(organisation)
    person = await make_attendee(1, email="awa@example.org")
    notice = messages.promotion(person, event, organisation=organisation.name)
    await queue_notice(person, notice, organisation_id=organisation.id)
    assert await deliver_due(notifiers_for(settings)) == 0  # neither SMTP_HOST nor SMS_URL
    statuses = dict(await OutboxMessage.all().values_list("channel", "status"))
    assert statuses == {Channel.EMAIL: OutboxStatus.PENDING, Channel.SMS: OutboxStatus.PENDING}


async def test_the_worker_delivers_and_stops_when_asked(settings, db, inbox):
    handler, port = inbox
    organisation = await make_organisation()
    event = await make_event(organisation)
    person = await make_attendee(1, email="awa@example.org")
    notice = messages.promotion(person, event, organisation=organisation.name)
    await queue_notice(person, notice, organisation_id=organisation.id)

    stop = asyncio.Event()
    worker = asyncio.create_task(run_worker(smtp_settings(settings, port), stop=stop))
    for _ in range(100):
        if await OutboxMessage.filter(status=OutboxStatus.SENT).exists():
            break
        await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait_for(worker, timeout=5)
    sent = await OutboxMessage.filter(status=OutboxStatus.SENT).values_list("channel", flat=True)
    assert sent == [Channel.EMAIL]  # the SMS waits for SMS_URL
    assert len(handler.received) == 1


# --- reminders --------------------------------------------------------------------------------


def tomorrow_at(hour: int) -> datetime:
    today = datetime.now(EVENT_TIMEZONE).date()
    return datetime.combine(today + timedelta(days=1), time(hour), tzinfo=EVENT_TIMEZONE)


async def test_reminders_are_queued_once_for_tomorrows_confirmed_registrations(db):
    organisation = await make_organisation()
    fair = await make_event(organisation, starts_at=tomorrow_at(9), capacity=2)
    workshop = await make_event(
        organisation,
        slug="atelier",
        parent=fair,
        kind=EventKind.WORKSHOP,
        title={"fr": "Atelier CV"},
        starts_at=tomorrow_at(11),
    )
    later = await make_event(organisation, slug="later", starts_at=tomorrow_at(9) + timedelta(2))
    people = [await make_attendee(n, email=f"p{n}@example.org") for n in range(4)]
    for person in people[:3]:
        await register(fair, person.id)  # two seats, the third waits
    await register(workshop, people[0].id)
    await register(later, people[3].id)
    cancelled = await make_attendee(9)
    await cancel((await register(fair, cancelled.id))[0].id)

    assert await queue_reminders() == 2
    reminded = await OutboxMessage.filter(channel=Channel.EMAIL).order_by("attendee_id")
    assert [m.attendee_id for m in reminded] == [people[0].id, people[1].id]
    assert "Atelier CV" in reminded[0].body and "Atelier CV" not in reminded[1].body
    assert await OutboxMessage.filter(channel=Channel.SMS).count() == 2

    assert await queue_reminders() == 0
    assert await OutboxMessage.all().count() == 4


async def test_two_reminder_runs_at_once_queue_each_reminder_once(db):
    organisation = await make_organisation()
    fair = await make_event(organisation, starts_at=tomorrow_at(9))
    for n in range(5):
        await register(fair, (await make_attendee(n)).id)
    counts = await asyncio.gather(queue_reminders(), queue_reminders())
    assert sum(counts) == 5
    assert await OutboxMessage.all().count() == 5


# --- the organiser's outbox page --------------------------------------------------------------


async def queue_for(organisation: Organisation, number: int, **extra) -> OutboxMessage:
    return await OutboxMessage.create(
        channel=Channel.SMS,
        recipient=f"+2126{number:08d}",
        body=f"Message {number} http://127.0.0.1:8000/me/secret-token-{number}",
        organisation=organisation,
        **extra,
    )


@pytest.fixture
async def two_outboxes(db) -> tuple[Organisation, Organisation]:
    ours = await make_organisation()
    theirs = await make_organisation("autre", "Autre association")
    await queue_for(ours, 1)
    await queue_for(ours, 2, status=OutboxStatus.FAILED, attempts=8, last_error="refused")
    await queue_for(theirs, 3)
    await make_user("orga@example.org", organisation=ours)
    return ours, theirs


@pytest.mark.usefixtures("two_outboxes")
async def test_the_outbox_page_shows_only_the_organisations_messages_newest_first(client):
    await login(client, "orga@example.org")
    page = html(await client.get("/manage/passerelles/outbox"))
    recipients = [td.get_text(strip=True) for td in page.select("tr.outbox-message span[dir]")]
    assert recipients == ["+212600000002", "+212600000001"]
    assert "secret-token" not in page.get_text()  # a personal link is not for organisers


@pytest.mark.usefixtures("two_outboxes")
async def test_the_outbox_page_filters_by_status(client):
    await login(client, "orga@example.org")
    response = await client.get(
        "/manage/passerelles/outbox?status=failed", headers={"HX-Request": "true"}
    )
    page = html(response)
    assert page.select_one("main") is None  # the fragment only
    rows = page.select("tr.outbox-message")
    assert [row["data-status"] for row in rows] == ["failed"]
    assert "refused" in rows[0].get_text()


async def test_the_outbox_page_has_pages_of_fifty(client, db):
    organisation = await make_organisation()
    await make_user("orga@example.org", organisation=organisation)
    for n in range(PAGE_SIZE + 1):
        await queue_for(organisation, n)
    await login(client, "orga@example.org")
    first = html(await client.get("/manage/passerelles/outbox"))
    assert len(first.select("tr.outbox-message")) == PAGE_SIZE
    second = html(await client.get(first.select_one("a[rel=next]")["href"]))
    assert len(second.select("tr.outbox-message")) == 1


async def test_another_organisations_outbox_is_refused(client, two_outboxes):
    await login(client, "orga@example.org")
    assert (await client.get("/manage/autre/outbox")).status_code == 403


async def test_anonymous_visitors_are_sent_to_login(client, two_outboxes):
    response = await client.get("/manage/passerelles/outbox")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")
