"""Factories for the interview tests: a fair tomorrow, booths, runs of slots, registered people."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, time, timedelta

from server.models import (
    Attendee,
    Employer,
    Event,
    Exhibitor,
    InterviewSchedule,
    InterviewSlot,
    Offer,
    Organisation,
    Registration,
)
from server.models.enums import (
    ContractType,
    ExhibitorStatus,
    InterviewAudience,
    OfferStatus,
    RegistrationStatus,
)
from server.values.clock import EVENT_TIMEZONE
from tests.support import make_attendee, make_employer, make_event

_serials = itertools.count(1)
_ices = itertools.count(100_000_000_000_001)


def tomorrow_at(hour: int, minute: int = 0) -> datetime:
    """A time tomorrow in Morocco, as the aware UTC datetime stored."""
    day = datetime.now(EVENT_TIMEZONE).date() + timedelta(days=1)
    return datetime.combine(day, time(hour, minute), tzinfo=EVENT_TIMEZONE).astimezone(UTC)


async def make_fair(organisation: Organisation, slug: str = "salon") -> Event:
    """A published job fair tomorrow from 09:00 to 17:00, Morocco time."""
    return await make_event(organisation, slug, starts_at=tomorrow_at(9), ends_at=tomorrow_at(17))


async def make_booth(
    fair: Event,
    name: str = "Atlas Logistique",
    *,
    booth_label: str = "A1",
    member_email: str | None = None,
    employer: Employer | None = None,
    status: ExhibitorStatus = ExhibitorStatus.CONFIRMED,
) -> Exhibitor:
    """A confirmed booth of an approved company (a new one unless `employer` is given), with
    its employer loaded."""
    if employer is None:
        employer = await make_employer(name, ice=f"{next(_ices):015d}", member_email=member_email)
    exhibitor = await Exhibitor.create(
        event=fair, employer=employer, status=status, booth_label=booth_label
    )
    return await Exhibitor.filter(id=exhibitor.id).select_related("employer", "event").get()


async def make_offer(employer: Employer, title: str = "Stage magasinier", **extra) -> Offer:
    return await Offer.create(
        **{
            "employer": employer,
            "title": title,
            "description": "Préparer les commandes.",
            "city": "Casablanca",
            "contract_type": ContractType.INTERNSHIP,
            "status": OfferStatus.PUBLISHED,
            "published_at": datetime.now(UTC),
            **extra,
        }
    )


async def open_run(
    exhibitor: Exhibitor,
    first: datetime,
    *,
    count: int = 4,
    length: int = 20,
    places: int = 1,
    audience: InterviewAudience = InterviewAudience.REGISTERED,
    offer: Offer | None = None,
) -> list[InterviewSlot]:
    """A run of `count` consecutive slots of `length` minutes from `first`."""
    schedule = await InterviewSchedule.create(
        exhibitor=exhibitor,
        offer=offer,
        audience=audience,
        length_minutes=length,
        interviewers=places,
    )
    step = timedelta(minutes=length)
    return [
        await InterviewSlot.create(
            schedule=schedule,
            exhibitor=exhibitor,
            event_id=exhibitor.event_id,  # type: ignore[attr-defined]
            starts_at=first + step * n,
            ends_at=first + step * (n + 1),
            places=places,
        )
        for n in range(count)
    ]


async def register(
    fair: Event, attendee: Attendee | None = None, **who: object
) -> tuple[Attendee, Registration]:
    """A person (new unless given) with a confirmed registration for `fair`."""
    attendee = attendee or await make_attendee(**who)
    registration = await Registration.create(
        event=fair,
        attendee=attendee,
        status=RegistrationStatus.CONFIRMED,
        badge_serial=f"IV{next(_serials):05d}",
    )
    return attendee, registration
