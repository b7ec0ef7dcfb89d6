"""An unexpected failure shows a friendly page in the person's language, never a traceback."""

from __future__ import annotations

import httpx

from server.services.events import catalogue as events
from tests.support import html


async def test_an_unexpected_error_renders_the_error_page(app, monkeypatch):
    async def broken(**_: object) -> list:
        raise RuntimeError("database went away")

    monkeypatch.setattr(events, "upcoming_events", broken)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.get("/?lang=en")
    assert response.status_code == 500
    page = html(response)
    assert page.select_one("h1").get_text(strip=True) == "Something went wrong"
    assert "database went away" not in response.text
    assert response.headers["x-frame-options"] == "DENY"
