"""Two processes writing to one SQLite file wait for each other instead of failing."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from server.cli import apply_migrations

WRITER = textwrap.dedent(
    """
    import asyncio, sys
    from tortoise.transactions import in_transaction
    from server.db import close_database, open_database
    from server.models import Organisation

    async def main(url, worker):
        await open_database(url)
        for n in range(150):
            # Read, then write, in one transaction: the pattern that fails with a plain BEGIN.
            async with in_transaction():
                count = await Organisation.all().count()
                await Organisation.create(slug=f"w{worker}-{n}", name=f"seen {count}")
        await close_database()

    asyncio.run(main(sys.argv[1], sys.argv[2]))
    """
)


async def test_two_processes_write_the_same_file_without_locking_errors(tmp_path):
    url = f"sqlite://{tmp_path / 'shared.sqlite3'}"
    await apply_migrations(url)
    writers = [
        subprocess.Popen(  # noqa: ASYNC220 - the test waits for them, nothing else runs
            [sys.executable, "-c", WRITER, url, str(worker)],
            stderr=subprocess.PIPE,
            text=True,
        )
        for worker in (1, 2)
    ]
    errors = [writer.communicate(timeout=60)[1] for writer in writers]
    assert [writer.returncode for writer in writers] == [0, 0], errors
    import sqlite3

    conn = sqlite3.connect(tmp_path / "shared.sqlite3")
    (count,) = conn.execute("SELECT count(*) FROM organisation").fetchone()
    conn.close()
    assert count == 300
