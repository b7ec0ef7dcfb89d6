"""Logo images kept under the data directory, for every area that shows one (companies,
funders): checked by their first bytes (a file's name and announced type prove nothing) and
their size, stored under a random name, read back only by a name of that form.

The caller decides who may see a logo; nothing here serves files.
"""

from __future__ import annotations

import io
import re
import secrets
import warnings
from pathlib import Path

from PIL import Image

from server.i18n import lazy

MAX_LOGO_BYTES = 1024 * 1024
LOGO_KINDS = {b"\x89PNG\r\n\x1a\n": ("png", "image/png"), b"\xff\xd8\xff": ("jpg", "image/jpeg")}
LOGO_FILE_NAME = re.compile(r"[0-9a-f]{32}\.(png|jpg)")


def logo_kind(data: bytes) -> tuple[str, str] | None:
    """(extension, media type) of a PNG or JPEG image, recognised by its first bytes."""
    return next((kind for magic, kind in LOGO_KINDS.items() if data.startswith(magic)), None)


def logo_errors(logo: bytes | None, field: str = "logo") -> dict[str, str]:
    """`field` → what is wrong with an uploaded logo (nothing for none, or a good one)."""
    if logo is None:
        return {}
    if len(logo) > MAX_LOGO_BYTES:
        return {field: lazy("The logo must be 1 MB or smaller.")}
    if logo_kind(logo) is None:
        return {field: lazy("The logo must be a PNG or JPEG image.")}
    return {}


def is_readable_image(logo: bytes) -> bool:
    """Whether the image decodes, within Pillow's size limit (a "decompression bomb" of a few
    kilobytes that would open as billions of pixels is not one). For logos printed in PDFs,
    where a file that only starts like a PNG would break the document."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(logo)) as image:
                image.verify()
        except (OSError, SyntaxError, ValueError, Image.DecompressionBombError,
                Image.DecompressionBombWarning):  # fmt: skip
            return False
    return True


def save_logo(folder: Path, logo: bytes) -> str:
    """Write a checked logo under a random name; returns the name (never a path from outside)."""
    kind = logo_kind(logo)
    assert kind is not None
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}.{kind[0]}"
    (folder / name).write_bytes(logo)
    return name


def remove_logo(folder: Path, name: str) -> None:
    if name and LOGO_FILE_NAME.fullmatch(name):
        (folder / name).unlink(missing_ok=True)


def stored_logo(folder: Path, name: str) -> tuple[Path, str] | None:
    """The file and media type of a stored logo; None when `name` is not one, or is gone."""
    path = folder / name
    if not LOGO_FILE_NAME.fullmatch(name) or not path.is_file():
        return None
    return path, "image/png" if name.endswith(".png") else "image/jpeg"
