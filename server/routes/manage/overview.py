"""The organiser's back office, one organisation at a time."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from server.services.accounts import organisations
from server.services.accounts import users as accounts
from server.services.events import catalogue as events
from server.web.policies import ORGANISERS, SignedIn, requires
from server.web.security import signed_in_user


@requires(SignedIn())
async def choose_organisation(request: Request) -> Response:
    user = signed_in_user(request)
    assert user is not None
    mine = await accounts.organisations_of(user, roles=accounts.BACK_OFFICE_ROLES)
    if len(mine) == 1:
        target = request.url_for("manage:overview", organisation=mine[0].slug).path
        return RedirectResponse(target, status_code=303)
    if not mine:  # check-in staff: their door tools are on their account page
        return RedirectResponse(request.url_for("account").path, status_code=303)
    return request.app.state.renderer.page(
        request, "pages/manage/choose.html", {"organisations": mine}
    )


@requires(ORGANISERS)
async def overview(request: Request) -> Response:
    organisation = request.state.organisation
    summaries = await events.organisation_events(organisation)
    return request.app.state.renderer.page(
        request,
        "pages/manage/overview.html",
        {"organisation": organisation, "summaries": summaries},
    )


@requires(ORGANISERS)
async def members(request: Request) -> Response:
    organisation = request.state.organisation
    rows = await organisations.members(organisation)
    return request.app.state.renderer.page(
        request, "pages/manage/members.html", {"organisation": organisation, "members": rows}
    )
