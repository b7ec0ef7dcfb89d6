"""The organisation's funders, managed by its organisers: the list with a form to add one, a page
to edit one, removing one, and their logos (which the organisers' report preview shows).

A funder of another organisation answers 404, like an unknown one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response

from server.errors import ValidationFailed
from server.i18n import LANGUAGES
from server.models import Funder
from server.routes.employer.signup import read_submission
from server.services.accounts import funders
from server.services.accounts.funders import FORM_FIELDS, FunderForm
from server.web.policies import ORGANISERS, requires
from server.web.security import signed_in_user

LIST = "pages/manage/funders.html"
EDIT = "pages/manage/funder.html"
FLASH_KEY = "funders_flash"


def funder_logo_dir(request: Request) -> Path:
    """Where funders' logos are kept: in the data directory."""
    return request.app.state.settings.data_dir / funders.FUNDER_LOGO_FOLDER


def _read_form(fields: dict[str, str]) -> FunderForm:
    return FunderForm(**{name: fields.get(name, "") for name in FORM_FIELDS})


def _list_url(request: Request) -> str:
    return request.url_for("manage:funders", organisation=request.state.organisation.slug).path


async def _funder(request: Request) -> Funder:
    return await funders.organisation_funder(
        request.state.organisation, int(request.path_params["funder_id"])
    )


def _page(request: Request, template: str, context: dict[str, Any], status: int) -> Response:
    context = {
        "organisation": request.state.organisation,
        "languages_of_statement": list(LANGUAGES.values()),
        **context,
    }
    return request.app.state.renderer.page(request, template, context, status_code=status)


async def _list_page(
    request: Request, form: FunderForm, errors: dict[str, str], status: int = 200
) -> Response:
    listed = await funders.organisation_funders(request.state.organisation)
    context = {
        "funders": listed,
        "form": form,
        "errors": errors,
        "flash": request.session.pop(FLASH_KEY, None),
    }
    return _page(request, LIST, context, status)


def _back_to_list(request: Request, flash: str) -> Response:
    request.session[FLASH_KEY] = flash
    return RedirectResponse(_list_url(request), status_code=303)


@requires(ORGANISERS)
async def funder_list(request: Request) -> Response:
    """GET: the funders and a form to add one. POST: add it (303 to the list, or the form back
    with the errors next to its fields, 422)."""
    if request.method != "POST":
        return await _list_page(request, FunderForm(), {})
    fields, logo = await read_submission(request)
    form = _read_form(fields)
    user = signed_in_user(request)
    assert user is not None
    try:
        await funders.add_funder(
            request.state.organisation, form, logo, logo_dir=funder_logo_dir(request), by=user
        )
    except ValidationFailed as failure:
        return await _list_page(request, form, failure.errors, status=422)
    return _back_to_list(request, "added")


@requires(ORGANISERS)
async def funder_edit(request: Request) -> Response:
    """GET: the funder's form. POST: save it (303 to the list, or the form back, 422)."""
    funder = await _funder(request)
    if request.method != "POST":
        context = {"funder": funder, "form": FunderForm.from_funder(funder), "errors": {}}
        return _page(request, EDIT, context, 200)
    fields, logo = await read_submission(request)
    form = _read_form(fields)
    user = signed_in_user(request)
    assert user is not None
    try:
        await funders.update_funder(funder, form, logo, logo_dir=funder_logo_dir(request), by=user)
    except ValidationFailed as failure:
        return _page(request, EDIT, {"funder": funder, "form": form, "errors": failure.errors}, 422)
    return _back_to_list(request, "saved")


@requires(ORGANISERS)
async def funder_remove(request: Request) -> Response:
    """POST: remove the funder (from the covers of the reports that named it too)."""
    funder = await _funder(request)
    user = signed_in_user(request)
    assert user is not None
    await funders.remove_funder(funder, logo_dir=funder_logo_dir(request), by=user)
    return _back_to_list(request, "removed")


@requires(ORGANISERS)
async def funder_logo(request: Request) -> Response:
    """The funder's logo, for the organisers' pages and their report preview."""
    path, media_type = funders.funder_logo(await _funder(request), funder_logo_dir(request))
    return FileResponse(path, media_type=media_type, headers={"Cache-Control": "private"})
