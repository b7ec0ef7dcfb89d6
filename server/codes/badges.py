"""The text inside a badge's QR code: a short signed token that names its event.

`T1.<event>.<registration>.<mac>`: the version, the two ids in base 32 and 50 bits of an
HMAC-SHA256 under a key derived from the secret key. Upper-case letters, digits and dots only, so
the QR code uses its compact alphanumeric mode and stays at version 3 or less. Nobody can make a
valid code for another registration without the key, and a code names its event, so a badge of
another event is recognised as such rather than as unknown.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass

from server.codes.serials import ALPHABET

VERSION = "T1"
MAC_CHARS = 10  # 50 bits


@dataclass(frozen=True)
class BadgeCode:
    event_id: int
    registration_id: int


def _key(secret_key: str) -> bytes:
    return hmac.new(secret_key.encode(), b"tremplin badge code v1", hashlib.sha256).digest()


def _b32(number: int) -> str:
    text = ""
    while True:
        number, rest = divmod(number, 32)
        text = ALPHABET[rest] + text
        if number == 0:
            return text


def _unb32(text: str) -> int:
    value = 0
    for char in text:
        position = ALPHABET.find(char)
        if position < 0:
            raise ValueError(char)
        value = value * 32 + position
    return value


def _mac(secret_key: str, body: str) -> str:
    digest = hmac.new(_key(secret_key), body.encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode()[:MAC_CHARS]


def make_badge_code(secret_key: str, event_id: int, registration_id: int) -> str:
    body = f"{VERSION}.{_b32(event_id)}.{_b32(registration_id)}"
    return f"{body}.{_mac(secret_key, body)}"


def read_badge_code(secret_key: str, text: str) -> BadgeCode | None:
    """The ids a genuine code carries, or None for anything tampered, truncated or foreign."""
    parts = text.strip().upper().split(".")
    if len(parts) != 4 or parts[0] != VERSION:
        return None
    body = ".".join(parts[:3])
    if not hmac.compare_digest(_mac(secret_key, body), parts[3]):
        return None
    try:
        return BadgeCode(_unb32(parts[1]), _unb32(parts[2]))
    except ValueError:
        return None
