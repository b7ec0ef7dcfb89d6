"""Test fixtures: every test that uses the database runs on SQLite and on PostgreSQL.

The schema is built by the project's migrations (not by generate_schemas), once per backend;
tables are emptied before each test. PostgreSQL is the real server on 127.0.0.1:5432: when it is
unreachable the PostgreSQL runs are skipped locally and fail under CI (`CI=true`).
Set `TREMPLIN_TEST_BACKENDS=sqlite` to run only one backend while working.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx
import pytest
from tortoise import connections
from tortoise.backends.base.executor import EXECUTOR_CACHE

from server.app import create_app
from server.cli import apply_migrations
from server.config import Settings
from server.db import close_database, open_database
from server.models import Employer, Event
from tests.support import (
    SECRET_KEY,
    login,
    make_employer,
    make_event,
    make_organisation,
    make_staffed_organisation,
    make_user,
    new_client,
)

PG_ADMIN_DSN = os.environ.get("TEST_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
BACKENDS = [b for b in os.environ.get("TREMPLIN_TEST_BACKENDS", "sqlite,postgres").split(",") if b]
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@dataclass(frozen=True)
class Database:
    backend: str
    url: str


async def create_postgres_database(name: str) -> str:
    """A new, empty PostgreSQL database; returns its URL."""
    try:
        admin = await asyncpg.connect(PG_ADMIN_DSN, timeout=5)
    except (OSError, asyncpg.PostgresError) as error:
        message = f"PostgreSQL is not reachable at {PG_ADMIN_DSN}: {error}"
        if IN_CI:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return f"postgres://postgres@127.0.0.1:5432/{name}"


async def drop_postgres_database(name: str) -> None:
    admin = await asyncpg.connect(PG_ADMIN_DSN, timeout=5)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture(scope="session", params=BACKENDS)
async def database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Database]:
    backend = request.param
    pg_name = f"tremplin_test_{os.getpid()}"
    if backend == "sqlite":
        url = f"sqlite://{tmp_path_factory.mktemp('sqlite') / 'test.sqlite3'}"
    else:
        url = await create_postgres_database(pg_name)
    await apply_migrations(url)
    # Tortoise caches insert statements per connection name and table, not per dialect; this
    # process switches from SQLite to PostgreSQL under the same name, so the cache must go.
    EXECUTOR_CACHE.clear()
    await open_database(url)
    yield Database(backend, url)
    await close_database()
    if backend == "postgres":
        await drop_postgres_database(pg_name)


async def empty_all_tables(backend: str) -> None:
    conn = connections.get("default")
    if backend == "postgres":
        rows = await conn.execute_query_dict(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
            "AND tablename NOT LIKE 'tortoise_%'"
        )
        names = ", ".join(f'"{row["tablename"]}"' for row in rows)
        await conn.execute_script(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        return
    rows = await conn.execute_query_dict(
        "SELECT name FROM sqlite_master WHERE type = 'table' "
        "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'tortoise_%'"
    )
    script = "PRAGMA foreign_keys = OFF;"
    script += "".join(f'DELETE FROM "{row["name"]}";' for row in rows)
    script += "DELETE FROM sqlite_sequence; PRAGMA foreign_keys = ON;"
    await conn.execute_script(script)


@pytest.fixture
async def db(database: Database) -> Database:
    """An empty database (both backends, in turn)."""
    await empty_all_tables(database.backend)
    return database


@pytest.fixture
def settings(tmp_path: Path, database: Database) -> Settings:
    return Settings(data_dir=tmp_path, database_url=database.url, secret_key=SECRET_KEY)


@pytest.fixture
def app(settings: Settings, db: Database):
    return create_app(settings, manage_database=False)


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=("203.0.113.10", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


@pytest.fixture
async def fair(db: Database) -> Event:
    """Passerelles' job fair `salon`, starting in an hour, with its organiser orga@example.org
    and its door staff door@example.org. A module that needs another fair defines its own."""
    return await make_event(await make_staffed_organisation(), "salon")


@pytest.fixture
async def organiser(app, db: Database) -> AsyncIterator[httpx.AsyncClient]:
    """A browser of its own, logged in as salma@example.org, organiser of Passerelles, reading
    pages in English."""
    organisation = await make_organisation()
    await make_user("salma@example.org", organisation=organisation)
    async with await new_client(app, "203.0.113.20") as browser:
        await login(browser, "salma@example.org", language="en")
        yield browser


@pytest.fixture
async def employer(client: httpx.AsyncClient, db: Database) -> Employer:
    """Atlas Logistique, approved, whose admin rh@atlas.example.org is logged in on `client`,
    reading pages in English."""
    company = await make_employer(member_email="rh@atlas.example.org")
    await login(client, "rh@atlas.example.org", language="en")
    return company
