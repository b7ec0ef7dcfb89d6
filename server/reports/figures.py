"""The figures of a synthesis report, as plain data: computed by
`server.services.reporting.synthesis`,
drawn by the HTML report page and by `server.reports.pdf`.

Counts are exact here. What a reader may see of them is decided when they are shown, by
`server.reports.disclosure` (DESIGN §9): no count from 1 to 4, and none that the published
totals would give away.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from server.i18n import current_language, gettext, lazy
from server.i18n.labels import SPOKEN_LANGUAGES, countries, label
from server.models.enums import EventKind, Gender, LegalStatus, PledgeKind

Dimension = Literal["sex", "age_band", "nationality", "legal_status", "city", "language"]
DIMENSIONS: tuple[Dimension, ...] = (
    "sex",
    "age_band",
    "nationality",
    "legal_status",
    "city",
    "language",
)
# Age bands on the day of the event; "" is "not stated" in every breakdown.
AGE_BANDS = ("under-18", "18-24", "25-34", "35-44", "45+")
# The key of the sparse categories of an open list counted together (and of the answer "other").
OTHER = "other"


@dataclass(frozen=True)
class BreakdownRow:
    """One category of a breakdown: `key` is an enum value, an ISO code, a city, an age band,
    or "" for "not stated"."""

    key: str
    registered: int  # people with a confirmed, waiting or pending registration
    attended: int  # of them, those checked in (walk-ins included)


@dataclass(frozen=True)
class Breakdown:
    dimension: Dimension
    rows: tuple[BreakdownRow, ...]  # most attended first, "not stated" last


@dataclass(frozen=True)
class SessionAttendance:
    """A workshop or side event inside a fair."""

    title: str
    starts_at: datetime
    capacity: int | None
    confirmed: int
    attended: int


@dataclass(frozen=True)
class ArrivalSlot:
    """Arrivals in one half hour, by local time (Africa/Casablanca)."""

    starts_at: datetime
    arrivals: int


@dataclass(frozen=True)
class PledgeTotal:
    """Pledges of one kind: how many, how much was promised and how much delivered so far."""

    kind: PledgeKind
    pledges: int
    quantity: int  # places, people or items (0 for co-funding)
    amount_mad: Decimal  # co-funding in dirhams (0 for the other kinds)
    delivered_quantity: int
    delivered_amount_mad: Decimal

    @property
    def pledged(self) -> Decimal:
        """What was promised, in the kind's unit (dirhams for co-funding)."""
        return self.amount_mad if self.kind.is_money else Decimal(self.quantity)

    @property
    def delivered(self) -> Decimal:
        """What was delivered so far, in the kind's unit."""
        return self.delivered_amount_mad if self.kind.is_money else Decimal(self.delivered_quantity)


@dataclass(frozen=True)
class EmployerFigures:
    present: int  # approved employers confirmed as exhibitors
    pledges: tuple[PledgeTotal, ...]  # pledges made at the event, one row per kind pledged
    offers_posted: int  # published offers of the employers present
    interests: int  # attendees' interests in those offers
    interviews: int  # interests that reached "interviewed" or "hired"
    hires: int


@dataclass(frozen=True)
class InterviewFigures:
    """Interviews booked at the booths: every place kept (not cancelled) is held, missed (a
    no-show) or not yet recorded by its employer; some of those held led to a hire."""

    booked: int = 0
    held: int = 0
    no_shows: int = 0
    unrecorded: int = 0
    led_to_hire: int = 0


@dataclass(frozen=True)
class Satisfaction:
    """Ratings from 1 to 5: `distribution[i]` people gave `i + 1`."""

    answers: int
    average: float | None
    distribution: tuple[int, int, int, int, int]


@dataclass(frozen=True)
class FeedbackFigures:
    attendees: Satisfaction
    exhibitors: Satisfaction
    # Comments are for the organisers' own view only: a published report never shows them.
    comments: tuple[str, ...]


@dataclass(frozen=True)
class Narrative:
    """The organiser's words, in the language they wrote them."""

    context: str = ""
    what_happened: str = ""
    highlights: str = ""
    recommendations: str = ""
    next_steps: str = ""


@dataclass(frozen=True)
class FunderCredit:
    """A funder as a report's cover shows it, as its visibility rules ask: its logo (PNG or
    JPEG bytes, None when there is none), its name, and its funding statement in the report's
    language or, when it has none there, in French (`statement_language` says which)."""

    name: str
    statement: str
    statement_language: str
    logo: bytes | None


@dataclass(frozen=True)
class EventFigures:
    """Everything counted for one event (a fair counts its own registrations, its sessions come
    in `sessions`)."""

    title: str  # in the reader's language
    kind: EventKind
    city: str
    venue: str
    starts_at: datetime
    ends_at: datetime
    organisation: str
    registrations: int  # every sign-up, whatever became of it
    confirmed: int  # confirmed now (walk-ins included)
    waiting: int  # on the waiting list or awaiting approval
    cancelled: int
    attended: int  # checked in, walk-ins included
    walk_ins: int
    # Attended over confirmed, both counted without walk-ins (a walk-in always "shows up");
    # None when nobody was confirmed ahead.
    show_up_rate: float | None
    sessions: tuple[SessionAttendance, ...]
    arrivals: tuple[ArrivalSlot, ...]
    breakdowns: tuple[Breakdown, ...]  # one per DIMENSIONS entry, in that order
    employers: EmployerFigures
    feedback: FeedbackFigures
    interviews: InterviewFigures = InterviewFigures()


@dataclass(frozen=True)
class ProgrammeLine:
    """One line of the bulletin's tables: a city or an event kind."""

    key: str
    events: int
    registrations: int
    attended: int


@dataclass(frozen=True)
class EmployerDelivery:
    """One employer's pledges across the period, against what it delivered."""

    employer: str
    pledges: tuple[PledgeTotal, ...]


@dataclass(frozen=True)
class ProgrammeFigures:
    """The bulletin: the same indicators across an organisation's events over a period."""

    organisation: str
    period_start: date
    period_end: date  # inclusive
    events: int
    registrations: int
    confirmed: int
    attended: int
    walk_ins: int
    show_up_rate: float | None
    people: int  # distinct people who attended at least one event
    by_city: tuple[ProgrammeLine, ...]
    by_kind: tuple[ProgrammeLine, ...]
    breakdowns: tuple[Breakdown, ...]  # distinct people, as for an event
    pledges: tuple[PledgeTotal, ...]  # pledges made at the period's events, by kind
    employers: tuple[EmployerDelivery, ...]
    satisfaction: Satisfaction


def category_label(dimension: Dimension, key: str) -> str:
    """How a breakdown's category is named to a reader, in the current language."""
    if not key:
        return gettext(NOT_STATED)
    if key == OTHER and dimension in GROUPED_LABELS:
        return gettext(GROUPED_LABELS[dimension])
    if dimension == "sex":
        return label(Gender(key)) if key != Gender.UNDISCLOSED else gettext(NOT_STATED)
    if dimension == "legal_status":
        return label(LegalStatus(key)) if key != LegalStatus.UNDISCLOSED else gettext(NOT_STATED)
    if dimension == "nationality":
        return dict(countries(current_language().code)).get(key, key)
    if dimension == "language":
        return gettext(SPOKEN_LANGUAGES[key]) if key in SPOKEN_LANGUAGES else key
    if dimension == "age_band":
        return gettext(AGE_BAND_LABELS.get(key, key))
    return key  # a city is written as it was entered


def dimension_title(dimension: Dimension) -> str:
    return gettext(DIMENSION_TITLES[dimension])


NOT_STATED = lazy("Not stated")
# The sparse categories of an open list, counted together (`server.reports.disclosure`).
GROUPED_LABELS: dict[str, str] = {
    "nationality": lazy("Other nationalities"),
    "city": lazy("Other cities"),
    "language": lazy("Other languages"),
}
DIMENSION_TITLES: dict[str, str] = {
    "sex": lazy("Sex"),
    "age_band": lazy("Age"),
    "nationality": lazy("Nationality"),
    "legal_status": lazy("Legal status"),
    "city": lazy("City"),
    "language": lazy("Language"),
}
AGE_BAND_LABELS: dict[str, str] = {
    "under-18": lazy("Under 18"),
    "18-24": lazy("18 to 24"),
    "25-34": lazy("25 to 34"),
    "35-44": lazy("35 to 44"),
    "45+": lazy("45 and over"),
}
