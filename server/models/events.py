"""Events, the people registered for them, and who came through the door."""

from tortoise import fields
from tortoise.models import Model

from server.models.enums import (
    CheckInKind,
    CheckInResult,
    EventKind,
    EventStatus,
    QuestionKind,
    RegistrationSource,
    RegistrationStatus,
)


class Event(Model):
    """A job fair, workshop, side event, training or information session.

    A job fair may contain sessions (workshops, side events): they are events whose `parent` is the
    fair, with their own time, room and capacity. Texts are stored per language ({"fr": …}) and read
    with a fallback to French.
    """

    id = fields.IntField(primary_key=True)
    organisation = fields.ForeignKeyField(
        "models.Organisation", related_name="events", on_delete=fields.CASCADE
    )
    parent = fields.ForeignKeyField(
        "models.Event", related_name="sessions", db_index=True, null=True, on_delete=fields.CASCADE
    )
    slug = fields.CharField(max_length=100, unique=True)
    kind = fields.CharEnumField(EventKind, max_length=16)
    status = fields.CharEnumField(EventStatus, max_length=12, default=EventStatus.DRAFT)
    title = fields.JSONField(default=dict, description="Language code → title")
    description = fields.JSONField(default=dict, description="Language code → description")
    practical_info = fields.JSONField(default=dict, description="Language code → practical text")
    venue = fields.CharField(max_length=200, default="")
    address = fields.CharField(max_length=300, default="")
    room = fields.CharField(max_length=100, default="")
    city = fields.CharField(max_length=80)
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()
    capacity = fields.IntField(null=True, description="Seats, no limit when null")
    seats_taken = fields.IntField(
        default=0, description="Confirmed registrations, kept by one conditional UPDATE"
    )
    waitlist_enabled = fields.BooleanField(default=True)
    waitlist_last_position = fields.IntField(
        default=0, description="Last waiting position handed out"
    )
    requires_approval = fields.BooleanField(default=False)
    registration_opens_at = fields.DatetimeField(null=True)
    registration_closes_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "event"
        indexes = (("status", "starts_at"), ("organisation_id", "starts_at"), ("city", "starts_at"))


class CustomQuestion(Model):
    """A question the organiser adds to an event's sign-up form."""

    id = fields.IntField(primary_key=True)
    event = fields.ForeignKeyField(
        "models.Event", related_name="questions", db_index=True, on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(QuestionKind, max_length=8)
    label = fields.JSONField(default=dict, description="Language code → question")
    choices = fields.JSONField(default=list, description="For choice questions: [{lang: text}]")
    required = fields.BooleanField(default=False)
    position = fields.SmallIntField(default=0)

    class Meta:
        table = "custom_question"
        ordering = ("position", "id")


class Registration(Model):
    """A person's place (or place in line) at one event or session."""

    id = fields.IntField(primary_key=True)
    event = fields.ForeignKeyField(
        "models.Event", related_name="registrations", on_delete=fields.CASCADE
    )
    attendee = fields.ForeignKeyField(
        "models.Attendee", related_name="registrations", db_index=True, on_delete=fields.CASCADE
    )
    status = fields.CharEnumField(RegistrationStatus, max_length=12)
    waitlist_position = fields.IntField(null=True)
    source = fields.CharEnumField(
        RegistrationSource, max_length=8, default=RegistrationSource.ONLINE
    )
    badge_serial = fields.CharField(
        max_length=12, unique=True, description="Short code printed on the badge and read aloud"
    )
    answers = fields.JSONField(default=dict, description="Question id → answer")
    checked_in_at = fields.DatetimeField(null=True)
    checked_in_gate = fields.CharField(max_length=40, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    cancelled_at = fields.DatetimeField(null=True)

    class Meta:
        table = "registration"
        unique_together = (("event", "attendee"),)
        indexes = (("event_id", "status", "waitlist_position"), ("event_id", "checked_in_at"))


class DeviceToken(Model):
    """A bearer token that lets one scanning device check people in at one event."""

    id = fields.IntField(primary_key=True)
    event = fields.ForeignKeyField(
        "models.Event", related_name="device_tokens", db_index=True, on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=80)
    token_hash = fields.CharField(max_length=64, unique=True, description="SHA-256 of the token")
    created_by = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "device_token"


class CheckIn(Model):
    """One scan at a door, good or bad. Append-only: an undo is a new row, never an edit."""

    id = fields.BigIntField(primary_key=True)
    event = fields.ForeignKeyField(
        "models.Event", related_name="checkins", on_delete=fields.CASCADE
    )
    registration = fields.ForeignKeyField(
        "models.Registration", related_name="checkins", null=True, on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(CheckInKind, max_length=8)
    result = fields.CharEnumField(CheckInResult, max_length=20)
    gate = fields.CharField(max_length=40, default="")
    staff = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    device = fields.ForeignKeyField(
        "models.DeviceToken", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    nonce = fields.CharField(
        max_length=64, null=True, unique=True, description="Client nonce: a retried scan is a no-op"
    )
    scanned_code = fields.CharField(max_length=200, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "checkin"
        indexes = (("event_id", "created_at"), ("registration_id", "created_at"))
