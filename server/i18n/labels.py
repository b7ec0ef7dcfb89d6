"""Display names of the domain's vocabularies, as messages to translate."""

from __future__ import annotations

from enum import StrEnum
from functools import cache

from babel import Locale

from server.i18n import BABEL_LOCALES, gettext, lazy
from server.models.enums import (
    CompanySize,
    ContractType,
    DeliveryReview,
    EducationLevel,
    EmployerStatus,
    EventKind,
    EventStatus,
    ExhibitorStatus,
    Gender,
    InterestStatus,
    InterviewAudience,
    InterviewBookingStatus,
    InterviewOutcome,
    LegalStatus,
    OfferStatus,
    PledgeKind,
    PledgeStatus,
    QuestionKind,
    RegistrationSource,
    RegistrationStatus,
    ReportStatus,
    Role,
)

_NAMED: list[tuple[StrEnum, str]] = [
    (EventKind.JOB_FAIR, lazy("Job fair")),
    (EventKind.WORKSHOP, lazy("Workshop")),
    (EventKind.SIDE_EVENT, lazy("Side event")),
    (EventKind.TRAINING, lazy("Training")),
    (EventKind.INFO_SESSION, lazy("Information session")),
    (EventStatus.DRAFT, lazy("Draft")),
    (EventStatus.PUBLISHED, lazy("Published")),
    (EventStatus.CLOSED, lazy("Closed")),
    (EventStatus.CANCELLED, lazy("Called off")),
    (EventStatus.ARCHIVED, lazy("Archived")),
    (Role.OWNER, lazy("Owner")),
    (Role.ORGANISER, lazy("Organiser")),
    (Role.CHECKIN, lazy("Check-in staff")),
    (Gender.FEMALE, lazy("Woman")),
    (Gender.MALE, lazy("Man")),
    (Gender.OTHER, lazy("Other")),
    (Gender.UNDISCLOSED, lazy("I prefer not to say")),
    (LegalStatus.REGULARISED, lazy("Regularised (residence permit)")),
    (LegalStatus.REFUGEE, lazy("Refugee")),
    (LegalStatus.ASYLUM_SEEKER, lazy("Asylum seeker")),
    (LegalStatus.OTHER, lazy("Other situation")),
    (LegalStatus.UNDISCLOSED, lazy("I prefer not to say")),
    (EducationLevel.NONE, lazy("No schooling")),
    (EducationLevel.PRIMARY, lazy("Primary school")),
    (EducationLevel.SECONDARY, lazy("Secondary school")),
    (EducationLevel.VOCATIONAL, lazy("Vocational training")),
    (EducationLevel.HIGHER, lazy("University")),
    (EducationLevel.UNDISCLOSED, lazy("I prefer not to say")),
    (RegistrationStatus.PENDING, lazy("Awaiting approval")),
    (RegistrationStatus.CONFIRMED, lazy("Confirmed")),
    (RegistrationStatus.WAITLISTED, lazy("On the waiting list")),
    (RegistrationStatus.CANCELLED, lazy("Cancelled")),
    (QuestionKind.TEXT, lazy("Short text")),
    (QuestionKind.CHOICE, lazy("Choice from a list")),
    (QuestionKind.YES_NO, lazy("Yes or no")),
]

# Moroccan cities where most programmes work; the sign-up form also accepts another city.
CITIES = (
    "Casablanca",
    "Rabat",
    "Salé",
    "Tanger",
    "Tétouan",
    "Oujda",
    "Nador",
    "Fès",
    "Meknès",
    "Marrakech",
    "Agadir",
    "Laâyoune",
)

SECTORS: dict[str, str] = {
    "construction": lazy("Construction"),
    "hospitality": lazy("Hotels and restaurants"),
    "call_centres": lazy("Call centres"),
    "textile": lazy("Textile and clothing"),
    "agriculture": lazy("Agriculture and food"),
    "logistics": lazy("Transport and logistics"),
    "digital": lazy("Digital and IT"),
    "care": lazy("Care and domestic services"),
    "retail": lazy("Shops and sales"),
    "crafts": lazy("Crafts and repairs"),
}

SPOKEN_LANGUAGES: dict[str, str] = {
    "ar": lazy("Arabic"),
    "fr": lazy("French"),
    "en": lazy("English"),
    "es": lazy("Spanish"),
    "pt": lazy("Portuguese"),
    "wo": lazy("Wolof"),
    "ff": lazy("Fula"),
    "bm": lazy("Bambara"),
    "ln": lazy("Lingala"),
}


def sector_name(key: str) -> str:
    """A sector's display name; a key we do not know (typed before the list existed) as is."""
    return gettext(SECTORS[key]) if key in SECTORS else key


def label(value: StrEnum) -> str:
    """The translated display name of an enum value (its raw value when none is defined)."""
    message = _labels().get((type(value), value.value))
    return gettext(message) if message else str(value)


@cache
def _labels() -> dict[tuple[type[StrEnum], str], str]:
    # Keyed by the enum class too: a StrEnum member equals its string, so "confirmed" of two
    # vocabularies would otherwise be one key and one would show the other's name.
    return {(type(value), value.value): message for value, message in _NAMED}


NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "XA", "XB", "XK", "ZZ"})


@cache
def countries(language: str) -> tuple[tuple[str, str], ...]:
    """(ISO code, name in `language`) of every country, by name."""
    names = Locale.parse(BABEL_LOCALES.get(language, language)).territories
    return tuple(
        sorted(
            (
                (code, name)
                for code, name in names.items()
                if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES
            ),
            key=lambda item: item[1],
        )
    )


# How a registration came in, for the organiser's attendee list and its exports.
_NAMED.extend(
    [
        (RegistrationSource.ONLINE, lazy("Online")),
        (RegistrationSource.WALK_IN, lazy("Walk-in")),
        (RegistrationSource.IMPORT, lazy("Import")),
    ]
)

# The employer portal's vocabularies.
_NAMED.extend(
    [
        (EmployerStatus.PENDING, lazy("Awaiting review")),
        (EmployerStatus.APPROVED, lazy("Approved")),
        (EmployerStatus.REJECTED, lazy("Rejected")),
        (CompanySize.MICRO, lazy("1 to 9 employees")),
        (CompanySize.SMALL, lazy("10 to 49 employees")),
        (CompanySize.MEDIUM, lazy("50 to 249 employees")),
        (CompanySize.LARGE, lazy("250 employees or more")),
        (ExhibitorStatus.REQUESTED, lazy("Requested")),
        (ExhibitorStatus.CONFIRMED, lazy("Confirmed")),
        (ExhibitorStatus.DECLINED, lazy("Declined")),
        (PledgeKind.INTERNSHIP, lazy("Internships")),
        (PledgeKind.JOB, lazy("Jobs")),
        (PledgeKind.MENTORING, lazy("Mentoring places")),
        (PledgeKind.TRAINING, lazy("Training places")),
        (PledgeKind.CO_FUNDING, lazy("Co-funding")),
        (PledgeKind.IN_KIND, lazy("In-kind support")),
        (PledgeKind.OTHER, lazy("Other commitment")),
        (PledgeStatus.PLEDGED, lazy("Pledged")),
        (PledgeStatus.IN_PROGRESS, lazy("In progress")),
        (PledgeStatus.FULFILLED, lazy("Fulfilled")),
        (PledgeStatus.OVERDUE, lazy("Overdue")),
        (DeliveryReview.UNREVIEWED, lazy("Not reviewed")),
        (DeliveryReview.CONFIRMED, lazy("Confirmed by the organisers")),
        (DeliveryReview.QUESTIONED, lazy("Questioned by the organisers")),
        (ContractType.INTERNSHIP, lazy("Internship")),
        (ContractType.FIXED_TERM, lazy("Fixed-term contract")),
        (ContractType.PERMANENT, lazy("Permanent contract")),
        (ContractType.APPRENTICESHIP, lazy("Apprenticeship")),
        (ContractType.FREELANCE, lazy("Freelance")),
        (OfferStatus.DRAFT, lazy("Draft")),
        (OfferStatus.SUBMITTED, lazy("Awaiting review")),
        (OfferStatus.PUBLISHED, lazy("Published")),
        (OfferStatus.REJECTED, lazy("Rejected")),
        (OfferStatus.CLOSED, lazy("Closed")),
        (InterestStatus.INTERESTED, lazy("Interested")),
        (InterestStatus.SHORTLISTED, lazy("Shortlisted")),
        (InterestStatus.INTERVIEWED, lazy("Interviewed")),
        (InterestStatus.HIRED, lazy("Hired")),
        (InterestStatus.REJECTED, lazy("Not retained")),
        (ReportStatus.DRAFT, lazy("Draft")),
        (ReportStatus.PUBLISHED, lazy("Published")),
    ]
)

# Interviews at a fair's booths.
_NAMED.extend(
    [
        (InterviewAudience.INTERESTED, lazy("People who showed interest in the offer")),
        (InterviewAudience.REGISTERED, lazy("Anyone registered for the fair")),
        (InterviewAudience.INVITED, lazy("Only the candidates we invite")),
        (InterviewBookingStatus.BOOKED, lazy("Booked")),
        (InterviewBookingStatus.CANCELLED, lazy("Cancelled")),
        (InterviewOutcome.NO_SHOW, lazy("Did not come")),
        (InterviewOutcome.INTERVIEWED, lazy("Interviewed")),
        (InterviewOutcome.SHORTLISTED, lazy("Shortlisted")),
        (InterviewOutcome.OFFER_MADE, lazy("Offer made")),
        (InterviewOutcome.HIRED, lazy("Hired")),
    ]
)
