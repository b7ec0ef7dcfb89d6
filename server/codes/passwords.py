"""Password hashing with argon2id."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from starlette.concurrency import run_in_threadpool

_hasher = PasswordHasher()

MIN_PASSWORD_LENGTH = 10

# Verified against when the e-mail is unknown, so a login takes as long whether or not the
# account exists (no account enumeration by timing).
_DUMMY_HASH = _hasher.hash("tremplin-timing-equaliser")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


async def verify_password_off_loop(password_hash: str | None, password: str) -> bool:
    """verify_password() in a worker thread: argon2 takes ~0.1 s on purpose, and the event loop
    must keep serving other requests (the check-in scanner) meanwhile."""
    return await run_in_threadpool(verify_password, password_hash, password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches; a missing hash still costs one verification."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)
