"""Public pages of the employer accounts: a company signs up, a colleague joins it by invitation,
and an approved company's logo is shown.

Signing up and joining log the person in and lead to the employer portal (`employer_portal.py`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response

from server.errors import RateLimited, ValidationFailed
from server.i18n import gettext
from server.i18n.labels import CITIES, SECTORS, label
from server.models.enums import CompanySize
from server.services.employers import companies as employers
from server.services.employers.companies import CompanyForm, InvitationRefused, MemberForm
from server.services.logos import MAX_LOGO_BYTES
from server.web.forms import form_text
from server.web.policies import Anyone, requires
from server.web.security import signed_in_user, start_session

SIGNUP = "pages/employer/signup.html"
JOIN = "pages/employer/join.html"
COMPANY_FIELDS = (
    "name",
    "ice",
    "sector",
    "size",
    "city",
    "website",
    "description",
    "contact_email",
    "contact_phone",
)
MEMBER_FIELDS = ("full_name", "email", "password", "confirm_password")


def logo_dir(request: Request) -> Path:
    """Where logos are kept: in the data directory, next to the secret key."""
    return request.app.state.settings.data_dir / employers.LOGO_FOLDER


def read_company_form(fields: dict[str, str]) -> CompanyForm:
    return CompanyForm(**{name: fields.get(name, "") for name in COMPANY_FIELDS})


async def read_submission(request: Request) -> tuple[dict[str, str], bytes | None]:
    """The text fields and the uploaded logo of a company form. The logo is read up to one
    byte over the limit, so an oversized file is recognised without being held whole; None
    when no file was chosen. The upload's temporary file is closed before returning."""
    async with request.form() as form:
        fields = {key: value for key, value in form.items() if isinstance(value, str)}
        upload = form.get("logo")
        if not isinstance(upload, UploadFile) or not (upload.filename or upload.size):
            return fields, None
        return fields, await upload.read(MAX_LOGO_BYTES + 1)


def company_choices() -> dict[str, Any]:
    """The lists the company form offers, in the reader's language."""
    return {
        "sector_options": [(key, gettext(name)) for key, name in SECTORS.items()],
        "size_options": [(size.value, label(size)) for size in CompanySize],
        "cities": CITIES,
    }


def _signup_page(
    request: Request,
    company: CompanyForm,
    member: MemberForm,
    *,
    errors: dict[str, str],
    error: RateLimited | None = None,
    status_code: int = 200,
) -> Response:
    context = {
        "company": company,
        "member": member,
        "errors": errors,
        "error": error,
        **company_choices(),
    }
    return request.app.state.renderer.page(request, SIGNUP, context, status_code=status_code)


@requires(Anyone())
async def employer_signup(request: Request) -> Response:
    if request.method == "GET":
        return _signup_page(request, CompanyForm(), MemberForm(), errors={})
    fields, logo = await read_submission(request)
    company = read_company_form(fields)
    member = MemberForm(**{name: fields.get(name, "") for name in MEMBER_FIELDS})
    try:
        user = await employers.register_employer(
            company,
            member,
            logo,
            logo_dir=logo_dir(request),
            address=request.client.host if request.client else "unknown",
            store=request.app.state.failure_store,
        )
    except ValidationFailed as failure:
        return _signup_page(request, company, member, errors=failure.errors, status_code=422)
    except RateLimited as limited:
        response = _signup_page(
            request, company, member, errors={}, error=limited, status_code=limited.status_code
        )
        response.headers["Retry-After"] = str(limited.retry_after)
        return response
    start_session(request, user)
    return RedirectResponse(request.url_for("employer:dashboard").path, status_code=303)


def _join_page(
    request: Request,
    *,
    invitation: employers.Invitation | None = None,
    refusal: InvitationRefused | None = None,
    member: MemberForm | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    context = {
        "invitation": invitation,
        "refusal": refusal,
        "member": member or MemberForm(),
        "errors": errors or {},
        "token": request.path_params["token"],
    }
    return request.app.state.renderer.page(request, JOIN, context, status_code=status_code)


@requires(Anyone())
async def employer_join(request: Request) -> Response:
    """The invitation link: someone new chooses a name and password, someone with an account
    logs in with it first, then joins. Joining again only leads to the portal."""
    try:
        invitation = await employers.invitation_for(
            request.path_params["token"], secret_key=request.app.state.settings.secret_key
        )
    except InvitationRefused as refusal:
        return _join_page(request, refusal=refusal, status_code=refusal.status_code)
    if request.method == "GET":
        return _join_page(request, invitation=invitation)
    user = signed_in_user(request)
    try:
        if user is not None:
            await employers.join_with_account(invitation, user)
        else:
            form = await request.form()
            member = MemberForm(**{name: form_text(form, name) for name in MEMBER_FIELDS})
            try:
                user = await employers.join_with_new_account(invitation, member)
            except ValidationFailed as failure:
                return _join_page(
                    request,
                    invitation=invitation,
                    member=member,
                    errors=failure.errors,
                    status_code=422,
                )
            start_session(request, user)
    except InvitationRefused as refusal:
        return _join_page(
            request, invitation=invitation, refusal=refusal, status_code=refusal.status_code
        )
    return RedirectResponse(request.url_for("employer:dashboard").path, status_code=303)


@requires(Anyone())
async def employer_logo(request: Request) -> Response:
    """An approved company's logo; any other company's answers 404 (nothing of it is public)."""
    path, media_type = await employers.employer_logo(
        int(request.path_params["employer_id"]), logo_dir(request), approved_only=True
    )
    return FileResponse(path, media_type=media_type, headers={"Cache-Control": "max-age=3600"})
