"""The one-time message after a change (server/web/flash.py): shown once, on its own page only."""

from __future__ import annotations

import httpx
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from server.web.flash import pop_flash, redirect_with_flash


async def save(request: Request) -> Response:
    return redirect_with_flash(request, "/pledges/7?tab=deliveries#delivery-3", {"kind": "saved"})


async def page(request: Request) -> Response:
    return JSONResponse({"flash": pop_flash(request)})


def client() -> httpx.AsyncClient:
    app = Starlette(
        routes=[
            Route("/save", save, methods=["POST"]),
            Route("/pledges/7", page),
            Route("/offers", page),
        ],
        middleware=[Middleware(SessionMiddleware, secret_key="test")],
    )
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


async def test_the_page_redirected_to_shows_the_message_once():
    async with client() as browser:
        response = await browser.post("/save")
        assert response.status_code == 303
        assert response.headers["location"] == "/pledges/7?tab=deliveries#delivery-3"
        assert (await browser.get("/pledges/7?tab=deliveries")).json() == {
            "flash": {"kind": "saved"}
        }
        assert (await browser.get("/pledges/7")).json() == {"flash": None}


async def test_another_page_does_not_show_the_message_nor_take_it():
    async with client() as browser:
        await browser.post("/save")
        assert (await browser.get("/offers")).json() == {"flash": None}
        assert (await browser.get("/pledges/7")).json() == {"flash": {"kind": "saved"}}
