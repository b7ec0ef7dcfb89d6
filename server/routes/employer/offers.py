"""The employer's offers and candidates: write internships and jobs, send them to the organisers,
close them, and move the people interested along (shortlisted, interviewed, hired…).

Any member of the company may read and prepare drafts; only an approved company may submit an
offer or move candidates. Another employer's offer answers 404, like an unknown one. Candidates
are shown only through their shared profile (server.services.employers.shared_profile).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from server.errors import AppError, ValidationFailed
from server.i18n import gettext
from server.i18n.labels import CITIES, SPOKEN_LANGUAGES, label
from server.models import Employer, Offer, Pledge
from server.models.enums import ContractType, EmployerStatus, InterestStatus
from server.services.employers import interests, offers
from server.services.employers.interests import Candidate, InterestRefused
from server.services.employers.offers import OfferForm, OfferRefused
from server.values.formatting import local_date
from server.web.flash import pop_flash, redirect_with_flash
from server.web.forms import form_text
from server.web.policies import EmployerMemberPolicy, requires
from server.web.security import signed_in_user

OFFERS = "pages/employer/offers.html"
OFFER_FORM = "pages/employer/offer_form.html"
OFFER_DETAIL = "pages/employer/offer.html"
FORM_FIELDS = ("title", "description", "city", "contract_type", "positions", "deadline", "pledge")
MEMBERS = EmployerMemberPolicy()
APPROVED_MEMBERS = EmployerMemberPolicy(approved_only=True)


async def _read_offer_form(request: Request) -> OfferForm:
    form = await request.form()
    return OfferForm(
        **{name: form_text(form, name) for name in FORM_FIELDS},
        languages=[value for value in form.getlist("languages") if isinstance(value, str)],
    )


def _offer_id(request: Request) -> int:
    return int(request.path_params["offer_id"])


def _to_offer(request: Request, offer: Offer, flash: str) -> Response:
    target = request.url_for("employer:offer", offer_id=offer.id)
    return redirect_with_flash(request, target.path, flash)


def _pledge_option(pledge: Pledge) -> tuple[str, str]:
    quantity = f"{pledge.quantity} " if pledge.quantity else ""
    text = gettext("%(what)s until %(date)s") % {
        "what": f"{quantity}{label(pledge.kind)}",
        "date": local_date(pledge.deadline, "medium"),
    }
    return str(pledge.id), text


async def _form_page(
    request: Request,
    *,
    form: OfferForm,
    errors: dict[str, str],
    action: str,
    offer: Offer | None = None,
    status_code: int = 200,
) -> Response:
    employer: Employer = request.state.employer
    context: dict[str, Any] = {
        "employer": employer,
        "form": form,
        "errors": errors,
        "action": action,
        "offer": offer,
        "cities": CITIES,
        "contract_options": [(kind.value, label(kind)) for kind in ContractType],
        "language_options": [(code, gettext(name)) for code, name in SPOKEN_LANGUAGES.items()],
        "pledge_options": [_pledge_option(p) for p in await offers.offer_pledges(employer)],
    }
    return request.app.state.renderer.page(request, OFFER_FORM, context, status_code=status_code)


@requires(MEMBERS)
async def offer_list(request: Request) -> Response:
    employer: Employer = request.state.employer
    context = {
        "employer": employer,
        "summaries": await offers.employer_offers(employer),
        "statuses": list(InterestStatus),
        "approved": employer.status == EmployerStatus.APPROVED,
    }
    return request.app.state.renderer.page(request, OFFERS, context)


@requires(MEMBERS)
async def offer_new(request: Request) -> Response:
    employer: Employer = request.state.employer
    action = request.url_for("employer:offer_new").path
    if request.method == "GET":
        return await _form_page(request, form=OfferForm(), errors={}, action=action)
    form = await _read_offer_form(request)
    try:
        offer = await offers.save_offer(employer, form, by=signed_in_user(request))
    except ValidationFailed as failure:
        return await _form_page(
            request, form=form, errors=failure.errors, action=action, status_code=422
        )
    return _to_offer(request, offer, "created")


def _detail_context(request: Request, offer: Offer, candidates: list[Candidate]) -> dict[str, Any]:
    employer: Employer = request.state.employer
    return {
        "employer": employer,
        "offer": offer,
        "candidates": candidates,
        "approved": employer.status == EmployerStatus.APPROVED,
        "status_options": [(status.value, label(status)) for status in InterestStatus],
        "spoken_languages": SPOKEN_LANGUAGES,
        "flash": pop_flash(request),
    }


async def _detail_page(
    request: Request, offer: Offer, *, refusal: AppError | None = None
) -> Response:
    candidates = await interests.offer_candidates(request.state.employer, offer)
    context = _detail_context(request, offer, candidates) | {"refusal": refusal}
    status_code = refusal.status_code if refusal else 200
    return request.app.state.renderer.page(request, OFFER_DETAIL, context, status_code=status_code)


@requires(MEMBERS)
async def offer_detail(request: Request) -> Response:
    offer = await offers.employer_offer(request.state.employer, _offer_id(request))
    return await _detail_page(request, offer)


@requires(MEMBERS)
async def offer_edit(request: Request) -> Response:
    employer: Employer = request.state.employer
    offer = await offers.employer_offer(employer, _offer_id(request))
    offers.check_editable(offer)  # answered by the error page: a closed offer is final
    action = request.url_for("employer:offer_edit", offer_id=offer.id).path
    if request.method == "GET":
        return await _form_page(
            request, form=OfferForm.from_offer(offer), errors={}, action=action, offer=offer
        )
    form = await _read_offer_form(request)
    try:
        saved = await offers.save_offer(employer, form, offer=offer, by=signed_in_user(request))
    except ValidationFailed as failure:
        return await _form_page(
            request, form=form, errors=failure.errors, action=action, offer=offer, status_code=422
        )
    except OfferRefused as refusal:
        return await _detail_page(request, offer, refusal=refusal)
    return _to_offer(request, saved, "updated")


@requires(APPROVED_MEMBERS)
async def offer_submit(request: Request) -> Response:
    offer = await offers.employer_offer(request.state.employer, _offer_id(request))
    try:
        await offers.submit_offer(offer, by=signed_in_user(request))
    except OfferRefused as refusal:
        return await _detail_page(request, offer, refusal=refusal)
    return _to_offer(request, offer, "submitted")


@requires(MEMBERS)
async def offer_close(request: Request) -> Response:
    offer = await offers.employer_offer(request.state.employer, _offer_id(request))
    try:
        await offers.close_offer(offer, by=signed_in_user(request))
    except OfferRefused as refusal:
        return await _detail_page(request, offer, refusal=refusal)
    return _to_offer(request, offer, "closed")


@requires(APPROVED_MEMBERS)
async def candidate_move(request: Request) -> Response:
    """Move one candidate; with htmx, answer with their table row only."""
    employer: Employer = request.state.employer
    offer = await offers.employer_offer(employer, _offer_id(request))
    interest = await interests.employer_interest(
        employer, offer, int(request.path_params["interest_id"])
    )
    status = form_text(await request.form(), "status")
    try:
        candidate = await interests.move_candidate(interest, status, by=signed_in_user(request))
    except InterestRefused as refusal:
        return await _detail_page(request, offer, refusal=refusal)
    if request.headers.get("hx-request") != "true":
        return _to_offer(request, offer, "candidate_moved")
    context = _detail_context(request, offer, [candidate]) | {"candidate": candidate}
    return request.app.state.renderer.page(request, OFFER_DETAIL, context, block="candidate_row")
