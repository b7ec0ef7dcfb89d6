"""SMS and WhatsApp through Apprise, with real parts: the worker (`python -m server worker`, a
real process) sends to a real HTTP server on 127.0.0.1 standing for the provider, through
Apprise's generic `json://` target; the provider's answers decide between a retry and a
failure; a killed worker loses nothing; the README's provider URLs are Apprise URLs."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import apprise
import pytest
from apprise.plugins.custom_json import NotifyJSON

from server.config import Settings
from server.models import OutboxMessage
from server.models.enums import Channel, MessageKind, OutboxStatus
from server.notifications.delivery import deliver_due, notifiers_for
from server.notifications.texts import (
    ProviderState,
    address_for,
    is_retried,
    provider_state,
)
from tests.support import csrf_from, free_port, make_event, make_organisation

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
PHONE = "+212612345678"


@dataclass
class Receiver:
    """A real HTTP server standing for the SMS provider. It keeps every request it gets and
    answers each with the next planned (status, body), then 200; `delay` slows every answer."""

    port: int
    requests: list[dict] = field(default_factory=list)
    plan: list[tuple[int, str]] = field(default_factory=list)
    delay: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def sms_url(self) -> str:
        return f"json://127.0.0.1:{self.port}/sms?:to={{to}}"

    def answer(self, payload: dict) -> tuple[int, str]:
        with self.lock:
            self.requests.append(payload)
            return self.plan.pop(0) if self.plan else (200, '{"status": "queued"}')


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver(free_port())

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("content-length", 0))
            status, body = found.answer(json.loads(self.rfile.read(length)))
            time.sleep(found.delay)
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *args: object) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", found.port), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield found
    finally:
        server.shutdown()
        server.server_close()


class Worker:
    """`python -m server worker` in its own process, against the test's database."""

    def __init__(self, settings: Settings, sms_url: str, log: Path) -> None:
        env = {
            **os.environ,
            "DATABASE_URL": settings.database_url,
            "SECRET_KEY": settings.secret_key,
            "DATA_DIR": str(settings.data_dir),
            "SMS_URL": sms_url,
        }
        self.log = log
        with log.open("a") as output:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "server", "worker"],
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )

    def stop(self) -> str:
        """Stop it as the platform does (SIGTERM); its log."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=30)
        return self.log.read_text()

    def kill(self) -> None:
        """Stop it dead (SIGKILL), in the middle of whatever it was sending."""
        self.process.kill()
        self.process.wait(timeout=30)


@pytest.fixture
def start_worker(settings, tmp_path) -> Iterator[Callable[[str], Worker]]:
    started: list[Worker] = []

    def start(sms_url: str) -> Worker:
        started.append(Worker(settings, sms_url, tmp_path / f"worker{len(started)}.log"))
        return started[-1]

    yield start
    for worker in started:
        worker.stop()


async def eventually(check: Callable, *, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not await check():
        assert time.monotonic() < deadline, "the worker did not get there in time"
        await asyncio.sleep(0.1)


async def sign_up(client, *, lang: str) -> None:
    page = await client.get(f"/events/salon/register?lang={lang}")
    form = {
        "phone": "06 12 34 56 78",
        "first_name": "Aminata",
        "last_name": "Diallo",
        "gender": "female",
        "legal_status": "regularised",
        "education_level": "secondary",
        "consent_processing": "yes",
        "csrf_token": csrf_from(page),
    }
    response = await client.post("/events/salon/register", data=form)
    assert response.status_code == 303, response.text[:300]


async def queue_texts(count: int) -> list[OutboxMessage]:
    organisation = await make_organisation()
    return [
        await OutboxMessage.create(
            channel=Channel.SMS,
            recipient=f"+2126{number:08d}",
            body=f"Passerelles: message {number}",
            organisation=organisation,
            kind=MessageKind.REMINDER,
        )
        for number in range(1, count + 1)
    ]


async def one_message() -> OutboxMessage:
    return await OutboxMessage.get()


# --- end to end, with the worker process ------------------------------------------------------


async def test_a_sign_up_reaches_the_provider_with_the_number_and_the_text(
    client, receiver, start_worker, db
):
    await make_event(await make_organisation(), title={"fr": "Salon", "ar": "معرض التوظيف"})
    await sign_up(client, lang="ar")
    (queued,) = await OutboxMessage.filter(channel=Channel.SMS)
    assert queued.status == OutboxStatus.PENDING

    worker = start_worker(receiver.sms_url)
    await eventually(lambda: OutboxMessage.filter(status=OutboxStatus.SENT).exists())
    log = worker.stop()

    (request,) = receiver.requests
    assert request["to"] == PHONE
    assert request["message"] == queued.body
    assert "معرض التوظيف" in request["message"]
    assert "/me/" in request["message"]  # the personal link of a first sign-up
    sent = await OutboxMessage.get(id=queued.id)
    assert (sent.attempts, sent.last_error) == (1, "")
    # The log never has the person's number nor the text.
    assert "outbox worker started" in log
    for secret in ("612345678", "معرض", "/me/"):
        assert secret not in log


async def test_a_provider_answering_500_is_tried_again(receiver, start_worker, db):
    receiver.plan = [(500, '{"error": "try later"}')]
    (message,) = await queue_texts(1)
    worker = start_worker(receiver.sms_url)

    async def attempted() -> bool:
        return (await OutboxMessage.get(id=message.id)).attempts == 1

    await eventually(attempted)
    retried = await OutboxMessage.get(id=message.id)
    assert retried.status == OutboxStatus.PENDING
    assert "error=500" in retried.last_error
    assert retried.next_attempt_at > datetime.now(UTC) + timedelta(seconds=30)

    # A minute later (the back-off), the second attempt goes through.
    await OutboxMessage.filter(id=message.id).update(next_attempt_at=datetime.now(UTC))
    await eventually(lambda: OutboxMessage.filter(status=OutboxStatus.SENT).exists())
    worker.stop()
    assert [r["message"] for r in receiver.requests] == [message.body] * 2
    assert (await OutboxMessage.get(id=message.id)).attempts == 2


async def test_a_provider_answering_400_fails_the_message_with_its_reason(
    receiver, start_worker, db
):
    receiver.plan = [(400, '{"error": "unknown subscriber +212600000001"}')]
    (message,) = await queue_texts(1)
    worker = start_worker(receiver.sms_url)
    await eventually(lambda: OutboxMessage.filter(status=OutboxStatus.FAILED).exists())
    await asyncio.sleep(2.5)  # one more poll of the worker: nothing is tried again
    worker.stop()

    failed = await OutboxMessage.get(id=message.id)
    assert failed.attempts == 1
    assert "error=400" in failed.last_error
    assert "unknown subscriber" in failed.last_error
    assert "600000001" not in failed.last_error  # the number the provider echoed is not kept
    assert len(receiver.requests) == 1


async def test_nothing_is_lost_when_the_worker_is_killed_mid_batch(receiver, start_worker, db):
    messages = await queue_texts(30)
    receiver.delay = 0.15
    first = start_worker(receiver.sms_url)

    async def some_received() -> bool:
        return len(receiver.requests) >= 5

    await eventually(some_received)
    first.kill()
    statuses = await OutboxMessage.all().values_list("status", flat=True)
    assert len(statuses) == 30
    assert set(statuses) <= {OutboxStatus.SENT, OutboxStatus.PENDING}
    assert statuses.count(OutboxStatus.PENDING) >= 10  # the rest of the batch, and the next

    # The claimed messages come back when their lease ends (here: now), and a new worker sends
    # them: every message reaches the provider at least once.
    await OutboxMessage.filter(status=OutboxStatus.PENDING).update(
        next_attempt_at=datetime.now(UTC)
    )
    receiver.delay = 0.0
    start_worker(receiver.sms_url)

    async def all_sent() -> bool:
        return await OutboxMessage.filter(status=OutboxStatus.SENT).count() == 30

    await eventually(all_sent)
    assert {r["message"] for r in receiver.requests} == {m.body for m in messages}


# --- the provider's answers, in the worker's own process -------------------------------------


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (429, OutboxStatus.PENDING),
        (503, OutboxStatus.PENDING),
        (401, OutboxStatus.PENDING),  # our credentials: mendable before the last attempt
        (404, OutboxStatus.FAILED),
        (422, OutboxStatus.FAILED),
    ],
)
async def test_each_answer_is_a_retry_or_a_failure(settings, receiver, db, status, outcome):
    receiver.plan = [(status, "{}")]
    (message,) = await queue_texts(1)
    notifiers = notifiers_for(replace(settings, sms_url=receiver.sms_url))
    assert await deliver_due(notifiers, now=datetime.now(UTC) + timedelta(seconds=1)) == 1
    tried = await OutboxMessage.get(id=message.id)
    assert (tried.status, tried.attempts) == (outcome, 1)
    assert f"error={status}" in tried.last_error


async def test_a_provider_that_cannot_be_reached_is_tried_again(settings, db):
    (message,) = await queue_texts(1)
    nobody = f"json://127.0.0.1:{free_port()}/sms?:to={{to}}"
    notifiers = notifiers_for(replace(settings, sms_url=nobody))
    await deliver_due(notifiers, now=datetime.now(UTC) + timedelta(seconds=1))
    tried = await OutboxMessage.get(id=message.id)
    assert tried.status == OutboxStatus.PENDING
    assert "Connection error" in tried.last_error


async def test_the_worker_waits_between_two_texts_as_long_as_apprise_asks(
    settings, receiver, db, monkeypatch
):
    await queue_texts(3)
    monkeypatch.setattr(NotifyJSON, "request_rate_per_sec", 0.3)  # json:// asks for no wait
    notifiers = notifiers_for(replace(settings, sms_url=receiver.sms_url))
    started = time.monotonic()
    await deliver_due(notifiers, now=datetime.now(UTC) + timedelta(seconds=1))
    assert time.monotonic() - started >= 0.6
    assert len(receiver.requests) == 3


@pytest.mark.parametrize(
    ("code", "retried"),
    [
        (None, True),  # no answer at all
        (500, True),
        (408, True),
        (400, False),
        (20429, True),  # Twilio: too many requests
        (21211, False),  # Twilio: not a valid 'To' number
        (130429, True),  # WhatsApp: rate limit
        (131026, False),  # WhatsApp: message undeliverable
        (100, False),  # WhatsApp: invalid parameter
    ],
)
def test_provider_codes_decide_between_retry_and_failure(code, retried):
    assert is_retried(code) is retried


async def test_without_sms_url_texts_stay_pending_and_are_never_marked_sent(settings, db):
    await queue_texts(2)
    assert Channel.SMS not in notifiers_for(settings)
    assert await deliver_due(notifiers_for(settings), now=datetime.now(UTC) + timedelta(1)) == 0
    assert set(await OutboxMessage.all().values_list("status", flat=True)) == {OutboxStatus.PENDING}


def test_a_url_apprise_refuses_sends_nothing(settings):
    assert provider_state("nope://sms") == ProviderState.INVALID
    assert provider_state("") == ProviderState.MISSING
    assert Channel.SMS not in notifiers_for(replace(settings, sms_url="nope://sms"))


# --- the recipient and the README's URLs ------------------------------------------------------


def test_the_number_is_added_as_the_to_parameter_or_in_place_of_to():
    assert address_for("twilio://AC1:t@+15017122661", PHONE) == (
        "twilio://AC1:t@+15017122661?to=%2B212612345678"
    )
    assert address_for("json://host/sms?:to={to}", PHONE) == "json://host/sms?:to=%2B212612345678"
    assert address_for("whatsapp://t:k@1/?lang={lang}", PHONE, "ar").endswith(
        "?lang=ar&to=%2B212612345678"
    )


def documented_urls() -> list[str]:
    """The provider URLs of the README: its table of providers and its worked examples."""
    text = README.read_text()
    table = re.findall(r"^\| [^|]+ \| `([a-z]+://[^`]+)` \|$", text, flags=re.MULTILINE)
    examples = re.findall(r"^export SMS_URL='([^']+)'", text, flags=re.MULTILINE)
    return table + examples


def test_the_readme_documents_twilio_vonage_httpsms_and_whatsapp():
    schemes = {url.split("://")[0] for url in documented_urls()}
    assert {"twilio", "vonage", "httpsms", "whatsapp"} <= schemes


@pytest.mark.parametrize("url", documented_urls())
def test_every_url_of_the_readme_is_an_apprise_url_with_its_recipient(url):
    plugin = apprise.Apprise.instantiate(address_for(url, PHONE, "fr"))
    assert plugin is not None, url
    if hasattr(plugin, "targets"):  # the providers' own schemes: the number is their target
        assert any("212612345678" in str(target) for target in plugin.targets), url


class Kept(logging.Handler):
    """What a handler of the process (the worker's `logging.basicConfig`) would write."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.name} {record.getMessage()}")


@pytest.fixture
def process_log() -> Iterator[Kept]:
    root = logging.getLogger()
    kept, level = Kept(), root.level
    root.addHandler(kept)
    root.setLevel(logging.INFO)  # as the worker runs
    try:
        yield kept
    finally:
        root.removeHandler(kept)
        root.setLevel(level)


async def test_a_phone_number_never_reaches_the_process_log(settings, receiver, db, process_log):
    receiver.plan = [(400, f'{{"error": "bad number {PHONE}"}}')]
    (message,) = await queue_texts(1)
    notifiers = notifiers_for(replace(settings, sms_url=receiver.sms_url))
    await deliver_due(notifiers, now=datetime.now(UTC) + timedelta(seconds=1))
    text = "\n".join(process_log.lines)
    assert f"sms message {message.id}, attempt 1: not delivered (400), failed" in text
    for secret in ("612345678", "600000001", message.body):
        assert secret not in text
    # Apprise's own lines (they name the recipient of some services) stay in the results.
    assert not [line for line in process_log.lines if line.startswith("apprise")]
