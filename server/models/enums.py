"""Closed vocabularies of the domain, stored as short strings."""

from enum import StrEnum


class Role(StrEnum):
    """What a staff member may do within one organisation."""

    OWNER = "owner"
    ORGANISER = "organiser"
    CHECKIN = "checkin"


class EmployerRole(StrEnum):
    ADMIN = "admin"
    STAFF = "staff"


class Gender(StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNDISCLOSED = "undisclosed"


class LegalStatus(StrEnum):
    REGULARISED = "regularised"
    REFUGEE = "refugee"
    ASYLUM_SEEKER = "asylum_seeker"
    OTHER = "other"
    UNDISCLOSED = "undisclosed"


class EducationLevel(StrEnum):
    NONE = "none"
    PRIMARY = "primary"
    SECONDARY = "secondary"
    VOCATIONAL = "vocational"
    HIGHER = "higher"
    UNDISCLOSED = "undisclosed"


class EventKind(StrEnum):
    JOB_FAIR = "job_fair"
    WORKSHOP = "workshop"
    SIDE_EVENT = "side_event"
    TRAINING = "training"
    INFO_SESSION = "info_session"


class EventStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CLOSED = "closed"
    CANCELLED = "cancelled"  # called off: the people registered were told
    ARCHIVED = "archived"


class RegistrationStatus(StrEnum):
    PENDING = "pending"  # waiting for the organiser's approval
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


class RegistrationSource(StrEnum):
    ONLINE = "online"
    WALK_IN = "walk-in"
    IMPORT = "import"


class QuestionKind(StrEnum):
    TEXT = "text"
    CHOICE = "choice"
    YES_NO = "yes_no"


class CheckInKind(StrEnum):
    ENTRY = "entry"
    UNDO = "undo"
    REFUSED = "refused"


class CheckInResult(StrEnum):
    OK = "ok"
    ALREADY_CHECKED_IN = "already_checked_in"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    WRONG_EVENT = "wrong_event"
    CANCELLED = "cancelled"
    WAITLISTED = "waitlisted"


class EmployerStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class CompanySize(StrEnum):
    MICRO = "1-9"
    SMALL = "10-49"
    MEDIUM = "50-249"
    LARGE = "250+"


class ExhibitorStatus(StrEnum):
    REQUESTED = "requested"
    CONFIRMED = "confirmed"
    DECLINED = "declined"


class PledgeKind(StrEnum):
    INTERNSHIP = "internship"
    JOB = "job"
    MENTORING = "mentoring"
    TRAINING = "training"
    CO_FUNDING = "co_funding"
    IN_KIND = "in_kind"
    OTHER = "other"

    @property
    def is_money(self) -> bool:
        """Co-funding is pledged and delivered in dirhams; every other kind in places or items."""
        return self is PledgeKind.CO_FUNDING


class PledgeStatus(StrEnum):
    """Where a pledge stands: derived from its deliveries and deadline, never stored."""

    PLEDGED = "pledged"
    IN_PROGRESS = "in_progress"
    FULFILLED = "fulfilled"
    OVERDUE = "overdue"


class DeliveryReview(StrEnum):
    UNREVIEWED = "unreviewed"
    CONFIRMED = "confirmed"
    QUESTIONED = "questioned"


class ContractType(StrEnum):
    INTERNSHIP = "internship"
    FIXED_TERM = "fixed_term"  # CDD
    PERMANENT = "permanent"  # CDI
    APPRENTICESHIP = "apprenticeship"
    FREELANCE = "freelance"


class OfferStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    PUBLISHED = "published"
    REJECTED = "rejected"
    CLOSED = "closed"


class InterestStatus(StrEnum):
    INTERESTED = "interested"
    SHORTLISTED = "shortlisted"
    INTERVIEWED = "interviewed"
    HIRED = "hired"
    REJECTED = "rejected"


class ReportStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"
    WHATSAPP = "whatsapp"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    STOPPED = "stopped"  # not sent: the person stopped their messages before it left


class MessageKind(StrEnum):
    """Why a message was written: what the outbox and the organisers' preview group by."""

    CONFIRMATION = "confirmation"  # a seat, a place on the waiting list, or a request received
    PROMOTION = "promotion"  # a seat became free
    REMINDER = "reminder"  # the day before
    EVENT_CHANGED = "event_changed"  # new time or place
    EVENT_CANCELLED = "event_cancelled"
    PERSONAL_LINK = "personal_link"  # asked for again on /link
    INVITATION = "invitation"  # to join an employer's account
    INTERVIEW = "interview"  # booked, moved, invited to book, or an hour before


class InterviewAudience(StrEnum):
    """Who may book an employer's interview slots."""

    INTERESTED = "interested"  # people who showed interest in the offer (any offer, for a booth)
    REGISTERED = "registered"  # anyone registered for the fair
    INVITED = "invited"  # only the candidates the employer invites


class InterviewBookingStatus(StrEnum):
    BOOKED = "booked"
    CANCELLED = "cancelled"


class InterviewOutcome(StrEnum):
    """What the employer recorded of an interview."""

    NO_SHOW = "no_show"
    INTERVIEWED = "interviewed"
    SHORTLISTED = "shortlisted"
    OFFER_MADE = "offer_made"
    HIRED = "hired"
