"""Organisers moderate the companies that signed up: the queue of those awaiting review, then
the approved and rejected ones. Employers are platform-wide, so the organisers of any
organisation on the instance see and decide the same list.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, Response

from server.errors import ValidationFailed
from server.routes.employer.signup import logo_dir
from server.services.employers import companies as employers
from server.services.employers.companies import REVIEWED_STATUSES, EmployerChangeRefused
from server.values.numbers import parse_count
from server.web.flash import pop_flash, redirect_with_flash
from server.web.forms import form_text
from server.web.policies import ORGANISERS, requires
from server.web.security import signed_in_user

EMPLOYERS = "pages/manage/employers.html"


async def _queue_page(
    request: Request,
    *,
    status: str,
    page: int = 1,
    review: dict[str, Any] | None = None,
    refusal: EmployerChangeRefused | None = None,
    status_code: int = 200,
) -> Response:
    """The list; `review` carries a refused decision's employer id, values and errors so they
    show next to that company's form."""
    context = {
        "organisation": request.state.organisation,
        "queue": await employers.moderation_queue(status=status, page=page),
        "statuses": REVIEWED_STATUSES,
        "review": review or {},
        "refusal": refusal,
        "flash": pop_flash(request),
    }
    return request.app.state.renderer.page(
        request, EMPLOYERS, context, status_code=status_code, block="reviewed"
    )


@requires(ORGANISERS)
async def employers_list(request: Request) -> Response:
    params = request.query_params
    return await _queue_page(
        request, status=params.get("status", ""), page=parse_count(params.get("page", "1")) or 1
    )


@requires(ORGANISERS)
async def employer_review(request: Request) -> Response:
    employer_id = int(request.path_params["employer_id"])
    form = await request.form()
    decision, reason = form_text(form, "decision"), form_text(form, "reason")
    status = form_text(form, "status")  # the list's filter, kept across the decision
    user = signed_in_user(request)
    assert user is not None
    try:
        employer = await employers.review_employer(
            employer_id, decision, reason, user=user, organisation=request.state.organisation
        )
    except ValidationFailed as failure:
        review = {"employer_id": employer_id, "reason": reason, "errors": failure.errors}
        return await _queue_page(request, status=status, review=review, status_code=422)
    except EmployerChangeRefused as refusal:
        return await _queue_page(
            request, status=status, refusal=refusal, status_code=refusal.status_code
        )
    target = request.url_for("manage:employers", organisation=request.state.organisation.slug)
    query = f"?status={status}" if status in {s.value for s in REVIEWED_STATUSES} else ""
    flash = {"kind": employer.status.value, "name": employer.name}
    return redirect_with_flash(request, target.path + query, flash)


@requires(ORGANISERS)
async def employer_logo(request: Request) -> Response:
    """Any company's logo, approved or not: the organisers review it too."""
    path, media_type = await employers.employer_logo(
        int(request.path_params["employer_id"]), logo_dir(request), approved_only=False
    )
    return FileResponse(path, media_type=media_type, headers={"Cache-Control": "private"})
