"""Interface languages: French (default), Arabic (right to left) and English.

Messages are written in English in the code and templates; the French and Arabic catalogs live in
`server/locale/<lang>/LC_MESSAGES/messages.po` and are compiled in memory at start-up, so there is
no build step and no binary file in the repository. The language of the current request is kept in
a context variable, which the Jinja environment and the services read through `gettext()`.
"""

from __future__ import annotations

import gettext as _gettext
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from http.cookies import SimpleCookie
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

LOCALE_DIR = Path(__file__).parent / "locale"
DEFAULT_LANGUAGE = "fr"
LANGUAGE_COOKIE = "lang"


@dataclass(frozen=True)
class Language:
    code: str
    name: str  # in the language itself, as a person looks for it in a menu
    direction: str  # "ltr" or "rtl"


LANGUAGES: dict[str, Language] = {
    "fr": Language("fr", "Français", "ltr"),
    "ar": Language("ar", "العربية", "rtl"),
    "en": Language("en", "English", "ltr"),
}

# Babel's locale for each interface language: Moroccan French and Arabic formats.
BABEL_LOCALES = {"fr": "fr_MA", "ar": "ar_MA", "en": "en_GB"}

_current: ContextVar[str] = ContextVar("language", default=DEFAULT_LANGUAGE)


@cache
def translations(code: str) -> _gettext.NullTranslations:
    """The compiled catalog of a language; English is the source language and needs none."""
    po_path = LOCALE_DIR / code / "LC_MESSAGES" / "messages.po"
    if not po_path.exists():
        return _gettext.NullTranslations()
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=code)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return _gettext.GNUTranslations(buffer)


def set_language(code: str) -> None:
    _current.set(code if code in LANGUAGES else DEFAULT_LANGUAGE)


def current_language() -> Language:
    return LANGUAGES[_current.get()]


def gettext(message: str) -> str:
    return translations(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(_current.get()).ngettext(singular, plural, n)


def lazy(message: str) -> str:
    """Mark a message for extraction where it is defined; translate it with gettext() when shown."""
    return message


def choose_language(query: str | None, cookie: str | None, accept_language: str | None) -> str:
    """`?lang=` first, then the remembered cookie, then Accept-Language, then French."""
    for candidate in (query, cookie):
        if candidate in LANGUAGES:
            return candidate
    for code in _accepted_languages(accept_language or ""):
        if code in LANGUAGES:
            return code
    return DEFAULT_LANGUAGE


def _accepted_languages(header: str) -> list[str]:
    """Language codes of an Accept-Language header, best first (`ar-MA;q=0.9` → `ar`)."""
    weighted: list[tuple[float, int, str]] = []
    for position, item in enumerate(header.split(",")):
        tag, _, params = item.strip().partition(";")
        if not tag:
            continue
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        weighted.append((-quality, position, tag.split("-")[0].lower()))
    return [code for quality, _, code in sorted(weighted) if quality < 0]


def pick_text(texts: dict[str, str] | None, language: str | None = None) -> str:
    """Event content stored per language, read in `language` with a fallback to French, then any."""
    if not texts:
        return ""
    code = language or _current.get()
    return texts.get(code) or texts.get(DEFAULT_LANGUAGE) or next(iter(texts.values()), "")


class LanguageMiddleware:
    """Chooses the request's language and remembers a `?lang=` choice in a cookie for a year."""

    def __init__(self, app: ASGIApp, *, secure_cookies: bool = False) -> None:
        self.app = app
        self.secure_cookies = secure_cookies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        asked = request.query_params.get("lang")
        remembered = request.cookies.get(LANGUAGE_COOKIE)
        code = choose_language(asked, remembered, request.headers.get("accept-language"))
        set_language(code)
        remember = asked in LANGUAGES and asked != remembered

        async def send_with_cookie(message: Message) -> None:
            if remember and message["type"] == "http.response.start":
                cookie = SimpleCookie()
                cookie[LANGUAGE_COOKIE] = code
                morsel = cookie[LANGUAGE_COOKIE]
                morsel.update({"path": "/", "max-age": str(365 * 24 * 3600), "samesite": "Lax"})
                morsel["secure"] = self.secure_cookies
                headers = MutableHeaders(scope=message)
                headers.append("set-cookie", morsel.OutputString())
            await send(message)

        # Not reset afterwards: each request runs in its own task and context, and the 500 page,
        # rendered outside this middleware, must still speak the person's language.
        await self.app(scope, receive, send_with_cookie)
