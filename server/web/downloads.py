"""Files sent to a browser: exports, badges, reports. One place for their media types, safe
file names and headers."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

from starlette.responses import Response, StreamingResponse

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_TYPE = "application/pdf"
MEDIA_TYPES = {"csv": CSV_TYPE, "xlsx": XLSX_TYPE, "pdf": PDF_TYPE}
# Personal data: no copy kept by the browser or a proxy.
PRIVATE = "no-store"


def safe_name(text: str, fallback: str) -> str:
    """`text` reduced to what a Content-Disposition file name may hold without quoting
    (an event's slug is ASCII already; anything else is dropped)."""
    return re.sub(r"[^A-Za-z0-9_-]", "", text)[:80] or fallback


def _headers(filename: str, *, inline: bool, cache: str) -> dict[str, str]:
    disposition = "inline" if inline else "attachment"
    return {
        "Content-Disposition": f'{disposition}; filename="{filename}"',
        "Cache-Control": cache,
    }


def download(
    content: bytes, filename: str, *, inline: bool = False, cache: str = PRIVATE
) -> Response:
    """`content` as the file `filename`, its media type from the extension."""
    media_type = MEDIA_TYPES[filename.rsplit(".", 1)[-1]]
    return Response(
        content, media_type=media_type, headers=_headers(filename, inline=inline, cache=cache)
    )


def streamed_download(chunks: AsyncIterator[bytes], filename: str) -> StreamingResponse:
    """A file sent as it is written (badge sheets): no Content-Length, private."""
    media_type = MEDIA_TYPES[filename.rsplit(".", 1)[-1]]
    return StreamingResponse(
        chunks, media_type=media_type, headers=_headers(filename, inline=False, cache=PRIVATE)
    )
