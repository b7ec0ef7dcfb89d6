"""Who may call an endpoint: every endpoint is wrapped by `requires(policy)`, and the policy is
kept on the endpoint so a test can check that no route was left without one.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from server.errors import LoginRequired, NotAllowed, NotFound
from server.i18n import lazy
from server.models import EmployerMember, Membership, Organisation
from server.models.enums import EmployerStatus, Role
from server.services.door.devices import device_for_token
from server.services.registrations.personal_link import attendee_for_token
from server.web.security import signed_in_user

Endpoint = Callable[[Request], Awaitable[Response]]


class Policy:
    """Who may call a route. `authorise` raises, or stores what it found on `request.state`."""

    description = ""

    async def authorise(self, request: Request) -> None:
        raise NotImplementedError


class Anyone(Policy):
    description = "anyone"

    async def authorise(self, request: Request) -> None:
        return None


class SignedIn(Policy):
    description = "any signed-in user"

    async def authorise(self, request: Request) -> None:
        if signed_in_user(request) is None:
            raise LoginRequired(lazy("Please log in to continue."))


@dataclass(frozen=True)
class OrganisationRole(Policy):
    """A member of the organisation named by the route's `{organisation}` slug, with one of
    `roles`. Owners may do everything organisers may."""

    roles: frozenset[Role]

    @property
    def description(self) -> str:  # type: ignore[override]
        return "organisation " + "/".join(sorted(self.roles))

    async def authorise(self, request: Request) -> None:
        user = signed_in_user(request)
        if user is None:
            raise LoginRequired(lazy("Please log in to continue."))
        organisation = await Organisation.get_or_none(slug=request.path_params["organisation"])
        if organisation is None:
            raise NotFound(lazy("This organisation does not exist."))
        membership = await Membership.get_or_none(user_id=user.id, organisation_id=organisation.id)
        allowed = set(self.roles) | ({Role.OWNER} if Role.ORGANISER in self.roles else set())
        if not user.is_superuser and (membership is None or membership.role not in allowed):
            raise NotAllowed(lazy("You do not have access to this organisation's pages."))
        request.state.organisation = organisation
        request.state.membership = membership


class EmployerMemberPolicy(Policy):
    """A member of an employer. The employer is the user's own: employers never pick another's."""

    description = "employer member"

    def __init__(self, *, approved_only: bool = False) -> None:
        self.approved_only = approved_only

    async def authorise(self, request: Request) -> None:
        user = signed_in_user(request)
        if user is None:
            raise LoginRequired(lazy("Please log in to continue."))
        member = (
            await EmployerMember.filter(user_id=user.id)
            .select_related("employer")
            .order_by("id")  # one company per person in practice; the first they joined
            .first()
        )
        if member is None:
            raise NotAllowed(lazy("This page is for employer accounts."))
        if self.approved_only and member.employer.status != EmployerStatus.APPROVED:
            raise NotAllowed(lazy("Your company has not been approved yet."))
        request.state.employer = member.employer
        request.state.employer_member = member


class PersonalLinkPolicy(Policy):
    """The person whose personal link is the route's `{token}`: the link is their only key. The
    person goes to `request.state.attendee`; an unknown or revoked link, or one of a person whose
    data was deleted, answers 404 like a page that does not exist, whoever is signed in."""

    description = "the person of the personal link"

    async def authorise(self, request: Request) -> None:
        attendee = await attendee_for_token(request.path_params["token"])
        if attendee is None:
            raise NotFound(lazy("This personal link is not valid any more."))
        request.state.attendee = attendee


ORGANISERS = OrganisationRole(frozenset({Role.ORGANISER}))
CHECKIN_STAFF = OrganisationRole(frozenset({Role.ORGANISER, Role.CHECKIN}))
PERSONAL_LINK = PersonalLinkPolicy()


def requires(policy: Policy) -> Callable[[Endpoint], Endpoint]:
    """Declare who may call an endpoint: the one way routes are protected."""

    def decorate(endpoint: Endpoint) -> Endpoint:
        @functools.wraps(endpoint)
        async def guarded(request: Request) -> Response:
            await policy.authorise(request)
            return await endpoint(request)

        guarded.access_policy = policy  # type: ignore[attr-defined]
        return guarded

    return decorate


class DeviceUnauthorised(LoginRequired):
    """No valid device token: the API answers 401 with status `unauthorized`."""

    code = "unauthorized"


class DeviceTokenPolicy(Policy):
    """A scanning device sending `Authorization: Bearer <token>`: a token issued for an event and
    not revoked. The device (with its event) goes to `request.state.device`; anything else is
    401, whatever the session says, so a device never acts with a person's rights."""

    description = "scanning device token"

    async def authorise(self, request: Request) -> None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        device = await device_for_token(token.strip()) if scheme.lower() == "bearer" else None
        if device is None:
            raise DeviceUnauthorised(lazy("This device is not allowed to check people in."))
        request.state.device = device


def may_organise(request: Request) -> bool:
    """Whether the member of `request.state.organisation` may open the organisers' pages: pages
    that check-in staff share use it to leave out links they could not follow."""
    user = signed_in_user(request)
    membership = getattr(request.state, "membership", None)
    return bool(
        (user and user.is_superuser)
        or (membership and membership.role in {Role.OWNER, Role.ORGANISER})
    )
