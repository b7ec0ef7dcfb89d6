"""Secret tokens of links and devices, and what is stored of them."""

from __future__ import annotations

import hashlib


def hash_token(token: str) -> str:
    """What is stored of a secret link or device token: its SHA-256, never the token itself."""
    return hashlib.sha256(token.encode()).hexdigest()
