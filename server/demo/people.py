"""The demo's people (`content/people.toml`): migrants and refugees drawn from a dozen origins, with
names in Latin or Arabic script, the languages they speak and a usual legal status, living
mostly in Casablanca, Rabat and Tanger.

They are written as rows (`seeding.create_people`): the sign-up service dates a new person now
and queues a confirmation message with each sign-up, while the demo's people signed up weeks ago
and were told then. Each one's record and consent date from their first sign-up; their
registrations go through the seat rules (`server.demo.registrations`).
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from server.demo.seeding import create_people
from server.demo.story import Season, between, chance, content, weighted
from server.models import Attendee
from server.models.enums import EducationLevel, Gender, LegalStatus
from server.values.phones import normalise_phone

NEWCOMERS_SINCE = timedelta(days=90)  # people who never signed up joined within this time
RECORD_BEFORE_SIGN_UP = timedelta(minutes=2)  # a person's record is made as they first sign up


@dataclass(frozen=True)
class Origin:
    """Where people of one nationality come from (an `origins` table of the data file)."""

    country: str
    weight: int
    male: list[str]
    female: list[str]
    surnames: list[str]
    languages: list[str]
    legal_statuses: list[str]
    preferred_languages: list[str]


@dataclass(frozen=True)
class Person:
    """A person of the demo, as an unsaved Attendee dated by `date_people()`."""

    attendee: Attendee
    shares_profile: bool  # agreed to share their profile with employers

    @property
    def phone(self) -> str:
        return self.attendee.phone  # type: ignore[return-value]


def plan_people() -> list[Person]:
    """The demo's people, the same on every run; each has a phone number of their own."""
    data = content("people")
    rng = chance("people")
    origins = [Origin(**row) for row in data["origins"]]
    phones: set[str] = set()
    return [_person(rng, data, origins, phones) for _ in range(data["count"])]


def _person(
    rng: random.Random, data: dict[str, Any], origins: list[Origin], phones: set[str]
) -> Person:
    origin = rng.choices(origins, [origin.weight for origin in origins])[0]
    gender = Gender(weighted(rng, data["genders"]))
    first_names = {Gender.MALE: origin.male, Gender.FEMALE: origin.female}.get(
        gender, origin.male + origin.female
    )
    first_name, last_name = rng.choice(first_names), rng.choice(origin.surnames)
    languages = list(origin.languages)
    for language, share in data["picked_up_languages"].items():
        if language not in languages and rng.random() < share:
            languages.append(language)
    email = None
    if rng.random() < data["email_share"]:
        spelled = f"{_spelled(first_name)}.{_spelled(last_name)}{rng.randint(1, 99)}"
        email = f"{spelled}@{rng.choice(data['email_domains'])}"
    years = data["birth_years"]
    attendee = Attendee(
        phone=_phone(rng, phones),
        first_name=first_name,
        last_name=last_name,
        email=email,
        gender=gender,
        birth_year=round(rng.triangular(years["earliest"], years["latest"], years["most"])),
        nationality=origin.country,
        legal_status=LegalStatus(rng.choice(origin.legal_statuses)),
        city=weighted(rng, data["cities"]),
        languages=languages,
        education_level=EducationLevel(weighted(rng, data["education"])),
        sectors=rng.sample(data["sectors"], rng.randint(1, 3)),
        preferred_language=rng.choice(origin.preferred_languages),
    )
    return Person(attendee, shares_profile=rng.random() < data["sharing_share"])


def _spelled(name: str) -> str:
    """A name as it would appear in an e-mail address."""
    spellings = content("people")["spellings"]
    if name in spellings:
        return spellings[name]  # type: ignore[no-any-return]
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return folded.lower().replace("'", "").replace(" ", "")


def _phone(rng: random.Random, taken: set[str]) -> str:
    """A Moroccan mobile number in E.164 that the sign-up form accepts, not yet handed out."""
    while True:
        phone = f"+212{rng.choice('67')}{rng.randrange(10**8):08d}"
        if phone not in taken and normalise_phone(phone) == phone:
            taken.add(phone)
            return phone


def date_people(
    people: list[Person], sign_ups: Iterable[tuple[str, datetime]], season: Season
) -> None:
    """Date each person's record and consents from their first sign-up (`sign_ups` are phone
    numbers and moments) and their last activity from their last; a few never signed up and
    joined at some moment of the last months."""
    moments: dict[str, list[datetime]] = {}
    for phone, moment in sign_ups:
        moments.setdefault(phone, []).append(moment)
    rng = chance("joining")
    for person in people:
        attendee = person.attendee
        if person.phone in moments:
            joined_at = min(moments[person.phone]) - RECORD_BEFORE_SIGN_UP
            attendee.last_activity_at = max(moments[person.phone])
        else:
            joined_at = between(rng, season.now - NEWCOMERS_SINCE, season.now)
            attendee.last_activity_at = joined_at
        attendee.created_at = attendee.consent_processing_at = joined_at
        attendee.consent_share_at = joined_at if person.shares_profile else None


async def load_people(people: list[Person]) -> dict[str, int]:
    """Create the people not in the database yet; answers every person's attendee id by phone."""
    ids = await create_people([person.attendee for person in people])
    return {person.phone: attendee_id for person, attendee_id in zip(people, ids, strict=True)}
