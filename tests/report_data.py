"""A job fair with known data, for the report's figures and pages: every figure the tests expect
is computed by hand from the tables below.

The fair: Saturday 14 June 2025, 09:00–17:00 in Casablanca (UTC+1 that day), so its report can
be published. Ages are reached in 2025. Its twelve registrations are the table `PEOPLE` below
(sex F, M or "-" for undisclosed; "-" for no birth year, no city, no check-in); the tests
call its rows #1 to #12, in order.

(Ibrahim was checked in, then cancelled: he counts nowhere but in "cancelled".)

Sessions: "Atelier CV" (capacity 20): Amina confirmed and in, Bakary confirmed, Chantal
waiting; "Table ronde" (no limit): Daouda and Esther confirmed and in, Fatou cancelled; a draft
session with one registration, left out.

Employers: Atlas and Banque Verte (approved, confirmed exhibitors); Croissance (pending,
confirmed) and Delta (approved, only requested a booth) are not present.

Pledges made at the fair: Atlas 5 internships (delivered 2, plus 1 questioned) and 50,000 MAD
co-funding (delivered 20,000.50, confirmed); Banque Verte 3 internships (delivered 3) and 2 jobs
(1 delivered on 15 January 2026, after the `TODAY` of the tests); Croissance 10 jobs (pending
employer); Atlas 4 mentoring places pledged outside any event.

Offers: Atlas "Cariste" (published): Amina interested, Bakary interviewed, Chantal hired;
Banque Verte "Conseiller" (closed): Daouda shortlisted, Joseph rejected; Atlas's draft offer,
Delta's and Croissance's published offers and their interests are left out.

Feedback: attendees Amina 5 (comment), Bakary 4, Chantal 4, Joseph 2 (comment); exhibitors Atlas
3 (comment), Banque Verte 5.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import partial

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
    DeliveryReview,
    EmployerStatus,
    EventKind,
    EventStatus,
    ExhibitorStatus,
    InterestStatus,
    OfferStatus,
    PledgeKind,
    RegistrationSource,
    RegistrationStatus,
    Role,
)
from tests.support import (
    make_employer,
    make_event,
    make_organisation,
    make_user,
    wall_clock,
)

DAY = date(2025, 6, 14)
TODAY = date(2025, 12, 31)
_phone_numbers = itertools.count(1)


local = partial(wall_clock, day=DAY)


PEOPLE = """
name    sex born nat legal_status  city       lang status     source  in_at
Amina   F   2000 SN  regularised   Casablanca fr   confirmed  online  09:05
Bakary  M   1990 SN  refugee       Casablanca fr   confirmed  online  09:20
Chantal F   2001 CI  regularised   Rabat      fr   confirmed  online  09:35
Daouda  M   1980 ML  asylum_seeker Rabat      ar   confirmed  online  10:10
Esther  F   2008 CM  regularised   Casablanca en   confirmed  import  09:40
Fatou   F   1999 SN  undisclosed   -          fr   confirmed  online  -
Gaston  M   1995 CI  regularised   Casablanca fr   pending    online  -
Hawa    F   -    SN  refugee       Tanger     fr   waitlisted online  -
Ibrahim M   1985 GN  regularised   Casablanca ar   cancelled  online  09:15
Joseph  M   1992 CD  refugee       Casablanca fr   confirmed  walk-in 10:15
Khadija F   1998 SN  regularised   Casablanca ar   confirmed  walk-in 10:50
Lamine  -   2003 SN  regularised   Casablanca fr   confirmed  walk-in 09:10
"""
SEXES = {"F": "female", "M": "male", "-": "undisclosed"}


def people() -> list[dict[str, str]]:
    """The rows of PEOPLE, "-" read as empty."""
    header, *lines = PEOPLE.strip().splitlines()
    names = header.split()
    return [
        {
            name: "" if value == "-" else value
            for name, value in zip(names, line.split(), strict=True)
        }
        for line in lines
    ]


COMMENTS = (
    "Super salon, merci à Madame Ndiaye de l'accueil",
    "Trop d'attente à l'entrée",
    "Bonne organisation, candidats motivés",
)


@dataclass
class KnownFair:
    organisation: Organisation
    fair: Event
    registrations: dict[str, Registration]
    attendees: dict[str, Attendee]


async def register(
    event: Event,
    attendee: Attendee,
    status: str = "confirmed",
    source: str = "online",
    checked_in_at: datetime | None = None,
) -> Registration:
    [registration] = await add_registrations(
        event,
        [
            NewRegistration(
                attendee.id,
                RegistrationStatus(status),
                RegistrationSource(source),
                checked_in_at=checked_in_at,
            )
        ],
    )
    return registration


async def make_person(first_name: str, **fields: object) -> Attendee:
    return await Attendee.create(
        first_name=first_name,
        last_name="Testperson",
        phone=f"+2126{next(_phone_numbers):08d}",
        email=f"{first_name.lower()}@example.org",
        consent_processing_at=local(8),
        **fields,
    )


async def make_known_fair(organisation: Organisation | None = None) -> KnownFair:
    """The fair described in this module's docstring, with an organiser orga@example.org."""
    if organisation is None:
        organisation = await make_organisation()
        await make_user("orga@example.org", organisation=organisation, role=Role.ORGANISER)
    fair = await make_event(
        organisation,
        "salon-juin",
        status=EventStatus.CLOSED,
        title={"fr": "Salon de l'emploi de juin", "en": "June job fair"},
        venue="Espace Maârif",
        starts_at=local(9),
        ends_at=local(17),
    )
    attendees: dict[str, Attendee] = {}
    registrations: dict[str, Registration] = {}
    for row in people():
        name = row["name"]
        attendee = await make_person(
            name,
            gender=SEXES[row["sex"] or "-"],
            birth_year=int(row["born"]) if row["born"] else None,
            nationality=row["nat"],
            legal_status=row["legal_status"],
            city=row["city"],
            preferred_language=row["lang"],
        )
        came = row["in_at"]
        attendees[name] = attendee
        registrations[name] = await register(
            fair,
            attendee,
            row["status"],
            row["source"],
            local(int(came[:2]), int(came[3:])) if came else None,
        )
    await _sessions(organisation, fair, attendees)
    await _employers(fair, attendees)
    await _feedback(fair, registrations)
    return KnownFair(organisation, fair, registrations, attendees)


async def _sessions(organisation: Organisation, fair: Event, people: dict[str, Attendee]) -> None:
    common = {"parent": fair, "status": EventStatus.CLOSED, "kind": EventKind.WORKSHOP}
    workshop = await make_event(
        organisation,
        "atelier-cv",
        title={"fr": "Atelier CV"},
        capacity=20,
        starts_at=local(11),
        ends_at=local(12),
        **common,
    )
    await register(workshop, people["Amina"], checked_in_at=local(11, 5))
    await register(workshop, people["Bakary"])
    await register(workshop, people["Chantal"], "waitlisted")
    round_table = await make_event(
        organisation,
        "table-ronde",
        title={"fr": "Table ronde"},
        starts_at=local(14),
        ends_at=local(15),
        **common | {"kind": EventKind.SIDE_EVENT},
    )
    await register(round_table, people["Daouda"], checked_in_at=local(14, 2))
    await register(round_table, people["Esther"], checked_in_at=local(14, 3))
    await register(round_table, people["Fatou"], "cancelled")
    draft = await make_event(
        organisation,
        "brouillon",
        title={"fr": "Brouillon"},
        starts_at=local(15),
        ends_at=local(16),
        **common | {"status": EventStatus.DRAFT},
    )
    await register(draft, people["Gaston"])


async def _employers(fair: Event, people: dict[str, Attendee]) -> None:
    atlas = await make_employer("Atlas Logistique", ice="001234567000089")
    banque = await make_employer("Banque Verte", ice="001234567000090")
    pending = await make_employer(
        "Croissance", ice="001234567000091", status=EmployerStatus.PENDING
    )
    delta = await make_employer("Delta Textile", ice="001234567000092")
    for employer, status in (
        (atlas, ExhibitorStatus.CONFIRMED),
        (banque, ExhibitorStatus.CONFIRMED),
        (pending, ExhibitorStatus.CONFIRMED),
        (delta, ExhibitorStatus.REQUESTED),
    ):
        await Exhibitor.create(event=fair, employer=employer, status=status)

    deadline = date(2026, 6, 30)

    async def pledge(employer: Employer, kind: PledgeKind, event: Event | None = fair, **amount):
        return await Pledge.create(
            employer=employer, event=event, kind=kind, deadline=deadline, **amount
        )

    async def deliver(pledge: Pledge, on: date, review=DeliveryReview.UNREVIEWED, **amount):
        await Delivery.create(pledge=pledge, delivered_on=on, review=review, **amount)

    internships = await pledge(atlas, PledgeKind.INTERNSHIP, quantity=5)
    await deliver(internships, date(2025, 9, 1), quantity=2)
    await deliver(internships, date(2025, 10, 1), DeliveryReview.QUESTIONED, quantity=1)
    funding = await pledge(atlas, PledgeKind.CO_FUNDING, amount_mad=Decimal("50000.00"))
    await deliver(
        funding, date(2025, 7, 1), DeliveryReview.CONFIRMED, amount_mad=Decimal("20000.50")
    )
    more_internships = await pledge(banque, PledgeKind.INTERNSHIP, quantity=3)
    await deliver(more_internships, date(2025, 11, 1), DeliveryReview.CONFIRMED, quantity=3)
    jobs = await pledge(banque, PledgeKind.JOB, quantity=2)
    await deliver(jobs, date(2026, 1, 15), quantity=1)
    await pledge(pending, PledgeKind.JOB, quantity=10)
    await pledge(atlas, PledgeKind.MENTORING, event=None, quantity=4)

    async def offer(employer: Employer, title: str, status: OfferStatus) -> Offer:
        return await Offer.create(
            employer=employer, title=title, city="Casablanca", contract_type="internship",
            status=status,
        )  # fmt: skip

    async def interest(offer: Offer, name: str, status: InterestStatus) -> None:
        await Interest.create(offer=offer, attendee=people[name], status=status)

    cariste = await offer(atlas, "Cariste", OfferStatus.PUBLISHED)
    await interest(cariste, "Amina", InterestStatus.INTERESTED)
    await interest(cariste, "Bakary", InterestStatus.INTERVIEWED)
    await interest(cariste, "Chantal", InterestStatus.HIRED)
    advisor = await offer(banque, "Conseiller", OfferStatus.CLOSED)
    await interest(advisor, "Daouda", InterestStatus.SHORTLISTED)
    await interest(advisor, "Joseph", InterestStatus.REJECTED)
    draft = await offer(atlas, "Brouillon", OfferStatus.DRAFT)
    await interest(draft, "Esther", InterestStatus.INTERESTED)
    elsewhere = await offer(delta, "Couturière", OfferStatus.PUBLISHED)
    await interest(elsewhere, "Fatou", InterestStatus.HIRED)
    await offer(pending, "Vendeur", OfferStatus.PUBLISHED)


async def _feedback(fair: Event, registrations: dict[str, Registration]) -> None:
    for name, rating, comment in (
        ("Amina", 5, COMMENTS[0]),
        ("Bakary", 4, ""),
        ("Chantal", 4, "   "),
        ("Joseph", 2, COMMENTS[1]),
    ):
        await Feedback.create(
            event=fair, registration=registrations[name], rating=rating, comment=comment
        )
    exhibitors = {
        exhibitor.employer.name: exhibitor
        for exhibitor in await Exhibitor.filter(event=fair).select_related("employer")
    }
    await Feedback.create(
        event=fair, exhibitor=exhibitors["Atlas Logistique"], rating=3, comment=COMMENTS[2]
    )
    await Feedback.create(event=fair, exhibitor=exhibitors["Banque Verte"], rating=5)


def after_the_fair(days: int = 1) -> datetime:
    return local(17) + timedelta(days=days)


async def make_past_fair(organisation: Organisation) -> Event:
    """The shape of the demo's past job day, which the old small-cell rule published with women
    as ">4": 124 people registered online, 66 women, 55 men and 3 who did not state their sex;
    52, 43 and 2 of them came. Twelve attendees rated it: one 2, two 3s, four 4s, five 5s."""
    fair = await make_event(
        organisation,
        "journee-emploi",
        status=EventStatus.CLOSED,
        title={"fr": "Journée de l'emploi", "en": "Job day"},
        starts_at=local(9),
        ends_at=local(17),
    )
    sexes = [("female", 66, 52), ("male", 55, 43), ("undisclosed", 3, 2)]
    people = [
        Attendee(
            first_name=f"{gender}{index}",
            gender=gender,
            phone=f"+2126{next(_phone_numbers):08d}",
            consent_processing_at=local(8),
        )
        for gender, registered, _ in sexes
        for index in range(registered)
    ]
    came = {gender: attended for gender, _, attended in sexes}
    registrations = []
    for person, attendee_id in zip(people, await create_people(people), strict=True):
        present = came[person.gender] > 0
        came[person.gender] -= 1
        registrations.append(
            NewRegistration(attendee_id, checked_in_at=local(10) if present else None)
        )
    await add_registrations(fair, registrations)
    rated = await Registration.filter(event=fair, checked_in_at__isnull=False).order_by("id")
    ratings = [2, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 5]
    await Feedback.bulk_create(
        [
            Feedback(event=fair, registration=registration, rating=rating)
            for registration, rating in zip(rated, ratings, strict=False)
        ]
    )
    return fair
