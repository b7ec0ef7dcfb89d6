"""Notifications to attendees (e-mail, SMS, WhatsApp) through the outbox (DESIGN §2).

`queue` writes messages in the transaction of the change that causes them; `delivery` is the worker
that sends them with retries (`texts` for SMS and WhatsApp, through Apprise); `messages` holds
their words, in each person's language.
"""

from server.notifications.queue import (
    EventChange,
    queue_confirmation,
    queue_event_change,
    queue_notice,
    queue_promotion,
    queue_reminders,
)

__all__ = [
    "EventChange",
    "queue_confirmation",
    "queue_event_change",
    "queue_notice",
    "queue_promotion",
    "queue_reminders",
]
