"""Text in PDFs, in French, English and Arabic: fonts, shaping, right-to-left order, widths.

Pure functions shared by the badges (`server.documents.badges`) and the reports
(`server.reports.pdf`).

reportlab draws TrueType text as given: it neither shapes Arabic nor orders right-to-left text (its
own `shaping=True` needs `rlbidi`, which is not on PyPI, and silently draws loose letters left to
right, see STACK.md). So each line is shaped with arabic-reshaper (contextual presentation forms,
lam-alef ligatures), put in visual order with python-bidi, and cut into runs drawn each with the
font that has their glyphs: Noto Sans Arabic for Arabic script, Noto Sans for everything else.
A line is shaped and reordered on its own: wrap text into lines first, in logical order.

Figures that are not plain numbers keep their own left-to-right order inside Arabic text: "<5"
would otherwise read "5>" (the bidi algorithm mirrors "<" in a right-to-left run and puts it on
the other side), unlike the same "<5" alone in a table cell. Such tokens ("<5", ">4",
percentages, numbers with a sign) are embedded as left-to-right runs before reordering.
"""

from __future__ import annotations

import contextvars
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import ParamSpec, TypeVar

import arabic_reshaper
from bidi.algorithm import get_display
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from server.i18n import set_language

P = ParamSpec("P")
T = TypeVar("T")

ELLIPSIS = "…"
FONT_DIR = Path(__file__).resolve().parents[2] / "static" / "fonts"

LATIN_FONT = "TremplinSans"
ARABIC_FONT = "TremplinSansArabic"
_FONT_FILES = {
    LATIN_FONT: "NotoSans-Regular.ttf",
    LATIN_FONT + "-Bold": "NotoSans-Bold.ttf",
    ARABIC_FONT: "NotoSansArabic-Regular.ttf",
    ARABIC_FONT + "-Bold": "NotoSansArabic-Bold.ttf",
}


@dataclass(frozen=True)
class FontPair:
    latin: str
    arabic: str
    arabic_glyphs: dict[int, int]  # code point → glyph of the Arabic font


@cache
def _register(name: str) -> TTFont:
    # Registered on first use, not at import: importing the module reads no file.
    font = TTFont(name, str(FONT_DIR / _FONT_FILES[name]))
    pdfmetrics.registerFont(font)
    return font


@cache
def fonts(bold: bool) -> FontPair:
    """The Latin and Arabic fonts of a weight, registered with reportlab."""
    suffix = "-Bold" if bold else ""
    _register(LATIN_FONT + suffix)
    arabic = _register(ARABIC_FONT + suffix)
    return FontPair(LATIN_FONT + suffix, ARABIC_FONT + suffix, arabic.face.charToGlyph)


_ARABIC_RANGES = (
    (0x0600, 0x06FF),  # Arabic
    (0x0750, 0x077F),  # Arabic Supplement
    (0x08A0, 0x08FF),  # Arabic Extended-A
    (0xFB50, 0xFDFF),  # Presentation Forms-A (ligatures such as ﷲ)
    (0xFE70, 0xFEFF),  # Presentation Forms-B (what arabic-reshaper writes)
)


# "<5", "≥ 10", "46%", "46 %", "+12", "-3": drawn as a table shows them alone, left to right.
_LEFT_TO_RIGHT_TOKEN = re.compile(
    r"[<>≤≥]\s?\d[\d.,]*|(?<!\w)[+\-−]\d[\d.,]*%?|\d[\d.,]*[\s\u00a0\u202f]?[%٪]"
)
_LRE, _PDF = "\u202a", "\u202c"  # left-to-right embedding, and its end


def _embedded_left_to_right(text: str) -> str:
    return _LEFT_TO_RIGHT_TOKEN.sub(lambda match: _LRE + match.group() + _PDF, text)


def _is_arabic(char: str) -> bool:
    code = ord(char)
    return any(start <= code <= end for start, end in _ARABIC_RANGES)


def _has_right_to_left(text: str) -> bool:
    # Hebrew, Syriac, Thaana… up to Arabic Extended, and the presentation forms.
    return any(0x0590 <= ord(c) <= 0x08FF or 0xFB1D <= ord(c) <= 0xFEFF for c in text)


@lru_cache(maxsize=4096)
def visual_runs(
    text: str, *, bold: bool = True, right_to_left: bool = False
) -> tuple[tuple[str, str], ...]:
    """`text` as drawn, left to right: (characters, font name) runs in visual order, shaped.

    The line's direction follows its first letter, unless `right_to_left` says it belongs to an
    Arabic paragraph (where «ACME للتقنية» starts at the right with ACME). A line without any
    right-to-left letter is drawn as it is written either way.
    """
    pair = fonts(bold)
    if not _has_right_to_left(text):
        return ((text, pair.latin),) if text else ()
    # reshape() also drops the short vowels (harakat): without the font's mark positioning,
    # which reportlab does not apply, they would print beside their letters, not above them.
    # python-bidi's pure-Python algorithm, not its default (Rust) one: only the former mirrors
    # brackets in right-to-left runs (rule L4), so «لاجئ(ة)» keeps its parentheses facing in.
    visual = get_display(
        arabic_reshaper.reshape(_embedded_left_to_right(text)),
        base_dir="R" if right_to_left else None,
    )
    runs: list[tuple[str, str]] = []
    chars: list[str] = []
    current = ""
    for char in visual:
        if _is_arabic(char):
            font = pair.arabic
        elif current == pair.arabic and not char.isalnum() and ord(char) in pair.arabic_glyphs:
            font = current  # spaces and punctuation between Arabic words stay in the run
        else:
            font = pair.latin
        if font != current and chars:
            runs.append(("".join(chars), current))
            chars = []
        current = font
        chars.append(char)
    if chars:
        runs.append(("".join(chars), current))
    return tuple(runs)


@lru_cache(maxsize=8192)
def text_width(text: str, size: float, *, bold: bool = True) -> float:
    """Width in points of `text` as drawn: shaped, each script run in its own font.

    Cached: wrapping a report's paragraphs measures the same words again and again, and
    reportlab measures TrueType text in Python."""
    return sum(
        pdfmetrics.stringWidth(run, font, size) for run, font in visual_runs(text, bold=bold)
    )


def ellipsize(text: str, width: float, size: float, *, bold: bool = True) -> str:
    """The longest beginning of `text`, with an ellipsis, that fits `width`."""
    if text_width(text, size, bold=bold) <= width:
        return text

    def cut(length: int) -> str:
        return text[:length].rstrip() + ELLIPSIS

    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if text_width(cut(middle), size, bold=bold) <= width:
            low = middle
        else:
            high = middle - 1
    # Shaping changes a letter's width with its neighbours: check the binary search's answer.
    while low > 0 and text_width(cut(low), size, bold=bold) > width:
        low -= 1
    return cut(low)


def in_language(language: str, function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """`function(*args, **kwargs)` with `language` as the current one for its messages, in a
    copied context: the caller's language (a request's) is left as it was."""

    def run() -> T:
        set_language(language)
        return function(*args, **kwargs)

    return contextvars.copy_context().run(run)
