"""A reportlab canvas that writes each page to its file as soon as the page is finished.

reportlab keeps every page of a document until `save()` and then writes the whole file in one
go, so a long document (an event's 500 sheets of badges) cannot reach a reader before its last
page is drawn. A PDF does not need its objects in order — the cross-reference table at the end
gives each object's position — so this canvas writes a finished page and its content stream at
once, and at `save()` only what had to wait for the end: the page tree (it counts the pages),
the fonts (their subsets are known once every page is drawn), the catalogue and the table.
Pages refer to those by object numbers that reportlab gives out before, so nothing written
early has to change.

Pure: drawing in, bytes out to the stream. It relies on how reportlab 5 numbers and formats its
objects (`PDFDocument.addPage`, `Reference`, `format`); `tests/test_pdf_stream.py` reads the
files back with two PDF libraries to catch a change there. Encryption is not supported.
"""

from __future__ import annotations

from typing import Any, BinaryIO

from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import Canvas


class _PageStreamingDocument(pdfdoc.PDFDocument):
    """A PDFDocument that writes each page (with its content stream) as it is added."""

    def __init__(self, stream: BinaryIO, **options: Any) -> None:
        super().__init__(**options)
        self._stream = stream
        self._position = 0
        self._header_version = self._pdfVersion
        self._write(pdfdoc.PDFFile(self._pdfVersion).format(self))

    def _write(self, data: bytes) -> None:
        self._stream.write(data)
        self._position += len(data)

    def _format_object(self, name: str) -> bytes:
        return pdfdoc.PDFIndirectObject(name, self.idToObject[name]).format(self)

    def _write_object(self, name: str) -> None:
        data = self._format_object(name)
        self.idToOffset[name] = self._position
        self._write(data)

    def addPage(self, page: pdfdoc.PDFPage) -> None:
        super().addPage(page)
        self._write_object(page.__InternalName__)
        # Formatting the page numbered its content stream, which follows it.
        self._write_object(page.Contents.__InternalName__)
        page.stream = None  # written: the drawing operators need not stay in memory
        page.Contents.content = b""

    def format(self) -> bytes:
        """What is left once every page is written: the objects not written yet, the
        cross-reference table and the trailer (reportlab's own `format`, less what was sent)."""
        if self._pdfVersion > self._header_version:
            raise ValueError("the PDF version was raised after the file's header was written")
        catalogue = self.Reference(self.Catalog)
        info = self.Reference(self.info)
        tail: list[bytes] = []
        position = self._position
        names: list[str] = []
        number = 0
        # Formatting an object can number new ones (a font's descriptor): go until none is left.
        while (number := number + 1) in self.numberToId:
            name = self.numberToId[number]
            names.append(name)
            if name in self.idToOffset:
                continue
            data = self._format_object(name)
            self.idToOffset[name] = position
            tail.append(data)
            position += len(data)
        table = pdfdoc.PDFCrossReferenceTable()
        table.addsection(0, names)
        tail.append(table.format(self))
        trailer = pdfdoc.PDFTrailer(
            startxref=position,
            Size=len(names) + 1,
            Root=catalogue,
            Info=info,
            Encrypt=None,
            ID=self.ID(),
        )
        tail.append(trailer.format(self))
        return b"".join(tail)


class StreamingCanvas(Canvas):
    """A reportlab `Canvas` writing into `stream` page by page (see the module's docstring);
    `save()` writes the end of the file. Takes Canvas's options but `encrypt`."""

    def __init__(self, stream: BinaryIO, **options: Any) -> None:
        if options.get("encrypt"):
            raise ValueError("a streaming canvas cannot encrypt")
        super().__init__(stream, **options)
        # Nothing is drawn yet: swap in the streaming document, made as Canvas made its own,
        # and let the canvas register its first font there again.
        self._doc = _PageStreamingDocument(
            stream,
            compression=self._pageCompression,
            invariant=self._doc.invariant,
            # The header is written first: claim at once the highest version a feature may
            # raise it to (1.4, for transparency; reportlab would raise it while drawing).
            pdfVersion=max(self._doc._pdfVersion, *pdfdoc.PDF_SUPPORT_VERSION.values()),
            lang=options.get("lang"),
        )
        self._make_preamble()
