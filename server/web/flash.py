"""The one-time message of the page a person is sent to after a change ("Your changes have been
saved."), kept in the session until that page shows it.

The message is a code, or a small dict of codes and names, that the page's template turns into a
sentence in the reader's language. It is left for the path the redirect leads to and shown only
there: a message never shown (the person went elsewhere) cannot turn up on another page and
claim a change that did not happen there. One message at a time; a newer one replaces it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import RedirectResponse

FLASH_KEY = "flash"  # session key: {"path": where it is shown, "message": what}


def redirect_with_flash(request: Request, url: str, message: Any) -> RedirectResponse:
    """303 to `url` (a path, with a query or a fragment if need be), whose page then shows
    `message` once. `message` must be JSON-serialisable: the session is a signed cookie."""
    request.session[FLASH_KEY] = {"path": urlsplit(url).path, "message": message}
    return RedirectResponse(url, status_code=303)


def pop_flash(request: Request) -> Any:
    """The message left for this page, taken so it shows once; None when there is none."""
    left = request.session.get(FLASH_KEY)
    if not isinstance(left, dict) or left.get("path") != request.url.path:
        return None
    del request.session[FLASH_KEY]
    return left.get("message")
