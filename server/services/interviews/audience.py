"""Who may book a schedule's slots: the one rule, for the booking page and the booking itself.

Everyone must hold a confirmed registration for the fair. On top of that, a schedule open to
`interested` people takes those who showed interest in its offer (in any offer of the company,
for interviews at the booth in general) and were not turned down; `registered` takes anyone
registered; `invited` only the candidates the company invited to that schedule.
"""

from __future__ import annotations

from dataclasses import dataclass

from server.models import (
    Attendee,
    Event,
    Interest,
    InterviewInvitation,
    InterviewSchedule,
    Registration,
)
from server.models.enums import InterestStatus, InterviewAudience, RegistrationStatus


@dataclass(frozen=True)
class PersonAtFair:
    """What decides which schedules a person may book at one fair."""

    attendee_id: int
    registration: Registration | None  # their confirmed registration for the fair
    offer_ids: frozenset[int]  # offers they showed interest in and were not turned down for
    employer_ids: frozenset[int]  # the companies of those offers
    invited_to: frozenset[int]  # schedules they were invited to

    @property
    def registered(self) -> bool:
        return self.registration is not None

    def admitted(self, schedule: InterviewSchedule, employer_id: int) -> bool:
        """Whether the schedule's audience takes this person (`employer_id`: its booth's)."""
        if self.registration is None:
            return False
        if schedule.audience == InterviewAudience.REGISTERED:
            return True
        if schedule.audience == InterviewAudience.INVITED:
            return schedule.id in self.invited_to
        offer_id = schedule.offer_id  # type: ignore[attr-defined]
        return offer_id in self.offer_ids if offer_id else employer_id in self.employer_ids


async def person_at_fair(attendee: Attendee, fair: Event) -> PersonAtFair:
    """The person's registration, interests and invitations at `fair` (three queries)."""
    registration = await Registration.get_or_none(
        event_id=fair.id, attendee_id=attendee.id, status=RegistrationStatus.CONFIRMED
    )
    interests = (
        await Interest.filter(attendee_id=attendee.id)
        .exclude(status=InterestStatus.REJECTED)
        .values_list("offer_id", "offer__employer_id")
    )
    invited = await InterviewInvitation.filter(
        attendee_id=attendee.id, schedule__exhibitor__event_id=fair.id
    ).values_list("schedule_id", flat=True)
    return PersonAtFair(
        attendee_id=attendee.id,
        registration=registration,
        offer_ids=frozenset(offer_id for offer_id, _ in interests),
        employer_ids=frozenset(employer_id for _, employer_id in interests),
        invited_to=frozenset(invited),  # type: ignore[arg-type]
    )
