"""The organisers' exports: registrations, check-ins, pledges and deliveries, offers and interests,
as CSV and XLSX with headers in the organiser's language, and only what the organisation may see."""

from __future__ import annotations

import io
import logging
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import httpx
import pytest
from openpyxl import load_workbook

from server.i18n import translations
from server.models import (
    CheckIn,
    Delivery,
    Employer,
    Event,
    Interest,
    Offer,
    Organisation,
    Pledge,
    Registration,
    User,
)
from server.models.enums import (
    CheckInKind,
    CheckInResult,
    ContractType,
    EventKind,
    InterestStatus,
    OfferStatus,
    PledgeKind,
    Role,
)
from server.services.reporting import exports as export_service
from server.values.clock import EVENT_TIMEZONE
from tests.support import (
    csv_rows,
    html,
    login,
    make_attendee,
    make_employer,
    make_event,
    make_organisation,
    make_registration,
    make_user,
)

BASE = "/manage/passerelles/exports"
NOW = datetime.now(UTC)
HEADERS = {
    "registrations": export_service.REGISTRATION_HEADERS,
    "checkins": export_service.CHECKIN_HEADERS,
    "pledges": export_service.PLEDGE_HEADERS,
    "offers": export_service.OFFER_HEADERS,
}
FORMULA = '=HYPERLINK("http://evil.example","Click")'


async def scanned(event: Event, registration: Registration, staff: User, gate: str) -> CheckIn:
    return await CheckIn.create(
        event=event,
        registration=registration,
        kind=CheckInKind.ENTRY,
        result=CheckInResult.OK,
        gate=gate,
        staff=staff,
    )


@pytest.fixture
async def data(db) -> dict:
    """`passerelles` with a past fair (and a workshop), `autre` with its own event; an employer
    with two pledges (one delivered in part) and a published offer two people are interested in,
    one of whom never registered with `passerelles`."""
    organisation = await make_organisation()
    organiser = await make_user("orga@example.org", organisation=organisation, name="Nadia Orga")
    fair = await make_event(organisation, "salon", starts_at=NOW - timedelta(days=2))
    workshop = await make_event(
        organisation,
        "atelier",
        parent=fair,
        kind=EventKind.WORKSHOP,
        title={"fr": "Atelier CV"},
        starts_at=NOW - timedelta(days=2),
    )
    later = await make_event(organisation, "plus-tard", title={"fr": "Forum d'automne"})
    amadou = await make_attendee("Amadou", email="amadou@example.org")
    planted = await make_attendee(FORMULA, share=False)
    at_fair = await make_registration(
        fair,
        amadou,
        badge_serial="AMA-001",
        checked_in_at=NOW - timedelta(days=2),
        checked_in_gate="Porte A",
    )
    await make_registration(workshop, amadou, badge_serial="AMA-002")
    await make_registration(fair, planted, badge_serial="PLA-001")
    await make_registration(later, planted, badge_serial="PLA-002")
    await scanned(fair, at_fair, organiser, "Porte A")

    other = await make_organisation("autre", "Autre association")
    theirs = await make_event(other, "leur-salon", title={"fr": "Leur salon"})
    secret = await make_attendee("Secrète", last_name="Personne")
    await scanned(
        theirs,
        await make_registration(theirs, secret, badge_serial="SEC-001"),
        organiser,
        "Porte Z",
    )

    employer = await make_employer()
    internships = await Pledge.create(
        employer=employer,
        event=fair,
        kind=PledgeKind.INTERNSHIP,
        quantity=5,
        deadline=date(2099, 12, 31),
    )
    await Delivery.create(
        pledge=internships, quantity=2, delivered_on=date(2025, 3, 1), evidence="Conventions"
    )
    await Pledge.create(
        employer=employer,
        kind=PledgeKind.CO_FUNDING,
        amount_mad=Decimal("15000.50"),
        deadline=date(2000, 1, 1),
    )
    offer = await Offer.create(
        employer=employer,
        title="Stage logistique",
        city="Casablanca",
        contract_type=ContractType.INTERNSHIP,
        status=OfferStatus.PUBLISHED,
    )
    await Offer.create(
        employer=employer,
        title="Brouillon privé",
        city="Rabat",
        contract_type=ContractType.PERMANENT,
        status=OfferStatus.DRAFT,
    )
    await Interest.create(attendee=amadou, offer=offer, status=InterestStatus.SHORTLISTED)
    await Interest.create(attendee=secret, offer=offer)
    return {"fair": fair, "workshop": workshop, "later": later, "theirs": theirs}


@pytest.fixture
async def organiser(client, data) -> httpx.AsyncClient:
    await login(client, "orga@example.org")
    return client


def read_csv(response: httpx.Response) -> list[list[str]]:
    assert response.content.startswith(b"\xef\xbb\xbf")
    return csv_rows(response)


def column(rows: list[list[str]], header: str) -> list[str]:
    index = rows[0].index(header)
    return [row[index] for row in rows[1:]]


def french(headers: tuple[str, ...]) -> list[str]:
    catalog = translations("fr")
    return [catalog.gettext(header) for header in headers]


# --- the page -------------------------------------------------------------------------------------


async def test_the_exports_page_offers_each_dataset_as_csv_and_xlsx(organiser):
    page = html(await organiser.get(BASE))
    links = [a["href"] for a in page.select(".export-list a")]
    assert links == [
        f"{BASE}/{dataset}.{fmt}"
        for dataset in ("registrations", "checkins", "pledges", "offers")
        for fmt in ("csv", "xlsx")
    ]
    assert page.select_one(".sub-nav a[aria-current=page]")["href"] == BASE


async def test_choosing_an_event_carries_it_into_every_link(organiser, data):
    fair = data["fair"]
    page = html(await organiser.get(BASE, params={"event": fair.id}))
    assert page.select_one(f"#filter-event option[value='{fair.id}']").has_attr("selected")
    assert all(a["href"].endswith(f"?event={fair.id}") for a in page.select(".export-list a"))
    options = [o["value"] for o in page.select("#filter-event option")]
    assert str(data["theirs"].id) not in options


# --- languages ----------------------------------------------------------------------------------


@pytest.mark.parametrize("dataset", sorted(HEADERS))
async def test_headers_are_in_french_with_lang_fr(organiser, dataset):
    response = await organiser.get(
        f"{BASE}/{dataset}.csv", params={"lang": "fr"}, headers={"Accept-Language": "en"}
    )
    headers = read_csv(response)[0]
    assert headers == french(HEADERS[dataset])
    assert {"Événement", "Employeur"} & set(headers)


async def test_headers_follow_the_language_cookie(organiser):
    organiser.cookies.set("lang", "fr")
    response = await organiser.get(f"{BASE}/registrations.xlsx", headers={"Accept-Language": "en"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[1]][:3] == french(HEADERS["registrations"])[:3]
    assert sheet.title == "Inscriptions"


async def test_headers_are_in_english_with_lang_en(organiser):
    rows = read_csv(await organiser.get(f"{BASE}/registrations.csv", params={"lang": "en"}))
    assert rows[0] == list(export_service.REGISTRATION_HEADERS)


# --- what each export holds -----------------------------------------------------------------------


async def test_registrations_hold_the_profile_and_only_this_organisations_events(organiser):
    rows = read_csv(await organiser.get(f"{BASE}/registrations.csv", params={"lang": "en"}))
    assert column(rows, "Badge") == ["AMA-001", "AMA-002", "PLA-001", "PLA-002"]
    amadou = dict(zip(rows[0], rows[1], strict=True))
    assert amadou["Event"] == "Salon de l'emploi"
    assert amadou["Gate"] == "Porte A"
    assert amadou["E-mail address"] == "amadou@example.org"
    assert amadou["Nationality"] == "Senegal"
    assert amadou["Languages"] == "French, Wolof"
    assert amadou["Shares their profile with employers"] == "Yes"
    assert "Secrète" not in "".join(map(str, rows))


async def test_a_formula_looking_name_is_neutralised_in_csv_and_xlsx(organiser):
    rows = read_csv(await organiser.get(f"{BASE}/registrations.csv", params={"lang": "en"}))
    assert column(rows, "First name")[2] == "'" + FORMULA
    response = await organiser.get(f"{BASE}/registrations.xlsx", params={"lang": "en"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    cell = sheet.cell(
        row=4, column=list(export_service.REGISTRATION_HEADERS).index("First name") + 1
    )
    assert (cell.value, cell.data_type) == (FORMULA, "s")


async def test_the_xlsx_file_reads_back_with_dates_and_numbers(organiser):
    response = await organiser.get(f"{BASE}/pledges.xlsx", params={"lang": "en"})
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == tuple(export_service.PLEDGE_HEADERS)
    assert rows[1][3:7] == (5, "Places or items", datetime(2099, 12, 31), 2)
    assert rows[2][3] == 15000.5


async def test_an_event_narrows_registrations_to_it_and_its_sessions(organiser, data):
    response = await organiser.get(
        f"{BASE}/registrations.csv", params={"event": data["fair"].id, "lang": "en"}
    )
    rows = read_csv(response)
    assert column(rows, "Badge") == ["AMA-001", "AMA-002", "PLA-001"]
    assert column(rows, "Event") == ["Salon de l'emploi", "Atelier CV", "Salon de l'emploi"]


async def test_check_ins_show_the_scans_at_this_organisations_doors(organiser):
    rows = read_csv(await organiser.get(f"{BASE}/checkins.csv", params={"lang": "en"}))
    assert rows[1][1:] == [
        "Salon de l'emploi",
        "Porte A",
        "Entry",
        "Checked in",
        "Nadia Orga",
        "",
        "AMA-001",
    ]
    assert len(rows) == 2


async def test_pledges_have_a_row_per_delivery_and_one_for_a_pledge_without(organiser):
    rows = read_csv(await organiser.get(f"{BASE}/pledges.csv", params={"lang": "en"}))
    # The kind's name (column 2) is server.i18n.labels' business.
    assert [row[3:] for row in rows[1:]] == [
        [
            "5",
            "Places or items",
            "2099-12-31",
            "2",
            "In progress",
            "2025-03-01",
            "2",
            "Not reviewed",
            "Conventions",
        ],
        ["15000.5", "MAD", "2000-01-01", "0", "Overdue", "", "", "", ""],
    ]
    assert column(rows, "Event") == ["Salon de l'emploi", ""]


async def test_interests_name_only_people_registered_with_the_organisation(organiser):
    rows = read_csv(await organiser.get(f"{BASE}/offers.csv", params={"lang": "en"}))
    assert column(rows, "Offer") == ["Stage logistique", "Stage logistique"]
    assert column(rows, "Candidate") == ["Amadou Diallo", "Not registered for our events"]
    phones = column(rows, "Phone number")
    assert phones[0].startswith("+212") and phones[1] == ""
    assert column(rows, "Interest status") == ["Shortlisted", "Interested"]
    assert "Brouillon privé" not in "".join(map(str, rows))


async def test_an_offer_nobody_is_interested_in_has_its_own_row(organiser):
    employer = await Employer.get(name="Atlas Logistique")
    await Offer.create(
        employer=employer,
        title="Cariste",
        city="Tanger",
        contract_type=ContractType.FIXED_TERM,
        status=OfferStatus.PUBLISHED,
    )
    rows = read_csv(await organiser.get(f"{BASE}/offers.csv", params={"lang": "en"}))
    assert column(rows, "Offer") == ["Stage logistique", "Stage logistique", "Cariste"]
    assert column(rows, "Candidate")[2] == ""


async def test_files_are_named_after_the_organisation_and_the_day_and_not_kept(organiser):
    response = await organiser.get(f"{BASE}/checkins.csv")
    day = datetime.now(EVENT_TIMEZONE).strftime("%Y%m%d")
    assert response.headers["content-disposition"] == (
        f'attachment; filename="passerelles-checkins-{day}.csv"'
    )
    assert response.headers["cache-control"] == "no-store"


# --- refusals -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        f"{BASE}/nothing.csv",
        f"{BASE}/registrations.pdf",
        f"{BASE}/registrations.csv?event=abc",
        f"{BASE}/registrations.csv?event=٣",
        f"{BASE}/registrations.csv?event=99999999999999999999",
        f"{BASE}/registrations.csv?event=424242",
    ],
)
async def test_unknown_datasets_formats_and_events_are_not_found(organiser, path):
    assert (await organiser.get(path)).status_code == 404


async def test_another_organisations_event_is_not_found(organiser, data):
    response = await organiser.get(f"{BASE}/registrations.csv", params={"event": data["theirs"].id})
    assert response.status_code == 404
    assert (await organiser.get(BASE, params={"event": data["theirs"].id})).status_code == 404


async def test_check_in_staff_cannot_export(client, data):
    await make_user(
        "porte@example.org",
        organisation=await Organisation.get(slug="passerelles"),
        role=Role.CHECKIN,
    )
    await login(client, "porte@example.org")
    assert (await client.get(f"{BASE}/registrations.csv")).status_code == 403
    assert (await client.get(BASE)).status_code == 403


# --- cost -----------------------------------------------------------------------------------------


async def add_rows(data: dict, count: int) -> None:
    """`count` more people registered, scanned and interested, and more pledges delivered."""
    fair = data["fair"]
    organiser = await User.get(email="orga@example.org")
    employer = await Employer.get(name="Atlas Logistique")
    offer = await Offer.create(
        employer=employer,
        title="Autre offre",
        city="Rabat",
        contract_type=ContractType.INTERNSHIP,
        status=OfferStatus.PUBLISHED,
    )
    for n in range(count):
        person = await make_attendee(f"Person{n}")
        registration = await make_registration(fair, person, badge_serial=f"MNY-{n:03d}")
        await scanned(fair, registration, organiser, f"G{n % 3}")
        await Interest.create(attendee=person, offer=offer)
        pledge = await Pledge.create(
            employer=employer, event=fair, kind=PledgeKind.JOB, quantity=3, deadline=date.today()
        )
        await Delivery.create(pledge=pledge, quantity=1, delivered_on=date.today())


async def test_each_export_costs_the_same_queries_whatever_the_number_of_rows(data, caplog):
    organisation = await Organisation.get(slug="passerelles")

    async def queries(dataset: str) -> int:
        caplog.clear()
        with caplog.at_level(logging.DEBUG, logger="tortoise.db_client"):
            await export_service.export_table(organisation, dataset, event_id=data["fair"].id)
            await export_service.export_table(organisation, dataset)
        return len(caplog.records)

    before = {dataset: await queries(dataset) for dataset in HEADERS}
    await add_rows(data, 25)
    after = {dataset: await queries(dataset) for dataset in HEADERS}
    assert after == before
    assert max(before.values()) <= 7
