"""Who signed up for what, cancelled, came in at a door or walked in, planned from each event's
`sign_ups` (`content/events.toml`) and then told through the rules, in the order it happened:
`seats.register` and `seats.cancel` decide every seat and waiting position, `perform_checkin`
and `register_walk_in` every entry, at the moments of the story. The workshops draw more people
than they seat, so their waiting lists fill; the past job day was checked in at two doors, with
a few walk-ins.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from server.demo.events import EventSpec, event_specs
from server.demo.people import Person
from server.demo.seeding import date_back
from server.demo.story import Season, between, chance
from server.models import Attendee, Event, Registration, User
from server.services.door.checkin import perform_checkin
from server.services.door.walk_in import WalkInForm, register_walk_in
from server.services.registrations import seats

TYPED_SERIAL = ""  # badge serials are typed at doors and booths: no signed code, no key to check
NEAR_FIRST = 0.6  # people living near an event come first, unless chance puts them this far back
BUSY_SHARE = 0.75  # people come in during the first three quarters of an event's hours
WALK_IN_BEFORE_END = timedelta(hours=1)


@dataclass(frozen=True)
class Turnout:
    """An event's `sign_ups` in the data file."""

    count: int
    near: str = ""
    cancel_rate: float = 0.0
    came: float = 0.0
    walk_ins: int = 0
    doors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SignUp:
    """One person's registration as the story tells it: made `at`, perhaps cancelled later,
    perhaps checked in at a door; a walk-in is registered at the door as they come in."""

    phone: str
    at: datetime
    cancelled_at: datetime | None = None
    came_at: datetime | None = None
    door: str = ""
    walk_in: bool = False


Plan = dict[str, list[SignUp]]  # event key → sign-ups in the order they happened


def plan_sign_ups(people: list[Person], season: Season) -> Plan:
    """Every event's sign-ups, the same on every run."""
    rng = chance("sign-ups")
    plan: Plan = {}
    for spec in event_specs():
        turnout = Turnout(**spec.sign_ups)
        if spec.parent is None:
            chosen = _near_first(rng, people, turnout)
            sign_ups = _online(rng, chosen, spec.sign_up_window(season), turnout.cancel_rate)
        else:
            at_fair = [sign_up for sign_up in plan[spec.parent] if sign_up.cancelled_at is None]
            sign_ups = _sessions(rng, at_fair, turnout, spec.sign_up_window(season))
        if turnout.came:
            sign_ups = _show_up(rng, sign_ups, spec, turnout, season) + _walk_ins(
                rng, people, sign_ups, spec, turnout, season
            )
        plan[spec.key] = sign_ups
    return plan


def came_in(plan: Plan, key: str) -> list[tuple[str, datetime]]:
    """Who came to the event `key` as planned, with when they came in, in sign-up order."""
    return [(s.phone, s.came_at) for s in plan[key] if s.came_at is not None]


def _near_first(rng: random.Random, people: list[Person], turnout: Turnout) -> list[Person]:
    """`count` people, mostly living near the event: the others start behind in a random draw."""
    return sorted(
        people,
        key=lambda person: rng.random() + (person.attendee.city != turnout.near) * NEAR_FIRST,
    )[: turnout.count]


def _cancelled(rng: random.Random, at: datetime, closes: datetime, rate: float) -> datetime | None:
    return between(rng, at, closes) if rng.random() < rate else None


def _online(
    rng: random.Random,
    people: list[Person],
    window: tuple[datetime, datetime],
    cancel_rate: float,
) -> list[SignUp]:
    """Online sign-ups spread over the registration window, a few later cancelled."""
    opens, closes = window
    sign_ups = []
    for person in people:
        at = between(rng, opens, closes)
        sign_ups.append(SignUp(person.phone, at, _cancelled(rng, at, closes, cancel_rate)))
    return sorted(sign_ups, key=lambda sign_up: sign_up.at)


def _sessions(
    rng: random.Random, fair: list[SignUp], turnout: Turnout, window: tuple[datetime, datetime]
) -> list[SignUp]:
    """Sign-ups to a session inside the fair, made right after signing up to the fair (or as
    soon as the session's registration opened)."""
    opens, closes = window
    sign_ups = []
    for fair_sign_up in rng.sample(fair, turnout.count):
        right_after = fair_sign_up.at + timedelta(minutes=rng.randint(1, 10))
        at = min(max(right_after, opens), closes)
        sign_ups.append(
            SignUp(fair_sign_up.phone, at, _cancelled(rng, at, closes, turnout.cancel_rate))
        )
    return sorted(sign_ups, key=lambda sign_up: sign_up.at)


def _show_up(
    rng: random.Random, sign_ups: list[SignUp], spec: EventSpec, turnout: Turnout, season: Season
) -> list[SignUp]:
    """A share of those who did not cancel came, through one door or another."""
    starts, ends = spec.starts_at(season), spec.ends_at(season)
    busy_until = starts + (ends - starts) * BUSY_SHARE
    return [
        replace(sign_up, came_at=between(rng, starts, busy_until), door=rng.choice(turnout.doors))
        if sign_up.cancelled_at is None and rng.random() < turnout.came
        else sign_up
        for sign_up in sign_ups
    ]


def _walk_ins(
    rng: random.Random,
    people: list[Person],
    registered: list[SignUp],
    spec: EventSpec,
    turnout: Turnout,
    season: Season,
) -> list[SignUp]:
    """People who came without registering and were signed up at the door."""
    phones = {sign_up.phone for sign_up in registered}
    starts, ends = spec.starts_at(season), spec.ends_at(season)
    walk_ins = []
    for person in rng.sample([p for p in people if p.phone not in phones], turnout.walk_ins):
        at = between(rng, starts, ends - WALK_IN_BEFORE_END)
        door = rng.choice(turnout.doors)
        walk_ins.append(SignUp(person.phone, at, came_at=at, door=door, walk_in=True))
    return sorted(walk_ins, key=lambda sign_up: sign_up.at)


# --- telling the plan through the rules ---------------------------------------------------------


@dataclass
class _Telling:
    """One event's sign-ups being replayed; the registrations made so far by phone number."""

    event: Event
    staff: User
    people: dict[str, Attendee]
    attendee_ids: dict[str, int]
    registrations: dict[str, Registration] = field(default_factory=dict)

    async def sign_up(self, sign_up: SignUp) -> None:
        registration, _ = await seats.register(
            self.event, self.attendee_ids[sign_up.phone], now=sign_up.at
        )
        await date_back(Registration, registration.id, created_at=sign_up.at)
        self.registrations[sign_up.phone] = registration

    async def cancel(self, sign_up: SignUp) -> None:
        await seats.cancel(self.registrations[sign_up.phone].id, now=sign_up.cancelled_at)

    async def check_in(self, sign_up: SignUp) -> None:
        await perform_checkin(
            self.event,
            self.registrations[sign_up.phone].badge_serial,
            secret_key=TYPED_SERIAL,
            gate=sign_up.door,
            staff=self.staff,
            now=sign_up.came_at,
        )

    async def walk_in(self, sign_up: SignUp) -> None:
        person = self.people[sign_up.phone]
        form = WalkInForm(
            phone=sign_up.phone,
            first_name=person.first_name,
            last_name=person.last_name,
            gender=person.gender,
            gate=sign_up.door,
            consent_processing=True,
        )
        outcome = await register_walk_in(self.event, form, staff=self.staff, now=sign_up.at)
        await date_back(Registration, outcome.registration.id, created_at=sign_up.at)
        # The door dates the person's last activity at the walk-in; the story may go on later.
        await date_back(Attendee, outcome.attendee.id, last_activity_at=person.last_activity_at)


async def load_registrations(
    events: dict[str, Event],
    plan: Plan,
    people: list[Person],
    attendee_ids: dict[str, int],
    staff: User,
) -> None:
    """Tell every planned sign-up that is not in the database yet, event by event, in the order
    things happened; `staff` checks people in at the doors."""
    by_phone = {person.phone: person.attendee for person in people}
    for key, sign_ups in plan.items():
        event = events[key]
        registered = set(
            await Registration.filter(event_id=event.id).values_list("attendee_id", flat=True)
        )
        telling = _Telling(event, staff, by_phone, attendee_ids)
        steps: list[tuple[datetime, Callable[[SignUp], Awaitable[None]], SignUp]] = []
        for sign_up in sign_ups:
            if attendee_ids[sign_up.phone] in registered:
                continue
            if sign_up.walk_in:
                steps.append((sign_up.at, telling.walk_in, sign_up))
                continue
            steps.append((sign_up.at, telling.sign_up, sign_up))
            if sign_up.cancelled_at is not None:
                steps.append((sign_up.cancelled_at, telling.cancel, sign_up))
            if sign_up.came_at is not None:
                steps.append((sign_up.came_at, telling.check_in, sign_up))
        for _, step, sign_up in sorted(steps, key=lambda step: step[0]):
            await step(sign_up)
