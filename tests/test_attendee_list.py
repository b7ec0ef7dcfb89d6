"""The organiser's attendee list: search, filters, pages, htmx fragment, CSV and XLSX exports."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from server.documents.tables import csv_bytes, neutralise_formula, xlsx_bytes
from server.models import Attendee, Event, Organisation, Registration
from server.models.enums import (
    EventKind,
    RegistrationStatus,
    Role,
)
from server.services.registrations.attendee_list import AttendeeFilters, attendee_page, phone_search
from tests.support import (
    QueryCounter,
    csv_rows,
    html,
    login,
    make_bare_attendee,
    make_event,
    make_organisation,
    make_registration,
    make_user,
)

BASE = "/manage/passerelles/events"


async def add_person(
    event: Event,
    first_name: str,
    last_name: str,
    phone: str,
    *,
    status: RegistrationStatus = RegistrationStatus.CONFIRMED,
    checked_in: bool = False,
    **extra,
) -> Registration:
    attendee = await Attendee.get_or_none(phone=phone) or await make_bare_attendee(
        first_name, last_name, phone
    )
    return await make_registration(
        event,
        attendee,
        status,
        checked_in_at=datetime.now(UTC) if checked_in else None,
        checked_in_gate="A" if checked_in else "",
        **extra,
    )


async def add_many(event: Event, count: int, *, first: int = 0) -> None:
    """`count` new people registered to `event`, in order, phones numbered from `first`."""
    now = datetime.now(UTC)
    phones = [f"+2126{n:08d}" for n in range(first, first + count)]
    await Attendee.bulk_create(
        [
            Attendee(
                first_name=f"Person{n:03d}",
                last_name="Test",
                phone=phone,
                consent_processing_at=now,
            )
            for n, phone in enumerate(phones)
        ]
    )
    people = await Attendee.filter(phone__in=phones).order_by("id")
    await Registration.bulk_create(
        [
            Registration(
                event_id=event.id,
                attendee_id=person.id,
                status=RegistrationStatus.CONFIRMED,
                badge_serial=f"M{person.id:07d}",
            )
            for person in people
        ]
    )


@pytest.fixture
async def fair(db) -> Event:
    """A fair of `passerelles` with a workshop, four people, and a signed-in organiser."""
    organisation = await make_organisation()
    fair = await make_event(organisation, "salon")
    workshop = await make_event(
        organisation,
        "atelier-cv",
        parent=fair,
        kind=EventKind.WORKSHOP,
        title={"fr": "Atelier CV"},
    )
    await add_person(fair, "Fatima", "Diallo", "+212612345678")
    await add_person(fair, "Jean", "Mbemba", "+212700112233", checked_in=True)
    await add_person(fair, "أمينة", "العلوي", "+221771234567")
    await add_person(
        fair,
        "Ousmane",
        "Sow",
        "+212655443322",
        status=RegistrationStatus.WAITLISTED,
        waitlist_position=1,
    )
    await add_person(workshop, "Jean", "Mbemba", "+212700112233")
    await make_user("orga@example.org", organisation=organisation, role=Role.ORGANISER)
    return fair


def names(response) -> list[str]:
    return [cell.get_text(strip=True) for cell in html(response).select(".attendee-name")]


async def signed_in(client, email: str = "orga@example.org"):
    response = await login(client, email)
    assert response.status_code == 303
    return client


# --- the list ------------------------------------------------------------------------------------


async def test_the_organiser_sees_every_registration_with_its_details(client, fair):
    await signed_in(client)
    response = await client.get(f"{BASE}/{fair.id}/attendees")
    assert response.status_code == 200
    assert names(response) == ["Fatima Diallo", "Jean Mbemba", "أمينة العلوي", "Ousmane Sow"]
    jean = html(response).select(".attendee-row")[1]
    assert "+212700112233" in jean.get_text()
    assert jean.select_one(".attendee-checked-in time") is not None
    assert "A" in jean.select_one(".attendee-checked-in").get_text()


async def test_search_by_phone_matches_the_digits_as_typed(client, fair):
    await signed_in(client)
    typed_and_found = {
        "06 12 34": "Fatima Diallo",
        "0612-345-678": "Fatima Diallo",
        "+212 6 12": "Fatima Diallo",
        "345 678": "Fatima Diallo",
        "00221 77": "أمينة العلوي",
        "+221771234567": "أمينة العلوي",
    }
    for typed, found in typed_and_found.items():
        response = await client.get(f"{BASE}/{fair.id}/attendees", params={"q": typed})
        assert names(response) == [found], typed


async def test_a_number_typed_from_its_start_is_not_found_in_the_middle(client, fair):
    await signed_in(client)
    # +212655443322 contains "5544" but does not start with +2125544.
    response = await client.get(f"{BASE}/{fair.id}/attendees", params={"q": "05544"})
    assert names(response) == []


async def test_search_by_name_ignores_case_and_word_order(client, fair):
    await signed_in(client)
    for typed in ("fatima", "DIALLO", "diallo fat"):
        response = await client.get(f"{BASE}/{fair.id}/attendees", params={"q": typed})
        assert names(response) == ["Fatima Diallo"], typed


async def test_search_finds_arabic_names(client, fair):
    await signed_in(client)
    response = await client.get(f"{BASE}/{fair.id}/attendees", params={"q": "العلوي"})
    assert names(response) == ["أمينة العلوي"]


async def test_filter_by_status(client, fair):
    await signed_in(client)
    response = await client.get(f"{BASE}/{fair.id}/attendees", params={"status": "waitlisted"})
    assert names(response) == ["Ousmane Sow"]


async def test_filter_by_checked_in_or_not(client, fair):
    await signed_in(client)
    came = await client.get(f"{BASE}/{fair.id}/attendees", params={"checked_in": "yes"})
    assert names(came) == ["Jean Mbemba"]
    not_yet = await client.get(f"{BASE}/{fair.id}/attendees", params={"checked_in": "no"})
    assert "Jean Mbemba" not in names(not_yet)
    assert len(names(not_yet)) == 3


async def test_filter_by_session_keeps_the_people_registered_to_it(client, fair):
    await signed_in(client)
    workshop = await Event.get(slug="atelier-cv")
    response = await client.get(f"{BASE}/{fair.id}/attendees", params={"session": workshop.id})
    assert names(response) == ["Jean Mbemba"]
    options = html(response).select("#filter-session option")
    assert [o.get_text(strip=True).endswith("Atelier CV") for o in options[1:]] == [True]


async def test_a_session_of_another_event_filters_out_everyone(client, fair):
    await signed_in(client)
    other = await make_event(await Organisation.get(slug="passerelles"), "autre")
    session = await make_event(
        await Organisation.get(slug="passerelles"), "autre-atelier", parent=other
    )
    await add_person(session, "Fatima", "Diallo", "+212612345678")
    response = await client.get(f"{BASE}/{fair.id}/attendees", params={"session": session.id})
    assert names(response) == []


async def test_120_registrations_make_three_pages(client, fair):
    await signed_in(client)
    event = await make_event(await Organisation.get(slug="passerelles"), "grand-salon")
    await add_many(event, 120)
    first = await client.get(f"{BASE}/{event.id}/attendees")
    assert len(names(first)) == 50
    assert "Page 1 of 3" in first.text or "Page 1 sur 3" in first.text
    second = await client.get(f"{BASE}/{event.id}/attendees", params={"page": 2})
    assert names(second) == [f"Person{n:03d} Test" for n in range(50, 100)]
    third = await client.get(f"{BASE}/{event.id}/attendees", params={"page": 3})
    assert len(names(third)) == 20
    assert html(third).select_one(".pagination a[rel=next]") is None
    prev_link = html(third).select_one(".pagination a[rel=prev]")["href"]
    assert "page=2" in prev_link


async def test_pagination_links_keep_the_filters(client, fair):
    await signed_in(client)
    event = await make_event(await Organisation.get(slug="passerelles"), "grand-salon")
    await add_many(event, 120)
    response = await client.get(
        f"{BASE}/{event.id}/attendees", params={"q": "Person", "checked_in": "no"}
    )
    next_link = html(response).select_one(".pagination a[rel=next]")["href"]
    assert "q=Person" in next_link and "checked_in=no" in next_link and "page=2" in next_link


async def test_a_page_costs_the_same_few_queries_whatever_the_number_of_rows(db):
    organisation = await make_organisation()
    small = await make_event(organisation, "petit")
    big = await make_event(organisation, "grand")
    await add_many(small, 3)
    await add_many(big, 300, first=1000)
    counts = []
    for event in (small, big):
        with QueryCounter() as counted:
            page = await attendee_page(
                event, AttendeeFilters(q="Test"), page=2 if event == big else 1
            )
        counts.append(counted.count)
        assert page.rows
    # At most one COUNT and one SELECT of the page with its people; a first page with room to
    # spare is everything, and needs no COUNT.
    assert counts == [1, 2]


async def test_htmx_gets_only_the_results_block(client, fair):
    await signed_in(client)
    response = await client.get(
        f"{BASE}/{fair.id}/attendees", params={"q": "fatima"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "<html" not in response.text
    assert "HX-Request" in response.headers["vary"]
    assert names(response) == ["Fatima Diallo"]
    assert html(response).select_one("form") is None


async def test_the_full_page_has_a_search_form_that_works_without_javascript(client, fair):
    await signed_in(client)
    response = await client.get(f"{BASE}/{fair.id}/attendees")
    assert "HX-Request" in response.headers["vary"]
    form = html(response).select_one("form[role=search]")
    assert form["method"] == "get"
    assert form["action"] == f"{BASE}/{fair.id}/attendees"
    search = form.select_one("input[name=q]")
    assert "keyup changed delay:300ms" in search["hx-trigger"]
    assert search["hx-target"] == "#attendee-results"


async def test_the_list_reads_right_to_left_in_arabic(client, fair):
    await signed_in(client)
    response = await client.get(f"{BASE}/{fair.id}/attendees", params={"lang": "ar"})
    assert response.status_code == 200
    assert html(response).select_one("html")["dir"] == "rtl"
    assert html(response).select_one(".attendee-phone")["dir"] == "ltr"


async def test_the_event_page_links_to_the_list_and_the_walk_in_form(client, fair):
    await signed_in(client)
    page = html(await client.get(f"{BASE}/{fair.id}"))
    assert page.select_one(f'a[href$="{BASE}/{fair.id}/attendees"]') is not None
    assert page.select_one(f'a[href$="{BASE}/{fair.id}/walk-in"]') is not None


# --- who may see it ------------------------------------------------------------------------------


async def test_check_in_staff_may_not_see_the_list(client, fair):
    organisation = await Organisation.get(slug="passerelles")
    await make_user("door@example.org", organisation=organisation, role=Role.CHECKIN)
    await signed_in(client, "door@example.org")
    for suffix in ("attendees", "attendees.csv", "attendees.xlsx"):
        response = await client.get(f"{BASE}/{fair.id}/{suffix}")
        assert response.status_code == 403, suffix


async def test_an_organiser_of_another_organisation_is_refused(client, fair):
    other = await make_organisation("autre-ong", "Autre ONG")
    await make_user("other@example.org", organisation=other, role=Role.ORGANISER)
    await signed_in(client, "other@example.org")
    response = await client.get(f"{BASE}/{fair.id}/attendees")
    assert response.status_code == 403


async def test_another_organisations_event_is_not_found(client, fair):
    other = await make_organisation("autre-ong", "Autre ONG")
    foreign = await make_event(other, "salon-ailleurs")
    await signed_in(client)
    for suffix in ("attendees", "attendees.csv", "attendees.xlsx"):
        response = await client.get(f"{BASE}/{foreign.id}/{suffix}")
        assert response.status_code == 404, suffix


# --- exports -------------------------------------------------------------------------------------


async def test_csv_export_has_french_headers_and_the_filtered_rows(client, fair):
    await signed_in(client)
    response = await client.get(
        f"{BASE}/{fair.id}/attendees.csv", params={"status": "confirmed", "lang": "fr"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;") and 'filename="attendees-salon-' in disposition
    assert response.content.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    rows = csv_rows(response)
    header = rows[0]
    assert header[:4] == ["Prénom", "Nom de famille", "Numéro de téléphone", "Statut"]
    body = {(row[0], row[1]): row for row in rows[1:]}
    assert set(body) == {("Fatima", "Diallo"), ("Jean", "Mbemba"), ("أمينة", "العلوي")}
    assert body[("Fatima", "Diallo")][2] == "+212612345678"
    assert body[("Fatima", "Diallo")][3] == "Confirmée"
    assert body[("Jean", "Mbemba")][7] == "A"  # gate
    assert body[("Jean", "Mbemba")][6]  # checked in at


async def test_xlsx_export_reads_back_with_french_headers(client, fair):
    await signed_in(client)
    response = await client.get(
        f"{BASE}/{fair.id}/attendees.xlsx", params={"q": "العلوي", "lang": "fr"}
    )
    assert response.status_code == 200
    assert "spreadsheetml" in response.headers["content-type"]
    assert response.headers["content-disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0][:4]) == ["Prénom", "Nom de famille", "Numéro de téléphone", "Statut"]
    assert len(rows) == 2
    assert rows[1][:3] == ("أمينة", "العلوي", "+221771234567")
    assert isinstance(rows[1][9], datetime)  # registered at, a real date for Excel


async def test_export_in_arabic_writes_a_right_to_left_sheet(client, fair):
    await signed_in(client)
    response = await client.get(f"{BASE}/{fair.id}/attendees.xlsx", params={"lang": "ar"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.sheet_view.rightToLeft
    assert sheet.max_row == 5


# --- pure pieces ---------------------------------------------------------------------------------


def test_phone_search_turns_what_is_typed_into_an_e164_start():
    assert phone_search("06 12 34 56 78") == "+212612345678"
    assert phone_search("+212 6 12") == "+212612"
    assert phone_search("00221 77") == "+22177"
    assert phone_search("345 678") == "345678"
    assert phone_search("Fatima") is None
    assert phone_search("Fatima 06") is None


def test_filters_from_a_query_drop_what_means_nothing():
    filters = AttendeeFilters.from_query(
        {"q": "  Fatima   Diallo ", "status": "nonsense", "checked_in": "maybe", "session": "x"}
    )
    assert filters == AttendeeFilters(q="Fatima Diallo")
    assert AttendeeFilters.from_query({"session": "12", "status": "confirmed"}).query_items() == {
        "status": "confirmed",
        "session": "12",
    }


def test_csv_bytes_start_with_a_bom_and_keep_arabic():
    content = csv_bytes(["Nom", "Rang"], [["العلوي", 1], [None, None]])
    assert content.startswith(b"\xef\xbb\xbf")
    assert content.decode("utf-8-sig").split("\r\n") == ["Nom,Rang", "العلوي,1", ",", ""]


def test_formulas_typed_as_names_are_not_run_by_a_spreadsheet():
    assert neutralise_formula('=HYPERLINK("http://evil")') == '\'=HYPERLINK("http://evil")'
    assert neutralise_formula("+cmd|' /C calc'!A0") == "'+cmd|' /C calc'!A0"
    assert neutralise_formula("@SUM(A1)") == "'@SUM(A1)"
    assert neutralise_formula("+212612345678") == "+212612345678"
    assert neutralise_formula("Fatima") == "Fatima"
    sheet = load_workbook(io.BytesIO(xlsx_bytes(["Nom"], [["=1+1"]]))).active
    assert sheet["A2"].value == "=1+1"
    assert sheet["A2"].data_type == "s"


def test_xlsx_bytes_write_10000_rows():
    when = datetime(2026, 5, 4, 10, 30)
    rows = [[f"Person {n}", "+212612345678", n, when] for n in range(10_000)]
    content = xlsx_bytes(["a", "b", "c", "d"], rows)
    read_back = list(load_workbook(io.BytesIO(content), read_only=True).active.values)
    assert len(read_back) == 10_001
    assert read_back[-1] == ("Person 9999", "+212612345678", 9999, when)


# --- approval ------------------------------------------------------------------------------------


async def test_the_organiser_approves_and_declines_pending_sign_ups(client, fair):
    await Event.filter(id=fair.id).update(capacity=10, requires_approval=True)
    first = await add_person(
        fair, "Awa", "Keita", "+212611000001", status=RegistrationStatus.PENDING
    )
    second = await add_person(
        fair, "Ali", "Saleh", "+212611000002", status=RegistrationStatus.PENDING
    )
    await signed_in(client)
    page = await client.get(f"/manage/passerelles/events/{fair.id}/attendees?status=pending")
    forms = html(page).select(".decision form")
    assert len(forms) == 4
    approve_first = next(f["action"] for f in forms if f["action"].endswith(f"/{first.id}/approve"))
    decline_second = next(
        f["action"] for f in forms if f["action"].endswith(f"/{second.id}/decline")
    )
    token = html(page).select_one(".decision input[name=csrf_token]")["value"]
    response = await client.post(approve_first, data={"csrf_token": token})
    assert response.status_code == 303
    await client.post(decline_second, data={"csrf_token": token})
    assert (await Registration.get(id=first.id)).status == RegistrationStatus.CONFIRMED
    assert (await Registration.get(id=second.id)).status == RegistrationStatus.CANCELLED
    again = await client.post(approve_first, data={"csrf_token": token})
    assert again.status_code == 409
    unknown = approve_first.replace("/approve", "/obliterate")
    assert (await client.post(unknown, data={"csrf_token": token})).status_code == 404
