"""Reading events for the public pages and the organiser's overview."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from tortoise.expressions import Q
from tortoise.functions import Count
from tortoise.query_utils import Prefetch

from server.errors import NotFound
from server.i18n import lazy
from server.models import Event, Exhibitor, Organisation
from server.models.enums import (
    EmployerStatus,
    EventKind,
    EventStatus,
    ExhibitorStatus,
    RegistrationStatus,
)
from server.values.clock import EVENT_TIMEZONE

PUBLIC_STATUSES = (EventStatus.PUBLISHED, EventStatus.CLOSED)


@dataclass(frozen=True)
class EventFilters:
    """What a visitor narrows the list of upcoming events by; empty means no filter."""

    city: str = ""
    kind: str = ""
    on_or_after: date | None = None


async def upcoming_events(filters: EventFilters | None = None, *, limit: int = 50) -> list[Event]:
    """Published top-level events that have not ended, soonest first, with their sessions."""
    filters = filters or EventFilters()
    query = Event.filter(status__in=PUBLIC_STATUSES, parent_id=None, ends_at__gte=datetime.now(UTC))
    if filters.city:
        query = query.filter(city=filters.city)
    if filters.kind in set(EventKind):
        query = query.filter(kind=filters.kind)
    if filters.on_or_after:
        start = datetime.combine(filters.on_or_after, time.min, tzinfo=EVENT_TIMEZONE)
        query = query.filter(ends_at__gte=start)
    return await query.order_by("starts_at").limit(limit).prefetch_related(_public_sessions())


async def event_cities() -> list[str]:
    """Cities that have an upcoming public event, for the filter menu."""
    cities = (
        await Event.filter(
            status__in=PUBLIC_STATUSES, parent_id=None, ends_at__gte=datetime.now(UTC)
        )
        .distinct()
        .values_list("city", flat=True)
    )
    return sorted(set(cities))


async def public_event(slug: str) -> Event:
    """A published event by slug, with its sessions; raises NotFound for drafts and unknowns."""
    event = (
        await Event.filter(slug=slug, status__in=PUBLIC_STATUSES)
        .select_related("organisation", "parent")
        .prefetch_related(_public_sessions())
        .first()
    )
    if event is None:
        raise NotFound(lazy("This event does not exist or is not public."))
    return event


def _public_sessions() -> Prefetch:
    """An event's sessions, without the drafts and archived ones."""
    return Prefetch("sessions", queryset=Event.filter(status__in=PUBLIC_STATUSES))


@dataclass(frozen=True)
class EventSummary:
    event: Event
    registrations: int


async def organisation_events(organisation: Organisation) -> list[EventSummary]:
    """All the organisation's top-level events, newest first, with their registration counts."""
    events = (
        await Event.filter(organisation_id=organisation.id, parent_id=None)
        .annotate(
            registration_count=Count(
                "registrations", _filter=Q(registrations__status=RegistrationStatus.CONFIRMED)
            )
        )
        .order_by("-starts_at")
    )
    return [EventSummary(event, event.registration_count) for event in events]  # type: ignore[attr-defined]


async def public_exhibitors(event: Event) -> list[Exhibitor]:
    """Approved employers confirmed at the event, by booth; nothing of a pending employer."""
    return (
        await Exhibitor.filter(
            event_id=event.id,
            status=ExhibitorStatus.CONFIRMED,
            employer__status=EmployerStatus.APPROVED,
        )
        .select_related("employer")
        .order_by("booth_label", "employer__name")
    )
