"""The streaming canvas: each page reaches the file as soon as it is finished, and the file is a
PDF that readers open page for page (pypdf strictly, and PDFium, the engine of Chrome)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4

from server.documents.badges import BadgeData, write_badge_sheets
from server.documents.pdf_stream import StreamingCanvas

PAGE_OBJECT = re.compile(rb"/Type /Page\b")


def test_each_page_is_written_when_it_is_finished_and_the_file_reads_back():
    stream = io.BytesIO()
    canvas = StreamingCanvas(stream, pagesize=A4, pageCompression=1)
    written = []
    for number in range(1, 6):
        canvas.setFont("Helvetica", 20)
        canvas.drawString(100, 700, f"Page {number} — é")
        canvas.showPage()
        written.append(len(PAGE_OBJECT.findall(stream.getvalue())))
    canvas.save()
    assert written == [1, 2, 3, 4, 5]
    reader = PdfReader(io.BytesIO(stream.getvalue()), strict=True)
    assert [page.extract_text().strip() for page in reader.pages] == [
        f"Page {number} — é" for number in range(1, 6)
    ]
    document = pdfium.PdfDocument(stream.getvalue())
    assert len(document) == 5
    assert document[4].get_textpage().get_text_range().strip() == "Page 5 — é"


def test_badge_sheets_are_written_before_the_last_badge_is_drawn():
    stream = io.BytesIO()
    sheets_written_when_last_badge_was_asked = []

    def badges(count: int) -> Iterator[BadgeData]:
        for number in range(count):
            if number == count - 1:
                found = PAGE_OBJECT.findall(stream.getvalue())
                sheets_written_when_last_badge_was_asked.append(len(found))
            yield BadgeData(
                event_title="Salon de l'emploi",
                event_date="samedi 13 juin 2026",
                venue="Casablanca",
                name=f"Aminata Diallo {number}" if number % 2 else f"فاطمة العلوي {number}",
                role="visitor",
                organisation="",
                serial=f"K7P-{number:03d}",
                qr_text=f"T1.TEST.{number:04d}.ABCDEFGHIJ",
            )

    assert write_badge_sheets(badges(40), stream) == 40
    assert sheets_written_when_last_badge_was_asked == [9]  # of ten sheets
    reader = PdfReader(io.BytesIO(stream.getvalue()), strict=True)
    assert len(reader.pages) == 10
    assert "Aminata Diallo 39" in reader.pages[9].extract_text()


def test_a_streaming_canvas_refuses_to_encrypt():
    with pytest.raises(ValueError, match="encrypt"):
        StreamingCanvas(io.BytesIO(), encrypt="secret")
