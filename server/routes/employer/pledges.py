"""The employer's CSR pledges: pledge, follow the progress of each commitment, and record what
was delivered against it, with the organisers' review of each delivery.

Any member of the company sees its pledges (a company awaiting review sees that it has none yet);
only an approved company pledges, changes a pledge or records a delivery. Another employer's
pledge answers 404, like an unknown one. Deliveries are append-only: there is no page to change
or remove one.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from server.errors import ValidationFailed
from server.i18n.labels import label
from server.models import Employer, Pledge
from server.models.enums import EmployerStatus, PledgeKind
from server.services.employers import pledges
from server.services.employers.pledges import (
    DeliveryForm,
    PledgeChangeRefused,
    PledgeForm,
    PledgeOverview,
)
from server.values.clock import today_in_morocco
from server.web.flash import pop_flash, redirect_with_flash
from server.web.forms import form_text
from server.web.policies import EmployerMemberPolicy, requires
from server.web.security import signed_in_user

PLEDGES = "pages/employer/pledges.html"
PLEDGE_FORM = "pages/employer/pledge_form.html"
PLEDGE_DETAIL = "pages/employer/pledge.html"
PLEDGE_FIELDS = ("kind", "quantity", "amount", "deadline", "event", "description")
DELIVERY_FIELDS = ("quantity", "amount", "delivered_on", "evidence")
MEMBERS = EmployerMemberPolicy()
APPROVED_MEMBERS = EmployerMemberPolicy(approved_only=True)


def _pledge_id(request: Request) -> int:
    return int(request.path_params["pledge_id"])


def _common(request: Request) -> dict[str, Any]:
    employer: Employer = request.state.employer
    return {
        "employer": employer,
        "approved": employer.status == EmployerStatus.APPROVED,
        "flash": pop_flash(request),
    }


def _to_pledge(request: Request, pledge: Pledge, flash: str) -> Response:
    target = request.url_for("employer:pledge", pledge_id=pledge.id)
    return redirect_with_flash(request, target.path, flash)


@requires(MEMBERS)
async def pledge_list(request: Request) -> Response:
    overviews = await pledges.employer_pledges(request.state.employer, today_in_morocco())
    context = {**_common(request), "overviews": overviews}
    return request.app.state.renderer.page(request, PLEDGES, context)


async def _form_page(
    request: Request,
    *,
    form: PledgeForm,
    errors: dict[str, str],
    action: str,
    pledge: Pledge | None = None,
    status_code: int = 200,
) -> Response:
    context: dict[str, Any] = {
        **_common(request),
        "form": form,
        "errors": errors,
        "action": action,
        "pledge": pledge,
        "kind_options": [(kind.value, label(kind)) for kind in PledgeKind],
        "events": await pledges.pledge_event_choices(pledge),
    }
    return request.app.state.renderer.page(request, PLEDGE_FORM, context, status_code=status_code)


async def _read_pledge_form(request: Request) -> PledgeForm:
    form = await request.form()
    return PledgeForm(**{name: form_text(form, name) for name in PLEDGE_FIELDS})


@requires(APPROVED_MEMBERS)
async def pledge_new(request: Request) -> Response:
    action = request.url_for("employer:pledge_new").path
    if request.method == "GET":
        return await _form_page(request, form=PledgeForm(), errors={}, action=action)
    form = await _read_pledge_form(request)
    try:
        pledge = await pledges.create_pledge(
            request.state.employer, form, by=signed_in_user(request)
        )
    except ValidationFailed as failure:
        return await _form_page(
            request, form=form, errors=failure.errors, action=action, status_code=422
        )
    return _to_pledge(request, pledge, "created")


def _detail_page(
    request: Request,
    overview: PledgeOverview,
    *,
    form: DeliveryForm | None = None,
    errors: dict[str, str] | None = None,
    refusal: PledgeChangeRefused | None = None,
    status_code: int = 200,
) -> Response:
    context: dict[str, Any] = {
        **_common(request),
        "overview": overview,
        "pledge": overview.pledge,
        "form": form or DeliveryForm(delivered_on=today_in_morocco().isoformat()),
        "errors": errors or {},
        "refusal": refusal,
    }
    return request.app.state.renderer.page(request, PLEDGE_DETAIL, context, status_code=status_code)


@requires(MEMBERS)
async def pledge_detail(request: Request) -> Response:
    overview = await pledges.employer_pledge(
        request.state.employer, _pledge_id(request), today_in_morocco()
    )
    return _detail_page(request, overview)


@requires(APPROVED_MEMBERS)
async def pledge_edit(request: Request) -> Response:
    """Change a pledge while nothing was delivered against it; after that, its page says why
    it cannot change."""
    overview = await pledges.employer_pledge(
        request.state.employer, _pledge_id(request), today_in_morocco()
    )
    pledge = overview.pledge
    try:
        pledges.check_editable(overview)
    except PledgeChangeRefused as refusal:
        return _detail_page(request, overview, refusal=refusal, status_code=refusal.status_code)
    action = request.url_for("employer:pledge_edit", pledge_id=pledge.id).path
    if request.method == "GET":
        return await _form_page(
            request, form=PledgeForm.from_pledge(pledge), errors={}, action=action, pledge=pledge
        )
    form = await _read_pledge_form(request)
    try:
        await pledges.update_pledge(pledge, form, by=signed_in_user(request))
    except ValidationFailed as failure:
        return await _form_page(
            request,
            form=form,
            errors=failure.errors,
            action=action,
            pledge=pledge,
            status_code=422,
        )
    except PledgeChangeRefused as refusal:  # a delivery was recorded meanwhile
        return _detail_page(request, overview, refusal=refusal, status_code=refusal.status_code)
    return _to_pledge(request, pledge, "updated")


@requires(APPROVED_MEMBERS)
async def delivery_new(request: Request) -> Response:
    overview = await pledges.employer_pledge(
        request.state.employer, _pledge_id(request), today_in_morocco()
    )
    fields = await request.form()
    form = DeliveryForm(**{name: form_text(fields, name) for name in DELIVERY_FIELDS})
    try:
        await pledges.record_delivery(overview.pledge, form, by=signed_in_user(request))
    except ValidationFailed as failure:
        return _detail_page(request, overview, form=form, errors=failure.errors, status_code=422)
    return _to_pledge(request, overview.pledge, "delivered")
