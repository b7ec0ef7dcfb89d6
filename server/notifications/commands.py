"""`python -m server worker`, `python -m server remind` and `python -m server remind-interviews`."""

from __future__ import annotations

import logging

from server.config import Settings
from server.db import close_database, open_database
from server.notifications.delivery import run_worker
from server.notifications.interview_reminders import queue_interview_reminders
from server.notifications.queue import queue_reminders


async def worker_command(settings: Settings) -> int:
    """Deliver the outbox until stopped (the `worker:` line of the Procfile)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    await open_database(settings.database_url)
    try:
        await run_worker(settings)
    finally:
        await close_database()
    return 0


async def remind_command(settings: Settings) -> int:
    """Queue the reminders for tomorrow's events; run it once a day (running it again is safe)."""
    await open_database(settings.database_url)
    try:
        count = await queue_reminders()
    finally:
        await close_database()
    print(f"Queued reminders for {count} registrations.")
    return 0


async def remind_interviews_command(settings: Settings) -> int:
    """Queue the reminders of interviews starting within the hour; run it every few minutes
    (running it again is safe)."""
    await open_database(settings.database_url)
    try:
        count = await queue_interview_reminders()
    finally:
        await close_database()
    print(f"Queued reminders for {count} interviews.")
    return 0
