"""The organiser's list of the people registered for an event: search, filters, pages, exports.

Personal data: callers must have checked that the user organises the event's organisation.

The list stays fast at 10,000 registrations: a page is one COUNT and one SELECT of at most
PAGE_SIZE rows (the attendee joined in the same query), ordered by the registration's primary
key, whatever the number of rows or the filters; a first page with room to spare needs no COUNT.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from server.i18n import gettext, lazy
from server.i18n.labels import label
from server.models import Event, Registration
from server.models.enums import RegistrationSource, RegistrationStatus
from server.values.clock import EVENT_TIMEZONE
from server.values.numbers import parse_count

PAGE_SIZE = 50
MAX_SEARCH_WORDS = 5
DEFAULT_COUNTRY_CODE = "212"  # a number typed with a leading 0 is Moroccan (server.values.phones)
REGISTERED_STATUSES = (
    RegistrationStatus.PENDING,
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.WAITLISTED,
)

# What people type to find a phone: digits, spaces, dots, dashes, brackets, a leading plus.
_PHONE_SHAPED = re.compile(r"\+?[\d\s().-]*\d[\d\s().-]*")

_COLUMNS = (
    "id",
    "status",
    "waitlist_position",
    "source",
    "badge_serial",
    "checked_in_at",
    "checked_in_gate",
    "created_at",
    "attendee__first_name",
    "attendee__last_name",
    "attendee__phone",
)


@dataclass(frozen=True)
class AttendeeFilters:
    """What the organiser narrows the list by; empty means no filter.

    `checked_in` is "yes", "no" or "". `session` is the id of a session of the fair: only the
    fair's registrations whose person is also registered to that session are kept.
    """

    q: str = ""
    status: str = ""
    checked_in: str = ""
    session: int | None = None

    @classmethod
    def from_query(cls, params: Mapping[str, str]) -> AttendeeFilters:
        """Filters from a query string; values that mean nothing are dropped, not refused."""
        status = params.get("status", "")
        checked_in = params.get("checked_in", "")
        session = params.get("session", "")
        return cls(
            q=" ".join(params.get("q", "").split())[:100],
            status=status if status in set(RegistrationStatus) else "",
            checked_in=checked_in if checked_in in {"yes", "no"} else "",
            session=parse_count(session),
        )

    def query_items(self) -> dict[str, str]:
        """The filters as query-string parameters (empty ones left out), for links."""
        items = {
            "q": self.q,
            "status": self.status,
            "checked_in": self.checked_in,
            "session": str(self.session) if self.session else "",
        }
        return {key: value for key, value in items.items() if value}


@dataclass(frozen=True)
class AttendeeRow:
    """One registration as the organiser sees it. Names are empty for an anonymised person."""

    registration_id: int
    first_name: str
    last_name: str
    phone: str | None
    status: RegistrationStatus
    waitlist_position: int | None
    source: RegistrationSource
    badge_serial: str
    checked_in_at: datetime | None
    checked_in_gate: str
    created_at: datetime

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @classmethod
    def from_values(cls, values: Mapping[str, object]) -> AttendeeRow:
        return cls(
            registration_id=values["id"],  # type: ignore[arg-type]
            first_name=values["attendee__first_name"] or "",  # type: ignore[arg-type]
            last_name=values["attendee__last_name"] or "",  # type: ignore[arg-type]
            phone=values["attendee__phone"],  # type: ignore[arg-type]
            status=RegistrationStatus(values["status"]),
            waitlist_position=values["waitlist_position"],  # type: ignore[arg-type]
            source=RegistrationSource(values["source"]),
            badge_serial=values["badge_serial"],  # type: ignore[arg-type]
            checked_in_at=values["checked_in_at"],  # type: ignore[arg-type]
            checked_in_gate=values["checked_in_gate"] or "",  # type: ignore[arg-type]
            created_at=values["created_at"],  # type: ignore[arg-type]
        )


@dataclass(frozen=True)
class AttendeePage:
    rows: list[AttendeeRow]
    page: int
    pages: int
    total: int


def phone_search(text: str) -> str | None:
    """What to look for in stored E.164 phones when `text` looks like a phone number, or None
    when it looks like a name.

    Typed with its start ("06 12…", "+221 77…", "00221 77…"), it becomes the beginning of an
    E.164 number, "+2126 12…" (a national `0` is Morocco's, as for sign-up), and is matched as a
    prefix. Bare digits that do not start with 0 ("345678") are looked for anywhere.
    """
    if not _PHONE_SHAPED.fullmatch(text):
        return None
    digits = re.sub(r"\D", "", text)
    if text.startswith("+"):
        return "+" + digits
    if digits.startswith("00"):
        return "+" + digits[2:]
    if digits.startswith("0"):
        return "+" + DEFAULT_COUNTRY_CODE + digits[1:]
    return digits


def _search(query: QuerySet[Registration], text: str) -> QuerySet[Registration]:
    phone = phone_search(text)
    if phone is not None and phone.startswith("+"):
        return query.filter(attendee__phone__startswith=phone)
    if phone is not None:
        return query.filter(attendee__phone__contains=phone)
    # Every word must be found in the first or last name, in any case ("fatima DIALLO").
    for word in text.split()[:MAX_SEARCH_WORDS]:
        query = query.filter(
            Q(attendee__first_name__icontains=word) | Q(attendee__last_name__icontains=word)
        )
    return query


def _filtered(event: Event, filters: AttendeeFilters) -> QuerySet[Registration]:
    query = Registration.filter(event_id=event.id)
    if filters.q:
        query = _search(query, filters.q)
    if filters.status:
        query = query.filter(status=filters.status)
    if filters.checked_in == "yes":
        query = query.filter(checked_in_at__isnull=False)
    elif filters.checked_in == "no":
        query = query.filter(checked_in_at__isnull=True)
    if filters.session is not None:
        # The session must belong to this fair: the join on its parent keeps other events out.
        in_session = Registration.filter(
            event_id=filters.session,
            event__parent_id=event.id,
            status__in=REGISTERED_STATUSES,
        ).values("attendee_id")
        query = query.filter(attendee_id__in=Subquery(in_session))
    return query


async def attendee_page(event: Event, filters: AttendeeFilters, page: int = 1) -> AttendeePage:
    """One page of the event's registrations, in the order they were made. A page number past
    the end gives the last page."""
    query = _filtered(event, filters)
    if page <= 1:
        # The first page is read before counting: when it is not full (a search that finds a
        # few people), it is everything, and the COUNT — a second scan — is not needed.
        values = await query.order_by("id").limit(PAGE_SIZE).values(*_COLUMNS)
        total = len(values) if len(values) < PAGE_SIZE else await query.count()
        return AttendeePage(
            [AttendeeRow.from_values(v) for v in values],
            1,
            max(1, math.ceil(total / PAGE_SIZE)),
            total,
        )
    total = await query.count()
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = min(page, pages)
    values = (
        await query.order_by("id").offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE).values(*_COLUMNS)
    )
    return AttendeePage([AttendeeRow.from_values(v) for v in values], page, pages, total)


async def attendee_rows(event: Event, filters: AttendeeFilters) -> list[AttendeeRow]:
    """Every registration of the event that passes the filters, for an export (one query)."""
    values = await _filtered(event, filters).order_by("id").values(*_COLUMNS)
    return [AttendeeRow.from_values(v) for v in values]


# --- exports ----------------------------------------------------------------------------------

EXPORT_HEADERS = (
    lazy("First name"),
    lazy("Last name"),
    lazy("Phone number"),
    lazy("Status"),
    lazy("Waiting list position"),
    lazy("Source"),
    lazy("Checked in at"),
    lazy("Gate"),
    lazy("Badge"),
    lazy("Registered at"),
)

ExportCell = str | int | datetime | None


def export_table(rows: list[AttendeeRow]) -> tuple[list[str], list[list[ExportCell]]]:
    """Headers and cells of an export, in the reader's language, times in Morocco's time zone."""
    headers = [gettext(header) for header in EXPORT_HEADERS]
    cells: list[list[ExportCell]] = [
        [
            row.first_name,
            row.last_name,
            row.phone or "",
            label(row.status),
            row.waitlist_position,
            label(row.source),
            row.checked_in_at.astimezone(EVENT_TIMEZONE) if row.checked_in_at else None,
            row.checked_in_gate,
            row.badge_serial,
            row.created_at.astimezone(EVENT_TIMEZONE),
        ]
        for row in rows
    ]
    return headers, cells
