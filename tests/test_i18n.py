"""Languages: how one is chosen, the right-to-left layout, and complete catalogs."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from server.i18n import LOCALE_DIR, choose_language
from tests.support import html

ROOT = Path(__file__).resolve().parent.parent
TRANSLATED = ("fr", "ar")  # English is the language of the source messages


@pytest.mark.parametrize(
    ("query", "cookie", "header", "expected"),
    [
        ("ar", "en", "fr", "ar"),
        (None, "en", "ar", "en"),
        (None, None, "ar-MA,ar;q=0.9,fr;q=0.8", "ar"),
        (None, None, "de-DE,en;q=0.5,fr;q=0.7", "fr"),
        (None, None, "en-GB", "en"),
        ("xx", None, None, "fr"),
        (None, "zz", "de", "fr"),
    ],
)
def test_language_is_chosen_by_query_then_cookie_then_browser(query, cookie, header, expected):
    assert choose_language(query, cookie, header) == expected


async def test_arabic_pages_are_right_to_left_and_the_choice_is_remembered(client):
    response = await client.get("/?lang=ar")
    root = html(response).select_one("html")
    assert (root["lang"], root["dir"]) == ("ar", "rtl")
    assert "lang=ar" in response.headers["set-cookie"]
    assert (
        html(response).select_one("h1").get_text(strip=True)
        != "Find a job fair or a workshop near you"
    )
    later = html(await client.get("/login"))
    assert later.select_one("html")["dir"] == "rtl"


async def test_the_browser_language_is_used_without_a_choice(client):
    response = await client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"})
    root = html(response).select_one("html")
    assert (root["lang"], root["dir"]) == ("en", "ltr")
    assert html(response).select_one("h1").get_text(strip=True) == (
        "Find a job fair or a workshop near you"
    )


async def test_french_is_the_default(client):
    response = await client.get("/", headers={"Accept-Language": "de"})
    assert html(response).select_one("html")["lang"] == "fr"
    assert html(response).select_one("h1").get_text(strip=True) == (
        "Trouvez un salon de l'emploi ou un atelier près de chez vous"
    )


def used_messages() -> set[str]:
    """Every message the templates and the code use, extracted as `pybabel extract` does."""
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy": None}
    messages: set[str] = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=keywords
    ):
        messages.add(message[0] if isinstance(message, tuple) else message)
    return messages


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_in_use_is_translated(language):
    with (LOCALE_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=language)
    missing = []
    for message_id in sorted(used_messages()):
        entry = catalog.get(message_id)
        strings = (
            entry.string
            if entry is not None and isinstance(entry.string, tuple)
            else ((entry.string,) if entry is not None else ("",))
        )
        if entry is None or entry.fuzzy or not all(strings):
            missing.append(message_id)
    assert missing == [], f"{language} catalog lacks {len(missing)} translations"
    assert [(m.id, errors) for m, errors in catalog.check()] == []
