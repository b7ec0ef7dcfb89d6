"""Asking for the personal link again (`/link`) cannot be used to send texts at our cost: a
known mobile number only, the same answer whatever happened, and caps per number, per client
address and for the whole instance, which hold when fifty requests arrive at once. A sign-up's
confirmation text counts under the same caps."""

from __future__ import annotations

import asyncio
import os
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from server.models import Attendee, OutboxMessage, Registration
from server.models.enums import Channel
from server.services.ratelimit import RedisFailureStore, TextAllowance
from tests.support import csrf_from, html, make_event, make_organisation, new_client

PHONE = "+212612345678"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


async def known(phone: str = PHONE, **extra) -> Attendee:
    return await Attendee.create(
        first_name="Fatou", phone=phone, consent_processing_at=datetime.now(UTC), **extra
    )


async def ask(client, phone: str):
    page = await client.get("/link?lang=en")
    return await client.post("/link", data={"phone": phone, "csrf_token": csrf_from(page)})


def answer(response) -> str:
    return html(response).select_one("main").get_text(" ", strip=True)


async def texts_sent() -> int:
    return await OutboxMessage.filter(channel=Channel.SMS).count()


def allowance(app, **caps: int) -> None:
    """Give the app other caps (per_number, per_address, per_hour)."""
    current = app.state.text_allowance
    defaults = {"per_number": 3, "per_address": 20, "per_hour": 300}
    app.state.text_allowance = TextAllowance(
        current.store, secret="test-secret", **(defaults | caps)
    )


# --- the answer -------------------------------------------------------------------------------


async def test_a_known_and_an_unknown_number_get_the_same_answer(client, db):
    await known()
    for_known = await ask(client, "06 12 34 56 78")
    for_unknown = await ask(client, "06 99 88 77 66")
    assert for_known.status_code == for_unknown.status_code == 200
    assert answer(for_known) == answer(for_unknown)
    assert await texts_sent() == 1


async def test_a_capped_request_gets_the_same_answer_and_sends_nothing(client, app, db):
    allowance(app, per_number=1)
    await known()
    first, second = await ask(client, PHONE), await ask(client, PHONE)
    assert answer(first) == answer(second)
    assert await texts_sent() == 1


async def test_a_fixed_line_is_refused_next_to_the_field(client, db):
    await known("+212522123456")  # a Casablanca landline
    response = await ask(client, "05 22 12 34 56")
    assert response.status_code == 422
    error = html(response).select_one("#error-phone").get_text()
    assert "mobile" in error
    assert await OutboxMessage.all().count() == 0


# --- the caps ---------------------------------------------------------------------------------


async def test_one_address_is_capped_whatever_the_numbers(client, app, db):
    allowance(app, per_address=2)
    for number in range(1, 5):
        await known(f"+2126120000{number:02d}")
        await ask(client, f"+2126120000{number:02d}")
    assert await texts_sent() == 2


async def test_the_instance_is_capped_whatever_the_addresses(app, db):
    allowance(app, per_hour=2)
    for number in range(1, 5):
        await known(f"+2126120000{number:02d}")
        async with await new_client(app, f"198.51.100.{number}") as visitor:
            await ask(visitor, f"+2126120000{number:02d}")
    assert await texts_sent() == 2


async def test_made_up_numbers_do_not_use_up_the_instance_hour(client, app, db):
    allowance(app, per_hour=1)
    for number in range(1, 6):
        await ask(client, f"+2126999999{number:02d}")  # nobody has these numbers
    await known()
    async with await new_client(app, "198.51.100.7") as visitor:
        await ask(visitor, PHONE)
    assert await texts_sent() == 1


async def fifty_at_once(app) -> int:
    visitors = [await new_client(app, f"198.51.100.{n}") for n in range(1, 51)]
    try:
        pages = [await visitor.get("/link") for visitor in visitors]
        responses = await asyncio.gather(
            *(
                visitor.post("/link", data={"phone": PHONE, "csrf_token": csrf_from(page)})
                for visitor, page in zip(visitors, pages, strict=True)
            )
        )
    finally:
        for visitor in visitors:
            await visitor.aclose()
    assert {response.status_code for response in responses} == {200}
    return await texts_sent()


async def test_fifty_requests_at_once_for_one_number_send_at_most_the_cap(app, db):
    await known()
    # Each request is counted before it is decided, so a burst may even use up the hour
    # without a text leaving; never more than the cap leave.
    assert await fifty_at_once(app) <= app.state.settings.texts_per_number == 3


async def test_the_redis_store_holds_the_cap_too(app, db):
    store = RedisFailureStore("redis://127.0.0.1:6379/15")
    try:
        await store.redis.ping()
    except RedisConnectionError:
        await store.close()
        if IN_CI:
            pytest.fail("Redis is not running on 127.0.0.1:6379", pytrace=False)
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    await store.redis.flushdb()
    app.state.text_allowance = TextAllowance(
        store, secret="redis-test", per_number=3, per_address=20, per_hour=300
    )
    try:
        await known()
        assert await fifty_at_once(app) == 3  # Redis counts atomically: the first three go
    finally:
        await store.redis.flushdb()
        await store.close()


async def test_numbers_are_not_written_in_the_store(client, db):
    from server.models import LoginFailure

    await known()
    await ask(client, PHONE)
    keys = await LoginFailure.all().values_list("key", flat=True)
    assert len(keys) == 3
    assert not [key for key in keys if "612345678" in key]


# --- a sign-up's confirmation -----------------------------------------------------------------


async def sign_up(client, phone: str) -> None:
    page = await client.get("/events/salon/register")
    form = {
        "phone": phone,
        "first_name": "Aminata",
        "last_name": "Diallo",
        "email": f"{phone[-4:]}@example.org",
        "gender": "female",
        "legal_status": "regularised",
        "education_level": "secondary",
        "consent_processing": "yes",
        "csrf_token": csrf_from(page),
    }
    assert (await client.post("/events/salon/register", data=form)).status_code == 303


async def test_sign_ups_from_one_address_over_the_cap_are_registered_without_a_text(
    client, app, settings, db
):
    app.state.settings = replace(settings, texts_per_address=2)
    allowance(app, per_address=2)
    await make_event(await make_organisation())
    for number in range(1, 4):
        await sign_up(client, f"+2126120000{number:02d}")
    assert await Registration.all().count() == 3
    assert await texts_sent() == 2
    assert await OutboxMessage.filter(channel=Channel.EMAIL).count() == 3
