"""Badge printing: all of an event's badges in one PDF, timed against the same pages without QR
codes (the floor), and the organiser's "print all badges" download timed through HTTP.

The drawing is measured in a fresh process per run (`python -m bench.badges --count 2000
[--no-qr]`), so its peak resident memory is that run's alone: the figures printed
as JSON are the seconds spent in `server.documents.badges.write_badge_sheets`, the process's peak
memory,
how much of it the drawing added, the pages and the bytes. `--no-qr` draws every badge with
its QR code left out and nothing else changed.
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import sys
import time
from typing import Any

import httpx

from server.codes.badges import make_badge_code

SECRET_KEY = "bench-secret-key-" + "b" * 40
FIRST_NAMES = ("Aminata", "Mamadou", "Fatou", "Jean-Baptiste", "Grâce", "فاطمة", "Ibrahima")
LAST_NAMES = ("Diallo", "Traoré", "Mbemba Nkounkou", "Koné", "العلوي", "Ndiaye", "Ouédraogo")


def _peak_mb() -> float:
    """The process's peak resident memory. Linux keeps `ru_maxrss` across fork and exec (a
    child started by a big parent starts at the parent's size), so read this memory map's own
    high-water mark when there is one."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def draw(count: int, *, qr: bool) -> dict[str, Any]:
    """Draw `count` visitor badges on A4 sheets into memory; the figures of that run."""
    import server.documents.badges as badges

    if not qr:
        badges._draw_qr = lambda canvas, text: None  # the floor: the same pages, no QR code
    data = [
        badges.BadgeData(
            event_title="Salon de l'emploi et de l'insertion — Casablanca 2026",
            event_date="samedi 14 mars 2026 · 09:00",
            venue="Foire internationale, Casablanca",
            name=f"{FIRST_NAMES[n % 7]} {LAST_NAMES[(n // 7) % 7]}",
            role="visitor",
            organisation="",
            serial=f"K{n:02d}-{n % 1000:03d}",
            qr_text=make_badge_code(SECRET_KEY, 42, 100_000 + n),
        )
        for n in range(count)
    ]
    before = _peak_mb()
    output = io.BytesIO()
    started = time.perf_counter()
    drawn = badges.write_badge_sheets(data, output)
    seconds = time.perf_counter() - started
    peak = _peak_mb()
    return {
        "badges": drawn,
        "pages": -(-drawn // 4),
        "seconds": round(seconds, 3),
        "peak_mb": round(peak, 1),
        "added_mb": round(peak - before, 1),
        "bytes": output.getbuffer().nbytes,
    }


def download(url: str, cookie: str) -> dict[str, Any]:
    """GET the badge sheets: when the answer starts (headers), when its first byte of PDF
    arrives, when it ends."""
    started = time.perf_counter()
    first_byte = None
    size = 0
    with (
        httpx.Client(timeout=120, headers={"Cookie": cookie}) as client,
        client.stream("GET", url) as response,
    ):
        headers_at = time.perf_counter() - started
        if response.status_code != 200:
            raise RuntimeError(f"badge sheets answered {response.status_code}")
        for chunk in response.iter_bytes():
            if first_byte is None:
                first_byte = time.perf_counter() - started
            size += len(chunk)
    total = time.perf_counter() - started
    return {
        "headers_ms": round(headers_at * 1000, 1),
        "first_byte_ms": round((first_byte or total) * 1000, 1),
        "total_ms": round(total * 1000, 1),
        "bytes": size,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.badges", description=__doc__)
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--no-qr", action="store_true", help="leave the QR codes out (the floor)")
    args = parser.parse_args(argv)
    print(json.dumps(draw(args.count, qr=not args.no_qr)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
