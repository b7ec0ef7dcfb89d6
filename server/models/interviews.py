"""Interviews at a job fair: the slots an employer opens at its booth, and who booked them.

The counters that decide a race (`InterviewSlot.booked`, `InterviewQuota.held`) are kept by one
conditional UPDATE each, and every change of a booking's state is an UPDATE conditional on the
state it was read in (`server.services.interviews.booking` says which race each one decides).
"""

from tortoise import fields
from tortoise.models import Model

from server.models.enums import InterviewAudience, InterviewBookingStatus, InterviewOutcome

DEFAULT_BOOKINGS_PER_PERSON = 3


class InterviewRules(Model):
    """What a fair allows each person at its booths: how many interview places they may hold.

    A fair without a row allows DEFAULT_BOOKINGS_PER_PERSON. Organisers change it on the fair's
    interview grid.
    """

    id = fields.IntField(primary_key=True)
    event = fields.OneToOneField(
        "models.Event", related_name="interview_rules", on_delete=fields.CASCADE
    )
    bookings_per_person = fields.SmallIntField(default=DEFAULT_BOOKINGS_PER_PERSON)
    updated_by = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "interview_rules"


class InterviewSchedule(Model):
    """A run of interview slots an employer opened at its booth in one go.

    For one of its offers, or for the booth in general (no offer), all of one length, each with
    as many places as interviewers sit side by side, and open to one audience: the people who
    showed interest in the offer, anyone registered for the fair, or only those it invites.
    """

    id = fields.IntField(primary_key=True)
    exhibitor = fields.ForeignKeyField(
        "models.Exhibitor", related_name="interview_schedules", on_delete=fields.CASCADE
    )
    offer = fields.ForeignKeyField(
        "models.Offer",
        related_name="interview_schedules",
        db_index=True,
        null=True,
        on_delete=fields.SET_NULL,
        description="The offer the interviews are for, none for the booth in general",
    )
    audience = fields.CharEnumField(InterviewAudience, max_length=12)
    length_minutes = fields.SmallIntField()
    interviewers = fields.SmallIntField(description="Interviews held side by side in each slot")
    created_by = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "interview_schedule"


class InterviewSlot(Model):
    """One interview time at one booth, with as many places as the schedule has interviewers.

    `booked` counts its bookings and is kept by one conditional UPDATE (`booked < places`), so a
    slot is never overbooked. The booth and the fair are copied from the schedule so that the
    grid and a person's bookings are read without joins through it. A closed slot takes no new
    bookings (its organisers closed the booth's interviews).
    """

    id = fields.IntField(primary_key=True)
    schedule = fields.ForeignKeyField(
        "models.InterviewSchedule", related_name="slots", db_index=True, on_delete=fields.CASCADE
    )
    exhibitor = fields.ForeignKeyField(
        "models.Exhibitor", related_name="interview_slots", on_delete=fields.CASCADE
    )
    event = fields.ForeignKeyField(
        "models.Event", related_name="interview_slots", on_delete=fields.CASCADE
    )
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()
    places = fields.SmallIntField()
    booked = fields.SmallIntField(default=0, description="Kept by one conditional UPDATE")
    closed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "interview_slot"
        indexes = (("event_id", "starts_at"), ("exhibitor_id", "starts_at"))


class InterviewBooking(Model):
    """A person's place in an interview slot, and what became of it.

    Made by the person from their personal link, or by an organiser at the help desk
    (`booked_by`). A cancelled or moved booking stays, cancelled, as the record of what
    happened. `arrived_at` is set when the employer scans the person's badge at the booth,
    `outcome` when it records how the interview went (which moves the candidate in the offer's
    pipeline through `interest`).
    """

    id = fields.IntField(primary_key=True)
    slot = fields.ForeignKeyField(
        "models.InterviewSlot", related_name="bookings", on_delete=fields.CASCADE
    )
    attendee = fields.ForeignKeyField(
        "models.Attendee", related_name="interview_bookings", on_delete=fields.CASCADE
    )
    registration = fields.ForeignKeyField(
        "models.Registration",
        related_name="interview_bookings",
        db_index=True,
        on_delete=fields.CASCADE,
        description="The person's registration for the fair",
    )
    status = fields.CharEnumField(
        InterviewBookingStatus, max_length=10, default=InterviewBookingStatus.BOOKED
    )
    booked_by = fields.ForeignKeyField(
        "models.User",
        related_name=False,
        null=True,
        on_delete=fields.SET_NULL,
        description="The organiser who booked at the help desk, none when the person did",
    )
    arrived_at = fields.DatetimeField(null=True)
    outcome = fields.CharEnumField(InterviewOutcome, max_length=12, null=True)
    outcome_at = fields.DatetimeField(null=True)
    interest = fields.ForeignKeyField(
        "models.Interest",
        related_name="interview_bookings",
        db_index=True,
        null=True,
        on_delete=fields.SET_NULL,
        description="The candidacy the outcome moved",
    )
    reminder_queued_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    cancelled_at = fields.DatetimeField(null=True)

    class Meta:
        table = "interview_booking"
        indexes = (("attendee_id", "status"), ("slot_id", "status"))


class InterviewInvitation(Model):
    """An employer's invitation to one of its candidates to book an invitation-only schedule."""

    id = fields.IntField(primary_key=True)
    schedule = fields.ForeignKeyField(
        "models.InterviewSchedule", related_name="invitations", on_delete=fields.CASCADE
    )
    attendee = fields.ForeignKeyField(
        "models.Attendee",
        related_name="interview_invitations",
        db_index=True,
        on_delete=fields.CASCADE,
    )
    invited_by = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "interview_invitation"
        unique_together = (("schedule", "attendee"),)


class InterviewQuota(Model):
    """How many interview places one person holds at one fair.

    Kept by one conditional UPDATE (`held` below the fair's limit), so the limit holds however
    many bookings arrive at once. That UPDATE also locks the row until its transaction ends
    (PostgreSQL, and SQLite's write lock), so one person's bookings at a fair are decided one
    after the other and two of them can never overlap.
    """

    id = fields.IntField(primary_key=True)
    event = fields.ForeignKeyField(
        "models.Event", related_name="interview_quotas", on_delete=fields.CASCADE
    )
    attendee = fields.ForeignKeyField(
        "models.Attendee", related_name="interview_quotas", db_index=True, on_delete=fields.CASCADE
    )
    held = fields.SmallIntField(default=0)

    class Meta:
        table = "interview_quota"
        unique_together = (("event", "attendee"),)
