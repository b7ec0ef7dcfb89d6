"""Phone numbers as people type them, stored as E.164."""

from __future__ import annotations

import phonenumbers

from server.i18n import lazy

DEFAULT_REGION = "MA"  # a number typed without a country code is Moroccan: 06… → +2126…


INVALID_PHONE = lazy(
    "This phone number is not valid. Write it as 06 12 34 56 78, "
    "or with the country code, such as +221 77 123 45 67."
)


def normalise_phone(text: str) -> str | None:
    """The E.164 form of a valid phone number (`+212612345678`), or None when it is not one."""
    cleaned = text.strip()
    if not cleaned:
        return None
    try:
        number = phonenumbers.parse(cleaned, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


NOT_A_MOBILE = lazy("Enter a mobile number: we can only send text messages to mobiles.")
_MOBILE_TYPES = frozenset(
    {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}
)


def is_mobile(e164: str) -> bool:
    """Whether a number in E.164 can receive text messages: a mobile, never a fixed line or a
    premium-rate number (where fraudsters would have texts sent at our cost)."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.number_type(number) in _MOBILE_TYPES
