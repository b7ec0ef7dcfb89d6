"""The scanner page at the door: a badge scanned (by camera, hand-held scanner or typed) shows a
large result card; the last check-in can be undone; a lost badge is found by name or phone."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from babel.dates import format_time

from server.i18n import BABEL_LOCALES
from server.models import CheckIn, Event, Organisation, Registration
from server.models.enums import CheckInKind, CheckInResult, RegistrationStatus, Role
from server.values.clock import EVENT_TIMEZONE
from tests.support import (
    badge_code,
    csrf_from,
    html,
    login,
    make_bare_attendee,
    make_event,
    make_organisation,
    make_registration,
    make_user,
    scan_card,
)

BASE = "/manage/passerelles/events"


@pytest.fixture
async def registration(fair) -> Registration:
    return await make_registration(fair, await make_bare_attendee(phone="+212612345678"))


async def open_scanner(client: httpx.AsyncClient, event: Event) -> str:
    """Log in as check-in staff, open the scanner, and return its CSRF token."""
    await login(client, "door@example.org")
    page = await client.get(f"{BASE}/{event.id}/scan")
    assert page.status_code == 200
    return csrf_from(page)


async def post_scan(
    client: httpx.AsyncClient, event: Event, token: str, code: str, gate: str = "B", **headers
) -> httpx.Response:
    data = {"code": code, "gate": gate, "csrf_token": token}
    return await client.post(f"{BASE}/{event.id}/scan", data=data, headers=headers)


async def kinds_of(registration: Registration) -> list[CheckInKind]:
    return [
        row.kind for row in await CheckIn.filter(registration_id=registration.id).order_by("id")
    ]


HTMX = {"HX-Request": "true"}


# --- the page ----------------------------------------------------------------------------------


@pytest.mark.parametrize("email", ["door@example.org", "orga@example.org"])
async def test_check_in_staff_and_organisers_open_the_scanner(client, fair, email):
    await login(client, email)
    page = await client.get(f"{BASE}/{fair.id}/scan")
    assert page.status_code == 200
    doc = html(page)
    form = doc.select_one("form#scan-form")
    assert form["action"] == form["hx-post"] == f"{BASE}/{fair.id}/scan"
    assert form.select_one("input[name=code]") and form.select_one("input[name=gate]")
    assert doc.select_one("#scan-result .scan-card")["data-result"] == "ready"
    assert doc.select_one("[data-scanner]")["data-scan-url"] == f"{BASE}/{fair.id}/scan"
    scripts = [tag.get("src", "") for tag in doc.select("script")]
    assert all(scripts), "no inline script: the Content-Security-Policy forbids it"
    assert [src.split("/static/")[1] for src in scripts[-2:]] == [
        "vendor/jsqr/jsQR.js",
        "js/scanner.js",
    ]
    assert not doc.select("[style]")
    assert page.headers["Cache-Control"] == "no-store"


async def test_the_scanner_is_linked_from_the_event_and_the_walk_in_page(client, fair):
    await login(client, "orga@example.org")
    for path in (f"{BASE}/{fair.id}", f"{BASE}/{fair.id}/walk-in"):
        page = await client.get(path)
        assert html(page).select(f'a[href$="{BASE}/{fair.id}/scan"]'), path


async def test_staff_of_another_organisation_are_refused(client, fair):
    other = await make_organisation("autre", "Autre association")
    await make_user("stranger@example.org", organisation=other, role=Role.CHECKIN)
    await login(client, "stranger@example.org")
    assert (await client.get(f"{BASE}/{fair.id}/scan")).status_code == 403
    assert (await client.get(f"/manage/autre/events/{fair.id}/scan")).status_code == 404


# --- scanning ----------------------------------------------------------------------------------


async def test_a_valid_badge_shows_the_green_card_with_the_name(client, fair, registration):
    token = await open_scanner(client, fair)
    response = await post_scan(client, fair, token, badge_code(registration))
    assert response.status_code == 200
    result = scan_card(response)
    assert result["data-result"] == "ok"
    assert "scan-ok" in result["class"]
    assert "Aminata Diallo" in result.get_text()
    undo = result.select_one("form.scan-undo")
    assert undo["action"] == f"{BASE}/{fair.id}/scan/undo"
    assert undo.select_one("input[name=registration_id]")["value"] == str(registration.id)
    # Without JavaScript the whole page comes back, ready for the next badge at the same door.
    doc = html(response)
    assert doc.select_one("#field-code").has_attr("autofocus")
    assert doc.select_one("#field-code").get("value", "") == ""
    assert doc.select_one("#field-gate")["value"] == "B"
    await registration.refresh_from_db()
    assert registration.checked_in_gate == "B"
    (row,) = await CheckIn.filter(registration_id=registration.id)
    assert (row.kind, row.result, row.gate) == (CheckInKind.ENTRY, CheckInResult.OK, "B")


async def test_the_door_is_remembered_for_the_next_visit(client, fair, registration):
    token = await open_scanner(client, fair)
    await post_scan(client, fair, token, badge_code(registration), gate="Porte nord")
    page = await client.get(f"{BASE}/{fair.id}/scan")
    assert html(page).select_one("#field-gate")["value"] == "Porte nord"


async def test_a_second_scan_shows_the_orange_card_with_time_and_door(client, fair, registration):
    token = await open_scanner(client, fair)
    await post_scan(client, fair, token, badge_code(registration), gate="B")
    response = await post_scan(client, fair, token, badge_code(registration), gate="C")
    result = scan_card(response)
    assert result["data-result"] == "already_checked_in"
    assert "scan-warning" in result["class"]
    await registration.refresh_from_db()
    came_in = format_time(
        registration.checked_in_at.astimezone(EVENT_TIMEZONE), "short", locale=BABEL_LOCALES["fr"]
    )
    text = result.get_text()
    assert "Aminata Diallo" in text and came_in in text and "B" in text
    assert not result.select("form.scan-undo")


async def test_the_card_speaks_the_staff_members_language(client, fair, registration):
    token = await open_scanner(client, fair)
    await post_scan(client, fair, token, badge_code(registration))
    english = scan_card(
        await client.post(
            f"{BASE}/{fair.id}/scan?lang=en",
            data={"code": badge_code(registration), "gate": "B", "csrf_token": token},
        )
    )
    assert "Aminata Diallo is already checked in." in english.get_text()
    assert html(await client.get(f"{BASE}/{fair.id}/scan")).html["lang"] == "en"


async def test_a_badge_of_another_event_shows_the_red_card(client, fair):
    other_event = await make_event(await Organisation.get(slug="passerelles"), "autre-salon")
    elsewhere = await make_registration(other_event)
    token = await open_scanner(client, fair)
    result = scan_card(await post_scan(client, fair, token, badge_code(elsewhere)))
    assert result["data-result"] == "wrong_event"
    assert "scan-refused" in result["class"]
    assert not result.select("form.scan-undo")
    assert await Registration.filter(checked_in_at__isnull=False).count() == 0


@pytest.mark.parametrize(
    ("status", "result_code"),
    [
        (RegistrationStatus.CANCELLED, "cancelled"),
        (RegistrationStatus.WAITLISTED, "waitlisted"),
    ],
)
async def test_a_refused_registration_shows_the_red_card_with_the_name(
    client, fair, status, result_code
):
    registration = await make_registration(
        fair, await make_bare_attendee("Moussa", "Traoré"), status
    )
    token = await open_scanner(client, fair)
    result = scan_card(await post_scan(client, fair, token, badge_code(registration)))
    assert (result["data-result"], "scan-refused" in result["class"]) == (result_code, True)
    assert "Moussa Traoré" in result.select_one(".scan-name").get_text()


async def test_garbage_is_not_valid(client, fair):
    token = await open_scanner(client, fair)
    result = scan_card(await post_scan(client, fair, token, "https://example.org/not-a-badge"))
    assert (result["data-result"], "scan-refused" in result["class"]) == ("invalid", True)


async def test_a_door_name_that_is_too_long_is_refused_with_422(client, fair, registration):
    token = await open_scanner(client, fair)
    response = await post_scan(client, fair, token, badge_code(registration), gate="x" * 41, **HTMX)
    assert response.status_code == 422
    assert scan_card(response)["data-result"] == "error"
    assert await CheckIn.all().count() == 0


async def test_with_htmx_only_the_card_is_returned(client, fair, registration):
    token = await open_scanner(client, fair)
    response = await post_scan(client, fair, token, badge_code(registration), **HTMX)
    assert response.status_code == 200
    assert "<html" not in response.text and "scan-form" not in response.text
    assert response.text.strip().startswith("<article")
    assert scan_card(response)["data-result"] == "ok"
    assert "HX-Request" in response.headers["Vary"]


async def test_a_scan_without_the_csrf_token_is_refused(client, fair, registration):
    await open_scanner(client, fair)
    response = await client.post(f"{BASE}/{fair.id}/scan", data={"code": badge_code(registration)})
    assert response.status_code == 403
    assert await CheckIn.all().count() == 0


async def test_the_camera_request_with_the_csrf_header_is_accepted(client, fair, registration):
    """What scanner.js sends: the token in X-CSRF-Token, not in the form."""
    token = await open_scanner(client, fair)
    response = await client.post(
        f"{BASE}/{fair.id}/scan",
        data={"code": badge_code(registration), "gate": "A"},
        headers={"X-CSRF-Token": token, "Accept": "text/html", **HTMX},
    )
    assert response.status_code == 200
    assert scan_card(response)["data-result"] == "ok"


# --- undo ------------------------------------------------------------------------------------


async def test_undo_writes_an_undo_row_and_the_badge_scans_green_again(client, fair, registration):
    token = await open_scanner(client, fair)
    await post_scan(client, fair, token, badge_code(registration))
    response = await client.post(
        f"{BASE}/{fair.id}/scan/undo",
        data={"registration_id": str(registration.id), "csrf_token": token},
        headers=HTMX,
    )
    assert response.status_code == 200
    result = scan_card(response)
    assert result["data-result"] == "undone" and "Aminata Diallo" in result.get_text()
    await registration.refresh_from_db()
    assert registration.checked_in_at is None
    assert await kinds_of(registration) == [CheckInKind.ENTRY, CheckInKind.UNDO]

    again = scan_card(await post_scan(client, fair, token, badge_code(registration)))
    assert again["data-result"] == "ok"
    assert await kinds_of(registration) == [CheckInKind.ENTRY, CheckInKind.UNDO, CheckInKind.ENTRY]


async def test_undo_when_nobody_is_checked_in_answers_409(client, fair, registration):
    token = await open_scanner(client, fair)
    response = await client.post(
        f"{BASE}/{fair.id}/scan/undo",
        data={"registration_id": str(registration.id), "csrf_token": token},
    )
    assert response.status_code == 409
    assert scan_card(response)["data-result"] == "error"
    assert await CheckIn.all().count() == 0


async def test_undo_of_another_events_registration_is_not_found(client, fair):
    other_event = await make_event(await Organisation.get(slug="passerelles"), "autre-salon")
    elsewhere = await make_registration(other_event)
    await Registration.filter(id=elsewhere.id).update(checked_in_at=datetime.now(UTC))
    token = await open_scanner(client, fair)
    for registration_id in (str(elsewhere.id), "not-a-number"):
        response = await client.post(
            f"{BASE}/{fair.id}/scan/undo",
            data={"registration_id": registration_id, "csrf_token": token},
        )
        assert response.status_code == 404
    assert await CheckIn.all().count() == 0


# --- lost badge --------------------------------------------------------------------------------


async def test_search_finds_by_name_and_phone_within_the_event_only(client, fair, registration):
    await make_registration(fair, await make_bare_attendee("Moussa", "Traoré"))
    other_event = await make_event(await Organisation.get(slug="passerelles"), "autre-salon")
    await make_registration(
        other_event, await make_bare_attendee("Aminata", "Koné", "+212698765432")
    )
    await open_scanner(client, fair)
    for query in ("amin", "DIALLO", "06 12 34 56 78", "+212612345678"):
        response = await client.get(
            f"{BASE}/{fair.id}/scan/search", params={"q": query}, headers=HTMX
        )
        assert response.status_code == 200
        assert "<html" not in response.text
        names = [tag.get_text(strip=True) for tag in html(response).select(".scan-match-name")]
        assert names == ["Aminata Diallo"], query
    nobody = await client.get(f"{BASE}/{fair.id}/scan/search", params={"q": "0698765432"})
    assert html(nobody).select(".scan-match") == []
    assert html(nobody).select_one("#field-q")["value"] == "0698765432"  # the whole page


async def test_a_search_result_checks_the_person_in_by_badge_serial(client, fair, registration):
    token = await open_scanner(client, fair)
    await post_scan(client, fair, token, "nothing", gate="Porte sud")  # remembers the door
    found = await client.get(f"{BASE}/{fair.id}/scan/search", params={"q": "Diallo"})
    form = html(found).select_one(".scan-match form")
    assert form["hx-post"] == f"{BASE}/{fair.id}/scan" and form["hx-target"] == "#scan-result"
    data = {field["name"]: field["value"] for field in form.select("input[type=hidden]")}
    assert data["code"] == registration.badge_serial
    response = await client.post(form["action"], data=data)
    assert scan_card(response)["data-result"] == "ok"
    await registration.refresh_from_db()
    assert registration.checked_in_gate == "Porte sud"
