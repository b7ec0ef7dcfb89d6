"""Employer accounts: a company signs up and waits for an organiser's review, keeps its details up
to date, and its admins invite colleagues; organisers approve or reject companies.

Nothing of a company is public until it is approved (DESIGN §3): its logo is served only then.
Forms carry what was typed, as typed, so a refused form comes back with nothing lost.

Errors: ValidationFailed (field → message), RateLimited (too many sign-ups from one address),
NotAllowed (`forbidden`: a staff member doing an admin's job), NotFound, InvitationRefused
(`invitation_invalid` 400, `invitation_expired` 410, `wrong_account` 403, `other_employer` 409,
`account_exists` 409) and EmployerChangeRefused (`unchanged`, `status_changed`, 409).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tortoise.exceptions import IntegrityError
from tortoise.query_utils import Prefetch
from tortoise.transactions import in_transaction

from server.codes.invitations import (
    BadToken,
    ExpiredToken,
    make_invitation_token,
    read_invitation_token,
)
from server.codes.passwords import hash_password
from server.errors import AppError, NotAllowed, NotFound, RateLimited, ValidationFailed
from server.i18n import current_language, lazy
from server.i18n.labels import SECTORS
from server.models import Employer, EmployerMember, Organisation, OutboxMessage, User
from server.models.enums import CompanySize, EmployerRole, EmployerStatus
from server.notifications import employer_messages
from server.services.accounts.users import check_new_password
from server.services.action_log import log_action
from server.services.logos import logo_errors, remove_logo, save_logo, stored_logo
from server.services.ratelimit import FailureStore
from server.values.emails import is_valid_email, normalise_email
from server.values.phones import INVALID_PHONE, normalise_phone

LOGO_FOLDER = "logos"  # inside the data directory, next to the secret key
ICE_DIGITS = re.compile(r"[0-9]{15}")  # ASCII only: Arabic-Indic digits are not an ICE
SIGNUPS_PER_ADDRESS = 10
SIGNUP_WINDOW = timedelta(hours=1)
INVITATION_LIFETIME = timedelta(days=7)
MAX_DESCRIPTION_LENGTH = 4000
REVIEW_DECISIONS = {"approve": EmployerStatus.APPROVED, "reject": EmployerStatus.REJECTED}
REVIEWED_PAGE_SIZE = 50


class InvitationRefused(AppError):
    """An invitation link that cannot be used, or not by this person; `code` says why."""

    def __init__(self, message: str, *, code: str, status_code: int = 400) -> None:
        super().__init__(message, code=code)
        self.status_code = status_code


class EmployerChangeRefused(AppError):
    """A review that no longer fits the company's status (`unchanged`, `status_changed`)."""

    status_code = 409


# --- forms --------------------------------------------------------------------------------------


@dataclass
class CompanyForm:
    """A company as typed in the sign-up or company form."""

    name: str = ""
    ice: str = ""
    sector: str = ""
    size: str = ""
    city: str = ""
    website: str = ""
    description: str = ""
    contact_email: str = ""
    contact_phone: str = ""

    @classmethod
    def from_employer(cls, employer: Employer) -> CompanyForm:
        return cls(
            name=employer.name,
            ice=employer.ice,
            sector=employer.sector,
            size=employer.size.value,
            city=employer.city,
            website=employer.website,
            description=employer.description,
            contact_email=employer.contact_email,
            contact_phone=employer.contact_phone,
        )


@dataclass
class MemberForm:
    """The person who signs the company up, or who joins it by invitation (no e-mail then: it is
    the invitation's)."""

    full_name: str = ""
    email: str = ""
    password: str = ""
    confirm_password: str = ""


def normalise_ice(text: str) -> str:
    """An ICE as typed, without the spaces people put between groups of digits."""
    return re.sub(r"\s+", "", text)


def _valid_website(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in {"http", "https"} and bool(parts.hostname) and not re.search(r"\s", url)


async def _clean_company(
    form: CompanyForm, *, current: Employer | None, with_contact_email: bool
) -> tuple[dict[str, Any], dict[str, str]]:
    """The model fields of the form and the errors found. An approved company's ICE stays as it
    is, whatever was sent."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    name = form.name.strip()
    if not name:
        errors["name"] = lazy("Enter the company's name.")
    elif len(name) > 200:
        errors["name"] = lazy("Use at most 200 characters.")
    values["name"] = name

    if current is not None and current.status == EmployerStatus.APPROVED:
        ice = current.ice
    else:
        ice = normalise_ice(form.ice)
        if not ICE_DIGITS.fullmatch(ice):
            errors["ice"] = lazy("The ICE is made of exactly 15 digits.")
        elif await Employer.filter(ice=ice).exclude(id=current.id if current else 0).exists():
            errors["ice"] = _ice_taken()
    values["ice"] = ice

    if form.sector not in SECTORS:
        errors["sector"] = lazy("Choose a sector from the list.")
    values["sector"] = form.sector
    if form.size not in {size.value for size in CompanySize}:
        errors["size"] = lazy("Choose the size of the company.")
    else:
        values["size"] = CompanySize(form.size)

    city = form.city.strip()
    if not city:
        errors["city"] = lazy("Enter the city.")
    elif len(city) > 80:
        errors["city"] = lazy("This text is too long.")
    values["city"] = city

    website = form.website.strip()
    if website and (len(website) > 300 or not _valid_website(website)):
        errors["website"] = lazy("Enter the full address of the website, starting with https://.")
    values["website"] = website

    description = form.description.strip()
    if len(description) > MAX_DESCRIPTION_LENGTH:
        errors["description"] = lazy("Use at most 4000 characters.")
    values["description"] = description

    phone = ""
    if form.contact_phone.strip():
        phone = normalise_phone(form.contact_phone) or ""
        if not phone:
            errors["contact_phone"] = INVALID_PHONE
    values["contact_phone"] = phone

    if with_contact_email:
        email = normalise_email(form.contact_email)
        if not is_valid_email(email):
            errors["contact_email"] = lazy("Enter a valid e-mail address.")
        values["contact_email"] = email
    return values, errors


def _password_errors(password: str, confirmation: str, *, email: str) -> dict[str, str]:
    errors = check_new_password(password, confirmation, email=email)
    if "new_password" in errors:
        return {"password": errors["new_password"]}
    return errors


def _name_errors(full_name: str) -> dict[str, str]:
    if not full_name.strip():
        return {"full_name": lazy("Enter your full name.")}
    if len(full_name.strip()) > 200:
        return {"full_name": lazy("Use at most 200 characters.")}
    return {}


async def _clean_member(form: MemberForm) -> tuple[str, dict[str, str]]:
    email = normalise_email(form.email)
    errors = _name_errors(form.full_name)
    if not is_valid_email(email):
        errors["email"] = lazy("Enter a valid e-mail address.")
    elif await User.exists(email=email):
        errors["email"] = _email_taken()
    errors |= _password_errors(form.password, form.confirm_password, email=email)
    return email, errors


def _ice_taken() -> str:
    return lazy("A company with this ICE is already registered. Ask its team to invite you.")


def _email_taken() -> str:
    return lazy("An account with this e-mail address already exists. Log in with it instead.")


# --- logos --------------------------------------------------------------------------------------


def logo_file(employer: Employer, logo_dir: Path) -> tuple[Path, str]:
    """The file and media type of the employer's logo; NotFound when it has none. The caller
    has decided that the person asking may see this company's logo."""
    found = stored_logo(logo_dir, employer.logo_path)
    if found is None:
        raise NotFound(lazy("This company has no logo."))
    return found


async def employer_logo(
    employer_id: int, logo_dir: Path, *, approved_only: bool
) -> tuple[Path, str]:
    """A company's logo. With `approved_only` (the public), any company not approved answers
    NotFound, like an unknown one."""
    query = Employer.filter(id=employer_id)
    if approved_only:
        query = query.filter(status=EmployerStatus.APPROVED)
    employer = await query.first()
    if employer is None:
        raise NotFound(lazy("This company has no logo."))
    return logo_file(employer, logo_dir)


# --- signing up ---------------------------------------------------------------------------------


async def register_employer(
    company: CompanyForm,
    member: MemberForm,
    logo: bytes | None,
    *,
    logo_dir: Path,
    address: str,
    store: FailureStore,
) -> User:
    """Create a pending company, its first member's account and their admin membership in one
    transaction, and log `employer.registered`. Returns the new user, to be logged in.

    At most SIGNUPS_PER_ADDRESS companies an hour from one address (refused attempts do not
    count): RateLimited beyond. Raises ValidationFailed with every wrong field, including an
    ICE or e-mail address already registered.
    """
    key = f"employer-signup:ip:{address}"
    if await store.add(key, SIGNUP_WINDOW) > SIGNUPS_PER_ADDRESS:
        raise RateLimited(
            lazy("Too many companies were registered from this connection. Try again in an hour."),
            retry_after=int(SIGNUP_WINDOW.total_seconds()),
        )
    values, errors = await _clean_company(company, current=None, with_contact_email=False)
    email, member_errors = await _clean_member(member)
    errors |= member_errors | logo_errors(logo)
    if errors:
        await store.remove_one(key)
        raise ValidationFailed(errors)
    # argon2 takes a tenth of a second on purpose: off the event loop, like the login's check.
    password_hash = await asyncio.to_thread(hash_password, member.password)
    logo_name = save_logo(logo_dir, logo) if logo is not None else ""
    try:
        async with in_transaction():
            employer = await Employer.create(
                **values,
                contact_email=email,
                logo_path=logo_name,
                status=EmployerStatus.PENDING,
            )
            user = await User.create(
                email=email,
                full_name=member.full_name.strip(),
                password_hash=password_hash,
                preferred_language=current_language().code,
            )
            await EmployerMember.create(employer=employer, user=user, role=EmployerRole.ADMIN)
            await _log("employer.registered", employer, user, {"ice": employer.ice})
    except IntegrityError:
        # Someone registered the same ICE or e-mail address in the same instant.
        remove_logo(logo_dir, logo_name)
        await store.remove_one(key)
        raise ValidationFailed(await _duplicates(values["ice"], email)) from None
    return user


async def _duplicates(ice: str, email: str) -> dict[str, str]:
    errors = {}
    if await Employer.exists(ice=ice):
        errors["ice"] = _ice_taken()
    if await User.exists(email=email):
        errors["email"] = _email_taken()
    return errors or {"name": lazy("Could not register the company. Please try again.")}


# --- the employer's own account -----------------------------------------------------------------


async def employer_of(user: User) -> Employer | None:
    """The company the user acts for, if any (one at most: joining a second is refused)."""
    member = await EmployerMember.filter(user_id=user.id).select_related("employer").first()
    return member.employer if member else None


# What the public sees of a company: changing it after approval needs a new review.
PUBLIC_IDENTITY = frozenset({"name", "website", "logo"})


def _require_admin(member: EmployerMember) -> None:
    if member.role != EmployerRole.ADMIN:
        raise NotAllowed(lazy("Only the company's administrators can do this."))


async def update_company(
    member: EmployerMember, form: CompanyForm, logo: bytes | None, *, by: User, logo_dir: Path
) -> Employer:
    """Save the member's company (a new logo replaces the old one) and log `employer.updated`.

    The ICE of an approved company cannot change. Editing a rejected company, or changing how an
    approved one presents itself in public (name, website, logo), sends it back for review:
    pending again, without a rejection reason (`employer.resubmitted`), so that a company cannot
    pass for another after its approval. Raises
    NotAllowed for a staff member, ValidationFailed, and EmployerChangeRefused
    (`status_changed`) when an organiser reviewed the company in the meantime.
    """
    _require_admin(member)
    employer = await Employer.get(id=member.employer_id)  # type: ignore[attr-defined]
    values, errors = await _clean_company(form, current=employer, with_contact_email=True)
    errors |= logo_errors(logo)
    if errors:
        raise ValidationFailed(errors)
    changed = sorted(name for name, value in values.items() if getattr(employer, name) != value)
    if logo is not None:
        changed.append("logo")
    resubmitted = employer.status == EmployerStatus.REJECTED or (
        employer.status == EmployerStatus.APPROVED and bool(PUBLIC_IDENTITY.intersection(changed))
    )
    if resubmitted:
        values |= {"status": EmployerStatus.PENDING, "rejection_reason": ""}
    old_logo = employer.logo_path
    if logo is not None:
        values["logo_path"] = save_logo(logo_dir, logo)
    try:
        async with in_transaction():
            # Conditional on the status read: a review in between is not silently undone.
            if not await Employer.filter(id=employer.id, status=employer.status).update(**values):
                raise EmployerChangeRefused(
                    lazy("Your company was reviewed in the meantime. Please look again."),
                    code="status_changed",
                )
            action = "employer.resubmitted" if resubmitted else "employer.updated"
            await _log(action, employer, by, {"fields": changed})
    except IntegrityError:
        remove_logo(logo_dir, values.get("logo_path", ""))
        raise ValidationFailed({"ice": _ice_taken()}) from None
    except EmployerChangeRefused:
        remove_logo(logo_dir, values.get("logo_path", ""))
        raise
    if logo is not None:
        remove_logo(logo_dir, old_logo)
    return await Employer.get(id=employer.id)


async def employer_members(employer: Employer) -> list[EmployerMember]:
    """The company's members with their accounts, admins first, then by arrival."""
    members = await EmployerMember.filter(employer_id=employer.id).select_related("user")
    return sorted(members, key=lambda m: (m.role != EmployerRole.ADMIN, m.created_at, m.id))


# --- invitations --------------------------------------------------------------------------------


async def invite_member(
    member: EmployerMember,
    email_text: str,
    *,
    by: User,
    secret_key: str,
    link_for: Callable[[str], str],
    now: datetime | None = None,
) -> OutboxMessage:
    """E-mail a colleague a link to join the member's company, valid INVITATION_LIFETIME.

    The link is signed, not stored: it names the company and the address it was sent to, and
    only that address can join with it. Logs `employer.member.invited`. Raises NotAllowed for a
    staff member and ValidationFailed (`email`) for a bad address or someone already a member.
    """
    _require_admin(member)
    employer = await Employer.get(id=member.employer_id)  # type: ignore[attr-defined]
    email = normalise_email(email_text)
    if not is_valid_email(email):
        raise ValidationFailed({"email": lazy("Enter a valid e-mail address.")})
    if await EmployerMember.exists(employer_id=employer.id, user__email=email):
        raise ValidationFailed({"email": lazy("This person is already a member of your company.")})
    expires_at = (now or datetime.now(UTC)) + INVITATION_LIFETIME
    token = make_invitation_token(secret_key, employer.id, email, expires_at)
    notice = employer_messages.invitation(
        company=employer.name,
        inviter=by.full_name,
        link=link_for(token),
        expires_at=expires_at,
        language=current_language().code,
    )
    async with in_transaction():
        message = await employer_messages.queue_email(email, notice)
        await _log("employer.member.invited", employer, by, {"email": email})
    return message


@dataclass(frozen=True)
class Invitation:
    """A genuine, unexpired invitation and what the join page needs to know about it."""

    employer: Employer
    email: str
    account_exists: bool


async def invitation_for(token: str, *, secret_key: str, now: datetime | None = None) -> Invitation:
    """Read an invitation link. Raises InvitationRefused: `invitation_invalid` (forged, altered,
    or its company is gone) or `invitation_expired`."""
    try:
        found = read_invitation_token(secret_key, token, now=now or datetime.now(UTC))
    except ExpiredToken:
        raise InvitationRefused(
            lazy("This invitation has expired. Ask your colleague to send you a new one."),
            code="invitation_expired",
            status_code=410,
        ) from None
    except BadToken:
        raise _invalid_invitation() from None
    employer = await Employer.get_or_none(id=found.employer_id)
    if employer is None:
        raise _invalid_invitation()
    return Invitation(employer, found.email, await User.exists(email=found.email))


def _invalid_invitation() -> InvitationRefused:
    return InvitationRefused(
        lazy("This invitation link is not valid. Check that you copied all of it."),
        code="invitation_invalid",
    )


async def join_with_new_account(invitation: Invitation, form: MemberForm) -> User:
    """Create the invited person's account and make them a staff member of the company; logs
    `employer.member.joined`. Raises ValidationFailed (name, password) and InvitationRefused
    `account_exists` when the address already has an account (they log in and join with it)."""
    errors = _name_errors(form.full_name)
    errors |= _password_errors(form.password, form.confirm_password, email=invitation.email)
    if errors:
        raise ValidationFailed(errors)
    if await User.exists(email=invitation.email):
        raise _account_exists()
    password_hash = await asyncio.to_thread(hash_password, form.password)
    try:
        async with in_transaction():
            user = await User.create(
                email=invitation.email,
                full_name=form.full_name.strip(),
                password_hash=password_hash,
                preferred_language=current_language().code,
            )
            await EmployerMember.create(
                employer=invitation.employer, user=user, role=EmployerRole.STAFF
            )
            await _log("employer.member.joined", invitation.employer, user, {})
    except IntegrityError:
        raise _account_exists() from None
    return user


def _account_exists() -> InvitationRefused:
    return InvitationRefused(
        lazy("An account with this e-mail address already exists. Log in with it to join."),
        code="account_exists",
        status_code=409,
    )


async def join_with_account(invitation: Invitation, user: User) -> EmployerMember:
    """Make the signed-in user a staff member of the inviting company. Joining again changes
    nothing. Raises InvitationRefused `wrong_account` when the invitation is for another
    address and `other_employer` when the user already acts for another company."""
    if user.email != invitation.email:
        raise InvitationRefused(
            lazy(
                "This invitation was sent to another e-mail address. Log out, then open it again."
            ),
            code="wrong_account",
            status_code=403,
        )
    current = await EmployerMember.filter(user_id=user.id).first()
    if current is not None and current.employer_id != invitation.employer.id:  # type: ignore[attr-defined]
        raise InvitationRefused(
            lazy("Your account already belongs to another company."),
            code="other_employer",
            status_code=409,
        )
    if current is not None:
        return current
    try:
        async with in_transaction():
            member = await EmployerMember.create(
                employer=invitation.employer, user=user, role=EmployerRole.STAFF
            )
            await _log("employer.member.joined", invitation.employer, user, {})
    except IntegrityError:  # the same person, joining from two tabs at once
        member = await EmployerMember.get(employer_id=invitation.employer.id, user_id=user.id)
    return member


# --- moderation by the organisers ---------------------------------------------------------------


@dataclass(frozen=True)
class ModerationQueue:
    """Companies awaiting review (oldest first), then the reviewed ones (`status` chooses
    approved or rejected, None both), most recently registered first, a page at a time."""

    pending: list[Employer]
    reviewed: list[Employer]
    status: EmployerStatus | None
    page: int
    pages: int
    total: int


REVIEWED_STATUSES = (EmployerStatus.APPROVED, EmployerStatus.REJECTED)


async def moderation_queue(*, status: str = "", page: int = 1) -> ModerationQueue:
    """Every company of the instance, with its members and their accounts (employers are
    platform-wide: the organisers of any organisation moderate them)."""
    members = Prefetch(
        "members", queryset=EmployerMember.all().select_related("user").order_by("id")
    )
    pending = (
        await Employer.filter(status=EmployerStatus.PENDING)
        .prefetch_related(members)
        .order_by("created_at", "id")
    )
    chosen = next((s for s in REVIEWED_STATUSES if s.value == status), None)
    query = Employer.filter(status__in=[chosen] if chosen else REVIEWED_STATUSES)
    total = await query.count()
    pages = max(1, -(-total // REVIEWED_PAGE_SIZE))
    page = min(max(1, page), pages)
    reviewed = (
        await query.prefetch_related(members)
        .order_by("-created_at", "-id")
        .offset((page - 1) * REVIEWED_PAGE_SIZE)
        .limit(REVIEWED_PAGE_SIZE)
    )
    return ModerationQueue(list(pending), list(reviewed), chosen, page, pages, total)


async def review_employer(
    employer_id: int, decision: str, reason: str, *, user: User, organisation: Organisation
) -> Employer:
    """Approve or reject a company (an approved one may be rejected later, a rejected one
    approved). A rejection needs a reason, which the company sees on its dashboard. Logs
    `employer.approved` or `employer.rejected` in the organiser's organisation.

    Raises NotFound, ValidationFailed (`decision`, `reason`) and EmployerChangeRefused:
    `unchanged` (already so) or `status_changed` (another organiser decided in the meantime).
    """
    employer = await Employer.get_or_none(id=employer_id)
    if employer is None:
        raise NotFound(lazy("This company does not exist."))
    target = REVIEW_DECISIONS.get(decision)
    reason = reason.strip()
    if target is None:
        raise ValidationFailed({"decision": lazy("Choose to approve or to reject.")})
    if target == EmployerStatus.REJECTED and not reason:
        raise ValidationFailed(
            {"reason": lazy("Give the reason for the rejection: the company will read it.")}
        )
    if len(reason) > MAX_DESCRIPTION_LENGTH:
        raise ValidationFailed({"reason": lazy("Use at most 4000 characters.")})
    if employer.status == target:
        raise EmployerChangeRefused(lazy("This company already has this status."), code="unchanged")
    values = {
        "status": target,
        "rejection_reason": reason if target == EmployerStatus.REJECTED else "",
        "reviewed_by_id": user.id,
        "reviewed_at": datetime.now(UTC),
    }
    async with in_transaction():
        if not await Employer.filter(id=employer.id, status=employer.status).update(**values):
            raise EmployerChangeRefused(
                lazy("Another organiser reviewed this company in the meantime. Please look again."),
                code="status_changed",
            )
        await log_action(
            f"employer.{target.value}",
            "employer",
            employer.id,
            user=user,
            organisation_id=organisation.id,
            data={"from": employer.status.value, "reason": values["rejection_reason"]},
        )
    return await Employer.get(id=employer.id)


async def _log(action: str, employer: Employer, user: User, data: dict[str, Any]) -> None:
    await log_action(action, "employer", employer.id, user=user, organisation_id=None, data=data)
