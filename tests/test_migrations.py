"""The migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap

import asyncpg
import pytest
from tortoise import Tortoise
from tortoise.migrations.autodetector import MigrationAutodetector

from server.db import tortoise_config
from tests.conftest import Database, create_postgres_database, drop_postgres_database

Schema = dict[str, object]

GENERATE_SCHEMA = textwrap.dedent(
    """
    import asyncio, sys
    from tortoise import Tortoise
    from server.db import tortoise_config

    async def main():
        await Tortoise.init(config=tortoise_config(sys.argv[1]))
        await Tortoise.generate_schemas()
        await Tortoise.close_connections()

    asyncio.run(main())
    """
)


def build_from_models(url: str) -> None:
    subprocess.run([sys.executable, "-c", GENERATE_SCHEMA, url], check=True, timeout=120)


def sqlite_schema(path: str) -> Schema:
    conn = sqlite3.connect(path)
    try:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
                "AND name NOT LIKE 'tortoise_%' ORDER BY name"
            )
        ]
        schema: Schema = {}
        for table in tables:
            columns = sorted(
                (name, kind.upper(), bool(notnull), bool(pk))
                for _, name, kind, notnull, _, pk in conn.execute(f'PRAGMA table_info("{table}")')
            )
            indexes = set()
            for _, index, unique, _origin, _partial in conn.execute(
                f'PRAGMA index_list("{table}")'
            ):
                cols = tuple(row[2] for row in conn.execute(f'PRAGMA index_info("{index}")'))
                indexes.add((cols, bool(unique)))
            foreign_keys = {
                (row[3], row[2], row[4], row[6])
                for row in conn.execute(f'PRAGMA foreign_key_list("{table}")')
            }
            schema[table] = (columns, sorted(indexes), sorted(foreign_keys))
        return schema
    finally:
        conn.close()


async def postgres_schema(url: str) -> Schema:
    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://"))
    try:
        columns = await conn.fetch(
            "SELECT table_name, column_name, data_type, is_nullable, character_maximum_length, "
            "numeric_precision, numeric_scale FROM information_schema.columns "
            "WHERE table_schema = 'public' AND table_name NOT LIKE 'tortoise_%'"
        )
        indexes = await conn.fetch(
            "SELECT t.relname AS table_name, ix.indisunique AS is_unique, "
            "array_agg(a.attname ORDER BY k.ord) AS columns "
            "FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid "
            "JOIN pg_namespace n ON n.oid = t.relnamespace "
            "JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord) ON true "
            "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum "
            "WHERE n.nspname = 'public' AND t.relname NOT LIKE 'tortoise_%' "
            "GROUP BY t.relname, ix.indexrelid, ix.indisunique"
        )
        foreign_keys = await conn.fetch(
            "SELECT c.conrelid::regclass::text AS table_name, "
            "c.confrelid::regclass::text AS target, c.confdeltype AS on_delete, "
            "array_agg(a.attname) AS columns FROM pg_constraint c "
            "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey) "
            "WHERE c.contype = 'f' GROUP BY c.oid, c.conrelid, c.confrelid, c.confdeltype"
        )
    finally:
        await conn.close()
    schema: dict[str, tuple[list, list, list]] = {}
    for row in columns:
        schema.setdefault(row["table_name"], ([], [], []))[0].append(tuple(row.values())[1:])
    for row in indexes:
        schema[row["table_name"]][1].append((tuple(row["columns"]), row["is_unique"]))
    for row in foreign_keys:
        table = row["table_name"].strip('"')
        schema[table][2].append((row["target"], tuple(row["columns"]), row["on_delete"]))
    return {table: tuple(sorted(part) for part in parts) for table, parts in schema.items()}


async def test_migrations_build_the_same_schema_as_the_models(database: Database, tmp_path):
    if database.backend == "sqlite":
        reference = tmp_path / "from_models.sqlite3"
        build_from_models(f"sqlite://{reference}")
        migrated = sqlite_schema(database.url.removeprefix("sqlite://"))
        expected = sqlite_schema(str(reference))
    else:
        name = "tremplin_schema_reference"
        url = await create_postgres_database(name)
        try:
            build_from_models(url)
            migrated = await postgres_schema(database.url)
            expected = await postgres_schema(url)
        finally:
            await drop_postgres_database(name)
    assert "registration" in migrated
    assert migrated == expected


@pytest.mark.usefixtures("database")
async def test_no_model_change_is_missing_a_migration():
    apps_config = tortoise_config("sqlite://:memory:")["apps"]
    writers = await MigrationAutodetector(Tortoise.apps, apps_config).changes()
    assert [writer.name for writer in writers] == []
