"""The figures of a synthesis report, as plain data: computed by
`server.services.reporting.synthesis`,
drawn by the HTML report page and by `server.reports.pdf`.

Counts are exact here. What a reader may see of them is decided when they are shown:
`hidden_counts()` hides every count from 1 to 4 of a breakdown as "<5" (DESIGN §4), and one
more count where the column's published total would give a "<5" away, so that a published
report never points at one person.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from server.i18n import current_language, gettext, lazy
from server.i18n.labels import SPOKEN_LANGUAGES, countries, label
from server.models.enums import EventKind, Gender, LegalStatus, PledgeKind

SMALL_CELL_LIMIT = 5  # counts from 1 to SMALL_CELL_LIMIT - 1 are never shown in a breakdown
SMALL_CELL_TEXT = "<5"
HIDDEN_CELL_TEXT = ">4"  # a count of 5 or more hidden so that a "<5" cannot be worked out

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


def is_small(count: int) -> bool:
    return 0 < count < SMALL_CELL_LIMIT


def share(count: int, total: int, mask: str | None = None) -> float | None:
    """`count` ÷ `total` as it may be published: None for a hidden or small count, whose share
    would give it away, and for an empty total."""
    if mask or is_small(count) or total <= 0:
        return None
    return count / total


def hidden_counts(counts: Sequence[int]) -> tuple[str | None, ...]:
    """What a published column shows in place of each of its counts; None where the count
    itself is shown.

    Every count from 1 to 4 reads "<5". A column's total is published too (the key figures are
    its sum), so when its small counts could be worked out from it — one small count alone, or
    small counts adding up to less than 5 — the smallest count shown is hidden as well, as ">4".
    """
    masks: list[str | None] = [SMALL_CELL_TEXT if is_small(count) else None for count in counts]
    small = [count for count in counts if is_small(count)]
    shown = [index for index, count in enumerate(counts) if count >= SMALL_CELL_LIMIT]
    if small and shown and (len(small) == 1 or sum(small) < SMALL_CELL_LIMIT):
        masks[min(shown, key=lambda index: counts[index])] = HIDDEN_CELL_TEXT
    return tuple(masks)


def interview_masks(interviews: InterviewFigures) -> dict[str, str | None]:
    """What a published report shows in place of each interview count; None where the count
    itself is shown.

    The places kept are a column whose total (`booked`) is published: held, no-shows and not
    recorded go through `hidden_counts` together. Hires are a part of those held, so they go
    through it with the rest of the held, and are hidden whenever the held count is (it could
    otherwise be told from them). A total from 1 to 4 is "<5" too.
    """
    held, no_shows, unrecorded = hidden_counts(
        (interviews.held, interviews.no_shows, interviews.unrecorded)
    )
    hired, _ = hidden_counts((interviews.led_to_hire, interviews.held - interviews.led_to_hire))
    if held and not hired and interviews.led_to_hire:
        hired = SMALL_CELL_TEXT if is_small(interviews.led_to_hire) else HIDDEN_CELL_TEXT
    return {
        "booked": SMALL_CELL_TEXT if is_small(interviews.booked) else None,
        "held": held,
        "no_shows": no_shows,
        "unrecorded": unrecorded,
        "led_to_hire": hired,
    }


def cell_masks(breakdown: Breakdown) -> dict[str, tuple[str | None, str | None]]:
    """Category key → what its (registered, attended) cells show instead of their counts."""
    registered = hidden_counts([row.registered for row in breakdown.rows])
    attended = hidden_counts([row.attended for row in breakdown.rows])
    return {
        row.key: masks
        for row, masks in zip(breakdown.rows, zip(registered, attended, strict=True), strict=True)
    }


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
