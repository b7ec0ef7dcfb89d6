"""Command line: `python -m server serve|migrate|demo|createuser|createorganisation`."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from collections.abc import Awaitable, Callable, Sequence

from tortoise import Tortoise
from tortoise.migrations.api.migrate import migrate as run_migrations

from server.config import Settings
from server.db import close_database, ensure_sqlite_folder, open_database, tortoise_config
from server.errors import ValidationFailed
from server.models import Organisation
from server.models.enums import Role

DEFAULT_DEMO_PASSWORD = "demo-password"  # noqa: S105 - documented demo credential


async def apply_migrations(database_url: str) -> None:
    """Bring the database schema up to date (idempotent)."""
    ensure_sqlite_folder(database_url)
    try:
        await run_migrations(config=tortoise_config(database_url), progress=_report)
    finally:
        await Tortoise.close_connections()


def _report(event: str, app_label: str, name: str) -> None:
    if event == "apply_start":
        print(f"Applying migration {app_label}.{name}")


async def _with_database(settings: Settings, work: Callable[[], Awaitable[None]]) -> None:
    await open_database(settings.database_url)
    try:
        await work()
    finally:
        await close_database()


async def load_demo_data(settings: Settings) -> None:
    from server.demo import load_demo

    password = os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD

    async def work() -> None:
        counts = await load_demo(password)
        print("Demo data ready: " + ", ".join(f"{n} {name}" for name, n in counts.items()))

    await _with_database(settings, work)


async def create_user_command(settings: Settings, args: argparse.Namespace) -> int:
    from server.services.accounts.users import create_user

    password = _read_password()
    outcome = 0

    async def work() -> None:
        nonlocal outcome
        organisation = None
        if args.organisation:
            organisation = await Organisation.get_or_none(slug=args.organisation)
            if organisation is None:
                print(f"No organisation with slug {args.organisation!r}.", file=sys.stderr)
                outcome = 2
                return
        try:
            user = await create_user(
                args.email,
                args.name,
                password,
                organisation=organisation,
                role=Role(args.role) if organisation else None,
                is_superuser=args.superuser,
            )
        except ValidationFailed as error:
            for field, message in error.errors.items():
                print(f"{field}: {message}", file=sys.stderr)
            outcome = 2
            return
        print(f"Created {user.email}.")

    await _with_database(settings, work)
    return outcome


async def create_organisation_command(settings: Settings, args: argparse.Namespace) -> int:
    async def work() -> None:
        organisation, created = await Organisation.get_or_create(
            slug=args.slug, defaults={"name": args.name}
        )
        print(("Created " if created else "Already exists: ") + organisation.slug)

    await _with_database(settings, work)
    return 0


async def purge_command(settings: Settings, months: int) -> int:
    from server.services.registrations.privacy import purge_inactive

    async def work() -> None:
        count = await purge_inactive(months=months)
        print(f"Anonymised {count} people inactive for {months} months.")

    await _with_database(settings, work)
    return 0


def _read_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password again: "):
            raise SystemExit("The two passwords are not the same.")
        return first
    return sys.stdin.readline().rstrip("\n")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m server", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="apply migrations, then serve the app with uvicorn")
    serve.add_argument("--demo", action="store_true", help="load the demo data first")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)

    commands.add_parser("migrate", help="apply the database migrations")
    commands.add_parser("demo", help="load the demo data (safe to run again)")
    commands.add_parser("worker", help="deliver queued e-mails and SMS until stopped")
    commands.add_parser("remind", help="queue reminders for tomorrow's events (safe to run again)")
    commands.add_parser(
        "remind-interviews",
        help="queue reminders of interviews starting within the hour; run every few minutes",
    )

    purge = commands.add_parser(
        "purge", help="anonymise people with no registration activity for a while"
    )
    purge.add_argument("--months", type=int, default=24, help="inactivity period (default 24)")

    user = commands.add_parser(
        "createuser", help="create a staff account; the password is asked, or read from stdin"
    )
    user.add_argument("email")
    user.add_argument("--name", required=True, help="full name")
    user.add_argument("--organisation", help="slug of an organisation to join")
    user.add_argument("--role", choices=[r.value for r in Role], default=Role.ORGANISER.value)
    user.add_argument("--superuser", action="store_true")

    org = commands.add_parser("createorganisation", help="create an organisation")
    org.add_argument("slug")
    org.add_argument("name")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = Settings.from_env()
    # Every command works on an up-to-date schema, even on a fresh machine.
    asyncio.run(apply_migrations(settings.database_url))
    if args.command == "createuser":
        return asyncio.run(create_user_command(settings, args))
    if args.command == "purge":
        return asyncio.run(purge_command(settings, args.months))
    if args.command == "createorganisation":
        return asyncio.run(create_organisation_command(settings, args))
    if args.command in {"worker", "remind", "remind-interviews"}:
        from server.notifications import commands as notification_commands

        if args.command == "worker":
            return asyncio.run(notification_commands.worker_command(settings))
        if args.command == "remind-interviews":
            return asyncio.run(notification_commands.remind_interviews_command(settings))
        return asyncio.run(notification_commands.remind_command(settings))
    if args.command in {"demo", "serve"} and (args.command == "demo" or args.demo):
        asyncio.run(load_demo_data(settings))
    if args.command == "serve":
        import uvicorn

        # Workers are separate processes: they read the same settings from the environment.
        os.environ.setdefault("SECRET_KEY", settings.secret_key)
        os.environ.setdefault("DATABASE_URL", settings.database_url)
        uvicorn.run(
            "server.app:app",
            host=args.host,
            port=args.port,
            workers=args.workers,
            proxy_headers=True,
            log_level="info",
        )
    return 0
