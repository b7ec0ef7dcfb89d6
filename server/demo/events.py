"""The demo's events (`content/events.toml`): an upcoming job fair in Casablanca with two workshops
and a panel inside it, a workshop in Rabat, an information session in Tanger, a training in
Rabat, and a job day there three weeks ago."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from server.demo.story import Season, content
from server.models import Event, Organisation
from server.models.enums import EventStatus

SIGN_UP_WINDOW = timedelta(weeks=8)  # registration opens this long before an event starts


@dataclass(frozen=True)
class EventSpec:
    """One event of the data file, its place looked up; `sign_ups` is read by
    `server.demo.registrations`."""

    key: str
    organisation: str
    kind: str  # an EventKind value
    place: dict[str, str]  # city, venue, address
    day: int  # days after the day the demo is loaded, negative for the past
    hours: list[str]  # local start and end, "09:30"
    title: dict[str, str]
    description: dict[str, str]
    practical_info: dict[str, str]
    sign_ups: dict[str, Any]
    capacity: int | None = None
    parent: str | None = None
    room: str = ""
    days: int = 1
    waitlist: bool = True

    def starts_at(self, season: Season) -> datetime:
        return season.at(self.day, self.hours[0])

    def ends_at(self, season: Season) -> datetime:
        return season.at(self.day + self.days - 1, self.hours[1])

    def sign_up_window(self, season: Season) -> tuple[datetime, datetime]:
        """From the opening of registration until it closes, or until the demo's present."""
        starts_at = self.starts_at(season)
        return starts_at - SIGN_UP_WINDOW, min(starts_at, season.now)


def event_specs() -> list[EventSpec]:
    """The events of the data file, each fair before its sessions."""
    data = content("events")
    return [EventSpec(**row | {"place": data["places"][row["place"]]}) for row in data["events"]]


async def load_events(organisations: dict[str, Organisation], season: Season) -> dict[str, Event]:
    """Find or create every event, published; answers them by key.

    Written as rows: the organiser's `create_event()` starts a draft named after its title and
    dated now, while the demo finds its events again by stable links (`<key>-<year>`) and opens
    them weeks before they happen. A new event has no seat taken: its registrations go through
    the seat rules (`server.demo.registrations`).
    """
    events: dict[str, Event] = {}
    for spec in event_specs():
        starts_at = spec.starts_at(season)
        slug = f"{spec.key}-{starts_at.year}"
        event = await Event.get_or_none(slug=slug)
        if event is None:
            opens_at = spec.sign_up_window(season)[0]
            event = await Event.create(
                slug=slug,
                organisation=organisations[spec.organisation],
                parent=events[spec.parent] if spec.parent else None,
                kind=spec.kind,
                status=EventStatus.PUBLISHED,
                title=spec.title,
                description=spec.description,
                practical_info=spec.practical_info,
                city=spec.place["city"],
                venue=spec.place["venue"],
                address=spec.place["address"],
                room=spec.room,
                starts_at=starts_at,
                ends_at=spec.ends_at(season),
                capacity=spec.capacity,
                waitlist_enabled=spec.waitlist,
                registration_opens_at=opens_at,
                registration_closes_at=starts_at,
                created_at=opens_at - timedelta(days=7),
            )
        events[spec.key] = event
    return events
