"""What we hold about a person, and forgetting them.

Forgetting is anonymisation: every field that says who the person is, and every free text they or
others wrote about them, is cleared; the statistical fields (sex, birth year, nationality, legal
status, city, languages, education, sectors) stay, so the figures already reported to donors do not
change. The personal link stops working at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.expressions import Q, Subquery
from tortoise.transactions import in_transaction

from server.i18n import LANGUAGES
from server.models import (
    Attendee,
    Feedback,
    Interest,
    Lead,
    OutboxMessage,
    Registration,
)
from server.services.action_log import log_action
from server.services.registrations.seats import ACTIVE_STATUSES, cancel

DEFAULT_RETENTION_MONTHS = 24


@dataclass(frozen=True)
class PersonalData:
    """Everything held about one person, for the page that shows it to them."""

    attendee: Attendee
    registrations: list[Registration]
    interests: list[Interest]
    feedback: list[Feedback]
    messages: list[OutboxMessage]
    employer_scans: int


async def personal_data(attendee: Attendee) -> PersonalData:
    registrations = (
        await Registration.filter(attendee_id=attendee.id)
        .select_related("event")
        .order_by("created_at")
    )
    return PersonalData(
        attendee=attendee,
        registrations=registrations,
        interests=await Interest.filter(attendee_id=attendee.id).select_related("offer"),
        feedback=await Feedback.filter(registration__attendee_id=attendee.id).select_related(
            "event"
        ),
        messages=await OutboxMessage.filter(attendee_id=attendee.id).order_by("-created_at"),
        employer_scans=await Lead.filter(registration__attendee_id=attendee.id).count(),
    )


async def set_preferred_language(attendee: Attendee, code: str) -> None:
    if code in LANGUAGES:
        await Attendee.filter(id=attendee.id).update(
            preferred_language=code, last_activity_at=datetime.now(UTC)
        )


async def anonymise(attendee_id: int, *, reason: str = "request") -> None:
    """Forget who the person is, everywhere, keeping the statistical fields.

    Places at events still to come are cancelled first, so they go to people on the waiting list.
    """
    now = datetime.now(UTC)
    upcoming = await Registration.filter(
        attendee_id=attendee_id, status__in=ACTIVE_STATUSES, event__ends_at__gt=now
    ).values_list("id", flat=True)
    for registration_id in upcoming:
        await cancel(registration_id, now=now)
    async with in_transaction():
        await Attendee.filter(id=attendee_id).update(
            first_name="",
            last_name="",
            phone=None,
            email=None,
            access_token_hash=None,
            consent_share_at=None,
            anonymised_at=now,
        )
        registration_ids = await Registration.filter(attendee_id=attendee_id).values_list(
            "id", flat=True
        )
        await Registration.filter(id__in=registration_ids).update(answers={})
        await Feedback.filter(registration_id__in=registration_ids).update(comment="")
        await Lead.filter(registration_id__in=registration_ids).update(note="")
        await OutboxMessage.filter(attendee_id=attendee_id).delete()
        await log_action(
            "attendee.anonymised",
            "attendee",
            attendee_id,
            user=None,
            organisation_id=None,
            data={"reason": reason},
        )


async def purge_inactive(
    *, months: int = DEFAULT_RETENTION_MONTHS, now: datetime | None = None
) -> int:
    """Anonymise people with no registration activity for `months`; returns how many.

    Activity is the last time the person did something (signed up, changed a setting) or the end
    of the last event they were registered for, whichever is later.
    """
    now = now or datetime.now(UTC)
    cutoff = now - timedelta(days=round(months * 30.44))
    recent = Subquery(Registration.filter(event__ends_at__gte=cutoff).values("attendee_id"))
    stale = await Attendee.filter(
        Q(anonymised_at__isnull=True), Q(last_activity_at__lt=cutoff), ~Q(id__in=recent)
    ).values_list("id", flat=True)
    for attendee_id in stale:
        await anonymise(attendee_id, reason="retention")
    return len(stale)
