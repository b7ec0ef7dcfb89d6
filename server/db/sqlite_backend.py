"""SQLite engine whose transactions take the write lock when they begin.

Tortoise opens transactions with a plain ``BEGIN``, which reads first and upgrades to a write lock
later. With two worker processes on one file, that upgrade fails at once with "database is locked"
when the other process wrote in between (SQLite cannot wait there without risking a deadlock).
``BEGIN IMMEDIATE`` takes the lock up front, so a concurrent writer waits for the busy timeout
instead.
"""

from __future__ import annotations

import sqlite3

from tortoise.backends.base.client import TransactionContext
from tortoise.backends.sqlite.client import (
    SqliteClient,
    SqliteTransactionContext,
    SqliteTransactionWrapper,
)
from tortoise.exceptions import TransactionManagementError


class ImmediateTransactionWrapper(SqliteTransactionWrapper):
    async def begin(self) -> None:
        try:
            # Tortoise commits first in case a transaction was left open; the connection is in
            # autocommit mode, so that is only ever needed when one really is open, and each
            # statement is a trip to the connection's thread (a check-in makes seven).
            if self._connection.in_transaction:
                await self._connection.commit()
            await self._connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise TransactionManagementError(exc) from exc


class ImmediateSqliteClient(SqliteClient):
    def _in_transaction(self) -> TransactionContext:
        return SqliteTransactionContext(ImmediateTransactionWrapper(self), self._lock)


client_class = ImmediateSqliteClient
