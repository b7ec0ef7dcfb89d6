"""`python -m bench.messages`: how fast one outbox worker delivers texts, against what the
receiver itself can take, measured in the same run.

A local receiver (a bare ASGI app under uvicorn[standard], one process) stands for the SMS
provider and counts what it gets. Its own limit is measured twice: with wrk (50 keep-alive
connections: what the server can take) and one request at a time on a new connection each, as
Apprise sends (the best a sender that waits for each answer can do). Then N texts are written
to a fresh database and `python -m server worker` (a real process) delivers them through
Apprise's `json://` target; the rate is read from the receiver's clock, first text to last.

Options: `--messages 2000`, `--db sqlite postgres`, `--seconds 5` (wrk), `--output FILE`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import requests
from tortoise.backends.base.executor import EXECUTOR_CACHE

from bench.runner import ROOT, SECRET_KEY, _fresh_database, serve
from bench.wrk import run_wrk
from server.cli import apply_migrations
from server.db import close_database, open_database
from server.models import Organisation, OutboxMessage
from server.models.enums import Channel, MessageKind

RESULTS = Path(__file__).parent / "messages_results.json"
TEXT = (
    "Association Passerelles : votre inscription a Salon de l'emploi le 14 mai a 09:30 est "
    "confirmee. https://tremplin.passerelles.ma/me/{n:032d}"
)
PAYLOAD = {"version": "1.0", "title": "", "message": TEXT, "type": "info", "to": "+212612345678"}

# --- the receiver (runs in its own uvicorn process) -------------------------------------------

_received = {"count": 0, "first": 0.0, "last": 0.0}


async def _read_body(receive) -> None:
    more = True
    while more:
        message = await receive()
        more = message.get("more_body", False)


async def _answer(send, status: int, body: bytes) -> None:
    headers = [(b"content-type", b"application/json")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def receiver(scope, receive, send) -> None:
    """The stand-in provider: POST /sms counts a text; GET /stats tells the count and the times
    of the first and last; POST /reset starts again; GET /healthz answers."""
    if scope["type"] != "http":
        return
    path, method = scope["path"], scope["method"]
    if method == "POST":
        await _read_body(receive)
    if path == "/sms" and method == "POST":
        now = time.monotonic()
        if not _received["count"]:
            _received["first"] = now
        _received["count"] += 1
        _received["last"] = now
        await _answer(send, 200, b'{"status": "queued"}')
    elif path == "/stats":
        await _answer(send, 200, json.dumps(_received).encode())
    elif path == "/reset":
        _received.update(count=0, first=0.0, last=0.0)
        await _answer(send, 200, b"{}")
    else:
        await _answer(send, 200, b'{"status": "ok"}')


# --- measuring --------------------------------------------------------------------------------


def _stats(base: str) -> dict[str, Any]:
    return httpx.get(f"{base}/stats", timeout=10).json()


def _rate(stats: dict[str, Any]) -> float:
    span = stats["last"] - stats["first"]
    return round((stats["count"] - 1) / span, 1) if span > 0 else 0.0


def one_at_a_time(base: str, count: int) -> float:
    """Texts a second posted one after the other, each on a new connection (as Apprise does)."""
    started = time.monotonic()
    for n in range(count):
        requests.post(f"{base}/sms", json=PAYLOAD | {"message": TEXT.format(n=n)}, timeout=10)
    return round(count / (time.monotonic() - started), 1)


async def _seed(url: str, count: int) -> None:
    await apply_migrations(url)
    EXECUTOR_CACHE.clear()  # Tortoise keeps insert statements per connection name, not dialect
    await open_database(url)
    try:
        organisation = await Organisation.create(slug="bench", name="Association Passerelles")
        now = datetime.now(UTC)
        await OutboxMessage.bulk_create(
            [
                OutboxMessage(
                    channel=Channel.SMS,
                    recipient=f"+2126{n:08d}",
                    body=TEXT.format(n=n),
                    language="fr",
                    kind=MessageKind.CONFIRMATION,
                    organisation_id=organisation.id,
                    next_attempt_at=now,
                    created_at=now,
                )
                for n in range(count)
            ],
            batch_size=500,
        )
    finally:
        await close_database()


def worker_rate(base: str, backend: str, count: int, folder: Path) -> dict[str, Any]:
    """Seed `count` texts, let one worker deliver them all, and read the receiver's clock."""
    url = asyncio.run(_fresh_database(backend, folder))
    asyncio.run(_seed(url, count))
    httpx.post(f"{base}/reset", timeout=10)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": SECRET_KEY,
        "DATA_DIR": str(folder),
        "SMS_URL": f"json://{base.removeprefix('http://')}/sms?:to={{to}}",
    }
    started = time.monotonic()
    worker = subprocess.Popen(
        [sys.executable, "-m", "server", "worker"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = started + 600
        while _stats(base)["count"] < count:
            if time.monotonic() > deadline or worker.poll() is not None:
                raise RuntimeError("the worker did not deliver every text")
            time.sleep(0.2)
        wall = time.monotonic() - started
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    stats = _stats(base)
    return {"db": backend, "texts": stats["count"], "rate": _rate(stats), "wall_s": round(wall, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.messages", description=__doc__)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--db", nargs="+", default=["sqlite"], choices=["sqlite", "postgres"])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    results: dict[str, Any] = {"when": datetime.now(UTC).isoformat(timespec="seconds")}
    with (
        tempfile.TemporaryDirectory() as folder,
        serve(
            "bench.messages:receiver", f"sqlite://{folder}/unused", 1, "/healthz", folder
        ) as base,
    ):
        results["worker"] = []
        for backend in args.db:  # one sender's floor, measured just before each worker
            floor = one_at_a_time(base, min(args.messages, 1000))
            row = worker_rate(base, backend, args.messages, Path(folder))
            results["worker"].append(row | {"receiver_one_at_a_time": floor})
        item = {"method": "POST", "path": "/sms", "json": PAYLOAD}
        results["receiver_wrk"] = run_wrk(base, [item], connections=50, seconds=args.seconds)
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print(f"receiver, wrk 50 connections: {results['receiver_wrk']['rps']:,.0f} req/s")
    for row in results["worker"]:
        print(
            f"{row['db']}: one worker {row['rate']} texts/s ({row['texts']} texts in "
            f"{row['wall_s']} s with its start-up); one sender at a time without database: "
            f"{row['receiver_one_at_a_time']} /s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
