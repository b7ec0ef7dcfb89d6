"""The organisers' review of employers' offers: publish them, or reject them with a reason the
employer reads.

Employers are platform-wide: the organisers of any organisation on the instance moderate every
offer, from their own `/manage/{organisation}/` pages. Drafts stay the employer's business.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from server.errors import AppError, ValidationFailed
from server.i18n.labels import SPOKEN_LANGUAGES, label
from server.services.employers import offers
from server.services.employers.offers import MODERATION_STATUSES, OfferRefused
from server.values.numbers import parse_count
from server.web.flash import pop_flash, redirect_with_flash
from server.web.forms import form_text
from server.web.policies import ORGANISERS, requires
from server.web.security import signed_in_user

OFFERS = "pages/manage/offers.html"


def _list_url(request: Request, **query: str) -> str:
    path = request.url_for("manage:offers", organisation=request.state.organisation.slug).path
    kept = {key: value for key, value in query.items() if value}
    return f"{path}?{urlencode(kept)}" if kept else path


async def _list_page(
    request: Request,
    *,
    status: str,
    page: int,
    refusal: AppError | None = None,
    review: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    listing = await offers.offers_for_review(status, page)
    context: dict[str, Any] = {
        "organisation": request.state.organisation,
        "listing": listing,
        "status": status if status in MODERATION_STATUSES else "",
        "status_options": [(value.value, label(value)) for value in MODERATION_STATUSES],
        "here": _list_url(request),
        "prev_url": _list_url(request, status=status, page=str(listing.page - 1)),
        "next_url": _list_url(request, status=status, page=str(listing.page + 1)),
        "flash": pop_flash(request),
        "refusal": refusal,
        "review": review or {},
        "spoken_languages": SPOKEN_LANGUAGES,
    }
    return request.app.state.renderer.page(
        request, OFFERS, context, status_code=status_code, block="results"
    )


@requires(ORGANISERS)
async def offer_list(request: Request) -> Response:
    """Offers awaiting review first, then the others; with htmx, only the results block."""
    params = request.query_params
    return await _list_page(
        request, status=params.get("status", ""), page=parse_count(params.get("page", "")) or 1
    )


@requires(ORGANISERS)
async def offer_review(request: Request) -> Response:
    offer = await offers.offer_for_review(int(request.path_params["offer_id"]))
    form = await request.form()
    decision, reason = form_text(form, "decision"), form_text(form, "reason")
    try:
        await offers.moderate_offer(offer, decision, reason, by=signed_in_user(request))
    except ValidationFailed as failure:
        review = {"offer_id": offer.id, "reason": reason, "errors": failure.errors}
        return await _list_page(
            request, status="", page=1, review=review, status_code=failure.status_code
        )
    except OfferRefused as refusal:
        return await _list_page(
            request, status="", page=1, refusal=refusal, status_code=refusal.status_code
        )
    return redirect_with_flash(request, _list_url(request), offer.status.value)
