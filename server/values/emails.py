"""E-mail addresses as people type them, stored and compared in one form."""

from __future__ import annotations

EMAIL_MAX_LENGTH = 254  # the longest address mail servers take (RFC 5321), and the columns' size


def normalise_email(text: str) -> str:
    """The form an address is stored and compared in: without surrounding spaces, lower case."""
    return text.strip().lower()


def is_valid_email(address: str) -> bool:
    """Whether a normalised address can be one we send mail to: one `@` between a name and a
    domain with a dot, no spaces or control characters, EMAIL_MAX_LENGTH at most.

    Deliberately loose (no list of allowed characters): the only real test is a message that
    arrives, and a rule stricter than the mail servers' would turn people away.
    """
    if not 0 < len(address) <= EMAIL_MAX_LENGTH or not address.isprintable():
        return False
    if any(character.isspace() for character in address) or address.count("@") != 1:
        return False
    name, domain = address.split("@")
    return bool(name) and "." in domain.strip(".")
