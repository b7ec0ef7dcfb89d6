"""The people the employers met at the past job day (`content/past_job_day.toml`): the badges they
scanned at their booths (`scan_lead`, `annotate_lead`), and the visitors interested in their
offers since (`mark_interest`, `move_candidate`). Only visitors who agreed to share their profile
are taken; the moments of the story are set after the services wrote the rows
(`seeding.date_back`).
"""

from __future__ import annotations

from datetime import datetime

from server.demo.employers import OFFER_AGE, Companies
from server.demo.people import Person
from server.demo.registrations import TYPED_SERIAL, Plan, came_in
from server.demo.seeding import date_back
from server.demo.story import Season, between, chance, content, weighted
from server.models import Attendee, Event, Exhibitor, Interest, Lead, Offer, Registration
from server.models.enums import InterestStatus
from server.services.employers.interests import employer_interest, mark_interest, move_candidate
from server.services.employers.leads import SCANNED, annotate_lead, scan_lead


def _sharing_visitors(plan: Plan, people: list[Person]) -> list[tuple[str, datetime]]:
    """The past job day's visitors who agreed to share their profile, with when they came in."""
    sharing = {person.phone for person in people if person.shares_profile}
    came = came_in(plan, content("past_job_day")["event"])
    return [(phone, came_at) for phone, came_at in came if phone in sharing]


async def load_leads(
    companies: Companies,
    booths: dict[tuple[str, str], Exhibitor],
    events: dict[str, Event],
    plan: Plan,
    people: list[Person],
    attendee_ids: dict[str, int],
) -> None:
    """The badges each employer scanned at its booth at the past job day, some time after the
    visitor came in, with a note and a rating; the employer's member scanned when it has one."""
    story = content("past_job_day")
    fair = events[story["event"]]
    rng = chance("leads")
    visitors = _sharing_visitors(plan, people)
    serials = dict(
        await Registration.filter(event_id=fair.id).values_list("attendee_id", "badge_serial")
    )
    fewest, most = story["leads"]["fewest"], story["leads"]["most"]
    for (key, ref), booth in booths.items():
        if key != story["event"]:
            continue
        for phone, came_at in rng.sample(visitors, rng.randint(fewest, most)):
            rating = rng.randint(*story["leads"]["ratings"])
            note = rng.choice(story["lead_notes"])
            scanned_at = between(rng, came_at, fair.ends_at)
            serial = serials[attendee_ids[phone]]
            scan = await scan_lead(
                booth, serial, secret_key=TYPED_SERIAL, by=companies.members.get(ref)
            )
            if scan.result == SCANNED:
                await annotate_lead(booth, scan.lead_id, note, str(rating))  # type: ignore[arg-type]
                await date_back(Lead, scan.lead_id, created_at=scanned_at)  # type: ignore[arg-type]


async def load_interests(
    companies: Companies,
    plan: Plan,
    people: list[Person],
    attendee_ids: dict[str, int],
    season: Season,
) -> None:
    """Visitors of the past job day who share their profile, each interested in one published
    offer since; the employer took some of them further."""
    story = content("past_job_day")["interests"]
    rng = chance("interests")
    published = [row for row in content("employers")["offers"] if row["status"] == "published"]
    for phone, _ in rng.sample(_sharing_visitors(plan, people), story["count"]):
        row = rng.choice(published)
        status = InterestStatus(weighted(rng, story["statuses"]))
        at = between(rng, season.now - OFFER_AGE, season.now)
        employer = companies.employers[row["employer"]]
        offer = await Offer.get(employer_id=employer.id, title=row["title"])
        attendee = await Attendee.get(id=attendee_ids[phone])
        if await Interest.exists(attendee_id=attendee.id, offer_id=offer.id):
            continue
        interest = await mark_interest(attendee, offer)
        if status != InterestStatus.INTERESTED:
            candidate = await employer_interest(employer, offer, interest.id)
            await move_candidate(candidate, status, by=companies.acting_for(row["employer"]))
        await date_back(Interest, interest.id, created_at=at, updated_at=at)
