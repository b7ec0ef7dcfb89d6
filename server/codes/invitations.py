"""The token inside an invitation link to join an employer's account.

`I1.<payload>.<mac>`: the version, the employer id, the invited e-mail address and the expiry
(Unix seconds) as URL-safe base64 JSON, and 128 bits of an HMAC-SHA256 under a key derived from the
secret key. Nothing is stored: the token itself says which company and which address it is for,
and nobody can make or alter one without the key. Expiry is checked after the signature, so a
forged token is never reported as merely expired.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime

VERSION = "I1"
MAC_BYTES = 16


@dataclass(frozen=True)
class InvitationToken:
    employer_id: int
    email: str
    expires_at: datetime


class BadToken(ValueError):
    """The token was not made with this key, or was altered or cut."""


class ExpiredToken(ValueError):
    """A genuine token whose time is over."""


def _key(secret_key: str) -> bytes:
    return hmac.new(
        secret_key.encode(), b"tremplin employer invitation v1", hashlib.sha256
    ).digest()


def _encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret_key: str, body: str) -> str:
    digest = hmac.new(_key(secret_key), body.encode(), hashlib.sha256).digest()
    return _encode(digest[:MAC_BYTES])


def make_invitation_token(
    secret_key: str, employer_id: int, email: str, expires_at: datetime
) -> str:
    payload = {"e": employer_id, "m": email, "x": int(expires_at.timestamp())}
    body = f"{VERSION}.{_encode(json.dumps(payload, separators=(',', ':')).encode())}"
    return f"{body}.{_mac(secret_key, body)}"


def read_invitation_token(secret_key: str, text: str, *, now: datetime) -> InvitationToken:
    """What a genuine token says. Raises BadToken for anything forged, altered or malformed and
    ExpiredToken for a genuine one past its expiry."""
    parts = text.strip().split(".")
    if len(parts) != 3 or parts[0] != VERSION:
        raise BadToken(text)
    body = ".".join(parts[:2])
    if not hmac.compare_digest(
        _mac(secret_key, body).encode(), parts[2].encode("utf-8", "replace")
    ):
        raise BadToken(text)
    try:
        payload = json.loads(_decode(parts[1]))
        token = InvitationToken(
            employer_id=int(payload["e"]),
            email=str(payload["m"]),
            expires_at=datetime.fromtimestamp(int(payload["x"]), UTC),
        )
    except (binascii.Error, ValueError, KeyError, TypeError, OverflowError) as error:
        raise BadToken(text) from error
    if token.expires_at <= now:
        raise ExpiredToken(text)
    return token
