"""The length of a text message as the phone network counts it, and text made cheaper to send.

An SMS is sent in GSM-7 when every character is in the GSM 03.38 alphabet: 160 characters in one
segment, 153 in each segment of a longer message, and the characters of the extension table
(`^ { } \\ [ ~ ] | €`) take two places. One character outside it (any Arabic letter, `ê`, `«`)
sends the whole message in UCS-2: 70 UTF-16 units, 67 a segment when longer. A multi-part
message never splits an extension character or a surrogate pair across two segments, which is
why segments are packed one character at a time here rather than divided.

French written with its accents would mostly be UCS-2 and cost twice as much, so `gsm_text`
writes Latin text with the closest GSM letters (`ê` → `e`, `«` → `"`), as providers' "smart
encoding" does; text that stays outside the alphabet (Arabic) is kept as it is.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import StrEnum

GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = frozenset("^{}\\[~]|€\f")

GSM_SINGLE, GSM_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67

# Characters that have a close GSM equivalent, beyond the accents that unicodedata removes.
_CLOSEST_GSM = str.maketrans(
    {
        "«": '"',
        "»": '"',
        "“": '"',
        "”": '"',
        "„": '"',
        "‘": "'",
        "’": "'",
        "‚": "'",
        "–": "-",
        "—": "-",
        "‑": "-",
        "…": "...",
        "•": "-",
        "·": "-",
        "œ": "oe",
        "Œ": "OE",
        "\u00a0": " ",  # no-break space
        "\u202f": " ",  # narrow no-break space (French before : ; ! ?)
        "\u2009": " ",  # thin space
        "\u200e": "",  # left-to-right mark
        "\u200f": "",  # right-to-left mark
    }
)


class Encoding(StrEnum):
    GSM7 = "GSM-7"
    UCS2 = "UCS-2"


@dataclass(frozen=True)
class SmsLength:
    """How the network carries a text: its encoding, its length in that encoding's units
    (septets or UTF-16 units) and the number of segments billed."""

    encoding: Encoding
    units: int
    segments: int


def is_gsm(text: str) -> bool:
    return all(char in GSM_BASIC or char in GSM_EXTENSION for char in text)


def sms_length(text: str) -> SmsLength:
    """The encoding, length and segments of `text` sent as one SMS (an empty text is one
    segment: it still costs one message)."""
    if is_gsm(text):
        widths = [2 if char in GSM_EXTENSION else 1 for char in text]
        return SmsLength(Encoding.GSM7, sum(widths), _segments(widths, GSM_SINGLE, GSM_PART))
    widths = [2 if ord(char) > 0xFFFF else 1 for char in text]
    return SmsLength(Encoding.UCS2, sum(widths), _segments(widths, UCS2_SINGLE, UCS2_PART))


def _segments(widths: list[int], single: int, part: int) -> int:
    if sum(widths) <= single:
        return 1
    segments, used = 1, 0
    for width in widths:
        if used + width > part:
            segments, used = segments + 1, 0
        used += width
    return segments


def _closest_gsm(char: str) -> str:
    if char in GSM_BASIC or char in GSM_EXTENSION:
        return char
    bare = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
    return bare if bare and is_gsm(bare) else char


def gsm_text(text: str) -> str:
    """`text` in the GSM alphabet when it can be written with it (`Êtes-vous prêt ?` →
    `Etes-vous pret ?`), else `text` unchanged: a message that must be UCS-2 anyway keeps
    every accent."""
    written = "".join(_closest_gsm(char) for char in text.translate(_CLOSEST_GSM))
    return written if is_gsm(written) else text
