"""Database configuration for Tortoise ORM, from a database URL."""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import parse_qsl, urlsplit

MODELS_MODULE = "server.models"
MIGRATIONS_MODULE = "migrations"

# WAL lets readers run beside one writer; NORMAL sync is safe in WAL mode and much faster;
# the busy timeout makes a writer wait for another process instead of failing.
SQLITE_PRAGMAS = {
    "journal_mode": "WAL",
    "synchronous": "NORMAL",
    "busy_timeout": 10_000,
    "foreign_keys": "ON",
}


def connection_config(database_url: str) -> dict[str, Any]:
    """Tortoise connection settings for `sqlite://path` or `postgres://user:pw@host:port/name`."""
    parts = urlsplit(database_url)
    options = dict(parse_qsl(parts.query))
    if parts.scheme == "sqlite":
        path = database_url.split("://", 1)[1].split("?", 1)[0]
        return {
            "engine": "server.db.sqlite_backend",
            "credentials": {"file_path": path, **SQLITE_PRAGMAS},
        }
    if parts.scheme in {"postgres", "postgresql"}:
        return {
            "engine": "tortoise.backends.asyncpg",
            "credentials": {
                "host": parts.hostname or "127.0.0.1",
                "port": parts.port or 5432,
                "user": parts.username or "postgres",
                "password": parts.password or "",
                "database": parts.path.lstrip("/"),
                "minsize": int(options.get("minsize", 1)),
                "maxsize": int(options.get("maxsize", 10)),
            },
        }
    raise ValueError(
        f"unsupported DATABASE_URL scheme {parts.scheme!r}: use sqlite:// or postgres://"
    )


def tortoise_config(database_url: str) -> dict[str, Any]:
    """The whole Tortoise configuration for one database."""
    return {
        "connections": {"default": connection_config(database_url)},
        "apps": {
            "models": {
                "models": [MODELS_MODULE],
                "migrations": MIGRATIONS_MODULE,
                "default_connection": "default",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def ensure_sqlite_folder(database_url: str) -> None:
    """Create the folder of an SQLite file so a fresh checkout starts without a manual step."""
    if database_url.startswith("sqlite://"):
        path = database_url.split("://", 1)[1].split("?", 1)[0]
        if path != ":memory:":
            os.makedirs(os.path.dirname(path) or ".", exist_ok=True)


# For Tortoise's own command line (`python -m tortoise -c server.db.TORTOISE_ORM makemigrations`).
TORTOISE_ORM = tortoise_config(os.environ.get("DATABASE_URL", "sqlite://data/tremplin.sqlite3"))


async def open_database(database_url: str) -> None:
    """Open Tortoise for the whole process.

    Requests run in other tasks than the one that opens the database (the lifespan, a test
    fixture), so the context is made the global fallback, as Tortoise's RegisterTortoise does.
    """
    from tortoise import Tortoise

    ensure_sqlite_folder(database_url)
    await Tortoise.init(config=tortoise_config(database_url), _enable_global_fallback=True)


async def close_database() -> None:
    from tortoise import Tortoise

    await Tortoise.close_connections()
