"""Counting failed attempts per key over a sliding window, shared by every app process.

Two stores behind one interface: the database (default, nothing more to run) and Redis when
`REDIS_URL` is set. Keys look like `login:ip:203.0.113.7` or `login:account:a@example.org`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol

from server.models import LoginFailure


class FailureStore(Protocol):
    async def count(self, key: str, window: timedelta) -> int: ...

    async def add(self, key: str, window: timedelta) -> None: ...

    async def clear(self, key: str) -> None: ...


class DatabaseFailureStore:
    """Failures as rows; old rows are deleted as new ones are written."""

    async def count(self, key: str, window: timedelta) -> int:
        since = datetime.now(UTC) - window
        return await LoginFailure.filter(key=key, created_at__gte=since).count()

    async def add(self, key: str, window: timedelta) -> None:
        await LoginFailure.create(key=key)
        await LoginFailure.filter(key=key, created_at__lt=datetime.now(UTC) - window).delete()

    async def clear(self, key: str) -> None:
        await LoginFailure.filter(key=key).delete()


class RedisFailureStore:
    """Failures as a counter that expires a window after the first failure."""

    def __init__(self, url: str) -> None:
        from redis.asyncio import Redis

        self.redis = Redis.from_url(url)

    async def count(self, key: str, window: timedelta) -> int:
        value = await self.redis.get(f"tremplin:{key}")
        return int(value or 0)

    async def add(self, key: str, window: timedelta) -> None:
        name = f"tremplin:{key}"
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.incr(name)
            pipe.expire(name, int(window.total_seconds()), nx=True)
            await pipe.execute()

    async def clear(self, key: str) -> None:
        await self.redis.delete(f"tremplin:{key}")

    async def close(self) -> None:
        await self.redis.aclose()


class LoginThrottle:
    """At most `per_account` failures for one account and `per_address` for one address in
    `window`; then logins are refused until the window has passed."""

    def __init__(
        self,
        store: FailureStore,
        *,
        per_account: int = 5,
        per_address: int = 20,
        window: timedelta = timedelta(minutes=15),
    ) -> None:
        self.store = store
        self.per_account = per_account
        self.per_address = per_address
        self.window = window

    @staticmethod
    def _keys(address: str, email: str) -> tuple[str, str]:
        return f"login:ip:{address}", f"login:account:{email.strip().lower()}"

    async def is_blocked(self, address: str, email: str) -> bool:
        ip_key, account_key = self._keys(address, email)
        if await self.store.count(ip_key, self.window) >= self.per_address:
            return True
        return await self.store.count(account_key, self.window) >= self.per_account

    async def record_failure(self, address: str, email: str) -> None:
        for key in self._keys(address, email):
            await self.store.add(key, self.window)

    async def record_success(self, address: str, email: str) -> None:
        await self.store.clear(self._keys(address, email)[1])

    @property
    def retry_minutes(self) -> int:
        return int(self.window.total_seconds() // 60)
