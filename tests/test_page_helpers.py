"""The page helpers that remember their answers give the answers they would have computed."""

from __future__ import annotations

from datetime import UTC, date, datetime

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.routing import Mount, Route

from server.i18n import DEFAULT_LANGUAGE, set_language
from server.values.formatting import local_date, local_time
from server.web.templating import path_for


def request_for(router, root_path: str = "") -> Request:
    return Request(
        {"type": "http", "router": router, "root_path": root_path, "path": "/", "headers": []}
    )


def routes(prefix: str) -> list:
    return [Mount(prefix, routes=[Route("/{slug:str}/{number:int}", lambda r: None, name="page")])]


def test_a_remembered_path_is_the_path_of_its_router_and_parameters():
    first = Starlette(routes=routes("/a")).router
    second = Starlette(routes=routes("/b")).router
    for _ in range(2):  # computed, then remembered
        assert path_for(request_for(first), "page", slug="x", number=1) == "/a/x/1"
        assert path_for(request_for(first), "page", slug="x", number=2) == "/a/x/2"
        assert path_for(request_for(second), "page", slug="x", number=1) == "/b/x/1"
        assert path_for(request_for(first, "/root"), "page", slug="y", number=1) == "/root/a/y/1"


def test_a_remembered_date_is_in_the_language_of_the_reader():
    moment = datetime(2026, 6, 13, 8, 30, tzinfo=UTC)  # 09:30 in Casablanca
    try:
        for _ in range(2):
            set_language("fr")
            assert (local_date(moment), local_time(moment)) == ("samedi 13 juin 2026", "09:30")
            set_language("en")
            assert local_date(moment) == "Saturday, 13 June 2026"
    finally:
        set_language(DEFAULT_LANGUAGE)


def test_a_calendar_day_such_as_a_deadline_is_shown_without_a_time_zone():
    try:
        set_language("fr")
        assert local_date(date(2026, 12, 31), "medium") == "31 déc. 2026"
        set_language("en")
        assert local_date(date(2026, 12, 31), "long") == "31 December 2026"
    finally:
        set_language(DEFAULT_LANGUAGE)
