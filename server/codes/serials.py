"""Badge serials: short random codes that people read aloud or type."""

from __future__ import annotations

import secrets

# Crockford's base 32 without I, L, O and U: nothing to confuse when read aloud or typed.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_badge_serial() -> str:
    """A badge serial such as `K7P-3QX`: 30 random bits, unique in the database by constraint."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(6))
    return f"{raw[:3]}-{raw[3:]}"


def normalise_badge_serial(text: str) -> str:
    """Read a serial typed by hand: case, spaces and look-alike letters do not matter."""
    cleaned = text.upper().replace(" ", "").replace("-", "")
    cleaned = cleaned.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))
    return f"{cleaned[:3]}-{cleaned[3:]}" if len(cleaned) == 6 else cleaned
