"""Leads: the visitors whose badge an employer scanned at its booth, and its notes on them.

An employer confirmed at a fair scans a badge (camera, hand-held scanner or typed serial) the
way a door does (`server.services.door.checkin.read_scanned_code`): a badge of the fair or of one of
its sessions names a visitor of that fair; garbage is `invalid`, a badge of an unrelated event
`wrong_event`, a genuine code with nobody behind it `not_found`, a cancelled registration
`cancelled`. A scan records one Lead per booth and registration (scanning again finds it) with
whether the visitor agreed to share their profile at that scan.

What the employer sees of a visitor goes through `shared_profile()` only, and only when the
lead was shared: the name, city, languages, education and sectors of interest — or nothing but
"visitor without a shared profile". Never nationality, legal status, phone, e-mail, gender or
age, on a page or in an export.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from tortoise.exceptions import IntegrityError
from tortoise.functions import Count

from server.documents.tables import Cell
from server.errors import AppError, NotFound, ValidationFailed
from server.i18n import gettext, lazy
from server.i18n.labels import SECTORS, SPOKEN_LANGUAGES, label
from server.models import Employer, Event, Exhibitor, Lead, Registration, User
from server.models.enums import (
    CheckInResult,
    EducationLevel,
    ExhibitorStatus,
    RegistrationStatus,
)
from server.services.door.checkin import MESSAGES, read_scanned_code, same_fair
from server.services.employers.shared_profile import SharedProfile, shared_profile
from server.services.events.catalogue import PUBLIC_STATUSES
from server.values.clock import EVENT_TIMEZONE
from server.values.numbers import parse_count

NOTE_MAX_LENGTH = 2000
RATINGS = range(1, 5)
SCANNED = "ok"
ALREADY_SCANNED = "already_scanned"

ADDED = lazy("Added to your leads.")
ALREADY_ADDED = lazy("Already in your leads.")
WITHOUT_PROFILE = lazy("Visitor without a shared profile")
NOT_CONFIRMED = lazy("Your booth at this fair is not confirmed: you cannot scan visitors.")
FAIR_NOT_OPEN = lazy("This fair is not open: badges can no longer be scanned.")
NOTE_TOO_LONG = lazy("Write the note in 2000 characters at most.")
BAD_RATING = lazy("Choose a rating from 1 to 4, or none.")
UNKNOWN_BOOTH = lazy("You have no confirmed booth at this fair.")
UNKNOWN_LEAD = lazy("This lead does not exist.")
EXPORT_HEADERS = (
    lazy("Visitor"),
    lazy("City"),
    lazy("Languages"),
    lazy("Education"),
    lazy("Sectors of interest"),
    lazy("Note"),
    lazy("Rating"),
    lazy("Scanned at"),
)


class LeadScanRefused(AppError):
    """The booth may not scan: `not_confirmed`, or `fair_not_open` (draft or archived fair)."""

    status_code = 409


@dataclass(frozen=True)
class LeadScan:
    """The answer to one scan at a booth, for its result card.

    `result` is `ok` (a new lead), `already_scanned`, or why the badge names no visitor of this
    fair (`invalid`, `wrong_event`, `not_found`, `cancelled`). `message` is an English msgid.
    `profile` is what the employer may see, None for a visitor without a shared profile.
    """

    result: str
    message: str
    profile: SharedProfile | None = None
    lead_id: int | None = None

    @property
    def saved(self) -> bool:
        return self.lead_id is not None


def _refused(result: CheckInResult) -> LeadScan:
    return LeadScan(result.value, MESSAGES[result])


async def confirmed_booth(employer: Employer, event_id: int) -> Exhibitor:
    """The employer's confirmed booth at a fair, with the fair; NotFound otherwise (no booth,
    a request still waiting or declined, another employer's fair alike)."""
    exhibitor = (
        await Exhibitor.filter(
            employer_id=employer.id, event_id=event_id, status=ExhibitorStatus.CONFIRMED
        )
        .select_related("event")
        .first()
    )
    if exhibitor is None:
        raise NotFound(UNKNOWN_BOOTH)
    return exhibitor


async def scan_lead(
    exhibitor: Exhibitor, code: str, *, secret_key: str, by: User | None = None
) -> LeadScan:
    """Record the visitor whose badge code or serial was read at the booth, and say what the
    employer may see of them. Scanning a visitor again finds the same lead (and records whether
    they share their profile now). Raises LeadScanRefused (`not_confirmed`, `fair_not_open`);
    a code that names no visitor of the fair is an answer, not an error."""
    if exhibitor.status != ExhibitorStatus.CONFIRMED:
        raise LeadScanRefused(NOT_CONFIRMED, code="not_confirmed")
    fair = await Event.get(id=exhibitor.event_id)  # type: ignore[attr-defined]
    if fair.status not in PUBLIC_STATUSES:
        raise LeadScanRefused(FAIR_NOT_OPEN, code="fair_not_open")
    found = await _fair_registration(fair, code, secret_key)
    if isinstance(found, CheckInResult):
        return _refused(found)
    attendee = found.attendee
    sharing = attendee.consent_share_at is not None
    lead = await Lead.get_or_none(exhibitor_id=exhibitor.id, registration_id=found.id)
    created = lead is None
    if lead is None:
        try:
            lead = await Lead.create(
                exhibitor_id=exhibitor.id,
                registration_id=found.id,
                shared_profile=sharing,
                scanned_by_id=by.id if by else None,
            )
        except IntegrityError:  # the same badge scanned twice at once at this booth
            lead = await Lead.get(exhibitor_id=exhibitor.id, registration_id=found.id)
            created = False
    if lead.shared_profile != sharing:
        await Lead.filter(id=lead.id).update(shared_profile=sharing)
    return LeadScan(
        SCANNED if created else ALREADY_SCANNED,
        ADDED if created else ALREADY_ADDED,
        shared_profile(attendee) if sharing else None,
        lead.id,
    )


async def _fair_registration(
    fair: Event, code: str, secret_key: str
) -> Registration | CheckInResult:
    """The registration (with its attendee) a code names at `fair` or its sessions: the
    person's registration for the fair itself when they hold one, else the session's."""
    found = await read_scanned_code(code, secret_key)
    if isinstance(found, CheckInResult):
        return found
    if found.event_id != fair.id and not await same_fair(fair, found.event_id):
        return CheckInResult.WRONG_EVENT
    registration = found.registration
    if registration is None:
        return CheckInResult.NOT_FOUND
    if registration.event_id != fair.id:  # type: ignore[attr-defined]
        at_fair = await (
            Registration.filter(event_id=fair.id, attendee_id=registration.attendee_id)  # type: ignore[attr-defined]
            .exclude(status=RegistrationStatus.CANCELLED)
            .select_related("attendee")
            .first()
        )
        registration = at_fair or registration
    if registration.status == RegistrationStatus.CANCELLED:
        return CheckInResult.CANCELLED
    return registration


# --- the employer's list of leads ---------------------------------------------------------------


@dataclass(frozen=True)
class LeadRow:
    """A lead as its employer sees it: the shared profile or None, and its own note."""

    lead_id: int
    profile: SharedProfile | None
    note: str
    rating: int | None
    scanned_at: datetime


def _row(lead: Lead) -> LeadRow:
    attendee = lead.registration.attendee
    return LeadRow(
        lead.id,
        shared_profile(attendee) if lead.shared_profile else None,
        lead.note,
        lead.rating,
        lead.created_at,
    )


async def fair_leads(exhibitor: Exhibitor) -> list[LeadRow]:
    """The booth's leads, latest scan first (one query)."""
    leads = (
        await Lead.filter(exhibitor_id=exhibitor.id)
        .select_related("registration__attendee")
        .order_by("-created_at", "-id")
    )
    return [_row(lead) for lead in leads]


async def fair_lead(exhibitor: Exhibitor, lead_id: int) -> LeadRow:
    """One of the booth's leads; NotFound for another booth's."""
    lead = (
        await Lead.filter(id=lead_id, exhibitor_id=exhibitor.id)
        .select_related("registration__attendee")
        .first()
    )
    if lead is None:
        raise NotFound(UNKNOWN_LEAD)
    return _row(lead)


async def annotate_lead(exhibitor: Exhibitor, lead_id: int, note: str, rating: str) -> LeadRow:
    """Save the employer's note and rating (1 to 4, or "" for none) on one of its leads.
    Raises NotFound for another booth's lead, ValidationFailed (`note`, `rating`)."""
    await fair_lead(exhibitor, lead_id)
    note = note.strip()
    errors: dict[str, str] = {}
    if len(note) > NOTE_MAX_LENGTH:
        errors["note"] = NOTE_TOO_LONG
    stars: int | None = None
    if rating.strip():
        stars = parse_count(rating)
        if stars not in RATINGS:
            errors["rating"] = BAD_RATING
    if errors:
        raise ValidationFailed(errors)
    await Lead.filter(id=lead_id, exhibitor_id=exhibitor.id).update(note=note, rating=stars)
    return await fair_lead(exhibitor, lead_id)


# --- what the employer reads: pages and exports ---------------------------------------------------


@dataclass(frozen=True)
class ProfileText:
    """A shared profile in the reader's language ("" for what the visitor did not say)."""

    name: str
    city: str
    languages: str
    education: str
    sectors: str


def profile_text(profile: SharedProfile) -> ProfileText:
    """Display names of a shared profile's codes, in the current language."""
    return ProfileText(
        name=profile.name,
        city=profile.city,
        languages=", ".join(_name(SPOKEN_LANGUAGES, code) for code in profile.languages),
        # "I prefer not to say" is the visitor's answer to a form, not something to show.
        education=""
        if profile.education_level == EducationLevel.UNDISCLOSED
        else label(profile.education_level),
        sectors=", ".join(_name(SECTORS, code) for code in profile.sectors),
    )


def _name(names: dict[str, str], code: str) -> str:
    return gettext(names[code]) if code in names else code


def export_table(rows: Sequence[LeadRow]) -> tuple[list[str], list[list[Cell]]]:
    """Headers and cells of the booth's export, in the reader's language, times in Morocco's
    time zone. A visitor without a shared profile is that phrase and the employer's own note,
    rating and time: nothing of the person."""
    headers = [gettext(header) for header in EXPORT_HEADERS]
    cells: list[list[Cell]] = []
    for row in rows:
        if row.profile is None:
            person: list[Cell] = [gettext(WITHOUT_PROFILE), "", "", "", ""]
        else:
            text = profile_text(row.profile)
            person = [text.name, text.city, text.languages, text.education, text.sectors]
        cells.append([*person, row.note, row.rating, row.scanned_at.astimezone(EVENT_TIMEZONE)])
    return headers, cells


# --- the employer's dashboard ---------------------------------------------------------------------


@dataclass(frozen=True)
class FairLeads:
    """One fair of an employer: its request or booth, and how many visitors it scanned."""

    event: Event
    exhibitor: Exhibitor
    shared: int  # leads who shared their profile
    not_shared: int

    @property
    def booth_label(self) -> str:
        return self.exhibitor.booth_label

    @property
    def status(self) -> ExhibitorStatus:
        return self.exhibitor.status

    @property
    def total(self) -> int:
        return self.shared + self.not_shared


async def leads_per_fair(employer: Employer) -> list[FairLeads]:
    """Every fair the employer asked a booth at (any status), latest fair first, with its lead
    counts (two queries)."""
    exhibitors = (
        await Exhibitor.filter(employer_id=employer.id)
        .select_related("event")
        .order_by("-event__starts_at", "-id")
    )
    counts = (
        await Lead.filter(exhibitor__employer_id=employer.id)
        .annotate(leads=Count("id"))
        .group_by("exhibitor_id", "shared_profile")
        .values("exhibitor_id", "shared_profile", "leads")
    )
    tally: dict[tuple[int, bool], int] = {
        (row["exhibitor_id"], bool(row["shared_profile"])): row["leads"] for row in counts
    }
    return [
        FairLeads(
            exhibitor.event,
            exhibitor,
            tally.get((exhibitor.id, True), 0),
            tally.get((exhibitor.id, False), 0),
        )
        for exhibitor in exhibitors
    ]
