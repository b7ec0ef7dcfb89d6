"""`python -m bench`: seed a database, start the app and the baseline with uvicorn[standard], drive
the load from a separate process, print one table and write bench/results.json.

Every figure is paired with a baseline measured in the same run on the same database and the same
number of workers (machines here are noisy: compare ratios, not absolute numbers).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from tortoise import connections
from tortoise.backends.base.executor import EXECUTOR_CACHE

from bench.badges import download as download_badges
from bench.report_data import ReportSeed, seed_report_event
from bench.wrk import run_wrk
from server.cli import apply_migrations
from server.codes.badges import make_badge_code
from server.codes.passwords import hash_password
from server.db import close_database, open_database
from server.demo.seeding import NewRegistration, add_registrations, create_people
from server.models import Attendee, Event, Membership, Organisation, Registration, User
from server.models.enums import EventKind, EventStatus, RegistrationStatus, Role
from server.services.door.devices import issue_device_token

SECRET_KEY = "bench-secret-key-" + "b" * 40
BADGES = 2000
PASSWORD = "bench-password-1"  # noqa: S105 - a throw-away account in a throw-away database
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_NAME = "tremplin_bench"
RESULTS = Path(__file__).parent / "results.json"
ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Seed:
    checkin_token: str
    checkin_codes: list[str]
    baseline_ids: list[int]
    signup_slug: str
    page_slug: str
    big_event_id: int
    badges_event_id: int | None = None
    report: ReportSeed | None = None


async def _fresh_database(backend: str, folder: Path) -> str:
    if backend == "sqlite":
        return f"sqlite://{folder / 'bench.sqlite3'}"
    admin = await asyncpg.connect(PG_ADMIN)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{PG_NAME}"')
    finally:
        await admin.close()
    return f"postgres://postgres@127.0.0.1:5432/{PG_NAME}?maxsize=20"


async def _people(event: Event, count: int, prefix: str) -> list[Registration]:
    """`count` people confirmed at `event`, their badge serials and names numbered with
    `prefix`."""
    now = datetime.now(UTC)
    people = [
        Attendee(
            first_name=f"Person{n}",
            last_name=f"{prefix}{n:05d}",
            phone=f"+2126{int(prefix[-1:] or 0)}{n:07d}",
            consent_processing_at=now,
        )
        for n in range(count)
    ]
    ids = await create_people(people)
    return await add_registrations(
        event,
        [
            NewRegistration(attendee_id, badge_serial=f"{prefix[:1]}{n:05d}")
            for n, attendee_id in enumerate(ids)
        ],
    )


async def seed(
    url: str, *, checkins: int, attendees: int, badges: int = 0, report: bool = False
) -> Seed:
    """Everything the scenarios need, written straight through the models: with `badges`, an
    event with that many confirmed people to print; with `report`, the past fair of the report
    scenario (`bench.report_data`)."""
    await apply_migrations(url)
    # Tortoise caches insert statements per connection name, not per dialect: a run that goes
    # from SQLite to PostgreSQL in one process must drop them.
    EXECUTOR_CACHE.clear()
    await open_database(url)
    try:
        organisation = await Organisation.create(slug="bench", name="Bench")
        user = await User.create(
            email="organiser@bench.example",
            full_name="Bench",
            password_hash=hash_password(PASSWORD),
        )
        await Membership.create(user=user, organisation=organisation, role=Role.OWNER)
        start = datetime.now(UTC) + timedelta(days=3)

        async def event(slug: str, **extra: Any) -> Event:
            fields = {
                "organisation": organisation,
                "slug": slug,
                "kind": EventKind.JOB_FAIR,
                "status": EventStatus.PUBLISHED,
                "title": {"fr": slug, "ar": slug, "en": slug},
                "city": "Casablanca",
                "starts_at": start,
                "ends_at": start + timedelta(hours=8),
            }
            return await Event.create(**(fields | extra))

        door = await event("door")
        door_registrations = await _people(door, checkins, "D1")
        baseline = await event("baseline")
        baseline_registrations = await _people(baseline, checkins, "B2")
        big = await event("big-fair")
        await _people(big, attendees, "L3")
        await event("surge", capacity=300, waitlist_enabled=True)
        for number in range(200):
            await event(f"listed-{number}", starts_at=start + timedelta(days=number))
        token = await issue_device_token(door, "bench", user)
        printed = await event("badges") if badges else None
        if printed is not None:
            await _people(printed, badges, "G4")
        report_seed = await seed_report_event(organisation) if report else None
        await _analyse(url)
        return Seed(
            checkin_token=token,
            checkin_codes=[make_badge_code(SECRET_KEY, door.id, r.id) for r in door_registrations],
            baseline_ids=[r.id for r in baseline_registrations],
            signup_slug="surge",
            page_slug="big-fair",
            big_event_id=big.id,
            badges_event_id=printed.id if printed else None,
            report=report_seed,
        )
    finally:
        await close_database()


async def _analyse(url: str) -> None:
    """Give PostgreSQL's planner the statistics a database in use has: right after a bulk load
    it has none, and picks nested loops that a live database would not."""
    if url.startswith("postgres"):
        await connections.get("default").execute_script("ANALYZE")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serve(module: str, url: str, workers: int, health: str, data_dir: str) -> Iterator[str]:
    """uvicorn[standard] serving `module` on loopback until the block ends."""
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": SECRET_KEY, "DATA_DIR": data_dir}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            module,
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            "--no-access-log",
            # Longer than any answer under load: a connection the server closes for idleness
            # just as the client reuses it fails the request, a loss of the client, not the app.
            "--timeout-keep-alive",
            "60",
        ],
        env=env,
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(base + health, timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"{module} did not start")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def load(
    base_url: str,
    requests: list[dict[str, Any]],
    *,
    concurrency: int,
    rate: float | None = None,
    cookies: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Run the load generator in its own process and return its figures."""
    plan = {
        "base_url": base_url,
        "requests": requests,
        "concurrency": concurrency,
        "rate": rate,
        "cookies": cookies or {},
        "max_seconds": 120,
    }
    result = subprocess.run(
        [sys.executable, "-m", "bench.load"],
        input=json.dumps(plan),
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
        timeout=180,
    )
    return json.loads(result.stdout)


def _csrf(page: httpx.Response) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    if match is None:
        raise RuntimeError("no CSRF token on the page")
    return match.group(1)


def _signed_in(base: str) -> dict[str, str]:
    with httpx.Client(base_url=base) as client:
        token = _csrf(client.get("/login"))
        client.post(
            "/login",
            data={"email": "organiser@bench.example", "password": PASSWORD, "csrf_token": token},
        )
        return dict(client.cookies)


def _row(scenario: str, measured: dict[str, Any], baseline: dict[str, Any]) -> dict[str, Any]:
    return {
        "scenario": scenario,
        "measured": measured,
        "baseline": baseline,
        "rps_ratio": round(measured["rps"] / baseline["rps"], 2) if baseline["rps"] else None,
        "p99_ratio": round(measured["p99_ms"] / baseline["p99_ms"], 2)
        if baseline.get("p99_ms")
        else None,
    }


async def _surge_outcome(url: str) -> dict[str, Any]:
    await open_database(url)
    try:
        event = await Event.get(slug="surge")
        statuses = await Registration.filter(event_id=event.id).values_list("status", flat=True)
        positions = sorted(
            await Registration.filter(
                event_id=event.id, status=RegistrationStatus.WAITLISTED
            ).values_list("waitlist_position", flat=True)
        )
    finally:
        await close_database()
    waiting = statuses.count(RegistrationStatus.WAITLISTED)
    return {
        "confirmed": statuses.count(RegistrationStatus.CONFIRMED),
        "waiting": waiting,
        "positions_in_order": positions == list(range(1, waiting + 1)),
    }


def run_configuration(
    backend: str, workers: int, scenarios: set[str], size: int, seconds: int
) -> list[dict]:
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as folder:
        url = asyncio.run(_fresh_database(backend, Path(folder)))
        data = asyncio.run(
            seed(
                url,
                checkins=size,
                attendees=10_000,
                badges=BADGES if "badges" in scenarios else 0,
                report="report" in scenarios,
            )
        )
        with (
            serve("server.app:app", url, workers, "/healthz", folder) as app,
            serve("bench.baseline:app", url, workers, "/hello", folder) as bare,
        ):
            label = f"{backend}, {workers} worker{'s' if workers > 1 else ''}"
            if "checkin" in scenarios:
                half = size // 2
                auth = {"Authorization": f"Bearer {data.checkin_token}"}
                scans = [
                    {
                        "method": "POST",
                        "path": "/api/v1/checkin",
                        "headers": auth,
                        "json": {"code": code, "gate": "A"},
                    }
                    for code in data.checkin_codes[:half]
                ]
                updates = [
                    {"method": "POST", "path": "/checkin", "json": {"id": i}}
                    for i in data.baseline_ids[:half]
                ]
                baseline = run_wrk(bare, updates, connections=50, seconds=seconds)
                measured = run_wrk(app, scans, connections=50, seconds=seconds)
                rows.append(_row(f"check-in API, 50 scanners ({label})", measured, baseline))
                door = [
                    dict(scan, json={"code": code, "gate": "B"})
                    for scan, code in zip(
                        scans, data.checkin_codes[half : half + 400], strict=False
                    )
                ]
                door_updates = [
                    {"method": "POST", "path": "/checkin", "json": {"id": i}}
                    for i in data.baseline_ids[half : half + 400]
                ]
                rows.append(
                    _row(
                        f"check-in API at 40 scans/s ({label})",
                        load(app, door, concurrency=8, rate=40),
                        load(bare, door_updates, concurrency=8, rate=40),
                    )
                )
            if "signup" in scenarios:
                with httpx.Client(base_url=app) as client:
                    token = _csrf(client.get(f"/events/{data.signup_slug}/register"))
                    cookies = dict(client.cookies)
                forms = [
                    {
                        "method": "POST",
                        "path": f"/events/{data.signup_slug}/register",
                        "form": {
                            "csrf_token": token,
                            "phone": f"+2127{n:08d}",
                            "first_name": "Surge",
                            "last_name": f"N{n}",
                            "gender": "undisclosed",
                            "legal_status": "undisclosed",
                            "education_level": "undisclosed",
                            "consent_processing": "yes",
                        },
                    }
                    for n in range(1000)
                ]
                measured = load(app, forms, concurrency=100, cookies=cookies)
                hello = load(bare, [{"path": "/hello"}] * 1000, concurrency=100)
                row = _row(f"sign-up surge, 1,000 for 300 seats ({label})", measured, hello)
                row["correctness"] = asyncio.run(_surge_outcome(url))
                rows.append(row)
            if "pages" in scenarios:
                cookie = "; ".join(f"{k}={v}" for k, v in _signed_in(app).items())
                hello = run_wrk(bare, [{"path": "/hello"}], connections=20, seconds=seconds)
                attendees = f"/manage/bench/events/{data.big_event_id}/attendees"
                for name, path, jar in [
                    ("upcoming events (200)", "/", ""),
                    ("event page", f"/events/{data.page_slug}", ""),
                    ("attendee list of 10,000, first page", attendees, cookie),
                    ("attendee list of 10,000, search", attendees + "?q=L300042", cookie),
                ]:
                    measured = run_wrk(
                        app, [{"path": path}], connections=20, seconds=seconds, cookie=jar
                    )
                    rows.append(_row(f"page: {name} ({label})", measured, hello))
            if "badges" in scenarios:
                cookie = "; ".join(f"{k}={v}" for k, v in _signed_in(app).items())
                rows.append(
                    _badge_row(
                        f"badges: {BADGES:,} A6 in one PDF ({label})",
                        f"{app}/manage/bench/events/{data.badges_event_id}/badges.pdf",
                        cookie,
                    )
                )
            if "report" in scenarios and data.report is not None:
                rows += _report_rows(app, bare, data.report, label)
    return rows


def _report_rows(app: str, bare: str, report: ReportSeed, label: str) -> list[dict[str, Any]]:
    """The organiser's synthesis PDF of the 10,000-registration fair (figures and drawing, as
    served on request) and its live attendance fragment, one request at a time, each against
    the JSON hello of the same run."""
    cookies = _signed_in(app)
    event = f"/manage/{report.organisation_slug}/events/{report.event_id}"
    pdfs = [{"path": f"{event}/report.pdf?language=fr"}] * 20
    fragments = [{"path": f"{event}/attendance", "headers": {"HX-Request": "true"}}] * 200
    rows = []
    for name, requests in [("synthesis PDF", pdfs), ("live attendance fragment", fragments)]:
        measured = load(app, requests, concurrency=1, cookies=cookies)
        hello = load(bare, [{"path": "/hello"}] * len(requests), concurrency=1)
        rows.append(_row(f"report: {name}, 10,000 registrations ({label})", measured, hello))
    return rows


def _draw_badges(*options: str) -> dict[str, Any]:
    """`bench.badges` in a fresh process, so that its peak memory is its own."""
    result = subprocess.run(
        [sys.executable, "-m", "bench.badges", "--count", str(BADGES), *options],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
        timeout=600,
    )
    return json.loads(result.stdout)


def _badge_row(scenario: str, url: str, cookie: str) -> dict[str, Any]:
    """The sheets drawn with QR codes against the same pages without (the floor), and the
    organiser's download through the app: when its first byte comes, when it ends."""
    floor = _draw_badges("--no-qr")
    measured = _draw_badges()
    return {
        "scenario": scenario,
        "measured": measured,
        "baseline": floor,
        "seconds_ratio": round(measured["seconds"] / floor["seconds"], 2),
        "download": download_badges(url, cookie),
    }


def print_table(rows: list[dict[str, Any]]) -> None:
    header = (
        f"{'scenario':<62} {'req/s':>8} {'p50':>7} {'p99':>7} │ "
        f"{'base r/s':>8} {'p99':>7} │ {'r/s ×':>6} {'p99 ×':>6}"
    )
    print(header)
    print("─" * len(header))
    for row in rows:
        m, b = row["measured"], row["baseline"]
        if "seconds_ratio" in row:  # badge printing: seconds and memory, not requests
            download = row["download"]
            print(
                f"{row['scenario']:<62} {m['seconds']:>7}s peak {m['peak_mb']} MB │ "
                f"floor {b['seconds']}s peak {b['peak_mb']} MB │ ×{row['seconds_ratio']}"
                f"  download: first byte {download['first_byte_ms']} ms,"
                f" end {download['total_ms']} ms"
            )
            continue
        print(
            f"{row['scenario']:<62} {m['rps']:>8} {m['p50_ms']:>7} {m['p99_ms']:>7} │ "
            f"{b['rps']:>8} {b['p99_ms']:>7} │ {row['rps_ratio']!s:>6} {row['p99_ratio']!s:>6}"
            + (f"  errors {m['errors']}" if m["errors"] else "")
            + (f"  {row['correctness']}" if "correctness" in row else "")
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--db", choices=["sqlite", "postgres"], nargs="+", default=["sqlite", "postgres"]
    )
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument(
        "--scenarios",
        nargs="+",
        default=["checkin", "signup", "pages", "badges", "report"],
        choices=["checkin", "signup", "pages", "badges", "report"],
    )
    parser.add_argument("--scans", type=int, default=4000, help="badges seeded for check-in")
    parser.add_argument("--seconds", type=int, default=8, help="length of each wrk run")
    parser.add_argument(
        "--output",
        type=Path,
        default=RESULTS,
        help="where to write the figures (short trial runs: not over the committed table)",
    )
    args = parser.parse_args(argv)
    rows: list[dict[str, Any]] = []
    for backend in args.db:
        for workers in args.workers:
            rows += run_configuration(
                backend, workers, set(args.scenarios), args.scans, args.seconds
            )
    print_table(rows)
    args.output.write_text(
        json.dumps(
            {
                "machine": {
                    "cpus": os.cpu_count(),
                    "python": platform.python_version(),
                    "system": platform.platform(),
                },
                "ran_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "rows": rows,
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n"
    )
    print(f"\nwritten to {args.output}")
    return 0
