"""Finding a person by phone number, or making their record: the phone is who they are."""

from __future__ import annotations

from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from server.models import Attendee


async def find_or_create_attendee(phone: str, profile: dict[str, Any]) -> tuple[Attendee, bool]:
    """The person with this E.164 number, or a new one made from `profile` (Attendee fields);
    true when this call made them.

    A person already known keeps the profile they gave. Two first sign-ups of the same number
    at the same instant (a double-submitted form, two doors) make one person: the unique phone
    keeps the first, and the other caller gets that person back, as found rather than made.
    Safe inside the caller's transaction: the attempt runs in its own savepoint.
    """
    attendee = await Attendee.get_or_none(phone=phone)
    if attendee is not None:
        return attendee, False
    try:
        async with in_transaction():
            return await Attendee.create(phone=phone, **profile), True
    except IntegrityError:
        return await Attendee.get(phone=phone), False
