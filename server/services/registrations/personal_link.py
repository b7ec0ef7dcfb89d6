"""The personal link: whom it belongs to, and sending it again to the phone (and e-mail) we hold.

The link is the person's only key (docs/architecture.md); the routes behind it get the person
from `attendee_for_token` through `server.web.policies.PersonalLinkPolicy`.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from tortoise.transactions import in_transaction

from server.codes.tokens import hash_token
from server.errors import ValidationFailed
from server.models import Attendee
from server.notifications import messages
from server.notifications.queue import queue_notice
from server.services.ratelimit import TextAllowance
from server.values.phones import INVALID_PHONE, NOT_A_MOBILE, is_mobile, normalise_phone


async def attendee_for_token(token: str) -> Attendee | None:
    """The person a personal link belongs to; None for an unknown or revoked link, or a person
    whose data was deleted."""
    if not token:
        return None
    return await Attendee.get_or_none(access_token_hash=hash_token(token), anonymised_at=None)


async def resend_personal_link(
    phone_text: str, *, link_for: Callable[[str], str], allowance: TextAllowance, address: str
) -> None:
    """Make a new personal link and send it to the person's phone and e-mail.

    The answer is the same whether or not the number is known, and whether or not a cap was
    reached, so nobody learns who signed up; the link only ever goes to the number (or address)
    on file, and only to a mobile number. The texts are capped per number, per client address
    and for the whole instance (`allowance`), and only a known number counts: nobody can spend
    the instance's hour with made-up numbers. Raises ValidationFailed for a number that is not
    a valid mobile one.
    """
    phone = normalise_phone(phone_text)
    if phone is None:
        raise ValidationFailed({"phone": INVALID_PHONE})
    if not is_mobile(phone):
        raise ValidationFailed({"phone": NOT_A_MOBILE})
    attendee = await Attendee.get_or_none(phone=phone, anonymised_at=None)
    if attendee is None or not await allowance.allow(phone, address):
        return
    token = secrets.token_urlsafe(24)
    async with in_transaction():
        await Attendee.filter(id=attendee.id).update(access_token_hash=hash_token(token))
        await queue_notice(
            attendee, messages.personal_link(attendee, link_for(token)), organisation_id=None
        )
