"""What every loader of the demo shares: the day its story is told from, its fixed chance, and its
content, kept as data in `server/demo/content/*.toml`."""

from __future__ import annotations

import random
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from server.values.clock import EVENT_TIMEZONE

SEED = 2026
CONTENT = Path(__file__).parent / "content"
T = TypeVar("T")


@cache
def content(name: str) -> dict[str, Any]:
    """The data file `content/<name>.toml`, read once (do not change what it answers)."""
    with (CONTENT / f"{name}.toml").open("rb") as file:
        return tomllib.load(file)


def chance(area: str) -> random.Random:
    """The random choices of one area of the demo: the same on every run, whatever the other
    areas draw."""
    return random.Random(f"{SEED}:{area}")


def between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """A moment between `start` and `end`, to the second."""
    return start + timedelta(seconds=int((end - start).total_seconds() * rng.random()))


def weighted(rng: random.Random, weights: Mapping[T, float]) -> T:
    """One of the keys of `weights`, drawn in proportion to its value."""
    return rng.choices(list(weights), list(weights.values()))[0]


@dataclass(frozen=True)
class Season:
    """The day the demo is loaded: every date of its story counts from it, and its present is
    eight in the morning of that day in Casablanca."""

    today: date

    @property
    def now(self) -> datetime:
        return self.at(0, "08:00")

    def day(self, days: int) -> date:
        return self.today + timedelta(days=days)

    def at(self, days: int, clock: str) -> datetime:
        """`clock` ("09:30", Casablanca time) on the day `days` after today."""
        return datetime.combine(self.day(days), time.fromisoformat(clock), tzinfo=EVENT_TIMEZONE)
