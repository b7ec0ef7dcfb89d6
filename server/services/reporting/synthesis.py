"""The figures of synthesis reports and bulletins (DESIGN §5), and the organiser's verbs on a
report: write the narrative, publish, unpublish.

Every figure is computed from the data each time a report is read, by aggregate queries
(COUNT … GROUP BY in the database): an event's figures cost about twenty queries whether it had
fifty registrations or fifty thousand. What a reader may see of a count is decided when it is
shown (`server.reports.disclosure`); the counts here are exact.

Definitions, for an event (a fair counts its own registrations; its sessions come apart):

- registrations: every registration row, whatever became of it; confirmed, waiting (waitlisted
  or awaiting approval) and cancelled by current status, so they add up to registrations;
- attended: confirmed registrations checked in (`checked_in_at` set), walk-ins included. A
  registration cancelled after its check-in no longer counts, as on the live attendance page;
- walk-ins: confirmed registrations made at the door (source `walk-in`);
- show-up rate: attended ÷ confirmed, both counted among the registrations made ahead (online or
  imported): a walk-in always "shows up". None when nobody was confirmed ahead. The live
  attendance page counts it with the same function (`door.attendance.registration_totals`);
- sessions: each non-draft session of a fair, confirmed and attended;
- arrivals: attended people per half hour of their check-in, in Africa/Casablanca;
- breakdowns: distinct people with a registration that is not cancelled, and of them those who
  attended, per sex, age band (age reached in the year of the event, from the birth year),
  nationality, legal status, city and preferred language. "I prefer not to say" and empty
  answers are one "not stated" category (key "");
- employers present: approved employers confirmed as exhibitors;
- pledges: made at the event by approved employers, by kind; delivered: their deliveries dated
  up to today that count (`COUNTED_REVIEWS`: a questioned delivery does not);
- offers posted: published or closed offers of the employers present; interests, interviews
  (interviewed or hired) and hires on those offers, of people registered for this event;
- scheduled interviews: places booked at the booths and kept, held, missed, not recorded, and
  held ones that led to a hire (`server.services.interviews.figures`);
- feedback: ratings from attendees and from exhibitors, each a 1–5 distribution; comments are
  for the organisers only (`without_comments` takes them out of a published report).
"""

from __future__ import annotations

import secrets
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from tortoise import connections
from tortoise.expressions import Q, RawSQL, Subquery
from tortoise.functions import Count
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from server.errors import AppError, NotFound, ValidationFailed
from server.i18n import LANGUAGES, current_language, lazy, pick_text
from server.models import (
    Delivery,
    Event,
    Exhibitor,
    Feedback,
    Funder,
    Interest,
    Offer,
    Organisation,
    Pledge,
    Registration,
    ReportFunder,
    SynthesisReport,
    User,
)
from server.models.enums import (
    EmployerStatus,
    EventStatus,
    ExhibitorStatus,
    Gender,
    InterestStatus,
    LegalStatus,
    OfferStatus,
    PledgeKind,
    RegistrationStatus,
    ReportStatus,
)
from server.reports.figures import (
    AGE_BANDS,
    DIMENSIONS,
    ArrivalSlot,
    Breakdown,
    BreakdownRow,
    Dimension,
    EmployerDelivery,
    EmployerFigures,
    EventFigures,
    FeedbackFigures,
    Narrative,
    PledgeTotal,
    ProgrammeFigures,
    ProgrammeLine,
    Satisfaction,
    SessionAttendance,
)
from server.services.action_log import log_event_action
from server.services.door.attendance import registration_totals
from server.services.employers.pledges import COUNTED_REVIEWS, in_unit
from server.services.interviews.figures import interview_figures
from server.values.clock import EVENT_TIMEZONE, today_in_morocco

SLOT_SECONDS = 30 * 60
# Morocco's offset is a whole number of hours, so half hours counted in UTC are the same half
# hours on the wall clocks of Africa/Casablanca (as on the live attendance page).
_SLOT_SQL = {
    "sqlite": f"CAST(strftime('%s', checked_in_at) AS INTEGER) / {SLOT_SECONDS}",
    "postgres": f"CAST(FLOOR(EXTRACT(EPOCH FROM checked_in_at) / {SLOT_SECONDS}) AS BIGINT)",
}
MAX_FILLED_SLOTS = 96  # two days of half hours: beyond that only the half hours with arrivals

# The attendee's column behind each breakdown.
_COLUMNS: dict[Dimension, str] = {
    "sex": "attendee__gender",
    "age_band": "attendee__birth_year",
    "nationality": "attendee__nationality",
    "legal_status": "attendee__legal_status",
    "city": "attendee__city",
    "language": "attendee__preferred_language",
}
_NOT_STATED_VALUES = frozenset({"", Gender.UNDISCLOSED.value, LegalStatus.UNDISCLOSED.value})
POSTED_OFFER_STATUSES = (OfferStatus.PUBLISHED, OfferStatus.CLOSED)
INTERVIEW_STATUSES = (InterestStatus.INTERVIEWED, InterestStatus.HIRED)

NARRATIVE_FIELDS = ("context", "what_happened", "highlights", "recommendations", "next_steps")
NARRATIVE_MAX_LENGTH = 20_000
TOKEN_BYTES = 32  # secrets.token_urlsafe(32): 43 characters, the column's length
# Bulletins cover years in which the programme could have run; outside, a date is a typo.
FIRST_YEAR, LAST_YEAR = 2000, 2100


class ReportRefused(AppError):
    """The report cannot be published now; `code` says why (`not_ended`)."""

    status_code = 409


# --- small helpers ------------------------------------------------------------------------------


def _local_day(moment: datetime) -> date:
    return moment.astimezone(EVENT_TIMEZONE).date()


def _day_start(day: date) -> datetime:
    """Midnight of `day` in Casablanca, as the aware UTC datetime stored."""
    return datetime.combine(day, time.min, tzinfo=EVENT_TIMEZONE).astimezone(UTC)


def age_band(birth_year: int | None, year: int) -> str:
    """The AGE_BANDS entry of a person born in `birth_year`, in `year`; "" when not stated
    (or when the birth year is after `year`, which is a typo)."""
    if birth_year is None or birth_year > year:
        return ""
    age = year - birth_year
    if age < 18:
        return "under-18"
    if age < 25:
        return "18-24"
    if age < 35:
        return "25-34"
    if age < 45:
        return "35-44"
    return "45+"


def current_semester(today: date) -> tuple[date, date]:
    """The half year `today` is in: 1 January–30 June or 1 July–31 December (inclusive)."""
    if today.month <= 6:
        return date(today.year, 1, 1), date(today.year, 6, 30)
    return date(today.year, 7, 1), date(today.year, 12, 31)


# --- shared aggregates --------------------------------------------------------------------------


async def _breakdowns(registrations: QuerySet[Registration], year: int) -> tuple[Breakdown, ...]:
    """Distinct people per category, one GROUP BY query per dimension.

    Each person has one value per column, so distinct counts per raw value add up correctly
    into merged categories (birth years into age bands, "undisclosed" into "not stated").
    """
    people = registrations.exclude(status=RegistrationStatus.CANCELLED)
    breakdowns: list[Breakdown] = []
    for dimension in DIMENSIONS:
        column = _COLUMNS[dimension]
        rows = (
            await people.annotate(
                registered=Count("attendee_id", distinct=True),
                attended=Count(
                    "attendee_id",
                    distinct=True,
                    _filter=Q(status=RegistrationStatus.CONFIRMED, checked_in_at__isnull=False),
                ),
            )
            .group_by(column)
            .values(column, "registered", "attended")
        )
        merged: dict[str, _People] = defaultdict(_People)
        for row in rows:
            people_in = merged[_category(dimension, row[column], year)]
            people_in.registered += int(row["registered"])
            people_in.attended += int(row["attended"] or 0)
        breakdowns.append(Breakdown(dimension, _ordered_rows(dimension, merged)))
    return tuple(breakdowns)


def _category(dimension: Dimension, value: Any, year: int) -> str:
    if dimension == "age_band":
        return age_band(value, year)
    text = str(value or "").strip()
    return "" if text in _NOT_STATED_VALUES else text


@dataclass
class _People:
    """Distinct people of one category of a breakdown, while the rows are added up."""

    registered: int = 0
    attended: int = 0

    def row(self, key: str) -> BreakdownRow:
        return BreakdownRow(key=key, registered=self.registered, attended=self.attended)


def _ordered_rows(dimension: Dimension, merged: dict[str, _People]) -> tuple[BreakdownRow, ...]:
    """Age bands in their natural order, every band shown (0 included); the other dimensions
    most attended first. "Not stated" always comes last, and only when someone is in it."""
    if dimension == "age_band":
        keys = [*AGE_BANDS, *([""] if "" in merged else [])]
    else:
        stated = [key for key in merged if key]
        stated.sort(key=lambda key: (-merged[key].attended, -merged[key].registered, key))
        keys = [*stated, *([""] if "" in merged else [])]
    return tuple(merged.get(key, _People()).row(key) for key in keys)


async def _pledge_totals(
    event_ids: list[int], today: date
) -> tuple[tuple[PledgeTotal, ...], tuple[EmployerDelivery, ...]]:
    """Pledges made at these events by approved employers, by kind, with what was delivered up
    to `today`; and the same per employer. Two queries; sums in Decimal, in Python (the rows
    are pledges, not people, and SQLite sums decimals as floats)."""
    pledges = await Pledge.filter(
        event_id__in=event_ids, employer__status=EmployerStatus.APPROVED
    ).values("kind", "employer_id", "employer__name", "quantity", "amount_mad")
    deliveries = await Delivery.filter(
        pledge__event_id__in=event_ids,
        pledge__employer__status=EmployerStatus.APPROVED,
        review__in=COUNTED_REVIEWS,
        delivered_on__lte=today,
    ).values("pledge__kind", "pledge__employer_id", "quantity", "amount_mad")
    names = {row["employer_id"]: row["employer__name"] for row in pledges}
    # employer id (None for all of them) → kind → sums
    sums: dict[int | None, dict[PledgeKind, _PledgeSums]] = defaultdict(dict)
    for row in pledges:
        kind = PledgeKind(row["kind"])
        for owner in (None, row["employer_id"]):
            entry = sums[owner].setdefault(kind, _PledgeSums(kind))
            entry.pledges += 1
            entry.pledged += in_unit(kind, row["quantity"], row["amount_mad"])
    for row in deliveries:
        kind = PledgeKind(row["pledge__kind"])
        for owner in (None, row["pledge__employer_id"]):
            if kind in sums[owner]:
                sums[owner][kind].delivered += in_unit(kind, row["quantity"], row["amount_mad"])
    overall = _pledge_rows(sums.get(None, {}))
    employers = sorted(
        (
            EmployerDelivery(names[owner], _pledge_rows(kinds))
            for owner, kinds in sums.items()
            if owner is not None
        ),
        key=lambda line: line.employer.casefold(),
    )
    return overall, tuple(employers)


@dataclass
class _PledgeSums:
    """Pledges of one kind, for every employer or for one, while the rows are added up: what
    was pledged and delivered in the kind's unit (`pledges.in_unit`: dirhams for co-funding,
    places, people or items for the other kinds)."""

    kind: PledgeKind
    pledges: int = 0
    pledged: Decimal = Decimal(0)
    delivered: Decimal = Decimal(0)

    def total(self) -> PledgeTotal:
        money = self.kind.is_money
        return PledgeTotal(
            kind=self.kind,
            pledges=self.pledges,
            quantity=0 if money else int(self.pledged),
            amount_mad=self.pledged if money else Decimal(0),
            delivered_quantity=0 if money else int(self.delivered),
            delivered_amount_mad=self.delivered if money else Decimal(0),
        )


def _pledge_rows(kinds: dict[PledgeKind, _PledgeSums]) -> tuple[PledgeTotal, ...]:
    return tuple(kinds[kind].total() for kind in PledgeKind if kind in kinds)


async def _satisfaction(feedback: QuerySet[Feedback]) -> Satisfaction:
    """Ratings 1–5 as a distribution (one GROUP BY query); other values are ignored."""
    rows = (
        await feedback.annotate(answers=Count("id")).group_by("rating").values("rating", "answers")
    )
    by_rating: Counter[int] = Counter()
    for row in rows:
        by_rating[int(row["rating"])] += int(row["answers"])
    distribution = (by_rating[1], by_rating[2], by_rating[3], by_rating[4], by_rating[5])
    answers = sum(distribution)
    total = sum(rating * count for rating, count in enumerate(distribution, start=1))
    return Satisfaction(
        answers=answers,
        average=total / answers if answers else None,
        distribution=distribution,
    )


# --- an event's figures -------------------------------------------------------------------------


async def event_figures(
    event: Event, *, today: date | None = None, language: str | None = None
) -> EventFigures:
    """Everything counted for `event` (definitions in the module's docstring), with the titles
    in `language` (the current one by default). About twenty aggregate queries.

    `today` bounds the deliveries counted ("delivered to date"); Casablanca's today by default.
    """
    today = today or today_in_morocco()
    language = language or current_language().code
    registrations = Registration.filter(event_id=event.id)
    totals = await registration_totals(registrations)
    organisation = await Organisation.get(id=event.organisation_id)  # type: ignore[attr-defined]
    return EventFigures(
        title=pick_text(event.title, language),
        kind=event.kind,
        city=event.city,
        venue=event.venue,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        organisation=organisation.name,
        registrations=totals.registrations,
        confirmed=totals.confirmed,
        waiting=totals.waiting,
        cancelled=totals.cancelled,
        attended=totals.attended,
        walk_ins=totals.walk_ins,
        show_up_rate=totals.show_up_rate,
        sessions=await _sessions(event, language),
        arrivals=await _arrivals(event),
        breakdowns=await _breakdowns(registrations, _local_day(event.starts_at).year),
        employers=await _employer_figures(event, today),
        feedback=await _feedback_figures(event),
        interviews=await interview_figures(event),
    )


def without_comments(figures: EventFigures) -> EventFigures:
    """The figures a published report may show: the same, less the feedback's comments, which
    can identify a person (a name, a story)."""
    return replace(figures, feedback=replace(figures.feedback, comments=()))


async def _sessions(event: Event, language: str) -> tuple[SessionAttendance, ...]:
    sessions = (
        await Event.filter(parent_id=event.id)
        .exclude(status=EventStatus.DRAFT)
        .order_by("starts_at", "id")
    )
    if not sessions:
        return ()
    rows = (
        await Registration.filter(
            event_id__in=[session.id for session in sessions],
            status=RegistrationStatus.CONFIRMED,
        )
        .annotate(confirmed=Count("id"), attended=Count("checked_in_at"))
        .group_by("event_id")
        .values("event_id", "confirmed", "attended")
    )
    found = {row["event_id"]: (int(row["confirmed"]), int(row["attended"] or 0)) for row in rows}
    return tuple(
        SessionAttendance(
            pick_text(session.title, language),
            session.starts_at,
            session.capacity,
            *found.get(session.id, (0, 0)),
        )
        for session in sessions
    )


async def _arrivals(event: Event) -> tuple[ArrivalSlot, ...]:
    """Attended people per half hour of their check-in, from the first half hour with an arrival
    to the last, the empty ones between included (unless that spans over MAX_FILLED_SLOTS)."""
    dialect = connections.get("default").capabilities.dialect
    rows = (
        await Registration.filter(
            event_id=event.id,
            status=RegistrationStatus.CONFIRMED,
            checked_in_at__isnull=False,
        )
        .annotate(slot=RawSQL(_SLOT_SQL[dialect]), arrivals=Count("id"))
        .group_by("slot")
        .values("slot", "arrivals")
    )
    counts = {int(row["slot"]): int(row["arrivals"]) for row in rows}
    if not counts:
        return ()
    first, last = min(counts), max(counts)
    slots = range(first, last + 1) if last - first < MAX_FILLED_SLOTS else sorted(counts)
    return tuple(
        ArrivalSlot(
            datetime.fromtimestamp(slot * SLOT_SECONDS, UTC).astimezone(EVENT_TIMEZONE),
            counts.get(slot, 0),
        )
        for slot in slots
    )


async def _employer_figures(event: Event, today: date) -> EmployerFigures:
    present = await Exhibitor.filter(
        event_id=event.id,
        status=ExhibitorStatus.CONFIRMED,
        employer__status=EmployerStatus.APPROVED,
    ).values_list("employer_id", flat=True)
    pledges, _ = await _pledge_totals([event.id], today)
    if not present:
        return EmployerFigures(0, pledges, 0, 0, 0, 0)
    offers = Offer.filter(employer_id__in=list(present), status__in=POSTED_OFFER_STATUSES)
    # The people of this event only: an employer at several fairs must not have the same hires
    # claimed by every report.
    participants = Subquery(Registration.filter(event_id=event.id).values("attendee_id"))
    interests = (
        await Interest.filter(
            offer__employer_id__in=list(present),
            offer__status__in=POSTED_OFFER_STATUSES,
            attendee_id__in=participants,
        )
        .annotate(count=Count("id"))
        .group_by("status")
        .values("status", "count")
    )
    by_status = {row["status"]: int(row["count"]) for row in interests}
    return EmployerFigures(
        present=len(present),
        pledges=pledges,
        offers_posted=await offers.count(),
        interests=sum(by_status.values()),
        interviews=sum(by_status.get(status, 0) for status in INTERVIEW_STATUSES),
        hires=by_status.get(InterestStatus.HIRED, 0),
    )


async def _feedback_figures(event: Event) -> FeedbackFigures:
    feedback = Feedback.filter(event_id=event.id)
    comments = (
        await feedback.exclude(comment="")
        .order_by("created_at", "id")
        .values_list("comment", flat=True)
    )
    return FeedbackFigures(
        attendees=await _satisfaction(feedback.filter(registration_id__isnull=False)),
        exhibitors=await _satisfaction(feedback.filter(exhibitor_id__isnull=False)),
        comments=tuple(text.strip() for text in comments if text.strip()),
    )


# --- the programme bulletin ---------------------------------------------------------------------


async def programme_figures(
    organisation: Organisation,
    start: date,
    end: date,
    *,
    today: date | None = None,
) -> ProgrammeFigures:
    """The organisation's indicators over the events starting from `start` to `end` (both
    inclusive, Casablanca dates), fairs and their sessions alike, drafts left out.

    Registrations, attended and walk-ins add up over events (a person at a fair and at one of
    its workshops is two registrations); `people` and the breakdowns count distinct people, aged
    in the year of `start`. About fifteen aggregate queries.
    """
    today = today or today_in_morocco()
    events = (
        await Event.filter(
            organisation_id=organisation.id,
            starts_at__gte=_day_start(start),
            starts_at__lt=_day_start(end + timedelta(days=1)),
        )
        .exclude(status=EventStatus.DRAFT)
        .values("id", "city", "kind")
    )
    event_ids = [row["id"] for row in events]
    if not event_ids:
        return _empty_programme(organisation, start, end)
    registrations = Registration.filter(event_id__in=event_ids)
    totals = await registration_totals(registrations)
    people = (
        await registrations.filter(status=RegistrationStatus.CONFIRMED, checked_in_at__isnull=False)
        .annotate(people=Count("attendee_id", distinct=True))
        .values("people")
    )
    per_event = (
        await registrations.annotate(
            registrations=Count("id"),
            attended=Count(
                "id", _filter=Q(status=RegistrationStatus.CONFIRMED, checked_in_at__isnull=False)
            ),
        )
        .group_by("event_id")
        .values("event_id", "registrations", "attended")
    )
    counts = {
        row["event_id"]: (int(row["registrations"]), int(row["attended"] or 0)) for row in per_event
    }
    pledges, employers = await _pledge_totals(event_ids, today)
    return ProgrammeFigures(
        organisation=organisation.name,
        period_start=start,
        period_end=end,
        events=len(event_ids),
        registrations=totals.registrations,
        confirmed=totals.confirmed,
        attended=totals.attended,
        walk_ins=totals.walk_ins,
        show_up_rate=totals.show_up_rate,
        people=int(people[0]["people"] or 0) if people else 0,
        by_city=_lines(events, "city", counts),
        by_kind=_lines(events, "kind", counts),
        breakdowns=await _breakdowns(registrations, start.year),
        pledges=pledges,
        employers=employers,
        satisfaction=await _satisfaction(
            Feedback.filter(event_id__in=event_ids, registration_id__isnull=False)
        ),
    )


@dataclass
class _LineSums:
    """One city or event kind of the bulletin, while the events are added up."""

    events: int = 0
    registrations: int = 0
    attended: int = 0

    def line(self, key: str) -> ProgrammeLine:
        return ProgrammeLine(
            key=key, events=self.events, registrations=self.registrations, attended=self.attended
        )


def _lines(
    events: Iterable[dict[str, Any]], column: str, counts: dict[int, tuple[int, int]]
) -> tuple[ProgrammeLine, ...]:
    """Events, registrations and attended per city or per kind, most attended first."""
    sums: dict[str, _LineSums] = defaultdict(_LineSums)
    for row in events:
        line = sums[row[column]]  # a city, or an EventKind (which templates name with `|label`)
        registered, attended = counts.get(row["id"], (0, 0))
        line.events += 1
        line.registrations += registered
        line.attended += attended
    ordered = sorted(sums, key=lambda key: (-sums[key].attended, -sums[key].registrations, key))
    return tuple(sums[key].line(key) for key in ordered)


def _empty_programme(organisation: Organisation, start: date, end: date) -> ProgrammeFigures:
    return ProgrammeFigures(
        organisation=organisation.name,
        period_start=start,
        period_end=end,
        events=0,
        registrations=0,
        confirmed=0,
        attended=0,
        walk_ins=0,
        show_up_rate=None,
        people=0,
        by_city=(),
        by_kind=(),
        breakdowns=tuple(
            Breakdown(dimension, _ordered_rows(dimension, {})) for dimension in DIMENSIONS
        ),
        pledges=(),
        employers=(),
        satisfaction=Satisfaction(answers=0, average=None, distribution=(0, 0, 0, 0, 0)),
    )


def bulletin_period(start: str, end: str, *, today: date | None = None) -> tuple[date, date]:
    """The period typed in the bulletin's form (ISO dates, YYYY-MM-DD); an empty pair is the
    current semester, an empty side takes that side of it.

    Raises ValidationFailed on `start` or `end`: not a date, out of FIRST_YEAR–LAST_YEAR, or an
    end before the start.
    """
    default_start, default_end = current_semester(today or today_in_morocco())
    errors: dict[str, str] = {}
    parsed: dict[str, date] = {}
    for name, text, default in (("start", start, default_start), ("end", end, default_end)):
        text = text.strip()
        if not text:
            parsed[name] = default
            continue
        try:
            # fromisoformat also takes "20260101" and week dates: keep to what the form sends.
            day = date.fromisoformat(text) if len(text) == 10 and text.isascii() else None
        except ValueError:
            day = None
        if day is None:
            errors[name] = lazy("Enter a date such as 2026-01-31.")
        elif not FIRST_YEAR <= day.year <= LAST_YEAR:
            errors[name] = lazy("Enter a date between 2000 and 2100.")
        else:
            parsed[name] = day
    if not errors and parsed["end"] < parsed["start"]:
        errors["end"] = lazy("The end of the period must not be before its start.")
    if errors:
        raise ValidationFailed(errors)
    return parsed["start"], parsed["end"]


# --- the organiser's verbs on a report ----------------------------------------------------------


@dataclass
class ReportForm:
    """The narrative as typed in the editor, the language it is written in, and the funders
    ticked for the cover (their ids, as sent)."""

    context: str = ""
    what_happened: str = ""
    highlights: str = ""
    recommendations: str = ""
    next_steps: str = ""
    language: str = ""
    funders: tuple[str, ...] = ()

    @classmethod
    def from_report(
        cls, report: SynthesisReport | None, funders: Sequence[Funder] = ()
    ) -> ReportForm:
        """The saved report as a form, with the funders on its cover (`report_funders`)."""
        if report is None:
            return cls(language=current_language().code)
        return cls(
            **{name: getattr(report, name) for name in NARRATIVE_FIELDS},
            language=report.language,
            funders=tuple(str(funder.id) for funder in funders),
        )

    @property
    def narrative(self) -> Narrative:
        return Narrative(**{name: getattr(self, name).strip() for name in NARRATIVE_FIELDS})


def narrative_of(report: SynthesisReport | None) -> Narrative:
    """The saved narrative of a report (empty when none was written)."""
    return ReportForm.from_report(report).narrative


def check_report_form(form: ReportForm) -> None:
    """Raise ValidationFailed for a text over NARRATIVE_MAX_LENGTH or an unknown language."""
    errors: dict[str, str] = {
        name: lazy("This text is too long.")
        for name in NARRATIVE_FIELDS
        if len(getattr(form, name)) > NARRATIVE_MAX_LENGTH
    }
    if form.language not in LANGUAGES:
        errors["language"] = lazy("Choose a language from the list.")
    if errors:
        raise ValidationFailed(errors)


async def event_report(event: Event) -> SynthesisReport | None:
    """The event's report, if the organisers have started one."""
    return await SynthesisReport.get_or_none(event_id=event.id)


async def report_funders(report: SynthesisReport | None) -> list[Funder]:
    """The funders on the report's cover, in the organisers' order (none by default)."""
    if report is None:
        return []
    rows = (
        await ReportFunder.filter(report_id=report.id)
        .order_by("position", "id")
        .select_related("funder")
    )
    return [row.funder for row in rows]


async def cover_funders(event: Event, ids: Sequence[str]) -> list[Funder]:
    """The funders of the event's organisation with these ids, in the order given: what the
    cover shows for a form. Raises ValidationFailed (`funders`) for any other id."""
    wanted = list(dict.fromkeys(ids))
    found: dict[int, Funder] = {}
    if wanted and all(id_.isdigit() and len(id_) <= 9 for id_ in wanted):
        funders = await Funder.filter(
            organisation_id=event.organisation_id,  # type: ignore[attr-defined]
            id__in=[int(id_) for id_ in wanted],
        )
        found = {funder.id: funder for funder in funders}
    if len(found) != len(wanted):
        raise ValidationFailed({"funders": lazy("Choose funders from the list.")})
    return [found[int(id_)] for id_ in wanted]


async def save_narrative(event: Event, form: ReportForm, *, by: User | None) -> SynthesisReport:
    """Save the narrative and the funders on the cover (a published report shows them at
    once); logs `report.narrative.saved` with the names of the changed parts. Raises
    ValidationFailed."""
    check_report_form(form)
    funders = await cover_funders(event, form.funders)
    values: dict[str, Any] = {name: getattr(form, name).strip() for name in NARRATIVE_FIELDS}
    values["language"] = form.language
    async with in_transaction():
        report, _ = await SynthesisReport.get_or_create(event_id=event.id)
        changed = sorted(name for name, value in values.items() if getattr(report, name) != value)
        report.update_from_dict(values)
        await report.save()
        if [funder.id for funder in await report_funders(report)] != [f.id for f in funders]:
            await ReportFunder.filter(report_id=report.id).delete()
            await ReportFunder.bulk_create(
                [
                    ReportFunder(report_id=report.id, funder_id=funder.id, position=position)
                    for position, funder in enumerate(funders)
                ]
            )
            changed.append("funders")
        await log_event_action("report.narrative.saved", event, by, {"fields": changed})
    return report


def has_ended(event: Event, *, now: datetime | None = None) -> bool:
    """Whether the event is over, so that its report may be published."""
    return event.ends_at <= (now or datetime.now(UTC))


async def publish_report(
    event: Event, *, by: User | None, now: datetime | None = None
) -> SynthesisReport:
    """Publish the event's report at its public link; logs `report.published`.

    Only once the event has ended. The link's token is made on the first publication and kept
    afterwards, so a link given out before an unpublish works again after a re-publish.
    Raises ReportRefused `not_ended`.
    """
    if not has_ended(event, now=now):
        raise ReportRefused(
            lazy("A report can be published once the event has ended."), code="not_ended"
        )
    async with in_transaction():
        report, _ = await SynthesisReport.get_or_create(event_id=event.id)
        report.public_token = report.public_token or secrets.token_urlsafe(TOKEN_BYTES)
        report.status = ReportStatus.PUBLISHED
        report.published_at = now or datetime.now(UTC)
        await report.save()
        await log_event_action("report.published", event, by, {})
    return report


async def unpublish_report(event: Event, *, by: User | None) -> SynthesisReport | None:
    """Take the report off its public link (the link answers 404 until it is published again);
    logs `report.unpublished`. Nothing happens to a report that is not published."""
    async with in_transaction():
        report = await SynthesisReport.get_or_none(event_id=event.id)
        if report is None or report.status != ReportStatus.PUBLISHED:
            return report
        report.status = ReportStatus.DRAFT
        report.published_at = None
        await report.save()
        await log_event_action("report.unpublished", event, by, {})
    return report


async def published_report(token: str) -> SynthesisReport:
    """The published report at a public link, with its event; NotFound for an unknown token and
    for a report that is not (or no longer) published."""
    report = (
        await SynthesisReport.filter(public_token=token, status=ReportStatus.PUBLISHED)
        .select_related("event")
        .first()
    )
    if report is None or not token:
        raise NotFound(lazy("This report does not exist or is not published."))
    return report
