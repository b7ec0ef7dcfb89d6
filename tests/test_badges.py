"""Badge PDFs, rendered without a database: what a badge shows and whether a phone reads it."""

from __future__ import annotations

import io
import math

import arabic_reshaper
import pypdfium2
import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics

from server.codes.badges import make_badge_code
from server.documents.badges import (
    BAND_BOTTOM,
    BAND_HEIGHT,
    NAME_MAX_SIZE,
    NAME_MIN_SIZE,
    NAME_WIDTH,
    ROLE_STYLES,
    BadgeData,
    badge_pdf,
    fit_name,
    write_badge_sheets,
)
from server.documents.pdf_text import ARABIC_FONT, LATIN_FONT, text_width, visual_runs
from server.i18n import current_language, translations

POINTS_PER_MM = 72 / 25.4
SCALE = 4  # pixels per point when rendering: 288 dpi


def a_badge(**changes: str) -> BadgeData:
    fields = {
        "event_title": "Forum de l'emploi — Casablanca 2026",
        "event_date": "samedi 14 mars 2026",
        "venue": "Casablanca — Technopark",
        "name": "Aminata Diallo",
        "role": "visitor",
        "organisation": "Association Solidarité Migrants",
        "serial": "K7P-3QX",
        "qr_text": make_badge_code("test secret", 12, 345),
        "language": "en",
    }
    return BadgeData(**(fields | changes))


def render(pdf: bytes, page: int = 0) -> Image.Image:
    document = pypdfium2.PdfDocument(pdf)
    try:
        return document[page].render(scale=SCALE).to_pil().convert("RGB")
    finally:
        document.close()


def page_text(pdf: bytes, page: int = 0) -> str:
    return PdfReader(io.BytesIO(pdf)).pages[page].extract_text()


def test_the_qr_code_of_a_badge_decodes_to_its_badge_code_and_is_large_enough_for_a_phone():
    badge = a_badge()

    results = zxingcpp.read_barcodes(render(badge_pdf(badge)))

    assert [result.text for result in results] == [badge.qr_text]
    assert results[0].format == zxingcpp.BarcodeFormat.QRCode
    corners = results[0].position
    width_mm = (corners.top_right.x - corners.top_left.x) / SCALE / POINTS_PER_MM
    assert width_mm >= 35


def test_an_arabic_name_is_drawn_shaped_not_as_isolated_letters():
    name = "محمد الأمين بن عبد الله"
    badge = a_badge(name=name, organisation="", event_title="Job fair", language="en")

    text = page_text(badge_pdf(badge))

    assert any(0xFE70 <= ord(char) <= 0xFEFF for char in text)
    assert arabic_reshaper.reshape(name) in text
    # The letters as typed (U+0621–U+064A) would print disconnected: none of them is drawn.
    assert not any(0x0621 <= ord(char) <= 0x064A for char in text)


def test_a_line_mixing_arabic_and_latin_draws_each_run_with_a_font_that_has_its_glyphs():
    runs = visual_runs("شركة ACME للتقنية 2026", bold=False)

    fonts = {run.strip(): font for run, font in runs if run.strip()}
    assert fonts["ACME"] == fonts["2026"] == LATIN_FONT
    assert {font for run, font in runs if "ACME" not in run and "2026" not in run} == {ARABIC_FONT}
    for run, font in runs:
        glyphs = pdfmetrics.getFont(font).face.charToGlyph
        assert all(ord(char) in glyphs for char in run), (run, font)
    # Right to left: the number that ends the sentence is drawn at the left.
    assert runs[0][0].strip() == "2026"


@pytest.mark.parametrize(
    "name",
    [
        "Li",
        "Aminata Diallo",
        "Jean-Baptiste Mukendi Kabongo Tshibangu wa Mwamba Ilunga Kasongo Mbuyi Lumumba",
        "Wolfeschlegelsteinhausenbergerdorffwelchevoralternwarengewissenhaftschaferswessen",
        "محمد الأمين بن عبد الله بن عبد الرحمن بن عبد العزيز الإدريسي الحسني العلوي الفاسي",
    ],
)
def test_a_name_is_fitted_to_the_badge_and_never_overflows(name):
    lines, size = fit_name(name)

    assert 1 <= len(lines) <= 2
    assert NAME_MIN_SIZE <= size <= NAME_MAX_SIZE
    for line in lines:
        assert text_width(line, size) <= NAME_WIDTH


def test_a_short_name_is_large_and_a_very_long_one_shrinks_wraps_and_is_cut():
    assert fit_name("Aminata Diallo") == (("Aminata Diallo",), NAME_MAX_SIZE)

    lines, size = fit_name("Jean-Baptiste Mukendi Kabongo Tshibangu wa Mwamba Ilunga " * 3)

    assert size == NAME_MIN_SIZE
    assert len(lines) == 2
    assert lines[0].startswith("Jean-Baptiste")
    assert lines[-1].endswith("…")


def test_a_sheet_holds_four_badges_a_page_each_readable():
    badges = [a_badge(qr_text=make_badge_code("test secret", 12, number)) for number in range(9)]
    stream = io.BytesIO()

    written = write_badge_sheets(iter(badges), stream)

    pdf = stream.getvalue()
    reader = PdfReader(io.BytesIO(pdf))
    assert written == 9
    assert len(reader.pages) == math.ceil(9 / 4)
    assert [float(side) for side in reader.pages[0].mediabox[2:]] == pytest.approx(list(A4))
    decoded = {result.text for result in zxingcpp.read_barcodes(render(pdf, page=0))}
    assert decoded == {badge.qr_text for badge in badges[:4]}


@pytest.mark.parametrize("role", list(ROLE_STYLES))
def test_the_role_band_has_the_role_colour_and_label(role):
    badge = a_badge(role=role, language="en")
    pdf = badge_pdf(badge)

    assert ROLE_STYLES[role].label in page_text(pdf).splitlines()
    # A point of the band left of its label, 10 mm from the badge's left edge.
    image = render(pdf)
    x = round(10 * POINTS_PER_MM * SCALE)
    y = image.height - round((BAND_BOTTOM + BAND_HEIGHT / 2) * SCALE)
    colour = HexColor(ROLE_STYLES[role].colour.hexval())
    expected = tuple(round(channel * 255) for channel in colour.rgb())
    assert image.getpixel((x, y)) == pytest.approx(expected, abs=2)


def test_the_role_label_is_in_the_readers_language_without_changing_the_current_one():
    before = current_language().code
    badge = a_badge(role="organiser", language="fr")

    text = page_text(badge_pdf(badge))

    assert translations("fr").gettext("Organiser") in text.splitlines()
    assert current_language().code == before


def test_an_unknown_role_is_refused():
    with pytest.raises(ValueError):
        a_badge(role="vip")
