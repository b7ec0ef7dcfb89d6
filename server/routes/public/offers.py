"""The public board of internships and jobs, and a person's interest in them from their
personal link.

The board shows published offers of approved employers whose deadline has not passed. Saying
"this interests me" needs the personal link (`/me/{token}/offers`): the link is the person's
only key, and employers then see what the person agreed to share, nothing more.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from server.i18n import gettext
from server.i18n.labels import SECTORS, SPOKEN_LANGUAGES, label
from server.models import Attendee
from server.models.enums import ContractType
from server.services.employers import interests, offers
from server.services.employers.interests import InterestRefused
from server.services.employers.offers import OfferFilters
from server.values.numbers import parse_count
from server.web.forms import form_text
from server.web.policies import PERSONAL_LINK, Anyone, requires

BOARD = "pages/offers.html"
OFFER = "pages/offer.html"
MY_OFFERS = "pages/me_offers.html"


def _page_number(request: Request) -> int:
    return parse_count(request.query_params.get("page", "")) or 1


def _with_query(path: str, **query: str) -> str:
    kept = {key: value for key, value in query.items() if value}
    return f"{path}?{urlencode(kept)}" if kept else path


def _vocabularies() -> dict[str, Any]:
    return {
        "spoken_languages": SPOKEN_LANGUAGES,
    }


@requires(Anyone())
async def board(request: Request) -> Response:
    """The open offers, filtered; with htmx, only the results block."""
    filters = OfferFilters.from_query(request.query_params)
    listing = await offers.public_offers(filters, _page_number(request))
    here = request.url_for("offers").path
    query = filters.query_items()
    context = {
        "filters": filters,
        "listing": listing,
        "cities": await offers.offer_cities(),
        "sector_options": [(code, gettext(name)) for code, name in SECTORS.items()],
        "contract_options": [(kind.value, label(kind)) for kind in ContractType],
        "here": here,
        "prev_url": _with_query(here, **query, page=str(listing.page - 1)),
        "next_url": _with_query(here, **query, page=str(listing.page + 1)),
        **_vocabularies(),
    }
    return request.app.state.renderer.page(request, BOARD, context, block="results")


@requires(Anyone())
async def offer_page(request: Request) -> Response:
    offer = await offers.public_offer(int(request.path_params["offer_id"]))
    context = {"offer": offer, "open": offers.is_open(offer), **_vocabularies()}
    return request.app.state.renderer.page(request, OFFER, context)


# --- from the personal link ---------------------------------------------------------------------


async def _my_offers_page(
    request: Request,
    attendee: Attendee,
    *,
    refusal: InterestRefused | None = None,
    status_code: int = 200,
) -> Response:
    token = request.path_params["token"]
    mine = await interests.attendee_interests(attendee)
    listing = await offers.public_offers(OfferFilters(), _page_number(request))
    here = request.url_for("me_offers", token=token).path
    context = {
        "token": token,
        "mine": mine,
        "status_by_offer": {item.offer.id: item.status for item in mine},
        "listing": listing,
        "shares_profile": attendee.consent_share_at is not None,
        "refusal": refusal,
        "prev_url": _with_query(here, page=str(listing.page - 1)),
        "next_url": _with_query(here, page=str(listing.page + 1)),
        **_vocabularies(),
    }
    return request.app.state.renderer.page(request, MY_OFFERS, context, status_code=status_code)


@requires(PERSONAL_LINK)
async def my_offers(request: Request) -> Response:
    """The open offers with the person's own interests and how far each went."""
    return await _my_offers_page(request, request.state.attendee)


@requires(PERSONAL_LINK)
async def my_interest(request: Request) -> Response:
    """ "This interests me" (`interested=yes`) or "No longer interested" (`interested=no`)."""
    attendee = request.state.attendee
    offer = await interests.interest_offer(int(request.path_params["offer_id"]))
    wanted = form_text(await request.form(), "interested") != "no"
    try:
        if wanted:
            await interests.mark_interest(attendee, offer)
        else:
            await interests.withdraw_interest(attendee, offer)
    except InterestRefused as refusal:
        return await _my_offers_page(
            request, attendee, refusal=refusal, status_code=refusal.status_code
        )
    target = request.url_for("me_offers", token=request.path_params["token"]).path
    return RedirectResponse(f"{target}#offer-{offer.id}", status_code=303)
