"""Logging in and out, and the signed-in user's own account."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from server.errors import AppError, RateLimited, ValidationFailed
from server.services.accounts import users as accounts
from server.services.employers import companies as employers
from server.web.flash import pop_flash, redirect_with_flash
from server.web.forms import form_fields, safe_next
from server.web.policies import Anyone, SignedIn, requires
from server.web.security import end_session, signed_in_user, start_session


@requires(Anyone())
async def login(request: Request) -> Response:
    renderer = request.app.state.renderer
    next_url = request.query_params.get("next", "")
    if request.method == "GET":
        if signed_in_user(request) is not None:
            return RedirectResponse(safe_next(next_url, request.url_for("account").path), 303)
        return renderer.page(request, "pages/login.html", {"next": next_url, "values": {}})
    form = await form_fields(request)
    next_url = form.get("next", "")
    address = request.client.host if request.client else "unknown"
    try:
        user = await accounts.authenticate(
            form.get("email", ""),
            form.get("password", ""),
            address=address,
            throttle=request.app.state.login_throttle,
        )
    except AppError as error:
        response = renderer.page(
            request,
            "pages/login.html",
            {"next": next_url, "values": {"email": form.get("email", "")}, "error": error},
            status_code=error.status_code if isinstance(error, RateLimited) else 422,
        )
        if isinstance(error, RateLimited):
            response.headers["Retry-After"] = str(error.retry_after)
        return response
    start_session(request, user)
    organisations = await accounts.organisations_of(user, roles=accounts.BACK_OFFICE_ROLES)
    if organisations:
        default = request.url_for("manage:overview", organisation=organisations[0].slug).path
    elif await employers.employer_of(user) is not None:
        default = request.url_for("employer:dashboard").path
    else:
        default = request.url_for("account").path
    return RedirectResponse(safe_next(next_url, default), status_code=303)


@requires(Anyone())
async def logout(request: Request) -> Response:
    end_session(request)
    return RedirectResponse(request.url_for("home").path, status_code=303)


@requires(SignedIn())
async def account(request: Request) -> Response:
    user = signed_in_user(request)
    assert user is not None
    organisations = await accounts.organisations_of(user, roles=accounts.BACK_OFFICE_ROLES)
    flash = pop_flash(request)
    context = {
        "organisations": organisations,
        "doors": await accounts.doors_to_staff(user),
        "employer": await employers.employer_of(user),
        "flash": flash,
    }
    return request.app.state.renderer.page(request, "pages/account.html", context)


@requires(SignedIn())
async def change_password(request: Request) -> Response:
    renderer = request.app.state.renderer
    if request.method == "GET":
        return renderer.page(request, "pages/password.html", {"errors": {}})
    user = signed_in_user(request)
    assert user is not None
    form = await form_fields(request)
    try:
        user = await accounts.change_password(
            user,
            form.get("current_password", ""),
            form.get("new_password", ""),
            form.get("confirm_password", ""),
        )
    except ValidationFailed as error:
        return renderer.page(
            request, "pages/password.html", {"errors": error.errors}, status_code=422
        )
    start_session(request, user)
    return redirect_with_flash(request, request.url_for("account").path, "password_changed")


routes: list[BaseRoute] = [
    Route("/login", login, methods=["GET", "POST"], name="login"),
    Route("/logout", logout, methods=["POST"], name="logout"),
    Route("/account", account, name="account"),
    Route("/account/password", change_password, methods=["GET", "POST"], name="password"),
]
