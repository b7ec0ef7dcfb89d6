"""The employer portal's job fairs: the fairs to come with a button to ask for a booth, and the
company's requests with the organisers' answer and booth label.

Every member sees the page; asking for a booth and withdrawing need an approved company. The
fair is named by its id; a draft or unknown one answers 404.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from server.models import Employer
from server.models.enums import EmployerStatus
from server.services.employers import exhibitors
from server.services.employers.exhibitors import BoothRefused
from server.web.flash import pop_flash, redirect_with_flash
from server.web.policies import EmployerMemberPolicy, requires
from server.web.security import signed_in_user

FAIRS = "pages/employer/fairs.html"


async def _fairs_page(
    request: Request, *, refusal: BoothRefused | None = None, status_code: int = 200
) -> Response:
    employer: Employer = request.state.employer
    context: dict[str, Any] = {
        "employer": employer,
        "approved": employer.status == EmployerStatus.APPROVED,
        "fairs": await exhibitors.employer_fairs(employer),
        "flash": pop_flash(request),
        "refusal": refusal,
    }
    return request.app.state.renderer.page(request, FAIRS, context, status_code=status_code)


def _to_fairs(request: Request, flash: str) -> Response:
    return redirect_with_flash(request, request.url_for("employer:fairs").path, flash)


@requires(EmployerMemberPolicy())
async def fairs(request: Request) -> Response:
    return await _fairs_page(request)


@requires(EmployerMemberPolicy(approved_only=True))
async def booth_request(request: Request) -> Response:
    """POST: ask for a booth at the fair; back to the list, or the list with the refusal."""
    event = await exhibitors.public_fair(int(request.path_params["event_id"]))
    try:
        await exhibitors.request_booth(request.state.employer, event, by=signed_in_user(request))
    except BoothRefused as refusal:
        return await _fairs_page(request, refusal=refusal, status_code=refusal.status_code)
    return _to_fairs(request, "requested")


@requires(EmployerMemberPolicy(approved_only=True))
async def booth_withdraw(request: Request) -> Response:
    """POST: take back the request or booth at the fair."""
    exhibitor = await exhibitors.employer_exhibitor(
        request.state.employer, int(request.path_params["event_id"])
    )
    try:
        await exhibitors.withdraw_booth(exhibitor, by=signed_in_user(request))
    except BoothRefused as refusal:
        return await _fairs_page(request, refusal=refusal, status_code=refusal.status_code)
    return _to_fairs(request, "withdrawn")
