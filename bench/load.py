"""An async load generator, run as its own process: `python -m bench.load < plan.json`.

The plan names the requests (method, path, JSON body or form, headers), how many run at once and
optionally a fixed rate; the result is printed as JSON: requests, errors, seconds, latencies.
Every run is bounded in requests and in time.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any

import httpx


async def run(plan: dict[str, Any]) -> dict[str, Any]:
    requests: list[dict[str, Any]] = plan["requests"]
    concurrency: int = plan["concurrency"]
    rate: float | None = plan.get("rate")
    deadline = time.monotonic() + plan.get("max_seconds", 60)
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    errors = 0
    queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    for item in requests:
        queue.put_nowait(item)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    started = time.monotonic()

    async with httpx.AsyncClient(
        base_url=plan["base_url"], limits=limits, timeout=30, cookies=plan.get("cookies", {})
    ) as client:

        async def worker(number: int) -> None:
            nonlocal errors
            sent = 0
            while not queue.empty() and time.monotonic() < deadline:
                item = queue.get_nowait()
                if rate:  # each worker keeps its share of the rate
                    due = started + (sent * concurrency + number) / rate
                    await asyncio.sleep(max(0.0, due - time.monotonic()))
                sent += 1
                begin = time.perf_counter()
                try:
                    response = await client.request(
                        item.get("method", "GET"),
                        item["path"],
                        json=item.get("json"),
                        data=item.get("form"),
                        headers=item.get("headers"),
                    )
                    key = str(response.status_code)
                    statuses[key] = statuses.get(key, 0) + 1
                    if response.status_code >= 500:
                        errors += 1
                except httpx.HTTPError:
                    errors += 1
                latencies.append(time.perf_counter() - begin)

        await asyncio.gather(*(worker(n) for n in range(concurrency)))
    elapsed = time.monotonic() - started
    latencies.sort()

    def percentile(share: float) -> float:
        return latencies[min(len(latencies) - 1, int(share * len(latencies)))] * 1000

    return {
        "requests": len(latencies),
        "errors": errors,
        "statuses": statuses,
        "seconds": round(elapsed, 3),
        "rps": round(len(latencies) / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(percentile(0.50), 2) if latencies else None,
        "p99_ms": round(percentile(0.99), 2) if latencies else None,
    }


if __name__ == "__main__":
    print(json.dumps(asyncio.run(run(json.load(sys.stdin)))))
