"""CSRF, security headers and who may open the back office."""

from __future__ import annotations

import base64
import json

import httpx
import pytest

from server.models.enums import Role
from tests.support import csrf_from, html, login, make_event, make_organisation, make_user
from tests.test_routes import ANONYMOUS, published_event  # noqa: F401 - a fixture used below

SESSION_COOKIE = "tremplin_session"
ANONYMOUS_PAGES = sorted(
    name
    for name, (method, _path, status) in ANONYMOUS.items()
    if method == "GET" and status == 200 and name not in {"static", "health", "api:openapi"}
)


async def test_a_post_without_csrf_token_is_refused(client):
    await make_user("salma@example.org")
    response = await client.post(
        "/login", data={"email": "salma@example.org", "password": "correct horse battery"}
    )
    assert response.status_code == 403
    assert "a expiré" in html(response).select_one("main").get_text()


async def test_a_post_with_a_wrong_csrf_token_is_refused(client):
    await client.get("/login")
    response = await client.post("/login", data={"email": "a@b.c", "csrf_token": "forged"})
    assert response.status_code == 403


async def test_htmx_requests_send_the_token_in_a_header(client):
    await make_user("salma@example.org")
    await login(client, "salma@example.org")
    token = csrf_from(await client.get("/account"))
    response = await client.post("/logout", headers={"X-CSRF-Token": token, "HX-Request": "true"})
    assert response.status_code == 303


async def test_the_csrf_token_changes_at_login(client):
    await make_user("salma@example.org")
    before = csrf_from(await client.get("/login"))
    await login(client, "salma@example.org")
    assert csrf_from(await client.get("/account")) != before


async def test_pages_carry_security_headers(client):
    response = await client.get("/")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"


async def test_pages_have_no_inline_script(client):
    page = html(await client.get("/login"))
    assert all(script.get("src") for script in page.find_all("script"))


async def test_an_organiser_cannot_open_another_organisations_pages(client):
    mine = await make_organisation("passerelles", "Passerelles")
    await make_organisation("emploi-inclusion", "Emploi Inclusion")
    await make_user("salma@example.org", organisation=mine)
    await login(client, "salma@example.org")
    assert (await client.get("/manage/passerelles/")).status_code == 200
    for path in ("/manage/emploi-inclusion/", "/manage/emploi-inclusion/members"):
        response = await client.get(path)
        assert response.status_code == 403
        assert "Emploi Inclusion" not in response.text


async def test_checkin_staff_cannot_open_the_organiser_pages(client):
    organisation = await make_organisation()
    await make_user("door@example.org", organisation=organisation, role=Role.CHECKIN)
    await login(client, "door@example.org")
    assert (await client.get("/manage/passerelles/")).status_code == 403


async def test_an_owner_can_open_the_organiser_pages(client):
    organisation = await make_organisation()
    await make_user("boss@example.org", organisation=organisation, role=Role.OWNER, name="Boss")
    await login(client, "boss@example.org")
    members = await client.get("/manage/passerelles/members")
    assert members.status_code == 200
    assert [td.text for td in html(members).select("tbody td:first-child")] == ["Boss"]


async def test_an_unknown_organisation_is_not_found(client):
    await make_user("salma@example.org")
    await login(client, "salma@example.org")
    assert (await client.get("/manage/nowhere/")).status_code == 404


async def test_anonymous_visitors_are_sent_to_login(client):
    await make_organisation()
    response = await client.get("/manage/passerelles/")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fmanage%2Fpasserelles%2F"


async def test_a_non_ascii_csrf_token_is_refused_not_a_server_error(client):
    await client.get("/login")
    response = await client.post("/login", data={"email": "a@b.c", "csrf_token": "é"})
    assert response.status_code == 403
    response = await client.post("/logout", headers={"X-CSRF-Token": "ü".encode("latin-1")})
    assert response.status_code == 403


async def test_a_malformed_multipart_body_is_refused_not_a_server_error(client):
    await client.get("/login")
    response = await client.post(
        "/login", content=b"garbage", headers={"Content-Type": "multipart/form-data"}
    )
    assert response.status_code == 403


async def test_checkin_staff_land_on_their_account_not_on_a_refusal(client):
    organisation = await make_organisation()
    await make_user("door@example.org", organisation=organisation, role=Role.CHECKIN)
    response = await login(client, "door@example.org")
    assert response.headers["location"] == "/account"
    account = html(await client.get("/account"))
    assert account.select("a[href='/manage/passerelles/']") == []
    assert (await client.get("/manage/")).headers["location"] == "/account"


async def test_language_links_do_not_trust_the_host_header(client):
    response = await client.get("/login?next=/account", headers={"Host": "evil.example"})
    links = [a["href"] for a in html(response).select(".language-switch a")]
    assert links[0] == "/login?next=%2Faccount&lang=fr"
    assert all("evil.example" not in link for link in links)


async def test_a_bearer_header_does_not_skip_csrf_outside_the_api(client):
    await make_user("salma@example.org")
    await login(client, "salma@example.org")
    response = await client.post("/logout", headers={"Authorization": "Bearer anything"})
    assert response.status_code == 403


async def test_checkin_staff_find_the_door_tools_of_their_events_on_their_account(client):
    organisation = await make_organisation()
    fair = await make_event(organisation, "salon")
    await make_event(await make_organisation("autre", "Autre"), "ailleurs")
    await make_user("door@example.org", organisation=organisation, role=Role.CHECKIN)
    await login(client, "door@example.org")
    page = html(await client.get("/account"))
    links = [a["href"] for a in page.select(".door-list a")]
    assert links == [
        f"/manage/passerelles/events/{fair.id}/scan",
        f"/manage/passerelles/events/{fair.id}/walk-in",
    ]
    assert (await client.get(links[0])).status_code == 200


async def test_an_htmx_request_without_a_session_is_sent_to_login_as_a_whole_page(client):
    await make_organisation()
    response = await client.get("/manage/passerelles/", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response.headers["hx-redirect"] == "/login?next=%2Fmanage%2Fpasserelles%2F"


# --- the session cookie and the CSRF token of anonymous visitors ---------------------------------


def session_of(response: httpx.Response) -> dict | None:
    """The session a response sets, decoded (its signature is the middleware's business)."""
    cookie = response.cookies.get(SESSION_COOKIE)
    if cookie is None:
        return None
    data = cookie.split(".")[0]
    return json.loads(base64.b64decode(data + "=" * (-len(data) % 4)))


@pytest.mark.usefixtures("published_event")
async def test_an_anonymous_visit_to_a_page_without_a_form_writes_no_session(client):
    for path in ("/", "/events/job-fair"):
        response = await client.get(path)
        assert response.status_code == 200
        assert session_of(response) is None
        assert "set-cookie" not in response.headers
        assert html(response).body.get("hx-headers") is None


@pytest.mark.usefixtures("published_event")
@pytest.mark.parametrize("name", ANONYMOUS_PAGES)
async def test_every_form_an_anonymous_visitor_sees_carries_the_sessions_token(app, name):
    _method, path, _status = ANONYMOUS[name]
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as visitor:
        response = await visitor.get(path)
    forms = html(response).select("form[method=post]")
    session = session_of(response)
    if not forms:
        assert session is None, f"{path} has no form but writes a session"
        return
    assert session is not None and session["csrf"]
    for form in forms:
        assert form.select_one("input[name=csrf_token]")["value"] == session["csrf"]


async def test_a_page_with_a_form_gives_its_token_to_htmx_on_the_next_page(client):
    login_page = await client.get("/login")
    token = csrf_from(login_page)
    assert session_of(login_page)["csrf"] == token
    response = await client.get("/")
    assert json.loads(html(response).body["hx-headers"]) == {"X-CSRF-Token": token}
    assert session_of(response) is None  # known already: not written again


async def test_signed_in_pages_give_htmx_the_sessions_token(client):
    await make_user("salma@example.org")
    await login(client, "salma@example.org")
    page = await client.get("/")
    header = json.loads(html(page).body["hx-headers"])
    assert header == {"X-CSRF-Token": csrf_from(await client.get("/account"))}
