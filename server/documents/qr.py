"""QR codes as vector paths: crisp at any size, on screen (SVG) and in PDFs."""

from __future__ import annotations

import qrcode
from markupsafe import escape
from qrcode.constants import ERROR_CORRECT_M

QUIET_ZONE = 4  # modules of white around the code, as the standard asks


def qr_matrix(text: str) -> list[list[bool]]:
    """The dark modules of `text`'s QR code at error correction M, without the quiet zone."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(text)
    code.make(fit=True)
    return code.get_matrix()


def dark_runs(matrix: list[list[bool]]) -> list[tuple[int, int, int]]:
    """(row, first column, length) of each horizontal run of dark modules."""
    runs = []
    for row, modules in enumerate(matrix):
        column = 0
        while column < len(modules):
            if modules[column]:
                start = column
                while column < len(modules) and modules[column]:
                    column += 1
                runs.append((row, start, column - start))
            else:
                column += 1
    return runs


def qr_svg(text: str, *, title: str = "") -> str:
    """An inline SVG of the QR code, one path for all dark modules."""
    matrix = qr_matrix(text)
    size = len(matrix) + 2 * QUIET_ZONE
    path = "".join(
        f"M{column + QUIET_ZONE} {row + QUIET_ZONE}h{length}v1h-{length}z"
        for row, column, length in dark_runs(matrix)
    )
    label = f"<title>{escape(title)}</title>" if title else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
        f'role="img" class="qr" shape-rendering="crispEdges">{label}'
        f'<rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path d="{path}" fill="#000"/></svg>'
    )
