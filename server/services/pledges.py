"""CSR pledges and what was delivered against them.

A pledge's status is never typed by hand: `pledge_status()` derives it from the pledged target,
the deliveries that count, the deadline and today's date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from server.models.enums import DeliveryReview, PledgeStatus

# A delivery the organisers questioned does not count until it is confirmed.
COUNTED_REVIEWS = (DeliveryReview.UNREVIEWED, DeliveryReview.CONFIRMED)


@dataclass(frozen=True)
class PledgeProgress:
    """Pledged against delivered, in the pledge's unit (places/items, or dirhams for co-funding)."""

    target: Decimal
    delivered: Decimal
    status: PledgeStatus

    @property
    def percent(self) -> int:
        """Delivered as a share of the target, capped at 100 for progress bars."""
        if self.target <= 0:
            return 0
        return min(100, int(self.delivered * 100 / self.target))


def pledge_status(target: Decimal, delivered: Decimal, deadline: date, today: date) -> PledgeStatus:
    """Fulfilled once the deliveries reach the target (more is still fulfilled), overdue when
    the deadline has passed before that, in progress after a first delivery, else pledged."""
    if delivered >= target:
        return PledgeStatus.FULFILLED
    if today > deadline:
        return PledgeStatus.OVERDUE
    if delivered > 0:
        return PledgeStatus.IN_PROGRESS
    return PledgeStatus.PLEDGED
