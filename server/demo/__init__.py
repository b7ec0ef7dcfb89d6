"""Demo data for trying Tremplin out: `load_demo()` fills a database with a plausible season.

Two organisations and their staff logins; events in Casablanca, Rabat and Tanger (an upcoming job
fair with two workshops and a panel inside it, a workshop, an information session, a training,
and a job day three weeks ago whose visitors were checked in at two doors); eight employers with
their booths, CSR pledges, deliveries and offers; three hundred people with their registrations,
check-ins, leads, interests and feedback; the published report of the past job day.

The content is data (`content/*.toml`); one loader per area tells it through the services
wherever a rule applies, so seat counters, waiting positions, the door's log and every moderation
step come out of the real rules. Each module says what it writes as rows instead, and why
(`seeding` holds those writes, shared with `bench/` and the tests' fixtures).

The load is idempotent: every object is found by a natural key (slug, e-mail, ICE, phone number,
event and attendee...) and only the missing ones are created, all in one transaction. The random
choices come from a fixed seed, so every run plans the same data; dates count from today.
"""

from __future__ import annotations

from tortoise.models import Model
from tortoise.transactions import in_transaction

from server import models
from server.demo.candidates import load_interests, load_leads
from server.demo.employers import load_booths, load_employers, load_offers, load_pledges
from server.demo.events import load_events
from server.demo.organisations import CHECKIN_STAFF, load_organisations
from server.demo.people import date_people, load_people, plan_people
from server.demo.registrations import load_registrations, plan_sign_ups
from server.demo.reports import load_feedback, load_report
from server.demo.story import Season
from server.values.clock import today_in_morocco

COUNTED: dict[str, type[Model]] = {
    "organisations": models.Organisation,
    "users": models.User,
    "memberships": models.Membership,
    "events": models.Event,
    "employers": models.Employer,
    "employer_members": models.EmployerMember,
    "exhibitors": models.Exhibitor,
    "pledges": models.Pledge,
    "deliveries": models.Delivery,
    "offers": models.Offer,
    "attendees": models.Attendee,
    "registrations": models.Registration,
    "checkins": models.CheckIn,
    "leads": models.Lead,
    "interests": models.Interest,
    "feedback": models.Feedback,
}


async def load_demo(password: str) -> dict[str, int]:
    """Fill the database with the demo data, creating only what is missing.

    `password` is given to the demo logins that do not exist yet (organiser@example.org,
    checkin@example.org, employer@example.org, organiser2@example.org); event dates count from
    today in Morocco. Tortoise must be initialised. Answers how many rows of each kind exist
    afterwards.
    """
    season = Season(today_in_morocco())
    people = plan_people()
    plan = plan_sign_ups(people, season)
    date_people(people, [(s.phone, s.at) for sign_ups in plan.values() for s in sign_ups], season)
    # Queries inside the block run on the transaction's connection: in_transaction() sets it as
    # the current connection for this task, and the services' own transactions nest in it.
    async with in_transaction():
        staff = await load_organisations(password)
        events = await load_events(staff.organisations, season)
        companies = await load_employers(staff, season)
        pledges = await load_pledges(companies, events, season)
        await load_offers(companies, pledges, season)
        booths = await load_booths(companies, events, season)
        attendee_ids = await load_people(people)
        await load_registrations(events, plan, people, attendee_ids, staff.users[CHECKIN_STAFF])
        await load_leads(companies, booths, events, plan, people, attendee_ids)
        await load_interests(companies, plan, people, attendee_ids, season)
        await load_feedback(events, booths, plan, attendee_ids)
        await load_report(events, staff, season)
        return {name: await model.all().count() for name, model in COUNTED.items()}
