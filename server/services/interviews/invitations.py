"""Invitations to an invitation-only run of slots: the employer picks from its candidates.

A company's candidates are the people interested in its offers and not turned down; those it
may invite to a fair's interviews are the ones registered (confirmed) for that fair. What it
sees of them goes through `shared_profile()` only, as on its offers' pages. Each invited person
is told once, through the outbox; inviting again changes nothing.

Errors: ValidationFailed (`interest`), NotFound.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from tortoise.exceptions import IntegrityError
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from server.errors import NotFound, ValidationFailed
from server.i18n import lazy
from server.models import (
    Exhibitor,
    Interest,
    InterviewInvitation,
    InterviewSchedule,
    Organisation,
    User,
)
from server.models.enums import InterestStatus, InterviewAudience, RegistrationStatus
from server.notifications import interview_messages, queue_notice
from server.services.action_log import log_action
from server.services.employers.shared_profile import SharedProfile, shared_profile
from server.values.numbers import parse_count

NO_CANDIDATE = lazy("Choose at least one candidate from the list.")
UNKNOWN_SCHEDULE = lazy("These interviews do not exist or are not by invitation.")


@dataclass(frozen=True)
class InvitableCandidate:
    """One of the company's candidates registered for the fair: `profile` None for someone who
    did not agree to share it (shown as "Candidate #<interest_id>")."""

    interest_id: int
    profile: SharedProfile | None
    offer_title: str
    invited_to: frozenset[int]  # schedules they are invited to already


def _candidates(exhibitor: Exhibitor) -> QuerySet[Interest]:
    return Interest.filter(
        offer__employer_id=exhibitor.employer_id,  # type: ignore[attr-defined]
        attendee__registrations__event_id=exhibitor.event_id,  # type: ignore[attr-defined]
        attendee__registrations__status=RegistrationStatus.CONFIRMED,
        attendee__anonymised_at__isnull=True,
    ).exclude(status=InterestStatus.REJECTED)


async def invitable_candidates(exhibitor: Exhibitor) -> list[InvitableCandidate]:
    """The company's candidates at the booth's fair, one line per person (their first
    interest), with the runs they are invited to (two queries)."""
    found = await _candidates(exhibitor).select_related("attendee", "offer").order_by("id")
    invited: dict[int, set[int]] = defaultdict(set)
    rows = await InterviewInvitation.filter(schedule__exhibitor_id=exhibitor.id).values_list(
        "schedule_id", "attendee_id"
    )
    for schedule_id, attendee_id in rows:
        invited[attendee_id].add(schedule_id)
    seen: set[int] = set()
    lines = []
    for interest in found:
        if interest.attendee_id in seen:  # type: ignore[attr-defined]
            continue
        seen.add(interest.attendee_id)  # type: ignore[attr-defined]
        lines.append(
            InvitableCandidate(
                interest.id,
                shared_profile(interest.attendee),
                interest.offer.title,
                frozenset(invited.get(interest.attendee_id, ())),  # type: ignore[attr-defined]
            )
        )
    return lines


async def invite(
    exhibitor: Exhibitor, schedule_id: int, interest_ids: list[str], *, by: User | None
) -> int:
    """Invite the candidates named by their interest ids to an invitation-only run of the booth
    (`exhibitor` loaded with its event and employer). Returns how many were newly invited; each
    is told in the transaction of their invitation and logged (`interview.invited`). Raises
    NotFound (another booth's run, or one open to everyone) and ValidationFailed (`interest`)."""
    schedule = (
        await InterviewSchedule.filter(
            id=schedule_id, exhibitor_id=exhibitor.id, audience=InterviewAudience.INVITED
        )
        .select_related("offer")
        .first()
    )
    if schedule is None:
        raise NotFound(UNKNOWN_SCHEDULE)
    ids = [number for text in interest_ids if (number := parse_count(text)) is not None]
    chosen = await _candidates(exhibitor).filter(id__in=ids).select_related("attendee")
    if not chosen:
        raise ValidationFailed({"interest": NO_CANDIDATE})
    fair = exhibitor.event
    organisation = await Organisation.get(id=fair.organisation_id)  # type: ignore[attr-defined]
    people = {interest.attendee_id: interest.attendee for interest in chosen}  # type: ignore[attr-defined]
    invited = 0
    for attendee_id, attendee in sorted(people.items()):
        try:
            async with in_transaction():
                invitation = await InterviewInvitation.create(
                    schedule_id=schedule.id,
                    attendee_id=attendee_id,
                    invited_by_id=by.id if by else None,
                )
                notice = interview_messages.invitation(
                    attendee,
                    company=exhibitor.employer.name,
                    offer_title=schedule.offer.title if schedule.offer else "",
                    fair_title=fair.title,
                    organisation=organisation.name,
                )
                await queue_notice(attendee, notice, organisation_id=organisation.id)
                await log_action(
                    "interview.invited",
                    "interview_invitation",
                    invitation.id,
                    user=by,
                    organisation_id=organisation.id,
                    data={"schedule": schedule.id, "exhibitor": exhibitor.id},
                )
        except IntegrityError:  # invited already, or by a colleague at this very moment
            continue
        invited += 1
    return invited
