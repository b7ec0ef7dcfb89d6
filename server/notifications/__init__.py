"""Notifications to attendees (e-mail, SMS, WhatsApp) through the outbox (DESIGN §2).

`queue` writes messages in the transaction of the change that causes them; `delivery` is the worker
that sends them with retries; `messages` holds their words, in each person's language.
"""

from server.notifications.queue import (
    queue_confirmation,
    queue_notice,
    queue_promotion,
    queue_reminders,
)

__all__ = ["queue_confirmation", "queue_notice", "queue_promotion", "queue_reminders"]
