"""Employers post internships and jobs, organisers publish or reject them, anyone reads the
public board — through the pages, as a browser without JavaScript would."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from server.models import ActionLog, Employer, Interest, Offer, Pledge
from server.models.enums import (
    ContractType,
    EmployerStatus,
    InterestStatus,
    OfferStatus,
    PledgeKind,
)
from server.services.employers.offers import employer_offers
from server.values.clock import today_in_morocco as today
from tests.support import (
    html,
    id_in_location,
    login,
    make_attendee,
    make_employer,
    make_offer,
    make_pledge,
    new_client,
    post,
)

NEXT_MONTH = today() + timedelta(days=30)


def offer_form(**changes: object) -> dict[str, object]:
    form: dict[str, object] = {
        "title": "Préparateur de commandes",
        "description": "Préparer les commandes en entrepôt, du lundi au vendredi.",
        "city": "Casablanca",
        "contract_type": "fixed_term",
        "positions": "3",
        "languages": ["fr", "ar"],
        "deadline": NEXT_MONTH.isoformat(),
        "pledge": "",
    }
    form.update(changes)
    return form


async def other_employer(app, *, status: EmployerStatus = EmployerStatus.APPROVED):
    """Another company with its admin logged in on a browser of its own."""
    company = await make_employer(
        "Rif Textile", ice="009876543000012", status=status, member_email="rh@rif.example.org"
    )
    browser = await new_client(app, "203.0.113.12")
    await login(browser, "rh@rif.example.org", language="en")
    return company, browser


def board_titles(response: httpx.Response) -> list[str]:
    return [
        card.select_one("h3").get_text(strip=True) for card in html(response).select(".offer-card")
    ]


# --- writing an offer ------------------------------------------------------------------------


async def test_an_employer_saves_a_draft_and_sees_it_in_its_list(client, employer):
    offer_id = id_in_location(await post(client, "/employer/offers/new", offer_form()))

    offer = await Offer.get(id=offer_id)
    assert (offer.status, offer.employer_id, offer.positions) == (OfferStatus.DRAFT, employer.id, 3)
    assert offer.languages == ["fr", "ar"]
    assert offer.deadline == NEXT_MONTH
    page = html(await client.get("/employer/offers"))
    [row] = page.select(".offer-row")
    assert row.select_one("a").get_text(strip=True) == "Préparateur de commandes"
    assert row.select_one(".status").get_text(strip=True) == "Draft"
    assert page.select_one('.sub-nav a[aria-current="page"]').get_text(strip=True) == "Offers"
    assert await ActionLog.filter(action="offer.created", object_id=offer_id).exists()


async def test_bad_input_is_shown_next_to_each_field_and_every_value_is_kept(client, employer):
    form = offer_form(
        title="",
        contract_type="cdi",
        positions="٣",
        languages=["fr", "klingon"],
        deadline=(today() - timedelta(days=1)).isoformat(),
    )
    response = await post(client, "/employer/offers/new", form)

    assert response.status_code == 422
    page = html(response)
    for name in ("title", "contract_type", "positions", "languages", "deadline"):
        assert page.select_one(f"#error-{name}") is not None, name
    assert page.select_one("#field-description").get_text() == form["description"]
    assert page.select_one("#field-city")["value"] == "Casablanca"
    assert page.select_one("#field-positions")["value"] == "٣"
    assert page.select_one('input[name="languages"][value="fr"]').has_attr("checked")
    assert await Offer.all().count() == 0


@pytest.mark.parametrize("positions", ["0", "1000", "99999999999999999999", "", "trois", "-2"])
async def test_positions_must_be_from_1_to_999(client, employer, positions):
    response = await post(client, "/employer/offers/new", offer_form(positions=positions))

    assert response.status_code == 422
    assert html(response).select_one("#error-positions") is not None


async def test_missing_fields_are_refused_not_a_server_error(client, employer):
    response = await post(client, "/employer/offers/new", {})

    assert response.status_code == 422
    page = html(response)
    for name in ("title", "description", "city", "contract_type"):
        assert page.select_one(f"#error-{name}") is not None, name


async def test_an_offer_can_count_towards_one_of_the_employers_job_pledges(client, employer):
    pledge = await make_pledge(employer, PledgeKind.JOB)
    response = await post(client, "/employer/offers/new", offer_form(pledge=str(pledge.id)))

    offer = await Offer.get(id=id_in_location(response))
    assert offer.pledge_id == pledge.id


async def test_a_pledge_of_another_employer_is_refused(app, client, employer):
    await make_pledge(employer, PledgeKind.JOB)
    other, _ = await other_employer(app)
    foreign = await make_pledge(other, PledgeKind.JOB)

    response = await post(client, "/employer/offers/new", offer_form(pledge=str(foreign.id)))

    assert response.status_code == 422
    assert html(response).select_one("#error-pledge") is not None
    assert await Offer.all().count() == 0


async def test_only_internship_and_job_pledges_can_be_linked(client, employer):
    await make_pledge(employer, PledgeKind.JOB)
    mentoring = await make_pledge(employer, PledgeKind.MENTORING)

    response = await post(client, "/employer/offers/new", offer_form(pledge=str(mentoring.id)))

    assert response.status_code == 422
    assert html(response).select_one("#error-pledge") is not None
    options = html(response).select('#field-pledge option[value]:not([value=""])')
    assert [option["value"] for option in options] == [
        str(p.id) for p in await Pledge.filter(kind=PledgeKind.JOB)
    ]


# --- submitting and moderating ---------------------------------------------------------------


async def test_a_pending_employer_saves_drafts_but_cannot_submit_them(app, client, db):
    _, browser = await other_employer(app, status=EmployerStatus.PENDING)
    offer_id = id_in_location(await post(browser, "/employer/offers/new", offer_form()))

    detail = html(await browser.get(f"/employer/offers/{offer_id}"))
    assert detail.select_one(f'form[action="/employer/offers/{offer_id}/submit"]') is None
    response = await post(browser, f"/employer/offers/{offer_id}/submit", {})

    assert response.status_code == 403
    assert (await Offer.get(id=offer_id)).status == OfferStatus.DRAFT
    assert "Préparateur de commandes" not in (await client.get("/offers")).text


async def test_a_pending_employers_offer_never_appears_publicly(app, client, db):
    company, _ = await other_employer(app, status=EmployerStatus.PENDING)
    offer = await make_offer(company, "Couturière")  # published, say, before a review went back

    assert "Couturière" not in (await client.get("/offers")).text
    assert (await client.get(f"/offers/{offer.id}")).status_code == 404


async def test_a_submitted_offer_published_by_an_organiser_appears_on_the_board(
    client, employer, organiser
):
    offer_id = id_in_location(await post(client, "/employer/offers/new", offer_form()))
    assert (await post(client, f"/employer/offers/{offer_id}/submit", {})).status_code == 303
    assert "Préparateur de commandes" not in (await client.get("/offers")).text

    response = await post(
        organiser, f"/manage/passerelles/offers/{offer_id}/review", {"decision": "publish"}
    )

    assert response.status_code == 303
    offer = await Offer.get(id=offer_id)
    assert offer.status == OfferStatus.PUBLISHED and offer.published_at is not None
    assert board_titles(await client.get("/offers")) == ["Préparateur de commandes"]
    page = html(await client.get(f"/offers/{offer_id}"))
    assert page.select_one("h1").get_text(strip=True) == "Préparateur de commandes"
    actions = await ActionLog.filter(object_type="offer", object_id=offer_id).order_by("id")
    assert [a.action for a in actions] == ["offer.created", "offer.submitted", "offer.published"]


async def test_rejecting_an_offer_needs_a_reason_shown_next_to_the_field(employer, organiser):
    offer = await make_offer(employer, status=OfferStatus.SUBMITTED, published_at=None)

    response = await post(
        organiser, f"/manage/passerelles/offers/{offer.id}/review", {"decision": "reject"}
    )

    assert response.status_code == 422
    assert html(response).select_one(f"#error-reason-{offer.id}") is not None
    assert (await Offer.get(id=offer.id)).status == OfferStatus.SUBMITTED


async def test_the_employer_reads_the_reason_of_a_rejection_and_can_submit_again(
    client, employer, organiser
):
    offer = await make_offer(employer, status=OfferStatus.SUBMITTED, published_at=None)
    reason = "Précisez le salaire et les horaires."
    response = await post(
        organiser,
        f"/manage/passerelles/offers/{offer.id}/review",
        {"decision": "reject", "reason": reason},
    )
    assert response.status_code == 303

    page = html(await client.get(f"/employer/offers/{offer.id}"))
    assert reason in page.select_one(".offer-rejection").get_text()
    assert (await post(client, f"/employer/offers/{offer.id}/submit", {})).status_code == 303
    again = await Offer.get(id=offer.id)
    assert (again.status, again.rejection_reason) == (OfferStatus.SUBMITTED, "")
    log = await ActionLog.get(action="offer.rejected", object_id=offer.id)
    assert log.data["reason"] == reason


async def test_a_draft_is_not_for_the_organisers_to_review(employer, organiser):
    draft = await make_offer(employer, status=OfferStatus.DRAFT, published_at=None)

    response = await post(
        organiser, f"/manage/passerelles/offers/{draft.id}/review", {"decision": "publish"}
    )

    assert response.status_code == 404
    assert (await Offer.get(id=draft.id)).status == OfferStatus.DRAFT


async def test_a_decision_that_is_neither_publish_nor_reject_is_refused(employer, organiser):
    offer = await make_offer(employer, status=OfferStatus.SUBMITTED, published_at=None)

    response = await post(
        organiser, f"/manage/passerelles/offers/{offer.id}/review", {"decision": "archive"}
    )

    assert response.status_code == 422
    assert (await Offer.get(id=offer.id)).status == OfferStatus.SUBMITTED


async def test_organisers_see_offers_awaiting_review_first_and_can_filter_by_status(
    employer, organiser
):
    await make_offer(employer, "Publiée")
    await make_offer(employer, "En attente", status=OfferStatus.SUBMITTED, published_at=None)
    await make_offer(employer, "Brouillon", status=OfferStatus.DRAFT, published_at=None)

    page = html(await organiser.get("/manage/passerelles/offers"))
    titles = [item.select_one("h2").get_text(strip=True) for item in page.select(".review-offer")]
    assert titles == ["En attente", "Publiée"]
    assert page.select_one('.sub-nav a[aria-current="page"]').get_text(strip=True) == "Offers"
    filtered = html(await organiser.get("/manage/passerelles/offers?status=published"))
    assert [i.select_one("h2").get_text(strip=True) for i in filtered.select(".review-offer")] == [
        "Publiée"
    ]


async def test_the_moderation_page_is_for_organisers_only(client, employer):
    assert (await client.get("/manage/passerelles/offers")).status_code in (403, 404)


# --- changing and closing --------------------------------------------------------------------


async def test_editing_a_published_offer_sends_it_back_for_review(client, employer):
    offer = await make_offer(employer)
    form_page = html(await client.get(f"/employer/offers/{offer.id}/edit"))
    assert "sends it back to the organisers" in form_page.select_one(".alert").get_text()

    response = await post(
        client, f"/employer/offers/{offer.id}/edit", offer_form(title="Agent logistique (CDI)")
    )

    assert response.status_code == 303
    changed = await Offer.get(id=offer.id)
    assert (changed.status, changed.title) == (OfferStatus.SUBMITTED, "Agent logistique (CDI)")
    assert board_titles(await client.get("/offers")) == []


async def test_closing_an_offer_takes_it_off_the_board(client, employer):
    offer = await make_offer(employer)

    response = await post(client, f"/employer/offers/{offer.id}/close", {})

    assert response.status_code == 303
    assert (await Offer.get(id=offer.id)).status == OfferStatus.CLOSED
    assert board_titles(await client.get("/offers")) == []
    assert (await client.get(f"/employer/offers/{offer.id}/edit")).status_code == 409


async def test_an_employer_never_reaches_another_employers_offers(app, client, employer):
    other, _ = await other_employer(app)
    draft = await make_offer(other, "Brouillon de Rif", status=OfferStatus.DRAFT)

    for method, path in [
        ("GET", f"/employer/offers/{draft.id}"),
        ("GET", f"/employer/offers/{draft.id}/edit"),
        ("POST", f"/employer/offers/{draft.id}/edit"),
        ("POST", f"/employer/offers/{draft.id}/submit"),
        ("POST", f"/employer/offers/{draft.id}/close"),
    ]:
        if method == "GET":
            response = await client.get(path)
        else:
            response = await post(client, path, offer_form())
        assert response.status_code == 404, path
    assert "Brouillon de Rif" not in (await client.get("/employer/offers")).text
    assert (await Offer.get(id=draft.id)).status == OfferStatus.DRAFT


async def test_the_employer_list_counts_candidates_per_stage(employer):
    offer = await make_offer(employer)
    quiet = await make_offer(employer, "Sans candidat")
    for status in (InterestStatus.INTERESTED, InterestStatus.INTERESTED, InterestStatus.HIRED):
        attendee = await make_attendee()
        await Interest.create(attendee=attendee, offer=offer, status=status)

    summaries = {summary.offer.id: summary for summary in await employer_offers(employer)}

    assert summaries[offer.id].counts == {InterestStatus.INTERESTED: 2, InterestStatus.HIRED: 1}
    assert (summaries[offer.id].candidates, summaries[offer.id].hired) == (3, 1)
    assert summaries[quiet.id].candidates == 0


# --- the public board ------------------------------------------------------------------------


async def test_the_board_shows_only_open_offers_of_approved_employers(app, client, employer):
    await make_offer(employer, "Publiée")
    await make_offer(employer, "Soumise", status=OfferStatus.SUBMITTED)
    await make_offer(employer, "Refusée", status=OfferStatus.REJECTED)
    await make_offer(employer, "Fermée", status=OfferStatus.CLOSED)
    await make_offer(employer, "Brouillon", status=OfferStatus.DRAFT)
    await make_offer(employer, "Expirée", deadline=today() - timedelta(days=1))
    await make_offer(employer, "Dernier jour", deadline=today())
    rejected, _ = await other_employer(app, status=EmployerStatus.REJECTED)
    await make_offer(rejected, "D'une entreprise refusée")

    assert sorted(board_titles(await client.get("/offers"))) == ["Dernier jour", "Publiée"]


async def test_the_board_filters_by_city_sector_and_contract(app, client, employer):
    other, _ = await other_employer(app)
    await Employer.filter(id=other.id).update(sector="textile")
    await make_offer(employer, "Cariste Casablanca")
    await make_offer(employer, "Stage Rabat", city="Rabat", contract_type=ContractType.INTERNSHIP)
    await make_offer(other, "Couturière Rabat", city="Rabat")

    assert sorted(board_titles(await client.get("/offers?city=Rabat"))) == [
        "Couturière Rabat",
        "Stage Rabat",
    ]
    assert board_titles(await client.get("/offers?sector=textile")) == ["Couturière Rabat"]
    assert board_titles(await client.get("/offers?contract=internship")) == ["Stage Rabat"]
    assert board_titles(await client.get("/offers?city=Rabat&sector=logistics")) == ["Stage Rabat"]
    nonsense = await client.get("/offers?sector=%00&contract=x&page=99999999999999")
    assert nonsense.status_code == 200 and len(board_titles(nonsense)) == 3


async def test_the_board_filters_without_javascript_and_with_htmx(client, employer):
    await make_offer(employer, "Cariste Casablanca")

    page = html(await client.get("/offers"))
    form = page.select_one("form.filters")
    assert form["method"] == "get" and form["hx-target"] == "#offer-results"
    assert page.select_one('select[name="city"] option[value="Casablanca"]') is not None
    fragment = await client.get("/offers?city=Casablanca", headers={"HX-Request": "true"})
    assert "<html" not in fragment.text
    assert board_titles(fragment) == ["Cariste Casablanca"]


async def test_the_site_header_links_to_the_board(client, db):
    page = html(await client.get("/?lang=en"))
    link = page.select_one('.main-nav a[href="/offers"]')
    assert link.get_text(strip=True) == "Jobs and internships"


@pytest.mark.parametrize(
    "status", [OfferStatus.DRAFT, OfferStatus.SUBMITTED, OfferStatus.REJECTED, OfferStatus.CLOSED]
)
async def test_an_offer_page_is_not_found_unless_published(client, employer, status):
    offer = await make_offer(employer, status=status)

    assert (await client.get(f"/offers/{offer.id}")).status_code == 404


async def test_an_offer_page_explains_how_to_say_it_interests_you(client, employer):
    offer = await make_offer(employer, languages=["fr", "wo"])

    page = html(await client.get(f"/offers/{offer.id}"))

    how = page.select_one(".offer-how")
    assert "personal link" in how.get_text()
    assert how.select_one('a[href="/link"]') is not None
    assert "French, Wolof" in page.select_one(".facts").get_text()
