"""The demo's companies and what they bring (`content/employers.toml`): eight employers, one waiting
for review and one rejected, their CSR pledges and what was delivered, their offers and their
booths at the job fairs.

Everything goes through the employers' services (`review_employer`, `create_pledge`,
`record_delivery`, `review_delivery`, `save_offer`, `submit_offer`, `moderate_offer`,
`request_booth`, `decide_booth`), except where said; the services date what they write now, and
the moments of the story are set afterwards (`seeding.date_back`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from server.demo.organisations import Staff
from server.demo.seeding import date_back
from server.demo.story import Season, content
from server.models import Delivery, Employer, EmployerMember, Event, Exhibitor, Offer, Pledge, User
from server.models.enums import EmployerRole, EmployerStatus, ExhibitorStatus
from server.services.employers.companies import review_employer
from server.services.employers.exhibitors import decide_booth, request_booth
from server.services.employers.offers import OfferForm, moderate_offer, save_offer, submit_offer
from server.services.employers.pledges import (
    DeliveryForm,
    PledgeForm,
    create_pledge,
    record_delivery,
    review_delivery,
)

RECENT_APPLICATION = timedelta(days=3)  # the company still waiting for review applied then
EARLIER_APPLICATION = timedelta(days=45)  # the others, reviewed before the past job day
REVIEW_TIME = timedelta(days=2)
DECISIONS = {EmployerStatus.APPROVED: "approve", EmployerStatus.REJECTED: "reject"}
PLEDGED_OUTSIDE_EVENTS = timedelta(days=30)
OFFER_AGE = timedelta(days=20)  # published offers went online this long before the present
DRAFTED_BEFORE = timedelta(days=4)


@dataclass(frozen=True)
class Companies:
    """The demo's employers by `ref`, and who acts for each one: its first member, else the
    organiser (on the phone with the company)."""

    employers: dict[str, Employer]
    members: dict[str, User]
    staff: Staff

    def acting_for(self, ref: str) -> User:
        return self.members.get(ref, self.staff.organiser)


async def load_employers(staff: Staff, season: Season) -> Companies:
    """Find or create the companies and their members' roles.

    A company is written as a row, pending: `register_employer()` creates it with its first
    member's new account, and the demo's logins come from `content/organisations.toml`. The
    organiser's review goes through `review_employer()`.
    """
    employers: dict[str, Employer] = {}
    members: dict[str, User] = {}
    for row in content("employers")["employers"]:
        employer = await Employer.get_or_none(ice=row["ice"])
        if employer is None:
            employer = await _apply(row, staff, season)
        employers[row["ref"]] = employer
        for email, role in row.get("members", {}).items():
            await EmployerMember.get_or_create(
                employer=employer, user=staff.users[email], defaults={"role": EmployerRole(role)}
            )
            members.setdefault(row["ref"], staff.users[email])
    return Companies(employers, members, staff)


async def _apply(row: dict[str, str], staff: Staff, season: Season) -> Employer:
    status = EmployerStatus(row["status"])
    pending = status == EmployerStatus.PENDING
    applied_at = season.now - (RECENT_APPLICATION if pending else EARLIER_APPLICATION)
    employer = await Employer.create(
        ice=row["ice"],
        name=row["name"],
        sector=row["sector"],
        size=row["size"],
        city=row["city"],
        website=f"https://www.{row['domain']}",
        description=row["description"],
        contact_email=f"rh@{row['domain']}",
        contact_phone=row["phone"],
        status=EmployerStatus.PENDING,
        created_at=applied_at,
    )
    if status in DECISIONS:
        employer = await review_employer(
            employer.id,
            DECISIONS[status],
            row.get("rejection_reason", ""),
            user=staff.organiser,
            organisation=staff.organisers_organisation,
        )
        await date_back(Employer, employer.id, reviewed_at=applied_at + REVIEW_TIME)
    return employer


async def load_pledges(
    companies: Companies, events: dict[str, Event], season: Season
) -> dict[str, Pledge]:
    """Find or make every pledge (a pledge made at an event dates from it) and record what was
    delivered against it; answers them by `ref`."""
    pledges = {}
    for row in content("employers")["pledges"]:
        employer = companies.employers[row["employer"]]
        by = companies.acting_for(row["employer"])
        pledge = await Pledge.get_or_none(employer_id=employer.id, description=row["description"])
        if pledge is None:
            event = events.get(row.get("event", ""))
            form = PledgeForm(
                kind=row["kind"],
                quantity=str(row.get("quantity", "")),
                amount=row.get("amount", ""),
                deadline=season.day(row["deadline"]).isoformat(),
                event=str(event.id) if event else "",
                description=row["description"],
            )
            pledge = await create_pledge(employer, form, by=by, today=season.today)
            made_at = min(event.starts_at, season.now) if event else None
            await date_back(
                Pledge, pledge.id, created_at=made_at or season.now - PLEDGED_OUTSIDE_EVENTS
            )
        for delivery in row.get("deliveries", ()):
            if not await Delivery.exists(pledge_id=pledge.id, evidence=delivery["evidence"]):
                await _deliver(pledge, delivery, by, companies.staff, season)
        pledges[row["ref"]] = pledge
    return pledges


async def _deliver(
    pledge: Pledge, row: dict[str, str], by: User, staff: Staff, season: Season
) -> None:
    form = DeliveryForm(
        quantity=str(row["quantity"]),
        delivered_on=season.day(-int(row["days_ago"])).isoformat(),
        evidence=row["evidence"],
    )
    delivery = await record_delivery(pledge, form, by=by, today=season.today)
    if "review" in row:
        await review_delivery(
            delivery,
            row["review"],
            "",
            by=staff.organiser,
            organisation=staff.organisers_organisation,
        )


async def load_offers(companies: Companies, pledges: dict[str, Pledge], season: Season) -> None:
    """Find or write every offer; a published one was submitted and published by the
    organiser some weeks ago, a draft is still the employer's."""
    published_at = season.now - OFFER_AGE
    for row in content("employers")["offers"]:
        employer = companies.employers[row["employer"]]
        if await Offer.exists(employer_id=employer.id, title=row["title"]):
            continue
        by = companies.acting_for(row["employer"])
        form = OfferForm(
            title=row["title"],
            description=row["description"],
            city=row["city"],
            contract_type=row["contract_type"],
            positions=str(row["positions"]),
            languages=list(row["languages"]),
            deadline=season.day(row["deadline"]).isoformat(),
            pledge=str(pledges[row["pledge"]].id) if "pledge" in row else "",
        )
        offer = await save_offer(employer, form, by=by)
        moments = {"created_at": published_at - DRAFTED_BEFORE}
        if row["status"] == "published":
            offer = await submit_offer(offer, by=by)
            offer = await moderate_offer(offer, "publish", "", by=companies.staff.organiser)
            moments["published_at"] = published_at
        await date_back(Offer, offer.id, **moments)


async def load_booths(
    companies: Companies, events: dict[str, Event], season: Season
) -> dict[tuple[str, str], Exhibitor]:
    """Find or set up every booth; answers them by event key and employer `ref`. Call once the
    pledges and offers are there: a booth is only for an employer that brings something."""
    booths = {}
    for row in content("employers")["employers"]:
        employer = companies.employers[row["ref"]]
        for key, label in row.get("booths", {}).items():
            event = events[key]
            booth = await Exhibitor.get_or_none(event_id=event.id, employer_id=employer.id)
            if booth is None and event.ends_at < season.now:
                # `request_booth()` takes requests only for fairs to come: the booths of a fair
                # already over are written as they stood that day.
                booth = await Exhibitor.create(
                    event=event,
                    employer=employer,
                    status=ExhibitorStatus.CONFIRMED,
                    booth_label=label,
                )
            elif booth is None:
                booth = await request_booth(employer, event, by=companies.acting_for(row["ref"]))
                booth = await decide_booth(booth, "confirm", label, by=companies.staff.organiser)
            booths[key, row["ref"]] = booth
    return booths
