"""Counting attempts per key over a window, shared by every app process: failed logins, and the
texts that anonymous requests make us send.

Two stores behind one interface: the database (default, nothing more to run) and Redis when
`REDIS_URL` is set. Keys look like `login:ip:203.0.113.7` or `login:account:a@example.org`.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from typing import Protocol

from server.models import LoginFailure


class FailureStore(Protocol):
    async def add(self, key: str, window: timedelta) -> int:
        """Record one attempt; return the number of attempts in the window, this one included."""
        ...

    async def remove_one(self, key: str) -> None: ...

    async def clear(self, key: str) -> None: ...


class DatabaseFailureStore:
    """Failures as rows; old rows are deleted as new ones are written."""

    async def add(self, key: str, window: timedelta) -> int:
        since = datetime.now(UTC) - window
        await LoginFailure.create(key=key)
        # Expired rows of every key go, so one-off addresses and e-mails do not pile up.
        await LoginFailure.filter(created_at__lt=since).delete()
        return await LoginFailure.filter(key=key, created_at__gte=since).count()

    async def remove_one(self, key: str) -> None:
        latest = await LoginFailure.filter(key=key).order_by("-id").first()
        if latest is not None:
            await latest.delete()

    async def clear(self, key: str) -> None:
        await LoginFailure.filter(key=key).delete()


class RedisFailureStore:
    """Failures as a counter that expires a window after the first failure."""

    def __init__(self, url: str) -> None:
        from redis.asyncio import Redis

        self.redis = Redis.from_url(url)

    async def add(self, key: str, window: timedelta) -> int:
        name = f"tremplin:{key}"
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.incr(name)
            pipe.expire(name, int(window.total_seconds()), nx=True)
            count, _ = await pipe.execute()
        return int(count)

    async def remove_one(self, key: str) -> None:
        await self.redis.decr(f"tremplin:{key}")

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

    async def attempt(self, address: str, email: str) -> bool:
        """Count a login attempt as a failure until it succeeds; true when over a limit.

        Recording before the password is checked, and deciding on the count the store returns,
        means a burst of simultaneous guesses cannot all slip under the limit.
        """
        ip_key, account_key = self._keys(address, email)
        per_address = await self.store.add(ip_key, self.window)
        per_account = await self.store.add(account_key, self.window)
        return per_address > self.per_address or per_account > self.per_account

    async def succeeded(self, address: str, email: str) -> None:
        ip_key, account_key = self._keys(address, email)
        await self.store.clear(account_key)
        await self.store.remove_one(ip_key)

    @property
    def retry_minutes(self) -> int:
        return int(self.window.total_seconds() // 60)


TEXT_WINDOW = timedelta(hours=1)


class TextAllowance:
    """Caps on the texts that anonymous requests make us send (a sign-up's confirmation, a
    personal link asked for again): at most `per_address` an hour for one client address,
    `per_number` for one phone number and `per_hour` for the whole instance, so that nobody
    can use our forms to send texts at our cost ("SMS pumping").

    Each cap is counted by the shared store, which returns the count with this request in it:
    among any number of simultaneous requests, only the first `cap` can see a count within it.
    The caps are counted one after the other and a refused request stops counting, so one
    busy address cannot use up the instance's hour for everyone. Numbers are counted under a
    keyed hash, never written in the store.
    """

    def __init__(
        self, store: FailureStore, *, secret: str, per_number: int, per_address: int, per_hour: int
    ) -> None:
        self.store = store
        self._secret = secret.encode()
        self.per_number = per_number
        self.per_address = per_address
        self.per_hour = per_hour

    def _number_key(self, number: str) -> str:
        digest = hmac.new(self._secret, number.encode(), hashlib.sha256).hexdigest()[:32]
        return f"texts:number:{digest}"

    async def allow(self, number: str, address: str) -> bool:
        """Count one text to `number` asked for from `address`; true when every cap allows it."""
        for key, cap in (
            (f"texts:ip:{address}", self.per_address),
            (self._number_key(number), self.per_number),
            ("texts:instance", self.per_hour),
        ):
            if await self.store.add(key, TEXT_WINDOW) > cap:
                return False
        return True
