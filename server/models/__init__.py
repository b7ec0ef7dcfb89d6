"""Tortoise models: the nouns of Tremplin (DESIGN §3)."""

from server.models.accounts import ActionLog, LoginFailure, Membership, Organisation, User
from server.models.attendees import Attendee
from server.models.employers import (
    Delivery,
    Employer,
    EmployerMember,
    Exhibitor,
    Interest,
    Lead,
    Offer,
    Pledge,
)
from server.models.events import CheckIn, CustomQuestion, DeviceToken, Event, Registration
from server.models.funders import Funder, ReportFunder
from server.models.interviews import (
    InterviewBooking,
    InterviewInvitation,
    InterviewQuota,
    InterviewRules,
    InterviewSchedule,
    InterviewSlot,
)
from server.models.outbox import OutboxMessage
from server.models.reporting import Feedback, SynthesisReport

__all__ = [
    "ActionLog",
    "Attendee",
    "CheckIn",
    "CustomQuestion",
    "Delivery",
    "DeviceToken",
    "Employer",
    "EmployerMember",
    "Event",
    "Exhibitor",
    "Feedback",
    "Funder",
    "Interest",
    "InterviewBooking",
    "InterviewInvitation",
    "InterviewQuota",
    "InterviewRules",
    "InterviewSchedule",
    "InterviewSlot",
    "Lead",
    "LoginFailure",
    "Membership",
    "Offer",
    "Organisation",
    "OutboxMessage",
    "Pledge",
    "Registration",
    "ReportFunder",
    "SynthesisReport",
    "User",
]
