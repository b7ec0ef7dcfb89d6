"""How a channel says that a message did not leave: worth trying again, or never deliverable."""

from __future__ import annotations

import re

# A number as providers echo it (+212612345678, 212612345678): kept out of reasons and logs.
_PHONE_NUMBER = re.compile(r"(?<![\w+])\+?\d{8,15}(?!\w)")


class DeliveryFailure(Exception):
    """Not delivered this time: the worker tries again later. `reason` is what the organisers'
    outbox shows (no phone number in it); `code` is the provider's answer, when it gave one."""

    def __init__(self, reason: str, *, code: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


class PermanentFailure(DeliveryFailure):
    """The message can never be delivered (the server refused the recipient): no retry."""


def without_numbers(text: str) -> str:
    """`text` with every phone number in it replaced by `…`."""
    return _PHONE_NUMBER.sub("…", text)
