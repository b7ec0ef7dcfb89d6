"""A past job fair the size of DESIGN's report target, written straight into the bench database.

`seed_report_event()` makes 10,000 registrations (7,000 of them checked in, with their entry
rows at three doors over the day), 60 approved employers with a confirmed booth, 300 pledges
made at the fair with deliveries, one published offer per employer with interests and hires,
and feedback from attendees and exhibitors; the people vary in sex, age, nationality, legal
status and city, so every breakdown of the report has several rows. Everything is bulk
inserted (the people, registrations and check-ins by `server.demo.seeding`, which keeps the fair's
seat counters those of its rows): about 30,000 rows in a few seconds on either database.

The report scenario times `server.services.reporting.synthesis.event_figures(event)`, then
`server.reports.pdf.report_pdf(...)` on those figures, and the organiser's live attendance
fragment (`/manage/<organisation>/events/<id>/attendance` with `HX-Request: true`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from server.demo.seeding import NewRegistration, add_registrations, create_people
from server.models import (
    Attendee,
    Delivery,
    Employer,
    Event,
    Exhibitor,
    Feedback,
    Interest,
    Offer,
    Organisation,
    Pledge,
    Registration,
)
from server.models.enums import (
    CompanySize,
    ContractType,
    DeliveryReview,
    EducationLevel,
    EmployerStatus,
    EventKind,
    EventStatus,
    ExhibitorStatus,
    Gender,
    InterestStatus,
    LegalStatus,
    OfferStatus,
    PledgeKind,
    RegistrationSource,
    RegistrationStatus,
)

BATCH = 1000
GATES = ("Porte A", "Porte B", "Porte C")
NATIONALITIES = ("SN", "CI", "CM", "GN", "ML", "CD", "NG", "SD", "SY", "YE", "BF", "MA")
CITIES = ("Casablanca", "Rabat", "Tanger", "Marrakech", "Fès", "Oujda", "Agadir", "")
SECTORS = ("logistics", "retail", "construction", "hospitality", "it", "agriculture")


@dataclass(frozen=True)
class ReportSeed:
    """What the report scenario needs to find the fair again."""

    event_id: int
    organisation_slug: str
    registrations: int
    checked_in: int
    employers: int
    pledges: int


def _cycle(values: tuple[Any, ...], n: int, step: int = 1) -> Any:
    return values[(n * step) % len(values)]


async def seed_report_event(
    organisation: Organisation,
    *,
    slug: str = "report-fair",
    registrations: int = 10_000,
    checked_in: int = 7_000,
    employers: int = 60,
    pledges: int = 300,
) -> ReportSeed:
    """Write the fair and everything around it; `checked_in` must not exceed the confirmed
    registrations (94 % of `registrations`)."""
    starts_at = datetime.now(UTC).replace(hour=9, minute=0, second=0, microsecond=0) - timedelta(
        days=10
    )
    fair = await Event.create(
        organisation=organisation,
        slug=slug,
        kind=EventKind.JOB_FAIR,
        status=EventStatus.CLOSED,
        title={"fr": "Grand salon de l'emploi", "ar": "المعرض الكبير للتشغيل", "en": "Job fair"},
        city="Casablanca",
        venue="Foire internationale",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=8),
    )
    registration_ids, came = await _people(fair, registrations, checked_in, starts_at)
    exhibitor_ids, employer_ids = await _employers(fair, employers)
    await _pledges(fair, employer_ids, pledges, starts_at.date())
    await _offers_and_interests(employer_ids, registration_ids)
    await _feedback(fair, came[: checked_in // 5], exhibitor_ids)
    return ReportSeed(fair.id, organisation.slug, registrations, checked_in, employers, pledges)


async def _people(
    fair: Event, count: int, checked_in: int, starts_at: datetime
) -> tuple[list[int], list[int]]:
    """Attendees and their registrations (most confirmed, a few waiting or cancelled, one in
    twenty a walk-in); the first `checked_in` confirmed ones came in, at a door, at a time of
    the day. Returns the ids of all the registrations and of those who came, in order."""
    now = datetime.now(UTC)
    year = starts_at.year
    people = [
        Attendee(
            first_name=f"Report{n}",
            last_name=f"R{n:05d}",
            phone=f"+2125{n:08d}",
            gender=_cycle(tuple(Gender), n),
            birth_year=None if n % 17 == 0 else year - 18 - (n * 7) % 45,
            nationality=_cycle(NATIONALITIES, n, 5),
            legal_status=_cycle(tuple(LegalStatus), n, 3),
            city=_cycle(CITIES, n, 3),
            education_level=_cycle(tuple(EducationLevel), n),
            sectors=[_cycle(SECTORS, n)],
            consent_processing_at=now,
            consent_share_at=now if n % 3 else None,
        )
        for n in range(count)
    ]
    ids = await create_people(people)

    def status(n: int) -> RegistrationStatus:
        if n % 50 == 49:
            return RegistrationStatus.CANCELLED
        if n % 50 == 48:
            return RegistrationStatus.WAITLISTED
        return RegistrationStatus.CONFIRMED

    confirmed = [n for n in range(count) if status(n) == RegistrationStatus.CONFIRMED]
    came = set(confirmed[:checked_in])
    day = 8 * 3600

    def arrival(n: int) -> datetime:
        return starts_at + timedelta(seconds=(n * 7919) % day)

    registrations = await add_registrations(
        fair,
        [
            NewRegistration(
                attendee_id,
                status=status(n),
                source=RegistrationSource.WALK_IN if n % 20 == 0 else RegistrationSource.ONLINE,
                checked_in_at=arrival(n) if n in came else None,
                gate=_cycle(GATES, n) if n in came else "",
                badge_serial=f"R{n:06d}",
            )
            for n, attendee_id in enumerate(ids)
        ],
    )
    return [r.id for r in registrations], [r.id for n, r in enumerate(registrations) if n in came]


async def _employers(fair: Event, count: int) -> tuple[list[int], list[int]]:
    """Approved employers, each with a confirmed booth. Returns exhibitor and employer ids."""
    await Employer.bulk_create(
        [
            Employer(
                name=f"Employeur {n:02d}",
                ice=f"9{n:014d}",
                sector=_cycle(SECTORS, n),
                size=_cycle(tuple(CompanySize), n),
                city=_cycle(CITIES[:-1], n),
                contact_email=f"rh{n}@employer.example",
                status=EmployerStatus.APPROVED,
            )
            for n in range(count)
        ],
        batch_size=BATCH,
    )
    employer_ids = list(
        await Employer.filter(ice__startswith="9").order_by("id").values_list("id", flat=True)
    )
    await Exhibitor.bulk_create(
        [
            Exhibitor(
                event=fair,
                employer_id=employer_id,
                status=ExhibitorStatus.CONFIRMED,
                booth_label=f"B{n + 1:02d}",
            )
            for n, employer_id in enumerate(employer_ids)
        ],
        batch_size=BATCH,
    )
    exhibitor_ids = (
        await Exhibitor.filter(event_id=fair.id).order_by("id").values_list("id", flat=True)
    )
    return list(exhibitor_ids), employer_ids


async def _pledges(fair: Event, employer_ids: list[int], count: int, day: date) -> None:
    """Pledges of every kind, spread over the employers; two in three have a delivery, one in
    ten of those questioned by the organisers."""
    kinds = tuple(PledgeKind)

    def pledge(n: int) -> Pledge:
        kind = _cycle(kinds, n)
        funding = kind == PledgeKind.CO_FUNDING
        return Pledge(
            employer_id=employer_ids[n % len(employer_ids)],
            event=fair,
            kind=kind,
            quantity=None if funding else 1 + n % 12,
            amount_mad=Decimal(5000 + 250 * n) if funding else None,
            deadline=day + timedelta(days=90 + n % 120),
        )

    await Pledge.bulk_create([pledge(n) for n in range(count)], batch_size=BATCH)
    rows = (
        await Pledge.filter(event_id=fair.id)
        .order_by("id")
        .values("id", "kind", "quantity", "amount_mad")
    )
    await Delivery.bulk_create(
        [
            Delivery(
                pledge_id=row["id"],
                quantity=None if row["quantity"] is None else max(1, row["quantity"] // 2),
                amount_mad=None if row["amount_mad"] is None else row["amount_mad"] / 2,
                delivered_on=day + timedelta(days=5 + n % 20),
                review=DeliveryReview.QUESTIONED if n % 10 == 0 else DeliveryReview.CONFIRMED,
            )
            for n, row in enumerate(rows)
            if n % 3
        ],
        batch_size=BATCH,
    )


async def _offers_and_interests(employer_ids: list[int], registration_ids: list[int]) -> None:
    """One published offer per employer; 2,000 people interested, some further along."""
    now = datetime.now(UTC)
    await Offer.bulk_create(
        [
            Offer(
                employer_id=employer_id,
                title=f"Offre {n:02d}",
                city=_cycle(CITIES[:-1], n),
                contract_type=_cycle(tuple(ContractType), n),
                positions=1 + n % 4,
                status=OfferStatus.PUBLISHED,
                published_at=now,
            )
            for n, employer_id in enumerate(employer_ids)
        ],
        batch_size=BATCH,
    )
    offer_ids = list(
        await Offer.filter(employer_id__in=employer_ids).order_by("id").values_list("id", flat=True)
    )
    attendee_ids = (
        await Registration.filter(id__in=registration_ids[:2000])
        .order_by("id")
        .values_list("attendee_id", flat=True)
    )
    statuses = tuple(InterestStatus)
    await Interest.bulk_create(
        [
            Interest(
                attendee_id=attendee_id,
                offer_id=offer_ids[n % len(offer_ids)],
                status=_cycle(statuses, n, 7),
            )
            for n, attendee_id in enumerate(attendee_ids)
        ],
        batch_size=BATCH,
    )


async def _feedback(fair: Event, registration_ids: list[int], exhibitor_ids: list[int]) -> None:
    """Ratings from some of the people who came, and from two exhibitors in three."""
    rows = [
        Feedback(
            event=fair,
            registration_id=registration_id,
            rating=1 + (n * 3) % 5,
            comment="Très utile" if n % 9 == 0 else "",
        )
        for n, registration_id in enumerate(registration_ids)
    ]
    rows += [
        Feedback(event=fair, exhibitor_id=exhibitor_id, rating=2 + n % 4)
        for n, exhibitor_id in enumerate(exhibitor_ids)
        if n % 3
    ]
    await Feedback.bulk_create(rows, batch_size=BATCH)
