"""People say an offer interests them from their personal link; the employer sees its candidates
only through what they agreed to share, and moves them along until a hire — which counts as a
delivery of the pledge the offer is linked to."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
import pytest

from server.codes.tokens import hash_token
from server.models import ActionLog, Attendee, Delivery, Employer, Interest, Offer, Pledge
from server.models.enums import (
    DeliveryReview,
    EmployerStatus,
    InterestStatus,
    OfferStatus,
    PledgeKind,
)
from server.services.employers.interests import (
    InterestRefused,
    employer_interest,
    mark_interest,
    move_candidate,
)
from server.values.clock import today_in_morocco as today
from tests.support import (
    csrf_from,
    html,
    login,
    make_attendee,
    make_employer,
    make_offer,
    new_client,
    post,
)

TOKEN = "personal-token-of-amadou"


async def make_candidate(offer: Offer, *, share: bool, **extra: object) -> Interest:
    attendee = await make_attendee(
        "Aminata",
        share=share,
        last_name="Sow",
        city="Tanger",
        email="aminata.sow@example.org",
        nationality="SN",
        legal_status="refugee",
        **extra,
    )
    return await Interest.create(attendee=attendee, offer=offer)


@pytest.fixture
async def attendee(db) -> Attendee:
    """Amadou, who agreed to share his profile, with his personal link TOKEN."""
    return await make_attendee(access_token_hash=hash_token(TOKEN))


@pytest.fixture
async def visitor(app, db) -> httpx.AsyncClient:
    """An anonymous browser reading pages in English."""
    browser = await new_client(app, "203.0.113.30")
    await browser.get("/?lang=en")
    return browser


async def interest_in(visitor, offer: Offer, wanted: bool = True) -> httpx.Response:
    path = f"/me/{TOKEN}/offers/{offer.id}/interest"
    return await post(visitor, path, {"interested": "yes" if wanted else "no"})


async def move(client, offer: Offer, interest: Interest, status: str, **headers: str):
    path = f"/employer/offers/{offer.id}/candidates/{interest.id}"
    token = csrf_from(await client.get("/account"))
    return await client.post(path, data={"status": status, "csrf_token": token}, headers=headers)


# --- from the personal link ------------------------------------------------------------------


async def test_a_person_says_an_offer_interests_them_and_sees_its_status(
    visitor, employer, attendee
):
    offer = await make_offer(employer)

    response = await interest_in(visitor, offer)

    assert response.status_code == 303
    assert response.headers["location"] == f"/me/{TOKEN}/offers#offer-{offer.id}"
    interest = await Interest.get(attendee_id=attendee.id, offer_id=offer.id)
    assert interest.status == InterestStatus.INTERESTED
    page = html(await visitor.get(f"/me/{TOKEN}/offers"))
    [mine] = page.select(".my-interest")
    assert mine.select_one(".status").get_text(strip=True) == "Interested"
    card = page.select_one(f"#offer-{offer.id}")
    assert card.select_one("button").get_text(strip=True) == "No longer interested"
    assert await ActionLog.filter(action="interest.created", object_id=interest.id).exists()


async def test_saying_it_twice_records_one_interest(visitor, employer, attendee):
    offer = await make_offer(employer)

    for _ in range(2):
        assert (await interest_in(visitor, offer)).status_code == 303
    assert await mark_interest(attendee, offer) is not None

    assert await Interest.filter(attendee_id=attendee.id).count() == 1


async def test_a_person_can_take_their_interest_back(visitor, employer, attendee):
    offer = await make_offer(employer)
    await interest_in(visitor, offer)

    for _ in range(2):
        assert (await interest_in(visitor, offer, wanted=False)).status_code == 303

    assert not await Interest.exists(attendee_id=attendee.id)
    card = html(await visitor.get(f"/me/{TOKEN}/offers")).select_one(f"#offer-{offer.id}")
    assert card.select_one("button").get_text(strip=True) == "This interests me"


async def test_a_decision_of_the_employer_cannot_be_taken_back(visitor, employer, attendee):
    offer = await make_offer(employer)
    await Interest.create(attendee=attendee, offer=offer, status=InterestStatus.HIRED)

    response = await interest_in(visitor, offer, wanted=False)

    assert response.status_code == 409
    assert await Interest.exists(attendee_id=attendee.id)


@pytest.mark.parametrize(
    "changes",
    [
        {"status": OfferStatus.CLOSED},
        {"deadline": today() - timedelta(days=1)},
    ],
    ids=["closed", "past_deadline"],
)
async def test_an_offer_that_no_longer_takes_applications_is_refused(
    visitor, employer, attendee, changes
):
    offer = await make_offer(employer, **changes)

    response = await interest_in(visitor, offer)

    assert response.status_code == 409
    assert "no longer takes applications" in html(response).select_one(".alert-error").get_text()
    assert not await Interest.exists(attendee_id=attendee.id)


@pytest.mark.parametrize("status", [OfferStatus.DRAFT, OfferStatus.SUBMITTED])
async def test_an_offer_never_published_is_not_found(visitor, employer, attendee, status):
    offer = await make_offer(employer, status=status, published_at=None)

    assert (await interest_in(visitor, offer)).status_code == 404
    assert not await Interest.exists(attendee_id=attendee.id)


async def test_an_offer_of_a_pending_employer_is_not_found(visitor, attendee):
    pending = await make_employer(status=EmployerStatus.PENDING)
    offer = await make_offer(pending)

    assert (await interest_in(visitor, offer)).status_code == 404


async def test_a_wrong_personal_link_is_not_found(visitor, employer, attendee):
    offer = await make_offer(employer)

    assert (await visitor.get("/me/wrong-token/offers")).status_code == 404
    path = f"/me/wrong-token/offers/{offer.id}/interest"
    assert (await post(visitor, path, {"interested": "yes"})).status_code == 404
    assert not await Interest.exists()


async def test_the_personal_page_links_to_the_offers(visitor, attendee):
    page = html(await visitor.get(f"/me/{TOKEN}"))

    link = page.select_one(f'a[href="/me/{TOKEN}/offers"]')
    assert link.get_text(strip=True) == "Jobs and internships"


async def test_the_page_says_plainly_that_the_profile_is_shared(visitor, employer, attendee):
    notice = html(await visitor.get(f"/me/{TOKEN}/offers")).select_one(".share-notice")

    assert "You agreed to share your profile" in notice.get_text()
    assert "Never your nationality" in notice.get_text()


async def test_the_page_says_plainly_that_the_profile_is_not_shared(visitor, db):
    await make_attendee(share=False, access_token_hash=hash_token(TOKEN))

    notice = html(await visitor.get(f"/me/{TOKEN}/offers")).select_one(".share-notice")

    assert "You did not agree to share your profile" in notice.get_text()


# --- the employer's candidates ---------------------------------------------------------------


PRIVATE_TEXTS = (
    "+21266",  # phone numbers of the test attendees
    "aminata.sow@example.org",
    "Senegal",
    "Refugee",
    "1995",  # birth year
)


async def test_a_candidate_who_did_not_agree_to_share_shows_nothing_personal(client, employer):
    offer = await make_offer(employer)
    interest = await make_candidate(offer, share=False)

    response = await client.get(f"/employer/offers/{offer.id}")

    [row] = html(response).select(".candidate-row")
    assert f"Candidate #{interest.id}" in row.get_text()
    assert "Candidate without a shared profile" in row.get_text()
    for private in ("Aminata", "Sow", "Tanger", "Wolof", *PRIVATE_TEXTS):
        assert private not in response.text, private


async def test_a_consenting_candidate_shows_only_the_shared_fields(client, employer):
    offer = await make_offer(employer)
    await make_candidate(offer, share=True)

    response = await client.get(f"/employer/offers/{offer.id}")

    [row] = html(response).select(".candidate-row")
    assert row.select_one(".candidate-name strong").get_text(strip=True) == "Aminata Sow"
    profile = row.select_one(".candidate-profile").get_text(" ", strip=True)
    for shared in ("Tanger", "French, Wolof", "Secondary school", "Transport and logistics"):
        assert shared in profile, shared
    for private in PRIVATE_TEXTS:
        assert private not in response.text, private


async def test_an_employer_never_sees_another_employers_candidates(app, client, employer):
    other = await make_employer("Rif Textile", ice="009876543000012")
    foreign = await make_offer(other, "Couturière")
    interest = await make_candidate(foreign, share=True)
    mine = await make_offer(employer)

    assert (await client.get(f"/employer/offers/{foreign.id}")).status_code == 404
    assert (await move(client, foreign, interest, "shortlisted")).status_code == 404
    # Another employer's candidate through one's own offer: still not found.
    assert (await move(client, mine, interest, "shortlisted")).status_code == 404
    for path in ("/employer/offers", f"/employer/offers/{mine.id}"):
        assert "Aminata" not in (await client.get(path)).text
    assert (await Interest.get(id=interest.id)).status == InterestStatus.INTERESTED


async def test_moving_a_candidate_without_javascript_redirects_to_the_offer(client, employer):
    offer = await make_offer(employer)
    interest = await make_candidate(offer, share=True)

    response = await move(client, offer, interest, "shortlisted")

    assert response.status_code == 303
    assert response.headers["location"] == f"/employer/offers/{offer.id}"
    assert (await Interest.get(id=interest.id)).status == InterestStatus.SHORTLISTED
    row = html(await client.get(response.headers["location"])).select_one(".candidate-row")
    assert row.select_one(".status").get_text(strip=True) == "Shortlisted"


async def test_moving_a_candidate_with_htmx_answers_with_their_row_only(client, employer):
    offer = await make_offer(employer)
    interest = await make_candidate(offer, share=False)

    response = await move(client, offer, interest, "interviewed", **{"HX-Request": "true"})

    assert response.status_code == 200
    assert "<html" not in response.text
    [row] = html(response).select("tr.candidate-row")
    assert row["id"] == f"candidate-{interest.id}"
    assert row.select_one(".status").get_text(strip=True) == "Interviewed"
    assert "Aminata" not in response.text


async def test_an_unknown_stage_is_refused(client, employer):
    offer = await make_offer(employer)
    interest = await make_candidate(offer, share=True)

    response = await move(client, offer, interest, "promoted")

    assert response.status_code == 409
    assert (await Interest.get(id=interest.id)).status == InterestStatus.INTERESTED


async def test_a_pending_employer_cannot_move_candidates(app, db):
    pending = await make_employer(status=EmployerStatus.PENDING, member_email="rh@new.example")
    offer = await make_offer(pending)
    interest = await make_candidate(offer, share=True)
    browser = await new_client(app)
    await login(browser, "rh@new.example")

    assert (await move(browser, offer, interest, "hired")).status_code == 403
    assert (await Interest.get(id=interest.id)).status == InterestStatus.INTERESTED


# --- a hire is a delivery of the pledge ------------------------------------------------------


async def pledged_offer(employer: Employer) -> tuple[Offer, Pledge]:
    pledge = await Pledge.create(
        employer=employer, kind=PledgeKind.JOB, quantity=3, deadline=today() + timedelta(days=60)
    )
    return await make_offer(employer, pledge=pledge), pledge


async def test_hiring_on_a_pledged_offer_records_one_delivery(client, employer):
    offer, pledge = await pledged_offer(employer)
    interest = await make_candidate(offer, share=True)

    assert (await move(client, offer, interest, "hired")).status_code == 303

    [delivery] = await Delivery.filter(pledge_id=pledge.id)
    assert (delivery.interest_id, delivery.quantity, delivery.delivered_on) == (
        interest.id,
        1,
        today(),
    )
    assert delivery.evidence and delivery.recorded_by_id is not None


async def test_hiring_twice_does_not_double_the_delivery(client, employer):
    offer, pledge = await pledged_offer(employer)
    interest = await make_candidate(offer, share=True)

    for _ in range(2):
        assert (await move(client, offer, interest, "hired")).status_code == 303

    assert await Delivery.filter(pledge_id=pledge.id).count() == 1


async def test_moving_back_from_hired_removes_the_delivery(client, employer):
    offer, pledge = await pledged_offer(employer)
    interest = await make_candidate(offer, share=True)
    other = await make_candidate(offer, share=False, phone="+212661234567")
    await move(client, offer, interest, "hired")
    await move(client, offer, other, "hired")

    assert (await move(client, offer, interest, "interviewed")).status_code == 303

    assert [d.interest_id for d in await Delivery.filter(pledge_id=pledge.id)] == [other.id]
    log = await ActionLog.filter(action="interest.moved", object_id=interest.id).order_by("-id")
    assert log[0].data["delivery_removed"] == 1


async def test_two_hires_of_one_candidate_at_once_record_one_delivery(employer):
    offer, pledge = await pledged_offer(employer)
    candidate = await make_candidate(offer, share=True)
    first, second = [await employer_interest(employer, offer, candidate.id) for _ in range(2)]

    outcomes = await asyncio.gather(
        move_candidate(first, "hired", by=None),
        move_candidate(second, "hired", by=None),
        return_exceptions=True,
    )

    assert [o.code for o in outcomes if isinstance(o, InterestRefused)] == ["status_changed"]
    assert await Delivery.filter(pledge_id=pledge.id).count() == 1


async def test_a_move_after_the_person_withdrew_is_refused_not_an_error(employer):
    offer = await make_offer(employer)
    candidate = await make_candidate(offer, share=True)
    loaded = await employer_interest(employer, offer, candidate.id)
    await Interest.filter(id=candidate.id).delete()

    with pytest.raises(InterestRefused) as refusal:
        await move_candidate(loaded, "shortlisted", by=None)

    assert refusal.value.code == "status_changed"


async def test_a_hire_the_organisers_confirmed_cannot_be_taken_back(client, employer):
    offer, pledge = await pledged_offer(employer)
    interest = await make_candidate(offer, share=True)
    await move(client, offer, interest, "hired")
    await Delivery.filter(interest_id=interest.id).update(review=DeliveryReview.CONFIRMED)

    assert (await move(client, offer, interest, "interviewed")).status_code == 409

    assert (await Interest.get(id=interest.id)).status == InterestStatus.HIRED
    assert await Delivery.filter(pledge_id=pledge.id).count() == 1


async def test_a_company_rejected_after_people_showed_interest_sees_no_profile(client, employer):
    offer = await make_offer(employer)
    await make_candidate(offer, share=True)
    await Employer.filter(id=employer.id).update(status=EmployerStatus.REJECTED)

    page = html(await client.get(f"/employer/offers/{offer.id}"))

    assert "Aminata" not in page.get_text()
    assert "Candidate #" in page.get_text()


async def test_hiring_on_an_offer_without_pledge_records_no_delivery(client, employer):
    offer = await make_offer(employer)
    interest = await make_candidate(offer, share=True)

    assert (await move(client, offer, interest, "hired")).status_code == 303

    assert (await Interest.get(id=interest.id)).status == InterestStatus.HIRED
    assert not await Delivery.exists()
