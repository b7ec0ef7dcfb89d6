"""Check-in at the door (DESIGN §4): exactly one scan of a badge wins, every scan is recorded,
forged and foreign codes are refused, devices act only at their own event."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime

import pytest
from starlette.routing import Mount, Route

from server.app import routes
from server.codes.badges import make_badge_code
from server.i18n import DEFAULT_LANGUAGE, set_language
from server.models import CheckIn, DeviceToken, Event, Organisation, Registration
from server.models.enums import (
    CheckInKind,
    CheckInResult,
    EventKind,
    RegistrationStatus,
)
from server.services.door.checkin import CheckInError, perform_checkin, undo_checkin
from server.services.door.devices import (
    device_for_token,
    issue_device_token,
    revoke_device_token,
)
from tests.support import (
    SECRET_KEY,
    badge_code,
    csrf_from,
    html,
    login,
    make_bare_attendee,
    make_event,
    make_organisation,
    make_registration,
    make_user,
    new_client,
)

API = "/api/v1"


async def scan(event: Event, code: str, gate: str = "A", **extra):
    return await perform_checkin(event, code, secret_key=SECRET_KEY, gate=gate, **extra)


@pytest.fixture
def language():
    """Choose the language messages are shown in; back to the default afterwards."""
    yield set_language
    set_language(DEFAULT_LANGUAGE)


@pytest.fixture
async def registration(fair) -> Registration:
    return await make_registration(fair)


@pytest.fixture
async def device_token(fair) -> str:
    return await issue_device_token(fair, "Phone at door A", None)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def rows(**filters) -> list[CheckIn]:
    return await CheckIn.filter(**filters).order_by("id")


# --- the race -----------------------------------------------------------------------------------


async def test_twenty_doors_scanning_one_badge_at_once_let_it_in_once(fair, registration):
    code = badge_code(registration)
    outcomes = await asyncio.gather(*(scan(fair, code, gate=f"G{n}") for n in range(20)))
    results = sorted(outcome.code for outcome in outcomes)
    assert results == ["already_checked_in"] * 19 + ["ok"]
    entries = await rows(kind=CheckInKind.ENTRY)
    assert len(entries) == 1
    assert len(await rows()) == 20
    winner = next(outcome for outcome in outcomes if outcome.admitted)
    current = await Registration.get(id=registration.id)
    assert current.checked_in_gate == winner.gate == entries[0].gate
    for loser in (outcome for outcome in outcomes if not outcome.admitted):
        assert loser.gate == winner.gate
        assert loser.checked_in_at == current.checked_in_at


async def test_twenty_devices_posting_one_badge_at_once_let_it_in_once(app, fair, registration):
    tokens = [await issue_device_token(fair, f"Phone {n}", None) for n in range(20)]
    code = badge_code(registration)
    clients = [await new_client(app, f"203.0.113.{n + 20}") for n in range(20)]
    try:
        answers = await asyncio.gather(
            *(
                http.post(
                    f"{API}/checkin", json={"code": code, "gate": f"G{n}"}, headers=bearer(token)
                )
                for n, (http, token) in enumerate(zip(clients, tokens, strict=True))
            )
        )
    finally:
        for http in clients:
            await http.aclose()
    assert [answer.status_code for answer in answers] == [200] * 20
    statuses = sorted(answer.json()["status"] for answer in answers)
    assert statuses == ["already_checked_in"] * 19 + ["ok"]
    assert len(await rows(kind=CheckInKind.ENTRY)) == 1
    assert len(await rows()) == 20
    assert {row.device_id for row in await rows()} == {  # type: ignore[attr-defined]
        device.id for device in await DeviceToken.all()
    }


# --- what a scan answers ------------------------------------------------------------------------


async def test_a_good_scan_lets_the_person_in_and_says_who(fair, registration, language):
    outcome = await scan(fair, badge_code(registration), gate="B")
    assert outcome.code == "ok"
    assert outcome.attendee_name == "Aminata Diallo"
    assert outcome.badge_serial == registration.badge_serial
    assert outcome.gate == "B"
    language("en")
    assert outcome.text() == "Welcome, Aminata Diallo!"
    current = await Registration.get(id=registration.id)
    assert current.checked_in_at == outcome.checked_in_at
    assert current.checked_in_gate == "B"


async def test_a_second_scan_says_when_and_where_the_person_came_in(fair, registration, language):
    first_time = datetime(2026, 11, 20, 9, 42, tzinfo=UTC)  # 10:42 in Casablanca
    await scan(fair, badge_code(registration), gate="B", now=first_time)
    outcome = await scan(fair, badge_code(registration), gate="C")
    assert outcome.code == "already_checked_in"
    assert outcome.checked_in_at == first_time
    assert outcome.gate == "B"
    language("en")
    assert outcome.text() == "Aminata Diallo is already checked in. Came in at 10:42, door: B."
    language("fr")  # translated when shown, in the staff member's language
    assert "10:42" in outcome.text()
    assert "Came in" not in outcome.text()


async def test_tampered_truncated_and_garbage_codes_are_invalid(fair, registration):
    code = badge_code(registration)
    last = code[-1]
    tampered = code[:-1] + ("A" if last != "A" else "B")
    for text in (tampered, code[:-3], code.rsplit(".", 1)[0], "hello", "", "T1....."):
        outcome = await scan(fair, text)
        assert outcome.code == "invalid", text
        assert outcome.attendee_name == ""
    assert (await Registration.get(id=registration.id)).checked_in_at is None


async def test_a_badge_of_another_event_is_the_wrong_event(fair):
    other = await make_event(await make_organisation("autre", "Autre"), "autre-salon")
    foreign = await make_registration(other)
    outcome = await scan(fair, badge_code(foreign))
    assert outcome.code == "wrong_event"
    assert (await Registration.get(id=foreign.id)).checked_in_at is None


async def test_a_genuine_code_without_its_registration_is_not_found(fair):
    outcome = await scan(fair, make_badge_code(SECRET_KEY, fair.id, 999_999))
    assert outcome.code == "not_found"


@pytest.mark.parametrize(
    ("status", "result"),
    [
        (RegistrationStatus.CANCELLED, "cancelled"),
        (RegistrationStatus.WAITLISTED, "waitlisted"),
        (RegistrationStatus.PENDING, "waitlisted"),
    ],
)
async def test_cancelled_and_waiting_badges_are_refused_with_their_status(fair, status, result):
    registration = await make_registration(fair, status=status)
    outcome = await scan(fair, badge_code(registration))
    assert outcome.code == result
    assert outcome.attendee_name == "Aminata Diallo"
    assert outcome.checked_in_at is None
    assert (await Registration.get(id=registration.id)).checked_in_at is None
    assert [row.kind for row in await rows()] == [CheckInKind.REFUSED]


async def test_a_badge_serial_typed_by_hand_works(fair, registration):
    typed = registration.badge_serial.lower().replace("-", " ")
    outcome = await scan(fair, typed)
    assert outcome.code == "ok"
    assert outcome.registration_id == registration.id


async def test_an_unknown_serial_is_not_found(fair):
    assert (await scan(fair, "ZZZ-ZZZ")).code == "not_found"


async def test_every_scan_good_or_bad_writes_one_log_row(fair, registration):
    staff = await make_user("scanner@example.org")
    codes = [
        badge_code(registration),
        badge_code(registration),
        "garbage",
        badge_code(registration)[:-2],
    ]
    for code in codes:
        await scan(fair, code, gate="D", staff=staff)
    logged = await rows()
    assert [(row.kind, row.result) for row in logged] == [
        (CheckInKind.ENTRY, CheckInResult.OK),
        (CheckInKind.REFUSED, CheckInResult.ALREADY_CHECKED_IN),
        (CheckInKind.REFUSED, CheckInResult.INVALID),
        (CheckInKind.REFUSED, CheckInResult.INVALID),
    ]
    assert {row.gate for row in logged} == {"D"}
    assert {row.staff_id for row in logged} == {staff.id}  # type: ignore[attr-defined]
    assert [row.scanned_code for row in logged] == codes
    assert [row.registration_id for row in logged] == [registration.id] * 2 + [None] * 2  # type: ignore[attr-defined]


# --- nonces -------------------------------------------------------------------------------------


async def test_a_retried_scan_returns_the_first_answer_and_records_nothing(fair, registration):
    first = await scan(fair, badge_code(registration), gate="A", nonce="scan-1")
    again = await scan(fair, badge_code(registration), gate="B", nonce="scan-1")
    assert first.code == again.code == "ok"
    assert again.replayed
    assert (again.checked_in_at, again.gate, again.attendee_name) == (
        first.checked_in_at,
        first.gate,
        first.attendee_name,
    )
    assert len(await rows()) == 1
    other = await scan(fair, badge_code(registration), gate="B", nonce="scan-2")
    assert other.code == "already_checked_in"
    assert (await scan(fair, badge_code(registration), nonce="scan-2")).code == "already_checked_in"
    assert len(await rows()) == 2


async def test_retries_sent_at_once_record_one_scan(fair, registration):
    code = badge_code(registration)
    outcomes = await asyncio.gather(*(scan(fair, code, nonce="same") for _ in range(5)))
    assert {outcome.code for outcome in outcomes} == {"ok"}
    assert len(await rows()) == 1


async def test_a_retried_refusal_is_also_replayed(fair):
    await scan(fair, "garbage", nonce="bad-1")
    again = await scan(fair, "garbage", nonce="bad-1")
    assert (again.code, again.replayed) == ("invalid", True)
    assert len(await rows()) == 1


async def test_a_nonce_of_another_event_is_refused(fair, registration):
    other = await make_event(await make_organisation("autre", "Autre"), "autre-salon")
    await scan(fair, badge_code(registration), nonce="shared")
    with pytest.raises(CheckInError) as refusal:
        await scan(other, badge_code(registration), nonce="shared")
    assert refusal.value.code == "nonce_conflict"


# --- undo ---------------------------------------------------------------------------------------


async def test_undo_then_scan_again_lets_the_person_in(fair, registration):
    staff = await make_user("scanner@example.org")
    await scan(fair, badge_code(registration))
    await undo_checkin(registration, staff=staff, gate="A")
    assert (await Registration.get(id=registration.id)).checked_in_at is None
    assert (await scan(fair, badge_code(registration), gate="B")).code == "ok"
    assert [row.kind for row in await rows()] == [
        CheckInKind.ENTRY,
        CheckInKind.UNDO,
        CheckInKind.ENTRY,
    ]


async def test_undo_of_someone_not_checked_in_is_refused(fair, registration):
    with pytest.raises(CheckInError) as refusal:
        await undo_checkin(registration, staff=None, gate="A")
    assert refusal.value.code == "not_checked_in"
    assert await rows() == []


# --- sessions inside a fair ---------------------------------------------------------------------


@pytest.fixture
async def workshop(fair) -> Event:
    return await make_event(
        await Organisation.get(slug="passerelles"),
        "atelier-cv",
        parent=fair,
        kind=EventKind.WORKSHOP,
    )


async def test_a_fair_badge_at_a_workshop_door_checks_the_workshop_registration(fair, workshop):
    person = await make_bare_attendee()
    fair_badge = await make_registration(fair, person)
    seat = await make_registration(workshop, person)
    outcome = await scan(workshop, badge_code(fair_badge))
    assert (outcome.code, outcome.registration_id) == ("ok", seat.id)
    assert (await Registration.get(id=fair_badge.id)).checked_in_at is None


async def test_a_fair_badge_at_a_workshop_the_person_did_not_book_is_not_found(fair, workshop):
    fair_badge = await make_registration(fair)
    assert (await scan(workshop, badge_code(fair_badge))).code == "not_found"


async def test_a_workshop_badge_of_another_fair_is_the_wrong_event(fair, workshop):
    other_fair = await make_event(await Organisation.get(slug="passerelles"), "autre-salon")
    other_workshop = await make_event(
        await Organisation.get(slug="passerelles"), "autre-atelier", parent=other_fair
    )
    person = await make_bare_attendee()
    await make_registration(workshop, person)
    elsewhere = await make_registration(other_workshop, person)
    assert (await scan(workshop, badge_code(elsewhere))).code == "wrong_event"


# --- device tokens ------------------------------------------------------------------------------


async def test_a_device_token_is_stored_hashed_and_stops_when_revoked(fair, device_token):
    device = await DeviceToken.get(event_id=fair.id)
    assert device_token not in device.token_hash
    assert (await device_for_token(device_token)).id == device.id
    await revoke_device_token(fair, device.id, user=None)
    assert await device_for_token(device_token) is None
    assert await device_for_token("") is None


async def test_the_api_checks_a_person_in_and_answers_in_the_devices_language(
    client, fair, registration, device_token
):
    response = await client.post(
        f"{API}/checkin",
        json={"code": badge_code(registration), "gate": "A"},
        headers=bearer(device_token) | {"Accept-Language": "en"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["message"] == "Welcome, Aminata Diallo!"
    assert body["attendee"] == {"name": "Aminata Diallo", "badge_serial": registration.badge_serial}
    assert (
        datetime.fromisoformat(body["checked_in_at"])
        == (await Registration.get(id=registration.id)).checked_in_at
    )
    assert body["gate"] == "A"
    assert response.headers["cache-control"] == "no-store"
    device = await DeviceToken.get(event_id=fair.id)
    assert [row.device_id for row in await rows()] == [device.id]  # type: ignore[attr-defined]


async def test_the_api_refuses_a_forged_code_with_no_attendee(client, fair, device_token):
    response = await client.post(
        f"{API}/checkin",
        json={"code": "T1.1.1.AAAAAAAAAA", "gate": "A"},
        headers=bearer(device_token),
    )
    assert response.json()["status"] == "invalid"
    assert response.json()["attendee"] is None
    assert response.json()["checked_in_at"] is None


async def test_a_device_of_one_event_cannot_check_in_at_another(client, fair, registration):
    other = await make_event(await Organisation.get(slug="passerelles"), "autre-salon")
    other_token = await issue_device_token(other, "Phone elsewhere", None)
    response = await client.post(
        f"{API}/checkin",
        json={"code": badge_code(registration), "gate": "A"},
        headers=bearer(other_token),
    )
    assert response.json()["status"] == "wrong_event"
    assert (await Registration.get(id=registration.id)).checked_in_at is None
    assert [row.event_id for row in await rows()] == [other.id]  # type: ignore[attr-defined]


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer nope"}, {"Authorization": "x"}])
async def test_the_api_wants_a_valid_token(client, fair, registration, headers):
    response = await client.post(
        f"{API}/checkin", json={"code": badge_code(registration)}, headers=headers
    )
    assert response.status_code == 401
    assert response.json()["status"] == "unauthorized"
    assert await rows() == []


async def test_a_revoked_token_gets_401(client, fair, registration, device_token):
    await revoke_device_token(fair, (await DeviceToken.get(event_id=fair.id)).id, user=None)
    response = await client.post(
        f"{API}/checkin",
        json={"code": badge_code(registration), "gate": "A"},
        headers=bearer(device_token),
    )
    assert response.status_code == 401
    assert response.json()["status"] == "unauthorized"


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[1, 2]",
        b'{"gate": "A"}',
        b'{"code": 12}',
        b'{"code": "K7P-3QX", "gate": 4}',
        b'{"code": "K7P-3QX", "gate": "' + b"x" * 41 + b'"}',
        b'{"code": "K7P-3QX", "nonce": "' + b"n" * 65 + b'"}',
    ],
)
async def test_a_malformed_body_is_an_invalid_request(client, fair, device_token, body):
    response = await client.post(
        f"{API}/checkin",
        content=body,
        headers=bearer(device_token) | {"Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json()["status"] == "invalid_request"
    assert response.json()["errors"]
    assert await rows() == []


async def test_the_api_replays_a_retried_nonce(client, fair, registration, device_token):
    scan_body = {"code": badge_code(registration), "gate": "A", "nonce": "f00d"}
    first = await client.post(f"{API}/checkin", json=scan_body, headers=bearer(device_token))
    again = await client.post(f"{API}/checkin", json=scan_body, headers=bearer(device_token))
    assert first.json()["status"] == again.json()["status"] == "ok"
    assert first.json()["checked_in_at"] == again.json()["checked_in_at"]
    assert (first.json()["replayed"], again.json()["replayed"]) == (False, True)
    assert len(await rows()) == 1


async def test_search_finds_the_devices_event_registrations_only(client, fair, device_token):
    await make_registration(fair, await make_bare_attendee("Aminata", "Diallo", "+212612345678"))
    await make_registration(fair, await make_bare_attendee("Moussa", "Traoré"))
    other = await make_event(await Organisation.get(slug="passerelles"), "autre-salon")
    await make_registration(other, await make_bare_attendee("Aminata", "Koné"))
    for query in ("amin", "DIALLO", "0612345678", "Aminata Diallo"):
        response = await client.get(
            f"{API}/search", params={"q": query}, headers=bearer(device_token)
        )
        assert response.status_code == 200
        results = response.json()["results"]
        assert [entry["name"] for entry in results] == ["Aminata Diallo"], query
        assert set(results[0]) == {"name", "badge_serial", "status", "checked_in_at"}
        assert results[0]["status"] == "confirmed"


async def test_search_returns_at_most_twenty(client, fair, device_token):
    for n in range(25):
        await make_registration(fair, await make_bare_attendee("Fatou", f"Sow {n:02d}"))
    response = await client.get(
        f"{API}/search", params={"q": "fatou"}, headers=bearer(device_token)
    )
    assert len(response.json()["results"]) == 20


# --- organisers' device pages -------------------------------------------------------------------


async def test_an_organiser_issues_a_token_that_works_once_shown_then_revokes_it(
    client, fair, registration
):
    await login(client, "orga@example.org")
    page = await client.get(f"/manage/passerelles/events/{fair.id}/devices")
    assert page.status_code == 200
    issued = await client.post(
        f"/manage/passerelles/events/{fair.id}/devices",
        data={"name": "Phone at door A", "csrf_token": csrf_from(page)},
    )
    assert issued.status_code == 201
    assert issued.headers["cache-control"] == "no-store"
    token = html(issued).select_one("code.token").get_text(strip=True)
    assert await device_for_token(token) is not None
    listing = await client.get(f"/manage/passerelles/events/{fair.id}/devices")
    assert token not in listing.text
    device = await DeviceToken.get(event_id=fair.id)
    row = html(listing).select_one(f"#device-{device.id}")
    assert row is not None and "Phone at door A" in row.get_text()
    revoked = await client.post(
        f"/manage/passerelles/events/{fair.id}/devices/{device.id}/revoke",
        data={"csrf_token": csrf_from(listing)},
    )
    assert revoked.status_code == 303
    assert await device_for_token(token) is None
    response = await client.post(
        f"{API}/checkin", json={"code": badge_code(registration)}, headers=bearer(token)
    )
    assert response.status_code == 401


async def test_a_device_needs_a_name(client, fair):
    await login(client, "orga@example.org")
    page = await client.get(f"/manage/passerelles/events/{fair.id}/devices")
    response = await client.post(
        f"/manage/passerelles/events/{fair.id}/devices",
        data={"name": "  ", "csrf_token": csrf_from(page)},
    )
    assert response.status_code == 422
    assert html(response).select_one("#error-name") is not None
    assert await DeviceToken.all().count() == 0


async def test_check_in_staff_cannot_issue_tokens(client, fair):
    await login(client, "door@example.org")
    response = await client.get(f"/manage/passerelles/events/{fair.id}/devices")
    assert response.status_code == 403


async def test_another_organisations_device_cannot_be_revoked(client, fair):
    other = await make_event(await make_organisation("autre", "Autre"), "autre-salon")
    await issue_device_token(other, "Their phone", None)
    device = await DeviceToken.get(event_id=other.id)
    await login(client, "orga@example.org")
    page = await client.get(f"/manage/passerelles/events/{fair.id}/devices")
    response = await client.post(
        f"/manage/passerelles/events/{fair.id}/devices/{device.id}/revoke",
        data={"csrf_token": csrf_from(page)},
    )
    assert response.status_code == 404
    assert (await DeviceToken.get(id=device.id)).revoked_at is None


# --- the OpenAPI document -----------------------------------------------------------------------


def _api_routes() -> dict[str, set[str]]:
    mount = next(entry for entry in routes if isinstance(entry, Mount) and entry.path == API)
    return {
        entry.path: set(entry.methods or ()) - {"HEAD"}
        for entry in mount.routes
        if isinstance(entry, Route)
    }


def _refs(node) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [ref for value in node.values() for ref in _refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in _refs(value)]
    return []


async def test_the_openapi_document_describes_every_api_route(client, db):
    response = await client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert re.fullmatch(r"3\.1\.\d+", document["openapi"])
    assert document["info"]["title"] and document["info"]["version"]
    assert document["servers"] == [{"url": API}]
    documented = {
        path: {method.upper() for method in operations}
        for path, operations in document["paths"].items()
    }
    assert documented == _api_routes()
    operation_ids = []
    for operations in document["paths"].values():
        for operation in operations.values():
            assert operation["responses"], operation
            assert all(re.fullmatch(r"[1-5]\d\d", status) for status in operation["responses"])
            operation_ids.append(operation["operationId"])
    assert len(operation_ids) == len(set(operation_ids))
    for ref in _refs(document):
        assert ref.startswith("#/components/schemas/"), ref
        assert ref.rsplit("/", 1)[1] in document["components"]["schemas"], ref
    statuses = document["components"]["schemas"]["CheckInResult"]["properties"]["status"]
    assert set(statuses["enum"]) == {result.value for result in CheckInResult}


async def test_the_checkin_answer_has_every_documented_field(
    client, fair, registration, device_token
):
    schema = (await client.get(f"{API}/openapi.json")).json()["components"]["schemas"]
    response = await client.post(
        f"{API}/checkin",
        json={"code": badge_code(registration), "gate": "A"},
        headers=bearer(device_token),
    )
    body = response.json()
    assert set(body) == set(schema["CheckInResult"]["properties"])
    assert set(schema["CheckInResult"]["required"]) <= set(body)
    assert set(body["attendee"]) == set(schema["Attendee"]["properties"])
