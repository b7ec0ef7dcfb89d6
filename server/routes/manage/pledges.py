"""The organisers' view of the employers' CSR pledges: totals by kind and by employer, the list
filtered by kind, status, employer and event, and the review of each delivery.

Employers are platform-wide, so the organisers of any organisation see every pledge and review
any delivery; the review is logged under the reviewer's organisation. With htmx, the filters
swap the results only and a review swaps the delivery it was about (the pledge's progress above
it then reloads itself); without JavaScript, the same forms answer whole pages and a 303.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from server.errors import ValidationFailed
from server.i18n.labels import label
from server.models import Delivery
from server.models.enums import PledgeKind, PledgeStatus
from server.services.employers import pledges
from server.services.employers.pledges import PledgeFilters, PledgeOverview
from server.values.clock import today_in_morocco
from server.web.flash import pop_flash, redirect_with_flash
from server.web.forms import form_text
from server.web.policies import ORGANISERS, requires
from server.web.security import signed_in_user

PLEDGES = "pages/manage/pledges.html"
PLEDGE_DETAIL = "pages/manage/pledge.html"
REVIEWED_EVENT = "pledge-reviewed"  # htmx event: the pledge's progress reloads on it


@requires(ORGANISERS)
async def pledge_overview(request: Request) -> Response:
    """Totals and list; with htmx (the filters), only the results block."""
    organisation = request.state.organisation
    filters = PledgeFilters.from_query(request.query_params)
    totals = await pledges.pledge_totals(today_in_morocco(), filters=filters)
    here = request.url_for("manage:pledges", organisation=organisation.slug).path
    context: dict[str, Any] = {
        "organisation": organisation,
        "filters": filters,
        "totals": totals,
        "here": here,
        "kind_options": [(kind.value, label(kind)) for kind in PledgeKind],
        "status_options": [(status.value, label(status)) for status in PledgeStatus],
        "filtered": bool(filters.query_items()),
    }
    return request.app.state.renderer.page(request, PLEDGES, context, block="results")


def _detail_context(request: Request, overview: PledgeOverview) -> dict[str, Any]:
    organisation = request.state.organisation
    return {
        "organisation": organisation,
        "overview": overview,
        "pledge": overview.pledge,
        "flash": pop_flash(request),
        "review_errors": {},
        "review_notes": {},
        "pledge_url": request.url_for(
            "manage:pledge", organisation=organisation.slug, pledge_id=overview.pledge.id
        ).path,
        "reviewed_event": REVIEWED_EVENT,
    }


@requires(ORGANISERS)
async def pledge_detail(request: Request) -> Response:
    """The pledge and its deliveries; with htmx (after a review), only its progress."""
    overview = await pledges.managed_pledge(
        int(request.path_params["pledge_id"]), today_in_morocco()
    )
    return request.app.state.renderer.page(
        request, PLEDGE_DETAIL, _detail_context(request, overview), block="summary"
    )


@requires(ORGANISERS)
async def delivery_review(request: Request) -> Response:
    """POST `decision` (confirmed or questioned) and `note`. With htmx, answers the delivery's
    block (422 with the error next to the note); without, 303 to the pledge or its page at 422."""
    organisation = request.state.organisation
    delivery = await pledges.managed_delivery(int(request.path_params["delivery_id"]))
    fields = await request.form()
    note = form_text(fields, "note")
    try:
        await pledges.review_delivery(
            delivery,
            form_text(fields, "decision"),
            note,
            by=signed_in_user(request),
            organisation=organisation,
        )
    except ValidationFailed as failure:
        return await _review_page(request, delivery, failure.errors, note)
    if request.headers.get("hx-request") == "true":
        response = _delivery_block(request, delivery, {}, {})
        response.headers["HX-Trigger"] = REVIEWED_EVENT
        return response
    target = request.url_for(
        "manage:pledge",
        organisation=organisation.slug,
        pledge_id=delivery.pledge_id,  # type: ignore[attr-defined]
    )
    return redirect_with_flash(request, f"{target.path}#{_anchor(delivery)}", delivery.review.value)


def _anchor(delivery: Delivery) -> str:
    return f"delivery-{delivery.id}"


def _delivery_block(
    request: Request,
    delivery: Delivery,
    errors: dict[str, str],
    notes: dict[int, str],
    *,
    status_code: int = 200,
) -> Response:
    context: dict[str, Any] = {
        "organisation": request.state.organisation,
        "pledge": delivery.pledge,
        "line": pledges.delivery_line(delivery.pledge.kind, delivery),
        "review_errors": {delivery.id: errors} if errors else {},
        "review_notes": notes,
    }
    return request.app.state.renderer.page(
        request, PLEDGE_DETAIL, context, status_code=status_code, block="delivery"
    )


async def _review_page(
    request: Request, delivery: Delivery, errors: dict[str, str], note: str
) -> Response:
    notes = {delivery.id: note}
    if request.headers.get("hx-request") == "true":
        return _delivery_block(request, delivery, errors, notes, status_code=422)
    overview = await pledges.managed_pledge(
        delivery.pledge_id,  # type: ignore[attr-defined]
        today_in_morocco(),
    )
    context = {
        **_detail_context(request, overview),
        "review_errors": {delivery.id: errors},
        "review_notes": notes,
    }
    return request.app.state.renderer.page(request, PLEDGE_DETAIL, context, status_code=422)
