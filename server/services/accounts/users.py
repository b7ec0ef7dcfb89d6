"""Logging in, changing passwords, creating accounts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from server.codes.passwords import (
    MIN_PASSWORD_LENGTH,
    hash_password,
    needs_rehash,
    verify_password_off_loop,
)
from server.errors import AppError, RateLimited, ValidationFailed
from server.i18n import lazy
from server.models import Event, Membership, Organisation, User
from server.models.enums import EventStatus, Role
from server.services.action_log import log_action
from server.services.ratelimit import LoginThrottle
from server.values.emails import EMAIL_MAX_LENGTH, is_valid_email, normalise_email


def check_new_password(password: str, confirmation: str, *, email: str) -> dict[str, str]:
    """Field errors for a new password, empty when it is acceptable."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return {"new_password": lazy("Use at least 10 characters.")}
    if password.strip().lower() == normalise_email(email):
        return {"new_password": lazy("Do not use your e-mail address as password.")}
    if password != confirmation:
        return {"confirm_password": lazy("The two passwords are not the same.")}
    return {}


async def authenticate(email: str, password: str, *, address: str, throttle: LoginThrottle) -> User:
    """The active user with these credentials.

    Raises RateLimited after too many failures for the address or the account, and AppError
    `invalid_credentials` (the same for an unknown e-mail and a wrong password) otherwise.
    """
    email = normalise_email(email)[:EMAIL_MAX_LENGTH]
    if await throttle.attempt(address, email):
        raise RateLimited(
            lazy("Too many failed attempts. Please wait 15 minutes and try again."),
            retry_after=throttle.retry_minutes * 60,
        )
    user = await User.get_or_none(email=email, is_active=True)
    valid = await verify_password_off_loop(user.password_hash if user else None, password)
    if not valid or user is None:
        raise AppError(lazy("E-mail or password is incorrect."), code="invalid_credentials")
    await throttle.succeeded(address, email)
    user.last_login_at = datetime.now(UTC)
    update_fields = ["last_login_at"]
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        update_fields.append("password_hash")
    await user.save(update_fields=update_fields)
    return user


async def change_password(user: User, current: str, new: str, confirmation: str) -> User:
    """Set a new password and end the user's other sessions (their epoch no longer matches).

    Raises ValidationFailed with the field that is wrong.
    """
    if not await verify_password_off_loop(user.password_hash, current):
        raise ValidationFailed({"current_password": lazy("This is not your current password.")})
    errors = check_new_password(new, confirmation, email=user.email)
    if errors:
        raise ValidationFailed(errors)
    async with in_transaction():
        await User.filter(id=user.id).update(
            password_hash=hash_password(new), session_epoch=F("session_epoch") + 1
        )
        await log_action("user.password.changed", "user", user.id, user=user, organisation_id=None)
    await user.refresh_from_db()
    return user


async def create_user(
    email: str,
    full_name: str,
    password: str,
    *,
    organisation: Organisation | None = None,
    role: Role | None = None,
    is_superuser: bool = False,
) -> User:
    """Create a staff account, optionally with a role in an organisation.

    Raises ValidationFailed when the e-mail is taken or the password too weak.
    """
    email = normalise_email(email)
    errors: dict[str, str] = {}
    if not is_valid_email(email):
        errors["email"] = lazy("Enter a valid e-mail address.")
    elif await User.exists(email=email):
        errors["email"] = lazy("An account with this e-mail address already exists.")
    errors |= check_new_password(password, password, email=email)
    if not full_name.strip():
        errors["full_name"] = lazy("Enter a name.")
    if errors:
        raise ValidationFailed(errors)
    async with in_transaction():
        user = await User.create(
            email=email,
            full_name=full_name.strip(),
            password_hash=hash_password(password),
            is_superuser=is_superuser,
        )
        if organisation is not None and role is not None:
            await Membership.create(user=user, organisation=organisation, role=role)
        await log_action(
            "user.created",
            "user",
            user.id,
            user=user,
            organisation_id=organisation.id if organisation else None,
        )
    return user


async def organisations_of(
    user: User, *, roles: tuple[Role, ...] = tuple(Role)
) -> list[Organisation]:
    """The organisations where the user has one of `roles`, by name."""
    return await Organisation.filter(
        memberships__user_id=user.id, memberships__role__in=roles
    ).order_by("name")


BACK_OFFICE_ROLES = (Role.OWNER, Role.ORGANISER)


async def doors_to_staff(user: User, *, now: datetime | None = None) -> list[Event]:
    """Events where the user can check people in: those of the organisations where they have a
    role, published or closed, from yesterday on, soonest first, with their organisation."""
    now = now or datetime.now(UTC)
    return (
        await Event.filter(
            organisation__memberships__user_id=user.id,
            status__in=(EventStatus.PUBLISHED, EventStatus.CLOSED),
            ends_at__gte=now - timedelta(days=1),
        )
        .select_related("organisation")
        .order_by("starts_at")
        .limit(50)
    )
