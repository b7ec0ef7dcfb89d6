"""Logging in and out, password changes and login throttling."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from server.models import User
from server.models.enums import Role
from server.services.ratelimit import LoginThrottle, RedisFailureStore
from tests.conftest import IN_CI
from tests.support import (
    PASSWORD,
    csrf_from,
    html,
    login,
    make_organisation,
    make_user,
    new_client,
)


async def test_wrong_password_rerenders_the_form_with_an_error(client):
    await make_user("salma@example.org")
    response = await login(client, "salma@example.org", "not the password")
    assert response.status_code == 422
    page = html(response)
    assert (
        page.select_one(".alert-error").get_text(strip=True)
        == "Adresse e-mail ou mot de passe incorrect."
    )
    assert page.select_one("input[name=email]")["value"] == "salma@example.org"
    assert (await client.get("/account")).status_code == 303


async def test_unknown_email_gets_the_same_answer_as_a_wrong_password(client):
    response = await login(client, "nobody@example.org", "whatever-password")
    assert response.status_code == 422
    assert "Adresse e-mail ou mot de passe incorrect." in response.text


async def test_organiser_login_lands_on_their_organisation(client):
    organisation = await make_organisation()
    await make_user("salma@example.org", organisation=organisation)
    response = await login(client, "Salma@Example.org ", PASSWORD)
    assert response.status_code == 303
    assert response.headers["location"] == "/manage/passerelles/"
    overview = await client.get("/manage/passerelles/")
    assert overview.status_code == 200
    assert html(overview).select_one("h1").get_text(strip=True) == "Événements"


async def test_login_follows_a_local_next_but_not_an_outside_one(client):
    await make_user("salma@example.org")
    page = await client.get("/login?next=/account")
    token = csrf_from(page)
    form = {"email": "salma@example.org", "password": PASSWORD, "csrf_token": token}
    response = await client.post("/login", data={**form, "next": "//evil.example/x"})
    assert response.headers["location"] == "/account"
    assert html(page).select_one("input[name=next]")["value"] == "/account"


async def test_logout_ends_the_session(client):
    await make_user("salma@example.org")
    await login(client, "salma@example.org")
    account = await client.get("/account")
    assert account.status_code == 200
    response = await client.post("/logout", data={"csrf_token": csrf_from(account)})
    assert response.status_code == 303
    assert (await client.get("/account")).headers["location"] == "/login?next=%2Faccount"


async def test_account_is_blocked_after_five_failures_even_with_the_right_password(app, client):
    await make_user("salma@example.org")
    for _ in range(5):
        assert (await login(client, "salma@example.org", "wrong-password")).status_code == 422
    other_browser = await new_client(app, address="198.51.100.7")
    async with other_browser:
        response = await login(other_browser, "salma@example.org", PASSWORD)
    assert response.status_code == 429
    assert "Trop de tentatives échouées" in html(response).select_one(".alert-error").text
    assert int(response.headers["retry-after"]) == 15 * 60


async def test_an_address_is_blocked_after_twenty_failures_across_accounts(client):
    for number in range(20):
        await login(client, f"guess{number}@example.org", "wrong-password")
    await make_user("salma@example.org")
    assert (await login(client, "salma@example.org", PASSWORD)).status_code == 429


async def test_a_successful_login_clears_the_account_failures(client):
    await make_user("salma@example.org")
    for _ in range(4):
        await login(client, "salma@example.org", "wrong-password")
    assert (await login(client, "salma@example.org", PASSWORD)).status_code == 303
    await client.post("/logout", data={"csrf_token": csrf_from(await client.get("/account"))})
    for _ in range(4):
        await login(client, "salma@example.org", "wrong-password")
    assert (await login(client, "salma@example.org", PASSWORD)).status_code == 303


async def test_redis_store_counts_and_clears_failures():
    store = RedisFailureStore("redis://127.0.0.1:6379/15")
    try:
        await store.redis.ping()
    except RedisConnectionError:
        await store.close()
        if IN_CI:
            pytest.fail("Redis is not running on 127.0.0.1:6379", pytrace=False)
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    throttle = LoginThrottle(store, per_account=2, per_address=10, window=timedelta(seconds=30))
    email = "redis-test@example.org"
    await store.clear(f"login:account:{email}")
    await store.clear("login:ip:192.0.2.1")
    try:
        assert not await throttle.attempt("192.0.2.1", email)
        assert not await throttle.attempt("192.0.2.1", email)
        assert await throttle.attempt("192.0.2.1", email)
        assert await store.redis.ttl(f"tremplin:login:account:{email}") <= 30
        await throttle.succeeded("192.0.2.1", email)
        assert not await throttle.attempt("192.0.2.1", email)
    finally:
        await store.clear("login:ip:192.0.2.1")
        await store.close()


async def test_password_change_with_a_wrong_current_password_shows_the_error(client):
    await make_user("salma@example.org")
    await login(client, "salma@example.org")
    page = await client.get("/account/password")
    response = await client.post(
        "/account/password",
        data={
            "csrf_token": csrf_from(page),
            "current_password": "not-it-at-all",
            "new_password": "a brand new password",
            "confirm_password": "a brand new password",
        },
    )
    assert response.status_code == 422
    error = html(response).select_one("#error-current_password")
    assert error.get_text(strip=True) == "Ce n'est pas votre mot de passe actuel."


async def test_password_change_logs_out_other_sessions(app, client):
    await make_user("salma@example.org")
    await login(client, "salma@example.org")
    other = await new_client(app)
    async with other:
        await login(other, "salma@example.org")
        assert (await other.get("/account")).status_code == 200
        page = await client.get("/account/password")
        response = await client.post(
            "/account/password",
            data={
                "csrf_token": csrf_from(page),
                "current_password": PASSWORD,
                "new_password": "a brand new password",
                "confirm_password": "a brand new password",
            },
        )
        assert response.status_code == 303
        assert (await other.get("/account")).status_code == 303
    account = await client.get("/account")
    assert account.status_code == 200
    assert "Votre mot de passe a été modifié" in account.text
    assert (await login(await new_client(app), "salma@example.org", PASSWORD)).status_code == 422
    user = await User.get(email="salma@example.org")
    assert user.session_epoch == 1


async def test_short_new_password_is_refused_next_to_the_field(client):
    await make_user("salma@example.org", role=Role.CHECKIN)
    await login(client, "salma@example.org")
    page = await client.get("/account/password")
    response = await client.post(
        "/account/password",
        data={
            "csrf_token": csrf_from(page),
            "current_password": PASSWORD,
            "new_password": "short",
            "confirm_password": "short",
        },
    )
    assert response.status_code == 422
    assert html(response).select_one("#error-new_password") is not None


async def test_a_very_long_email_is_an_ordinary_failed_login(client):
    response = await login(client, "a" * 400 + "@example.org", "whatever-password")
    assert response.status_code == 422


async def test_simultaneous_guesses_cannot_all_slip_under_the_account_limit(app, client):
    await make_user("salma@example.org")
    page = await client.get("/login")
    token = csrf_from(page)
    form = {"email": "salma@example.org", "password": "wrong-password", "csrf_token": token}
    responses = await asyncio.gather(*(client.post("/login", data=form) for _ in range(15)))
    statuses = [response.status_code for response in responses]
    assert statuses.count(422) <= 5
    assert statuses.count(429) >= 10
