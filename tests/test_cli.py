"""The command line, as an administrator uses it on a fresh machine."""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from server.codes.passwords import verify_password
from server.demo import load_demo
from server.models import Event, Membership, Registration, SynthesisReport, User
from server.models.enums import RegistrationStatus, Role
from tests.support import free_port, html, wait_until_healthy


def run_cli(*args: str, data_dir: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATA_DIR": str(data_dir), "DEMO_PASSWORD": "demo-password"}
    env.pop("DATABASE_URL", None)
    env.pop("SECRET_KEY", None)
    return subprocess.run(
        [sys.executable, "-m", "server", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
        check=False,
    )


def test_migrate_on_a_fresh_folder_creates_the_database_and_can_run_again(tmp_path):
    first = run_cli("migrate", data_dir=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "Applying migration models.0001_initial" in first.stdout
    assert (tmp_path / "tremplin.sqlite3").exists()
    assert (tmp_path / "secret_key").exists()
    second = run_cli("migrate", data_dir=tmp_path)
    assert second.returncode == 0, second.stderr
    assert "Applying" not in second.stdout


def test_createuser_joins_an_organisation_with_a_role(tmp_path):
    assert (
        run_cli("createorganisation", "passerelles", "Passerelles", data_dir=tmp_path).returncode
        == 0
    )
    created = run_cli(
        "createuser",
        "Amina@Example.org",
        "--name",
        "Amina Tazi",
        "--organisation",
        "passerelles",
        "--role",
        "checkin",
        data_dir=tmp_path,
        stdin="a long enough password\n",
    )
    assert created.returncode == 0, created.stderr
    assert "Created amina@example.org." in created.stdout
    again = run_cli(
        "createuser",
        "amina@example.org",
        "--name",
        "Amina",
        data_dir=tmp_path,
        stdin="another long one\n",
    )
    assert again.returncode == 2
    assert "email: An account with this e-mail address already exists." in again.stderr


def test_createuser_refuses_a_short_password(tmp_path):
    run_cli("migrate", data_dir=tmp_path)
    result = run_cli(
        "createuser", "a@example.org", "--name", "A", data_dir=tmp_path, stdin="short\n"
    )
    assert result.returncode == 2
    assert "new_password: Use at least 10 characters." in result.stderr


async def test_demo_data_can_be_loaded_twice_without_duplicates(db):
    first = await load_demo("demo-password")
    second = await load_demo("demo-password")
    assert first == second
    assert first["organisations"] == 2
    assert first["employers"] == 8
    assert first["attendees"] >= 200
    for email in ("organiser@example.org", "checkin@example.org", "employer@example.org"):
        user = await User.get(email=email)
        assert verify_password(user.password_hash, "demo-password")
    checkin = await Membership.get(user__email="checkin@example.org")
    assert checkin.role == Role.CHECKIN


async def test_demo_data_keeps_the_seat_counters_true(db):
    await load_demo("demo-password")
    cities = set(await Event.filter(parent_id=None).values_list("city", flat=True))
    assert {"Casablanca", "Rabat", "Tanger"} <= cities
    fairs_with_sessions = await Event.filter(
        kind="job_fair", sessions__id__not_isnull=True
    ).distinct()
    assert fairs_with_sessions
    kinds = set(
        await Event.filter(parent_id=fairs_with_sessions[0].id).values_list("kind", flat=True)
    )
    assert {"workshop", "side_event"} <= kinds
    for event in await Event.all():
        confirmed = await Registration.filter(
            event_id=event.id, status=RegistrationStatus.CONFIRMED
        ).count()
        assert event.seats_taken == confirmed
        assert event.capacity is None or confirmed <= event.capacity
        positions = sorted(
            await Registration.filter(
                event_id=event.id, status=RegistrationStatus.WAITLISTED
            ).values_list("waitlist_position", flat=True)
        )
        assert positions == list(range(1, len(positions) + 1))


def failed_login(base: str, number: int) -> int:
    with httpx.Client(base_url=base, timeout=20) as browser:
        token = html(browser.get("/login")).select_one("input[name=csrf_token]")["value"]
        form = {"email": f"nobody{number}@example.org", "password": "wrong", "csrf_token": token}
        return browser.post("/login", data=form).status_code


def test_serve_demo_with_two_workers_shows_demo_events_in_each_language(tmp_path):
    port = free_port()
    env = {**os.environ, "DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "server", "serve", "--demo", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_healthy(base, server)
        titles = {}
        for lang in ("fr", "ar", "en"):
            page = html(httpx.get(f"{base}/?lang={lang}", timeout=10))
            assert page.select_one("html")["lang"] == lang
            titles[lang] = [h.get_text(strip=True) for h in page.select(".event-card h3")]
            assert len(titles[lang]) >= 3
        assert len({tuple(titles[lang]) for lang in titles}) == 3
        assert any("Salon" in title for title in titles["fr"])
        # Concurrent writes through both workers (failed logins are recorded) all succeed.
        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(lambda n: failed_login(base, n), range(16)))
        assert statuses == [422] * 16  # under the limit of 20 failures per address
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert "Traceback" not in output, output


async def test_the_demo_past_job_day_has_a_published_report_with_its_figures(client):
    await load_demo("demo-password")
    report = await SynthesisReport.get(event__slug__startswith="journee-emploi-rabat-")
    page = await client.get(f"/reports/{report.public_token}?lang=en")
    assert page.status_code == 200
    assert "Troisième journée de" in page.text
    pdf = await client.get(f"/reports/{report.public_token}/report.pdf?language=ar")
    assert pdf.headers["content-type"] == "application/pdf"
