"""The baseline: a bare Starlette app on the same database, doing the least a request can do.

`/hello` answers JSON; `/checkin` performs the single conditional UPDATE that a check-in is at
its core. The Tremplin figures are compared with these, measured in the same run.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from tortoise import connections

from server.db import close_database, open_database


async def hello(request: Request) -> JSONResponse:
    return JSONResponse({"hello": "world"})


async def checkin(request: Request) -> JSONResponse:
    body = await request.json()
    conn = connections.get("default")
    placeholder = "$1" if conn.capabilities.dialect == "postgres" else "?"
    second = "$2" if conn.capabilities.dialect == "postgres" else "?"
    changed, _ = await conn.execute_query(
        f"UPDATE registration SET checked_in_at = {placeholder} "
        f"WHERE id = {second} AND checked_in_at IS NULL",
        [datetime.now(UTC), int(body["id"])],
    )
    return JSONResponse({"status": "ok" if changed else "already_checked_in"})


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    await open_database(os.environ["DATABASE_URL"])
    yield
    await close_database()


app = Starlette(
    routes=[Route("/hello", hello), Route("/checkin", checkin, methods=["POST"])],
    lifespan=lifespan,
)
