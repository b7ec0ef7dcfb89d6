"""The employer portal's own pages: the dashboard with the company's review status, the company's
details, and its members and invitations.

There is no employer id in these URLs: every page is about the signed-in member's own company
(`EmployerMemberPolicy` puts it on `request.state.employer`), so no member can reach another's.
Pending and rejected companies may use these pages; the other areas of the portal may ask for an
approved company.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, Response

from server.errors import ValidationFailed
from server.models import Employer, EmployerMember, User
from server.models.enums import EmployerRole
from server.routes.employer.signup import (
    company_choices,
    logo_dir,
    read_company_form,
    read_submission,
)
from server.services.employers import companies as employers
from server.services.employers.companies import CompanyForm, EmployerChangeRefused
from server.services.employers.dashboard import employer_dashboard
from server.web.flash import pop_flash, redirect_with_flash
from server.web.forms import form_text
from server.web.policies import EmployerMemberPolicy, requires
from server.web.security import signed_in_user

DASHBOARD = "pages/employer/dashboard.html"
COMPANY = "pages/employer/company.html"
MEMBERS = "pages/employer/members.html"


def _common(request: Request) -> dict[str, Any]:
    member: EmployerMember = request.state.employer_member
    return {
        "employer": request.state.employer,
        "member": member,
        "is_admin": member.role == EmployerRole.ADMIN,
        "flash": pop_flash(request),
    }


def _redirect(request: Request, name: str, flash: dict[str, str]) -> Response:
    return redirect_with_flash(request, request.url_for(name).path, flash)


def _user(request: Request) -> User:
    user = signed_in_user(request)
    assert user is not None  # the policy let only members in
    return user


@requires(EmployerMemberPolicy())
async def dashboard(request: Request) -> Response:
    """The company's status, then its pledges, offers and fairs at a glance."""
    context = {
        **_common(request),
        "overview": await employer_dashboard(request.state.employer),
    }
    return request.app.state.renderer.page(request, DASHBOARD, context)


def _company_page(
    request: Request,
    form: CompanyForm,
    *,
    errors: dict[str, str],
    refusal: EmployerChangeRefused | None = None,
    status_code: int = 200,
) -> Response:
    context = {
        **_common(request),
        "form": form,
        "errors": errors,
        "refusal": refusal,
        **company_choices(),
    }
    return request.app.state.renderer.page(request, COMPANY, context, status_code=status_code)


@requires(EmployerMemberPolicy())
async def company(request: Request) -> Response:
    """Everyone in the company sees its details; its admins change them."""
    employer: Employer = request.state.employer
    if request.method == "GET":
        return _company_page(request, CompanyForm.from_employer(employer), errors={})
    fields, logo = await read_submission(request)
    company_form = read_company_form(fields)
    try:
        saved = await employers.update_company(
            request.state.employer_member,
            company_form,
            logo,
            by=_user(request),
            logo_dir=logo_dir(request),
        )
    except ValidationFailed as failure:
        return _company_page(request, company_form, errors=failure.errors, status_code=422)
    except EmployerChangeRefused as refusal:
        request.state.employer = await Employer.get(id=employer.id)
        return _company_page(
            request,
            CompanyForm.from_employer(request.state.employer),
            errors={},
            refusal=refusal,
            status_code=refusal.status_code,
        )
    resubmitted = saved.status != employer.status
    return _redirect(
        request, "employer:company", {"kind": "resubmitted" if resubmitted else "saved"}
    )


@requires(EmployerMemberPolicy())
async def company_logo(request: Request) -> Response:
    """The company's own logo, for its members whatever its status."""
    path, media_type = employers.logo_file(request.state.employer, logo_dir(request))
    return FileResponse(path, media_type=media_type, headers={"Cache-Control": "private"})


async def _members_page(
    request: Request, *, email: str = "", errors: dict[str, str], status_code: int = 200
) -> Response:
    context = {
        **_common(request),
        "members": await employers.employer_members(request.state.employer),
        "email": email,
        "errors": errors,
    }
    return request.app.state.renderer.page(request, MEMBERS, context, status_code=status_code)


@requires(EmployerMemberPolicy())
async def members(request: Request) -> Response:
    return await _members_page(request, errors={})


@requires(EmployerMemberPolicy())
async def invite(request: Request) -> Response:
    """An admin invites a colleague by e-mail; staff members are refused (403)."""
    email = form_text(await request.form(), "email")
    settings = request.app.state.settings
    base_url = settings.base_url.rstrip("/")
    try:
        await employers.invite_member(
            request.state.employer_member,
            email,
            by=_user(request),
            secret_key=settings.secret_key,
            # The configured public address, never the Host header a client sent.
            link_for=lambda token: base_url + request.url_for("employer_join", token=token).path,
        )
    except ValidationFailed as failure:
        return await _members_page(request, email=email, errors=failure.errors, status_code=422)
    return _redirect(request, "employer:members", {"kind": "invited", "email": email.strip()})
