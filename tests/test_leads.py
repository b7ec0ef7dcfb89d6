"""Employers scan visitors' badges at their booth: they see the profile a visitor agreed to share
and nothing else, write a note and a rating, and download their leads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from server.models import Employer, Event, Exhibitor, Lead, Registration
from server.models.enums import (
    EmployerStatus,
    EventKind,
    EventStatus,
    ExhibitorStatus,
    RegistrationStatus,
)
from server.services.employers.leads import LeadScanRefused, leads_per_fair, scan_lead
from tests.support import (
    SECRET_KEY,
    badge_code,
    csrf_from,
    csv_rows,
    html,
    login,
    make_attendee,
    make_employer,
    make_event,
    make_registration,
    scan_card,
    xlsx_rows,
)

MEMBER = "rh@atlas.example.org"
OTHER_MEMBER = "rh@argane.example.org"
HTMX = {"HX-Request": "true"}
# What an employer must never see of a visitor, in the form it would take on a page or in a file.
PRIVATE = ("+212661234567", "fatou@example.org", "Senegal", "Sénégal", "Refugee", "1994", "Woman")


@pytest.fixture
async def booth(fair) -> Exhibitor:
    employer = await make_employer(member_email=MEMBER)
    return await Exhibitor.create(
        event=fair, employer=employer, status=ExhibitorStatus.CONFIRMED, booth_label="A1"
    )


@pytest.fixture
async def sharing(fair) -> Registration:
    """Fatou agreed to share her profile with employers."""
    attendee = await make_attendee(
        "Fatou",
        last_name="Ndiaye",
        phone="+212661234567",
        email="fatou@example.org",
        gender="female",
        birth_year=1994,
        nationality="SN",
        legal_status="refugee",
        city="Rabat",
        languages=["fr", "wo"],
        education_level="higher",
        sectors=["logistics", "digital"],
    )
    return await make_registration(fair, attendee)


@pytest.fixture
async def private(fair) -> Registration:
    """Moussa did not agree to share his profile."""
    attendee = await make_attendee("Moussa", last_name="Keita", share=False, city="Tanger")
    return await make_registration(fair, attendee)


async def scan(
    client: httpx.AsyncClient, event: Event, code: str, **headers: str
) -> httpx.Response:
    page = await client.get(f"/employer/fairs/{event.id}/leads/scan")
    return await client.post(
        f"/employer/fairs/{event.id}/leads/scan",
        data={"code": code, "csrf_token": csrf_from(page)},
        headers=headers,
    )


# --- the scanner ----------------------------------------------------------------------------------


async def test_the_booth_scanner_is_the_door_scanner_component(client, fair, booth):
    await login(client, MEMBER, language="en")
    page = await client.get(f"/employer/fairs/{fair.id}/leads/scan")
    assert page.status_code == 200
    doc = html(page)
    url = f"/employer/fairs/{fair.id}/leads/scan"
    assert doc.select_one("[data-scanner]")["data-scan-url"] == url
    form = doc.select_one("form#scan-form")
    assert form["action"] == form["hx-post"] == url
    assert form.select_one("input#field-code[name=code]")
    assert not doc.select("#field-gate")
    assert doc.select_one("#scan-result .scan-card")["data-result"] == "ready"
    scripts = [tag["src"].split("/static/")[1] for tag in doc.select("script[src]")]
    assert scripts[-2:] == ["vendor/jsqr/jsQR.js", "js/scanner.js"]
    assert page.headers["Cache-Control"] == "no-store"


async def test_a_sharing_visitor_shows_the_shared_fields_only(client, fair, booth, sharing):
    await login(client, MEMBER, language="en")
    response = await scan(client, fair, badge_code(sharing))
    assert response.status_code == 200
    result = scan_card(response)
    assert result["data-result"] == "ok"
    assert result.select_one(".scan-name").get_text() == "Fatou Ndiaye"
    facts = result.select_one(".lead-profile").get_text(" ", strip=True)
    for shown in ("Rabat", "French, Wolof", "University", "Transport and logistics"):
        assert shown in facts
    for secret in PRIVATE:
        assert secret not in response.text
    lead = await Lead.get(exhibitor=booth, registration=sharing)
    assert lead.shared_profile is True
    assert result.select_one(f"a[href='/employer/fairs/{fair.id}/leads#lead-{lead.id}']")


async def test_a_visitor_who_did_not_share_is_only_a_visitor(client, fair, booth, private):
    await login(client, MEMBER, language="en")
    response = await scan(client, fair, badge_code(private))
    result = scan_card(response)
    assert result["data-result"] == "ok"
    assert result.select_one(".scan-name").get_text() == "Visitor without a shared profile"
    for secret in ("Moussa", "Keita", "Tanger", private.badge_serial):
        assert secret not in response.text
    lead = await Lead.get(exhibitor=booth, registration=private)
    assert lead.shared_profile is False


async def test_scanning_a_visitor_again_finds_the_same_lead(client, fair, booth, sharing):
    await login(client, MEMBER, language="en")
    await scan(client, fair, badge_code(sharing))
    result = scan_card(await scan(client, fair, badge_code(sharing)))
    assert result["data-result"] == "already_scanned"
    assert "Already in your leads." in result.get_text()
    assert await Lead.filter(exhibitor=booth).count() == 1


async def test_a_typed_serial_is_read_like_a_badge(client, fair, booth, sharing):
    await login(client, MEMBER, language="en")
    result = scan_card(await scan(client, fair, f" {sharing.badge_serial.lower()} "))
    assert result["data-result"] == "ok"


async def test_with_htmx_the_answer_is_the_card_alone(client, fair, booth, sharing):
    await login(client, MEMBER, language="en")
    response = await scan(client, fair, badge_code(sharing), **HTMX)
    assert "<html" not in response.text
    assert scan_card(response)["data-result"] == "ok"


@pytest.mark.parametrize(
    ("code", "result", "message"),
    [
        ("hello", "invalid", "This code is not valid."),
        ("T1.1.1.AAAAAAAAAA", "invalid", "This code is not valid."),
        ("ZZZ-ZZZ", "not_found", "No registration for this event matches this badge."),
    ],
)
async def test_a_code_that_names_nobody_is_refused(client, fair, booth, code, result, message):
    await login(client, MEMBER, language="en")
    found = scan_card(await scan(client, fair, code))
    assert found["data-result"] == result
    assert found.select_one(".scan-message").get_text() == message
    assert not await Lead.exists(exhibitor=booth)


async def test_a_badge_of_another_event_is_the_wrong_event(client, fair, booth):
    elsewhere = await make_event(await fair.organisation, "autre-salon")
    registration = await make_registration(elsewhere, await make_attendee("Awa"))
    await login(client, MEMBER, language="en")
    found = scan_card(await scan(client, fair, badge_code(registration)))
    assert found["data-result"] == "wrong_event"
    assert found.select_one(".scan-message").get_text() == "This badge is for another event."


async def test_a_cancelled_registration_is_not_a_lead(client, fair, booth):
    registration = await make_registration(
        fair, await make_attendee("Awa"), status=RegistrationStatus.CANCELLED
    )
    await login(client, MEMBER, language="en")
    assert (
        scan_card(await scan(client, fair, badge_code(registration)))["data-result"] == "cancelled"
    )
    assert not await Lead.exists(exhibitor=booth)


async def test_a_session_badge_is_a_badge_of_the_fair(client, fair, booth, sharing):
    workshop = await make_event(
        await fair.organisation, "atelier", kind=EventKind.WORKSHOP, parent=fair
    )
    at_workshop = await make_registration(workshop, await sharing.attendee)
    only_workshop = await make_registration(workshop, await make_attendee("Awa"))
    await login(client, MEMBER, language="en")
    assert scan_card(await scan(client, fair, badge_code(at_workshop)))["data-result"] == "ok"
    assert scan_card(await scan(client, fair, badge_code(only_workshop)))["data-result"] == "ok"
    registrations = await Lead.filter(exhibitor=booth).values_list("registration_id", flat=True)
    assert sorted(registrations) == sorted([sharing.id, only_workshop.id])


async def test_scanning_needs_a_confirmed_booth_at_that_fair(client, fair, booth, sharing):
    second = await make_event(await fair.organisation, "salon-2")
    await Exhibitor.create(event=second, employer=await booth.employer)
    await login(client, MEMBER, language="en")
    for event in (second, await make_event(await fair.organisation, "salon-3")):
        assert (await client.get(f"/employer/fairs/{event.id}/leads/scan")).status_code == 404
        assert (await client.get(f"/employer/fairs/{event.id}/leads")).status_code == 404
    page = await client.get(f"/employer/fairs/{fair.id}/leads/scan")
    response = await client.post(
        f"/employer/fairs/{second.id}/leads/scan",
        data={"code": badge_code(sharing), "csrf_token": csrf_from(page)},
    )
    assert response.status_code == 404


async def test_a_pending_company_cannot_scan(client, fair):
    pending = await make_employer(status=EmployerStatus.PENDING, member_email=MEMBER)
    await Exhibitor.create(event=fair, employer=pending, status=ExhibitorStatus.CONFIRMED)
    await login(client, MEMBER, language="en")
    assert (await client.get(f"/employer/fairs/{fair.id}/leads/scan")).status_code == 403


async def test_an_archived_fair_is_no_longer_scanned(client, fair, booth, sharing):
    await Event.filter(id=fair.id).update(status=EventStatus.ARCHIVED)
    await login(client, MEMBER, language="en")
    page = await client.get(f"/employer/fairs/{fair.id}/leads/scan")
    assert "not open" in html(page).select_one(".alert-warning").get_text()
    assert not html(page).select("[data-scanner]")
    with pytest.raises(LeadScanRefused) as refused:
        await scan_lead(booth, badge_code(sharing), secret_key=SECRET_KEY)
    assert refused.value.code == "fair_not_open"
    assert (await client.get(f"/employer/fairs/{fair.id}/leads")).status_code == 200


# --- one employer's leads are its own -------------------------------------------------------------


async def test_an_employer_never_sees_another_employers_leads(client, fair, booth, sharing):
    await scan_lead(booth, badge_code(sharing), secret_key=SECRET_KEY)
    other = await make_employer("Argane", ice="001234567000090", member_email=OTHER_MEMBER)
    await login(client, OTHER_MEMBER, language="en")
    for path in ("leads", "leads/scan", "leads/export?format=csv"):
        assert (await client.get(f"/employer/fairs/{fair.id}/{path}")).status_code == 404
    # Confirmed at the same fair, it sees its own (empty) list, not the other booth's.
    await Exhibitor.create(event=fair, employer=other, status=ExhibitorStatus.CONFIRMED)
    page = await client.get(f"/employer/fairs/{fair.id}/leads")
    assert page.status_code == 200
    assert "Fatou" not in page.text
    lead = await Lead.get(exhibitor=booth)
    response = await client.post(
        f"/employer/fairs/{fair.id}/leads/{lead.id}",
        data={"note": "mine now", "rating": "4", "csrf_token": csrf_from(page)},
    )
    assert response.status_code == 404
    await lead.refresh_from_db()
    assert lead.note == ""


# --- notes and ratings ----------------------------------------------------------------------------


async def open_leads(client: httpx.AsyncClient, event: Event) -> httpx.Response:
    await login(client, MEMBER, language="en")
    return await client.get(f"/employer/fairs/{event.id}/leads")


async def test_the_list_shows_shared_profiles_and_anonymous_visitors(
    client, fair, booth, sharing, private
):
    await scan_lead(booth, badge_code(sharing), secret_key=SECRET_KEY)
    await scan_lead(booth, badge_code(private), secret_key=SECRET_KEY)
    response = await open_leads(client, fair)
    names = [h.get_text(strip=True) for h in html(response).select(".lead-item .lead-name")]
    assert sorted(names) == ["Fatou Ndiaye", "Visitor without a shared profile"]
    for secret in (*PRIVATE, "Moussa", "Keita", "Tanger"):
        assert secret not in response.text


async def test_a_note_and_a_rating_are_saved(client, fair, booth, sharing):
    outcome = await scan_lead(booth, badge_code(sharing), secret_key=SECRET_KEY)
    page = await open_leads(client, fair)
    response = await client.post(
        f"/employer/fairs/{fair.id}/leads/{outcome.lead_id}",
        data={"note": "  Parle wolof, à rappeler  ", "rating": "3", "csrf_token": csrf_from(page)},
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/employer/fairs/{fair.id}/leads#lead-{outcome.lead_id}"
    item = html(await client.get(f"/employer/fairs/{fair.id}/leads")).select_one(
        f"#lead-{outcome.lead_id}"
    )
    assert item.select_one("textarea[name=note]").get_text() == "Parle wolof, à rappeler"
    assert item.select_one("select[name=rating] option[selected]")["value"] == "3"
    lead = await Lead.get(id=outcome.lead_id)
    assert (lead.note, lead.rating) == ("Parle wolof, à rappeler", 3)


@pytest.mark.parametrize("rating", ["5", "x", "0", "٣", "99999999999999999999"])
async def test_a_rating_outside_1_to_4_is_refused_next_to_the_field(
    client, fair, booth, sharing, rating
):
    outcome = await scan_lead(booth, badge_code(sharing), secret_key=SECRET_KEY)
    page = await open_leads(client, fair)
    response = await client.post(
        f"/employer/fairs/{fair.id}/leads/{outcome.lead_id}",
        data={"note": "Bon profil", "rating": rating, "csrf_token": csrf_from(page)},
    )
    assert response.status_code == 422
    item = html(response).select_one(f"#lead-{outcome.lead_id}")
    error = item.select_one(f"#error-rating-{outcome.lead_id}")
    assert error.get_text() == "Choose a rating from 1 to 4, or none."
    assert item.select_one("textarea[name=note]").get_text() == "Bon profil"
    lead = await Lead.get(id=outcome.lead_id)
    assert (lead.note, lead.rating) == ("", None)


async def test_an_empty_rating_clears_it(client, fair, booth, sharing):
    outcome = await scan_lead(booth, badge_code(sharing), secret_key=SECRET_KEY)
    await Lead.filter(id=outcome.lead_id).update(rating=2)
    page = await open_leads(client, fair)
    await client.post(
        f"/employer/fairs/{fair.id}/leads/{outcome.lead_id}",
        data={"note": "", "rating": "", "csrf_token": csrf_from(page)},
    )
    assert (await Lead.get(id=outcome.lead_id)).rating is None


async def test_with_htmx_the_lead_card_is_swapped(client, fair, booth, sharing):
    outcome = await scan_lead(booth, badge_code(sharing), secret_key=SECRET_KEY)
    page = await open_leads(client, fair)
    url = f"/employer/fairs/{fair.id}/leads/{outcome.lead_id}"
    form = html(page).select_one(f"#lead-{outcome.lead_id} form")
    assert form["hx-post"] == url and form["hx-target"] == f"#lead-{outcome.lead_id}"
    data = {"note": "Vu", "rating": "4", "csrf_token": csrf_from(page)}
    response = await client.post(url, data=data, headers=HTMX)
    assert response.status_code == 200
    assert "<html" not in response.text
    item = html(response).select_one(f"li#lead-{outcome.lead_id}")
    assert item.select_one(".lead-saved")
    refused = await client.post(url, data={**data, "rating": "5"}, headers=HTMX)
    assert refused.status_code == 422
    assert html(refused).select_one(f"li#lead-{outcome.lead_id} .field-error")


# --- exports --------------------------------------------------------------------------------------


async def exported(
    client: httpx.AsyncClient, fair: Event, booth: Exhibitor, *registrations: Registration
) -> tuple[httpx.Response, httpx.Response]:
    for registration in registrations:
        outcome = await scan_lead(booth, badge_code(registration), secret_key=SECRET_KEY)
        await Lead.filter(id=outcome.lead_id).update(note=f"note {registration.id}", rating=2)
    await login(client, MEMBER, language="en")
    base = f"/employer/fairs/{fair.id}/leads/export"
    return await client.get(f"{base}?format=csv"), await client.get(f"{base}?format=xlsx")


async def test_the_exports_hold_shared_profiles_notes_and_ratings(client, fair, booth, sharing):
    as_csv, as_xlsx = await exported(client, fair, booth, sharing)
    assert as_csv.status_code == as_xlsx.status_code == 200
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert "attachment" in as_xlsx.headers["content-disposition"]
    header = [
        "Visitor",
        "City",
        "Languages",
        "Education",
        "Sectors of interest",
        "Note",
        "Rating",
        "Scanned at",
    ]
    rows = csv_rows(as_csv)
    assert rows[0] == header
    assert rows[1][:7] == [
        "Fatou Ndiaye",
        "Rabat",
        "French, Wolof",
        "University",
        "Transport and logistics, Digital and IT",
        f"note {sharing.id}",
        "2",
    ]
    sheet = xlsx_rows(as_xlsx)
    assert list(sheet[0]) == header
    assert sheet[1][:7] == [*rows[1][:6], 2]
    assert isinstance(sheet[1][7], datetime)


async def test_the_exports_hold_nothing_private(client, fair, booth, sharing, private):
    as_csv, as_xlsx = await exported(client, fair, booth, sharing, private)
    everything = as_csv.content.decode("utf-8-sig") + repr(xlsx_rows(as_xlsx))
    for secret in (*PRIVATE, "Moussa", "Keita", "Tanger", private.badge_serial):
        assert secret not in everything
    anonymous = [row for row in csv_rows(as_csv) if row[0] == "Visitor without a shared profile"]
    assert [row[1:5] for row in anonymous] == [["", "", "", ""]]
    sheet_row = next(row for row in xlsx_rows(as_xlsx) if row[0] == anonymous[0][0])
    assert sheet_row[1:5] == [None, None, None, None]


async def test_an_unknown_export_format_is_not_found(client, fair, booth):
    await login(client, MEMBER, language="en")
    response = await client.get(f"/employer/fairs/{fair.id}/leads/export?format=pdf")
    assert response.status_code == 404


# --- the dashboard's figures ----------------------------------------------------------------------


async def test_leads_per_fair_counts_shared_and_anonymous_visitors(fair, booth, sharing, private):
    employer: Employer = await booth.employer
    await scan_lead(booth, badge_code(sharing), secret_key=SECRET_KEY)
    await scan_lead(booth, badge_code(private), secret_key=SECRET_KEY)
    third = await make_registration(fair, await make_attendee("Awa"))
    await scan_lead(booth, badge_code(third), secret_key=SECRET_KEY)
    asked = await make_event(
        await fair.organisation, "salon-2", starts_at=datetime.now(UTC) + timedelta(days=20)
    )
    await Exhibitor.create(event=asked, employer=employer)
    fairs = await leads_per_fair(employer)
    assert [(f.event.id, f.status, f.booth_label, f.shared, f.not_shared) for f in fairs] == [
        (asked.id, ExhibitorStatus.REQUESTED, "", 0, 0),
        (fair.id, ExhibitorStatus.CONFIRMED, "A1", 2, 1),
    ]
    assert fairs[1].total == 3
