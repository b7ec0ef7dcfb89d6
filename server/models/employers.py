"""Companies, their CSR commitments, their offers, and what happens at their booth."""

from tortoise import fields
from tortoise.models import Model

from server.models.enums import (
    CompanySize,
    ContractType,
    DeliveryReview,
    EmployerRole,
    EmployerStatus,
    ExhibitorStatus,
    InterestStatus,
    OfferStatus,
    PledgeKind,
)


class Employer(Model):
    """A company taking part through CSR commitments. Nothing of it is public until approved."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=200)
    ice = fields.CharField(max_length=15, unique=True, description="Moroccan company id, 15 digits")
    sector = fields.CharField(max_length=80)
    size = fields.CharEnumField(CompanySize, max_length=8)
    city = fields.CharField(max_length=80)
    website = fields.CharField(max_length=300, default="")
    description = fields.TextField(default="")
    logo_path = fields.CharField(max_length=300, default="")
    contact_email = fields.CharField(max_length=254)
    contact_phone = fields.CharField(max_length=16, default="")
    status = fields.CharEnumField(EmployerStatus, max_length=10, default=EmployerStatus.PENDING)
    rejection_reason = fields.TextField(default="")
    reviewed_by = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    reviewed_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "employer"
        indexes = (("status", "name"),)


class EmployerMember(Model):
    """A user acting for an employer."""

    id = fields.IntField(primary_key=True)
    employer = fields.ForeignKeyField(
        "models.Employer", related_name="members", on_delete=fields.CASCADE
    )
    user = fields.ForeignKeyField(
        "models.User", related_name="employer_memberships", db_index=True, on_delete=fields.CASCADE
    )
    role = fields.CharEnumField(EmployerRole, max_length=8, default=EmployerRole.ADMIN)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "employer_member"
        unique_together = (("employer", "user"),)


class Exhibitor(Model):
    """An employer's request for, then its place at, a job fair."""

    id = fields.IntField(primary_key=True)
    event = fields.ForeignKeyField(
        "models.Event", related_name="exhibitors", on_delete=fields.CASCADE
    )
    employer = fields.ForeignKeyField(
        "models.Employer", related_name="exhibitions", db_index=True, on_delete=fields.CASCADE
    )
    status = fields.CharEnumField(ExhibitorStatus, max_length=10, default=ExhibitorStatus.REQUESTED)
    booth_label = fields.CharField(max_length=40, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "exhibitor"
        unique_together = (("event", "employer"),)


class Pledge(Model):
    """A CSR commitment: internships, jobs, mentoring or training places, co-funding, in kind.

    Its status (pledged, in progress, fulfilled, overdue) follows from its deliveries and deadline,
    so it is computed, never stored.
    """

    id = fields.IntField(primary_key=True)
    employer = fields.ForeignKeyField(
        "models.Employer", related_name="pledges", on_delete=fields.CASCADE
    )
    event = fields.ForeignKeyField(
        "models.Event",
        related_name="pledges",
        null=True,
        on_delete=fields.SET_NULL,
        description="Where the pledge was made",
    )
    kind = fields.CharEnumField(PledgeKind, max_length=12)
    quantity = fields.IntField(null=True, description="Places, people or items")
    amount_mad = fields.DecimalField(
        max_digits=12, decimal_places=2, null=True, description="Co-funding in dirhams"
    )
    deadline = fields.DateField()
    description = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "pledge"
        indexes = (("employer_id", "deadline"), ("event_id", "kind"))


class Delivery(Model):
    """What an employer delivered against a pledge (append-only)."""

    id = fields.IntField(primary_key=True)
    pledge = fields.ForeignKeyField(
        "models.Pledge", related_name="deliveries", db_index=True, on_delete=fields.CASCADE
    )
    quantity = fields.IntField(null=True)
    amount_mad = fields.DecimalField(max_digits=12, decimal_places=2, null=True)
    delivered_on = fields.DateField()
    evidence = fields.TextField(default="")
    interest = fields.OneToOneField(
        "models.Interest",
        related_name="delivery",
        null=True,
        on_delete=fields.SET_NULL,
        description="The hire this delivery stands for, when it came from an offer",
    )
    review = fields.CharEnumField(DeliveryReview, max_length=10, default=DeliveryReview.UNREVIEWED)
    review_note = fields.TextField(default="")
    recorded_by = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "delivery"


class Offer(Model):
    """An internship or job an employer posts, public once an organiser publishes it."""

    id = fields.IntField(primary_key=True)
    employer = fields.ForeignKeyField(
        "models.Employer", related_name="offers", on_delete=fields.CASCADE
    )
    pledge = fields.ForeignKeyField(
        "models.Pledge", related_name="offers", db_index=True, null=True, on_delete=fields.SET_NULL
    )
    title = fields.CharField(max_length=200)
    description = fields.TextField(default="")
    city = fields.CharField(max_length=80)
    contract_type = fields.CharEnumField(ContractType, max_length=16)
    positions = fields.IntField(default=1)
    languages = fields.JSONField(default=list)
    deadline = fields.DateField(null=True)
    status = fields.CharEnumField(OfferStatus, max_length=10, default=OfferStatus.DRAFT)
    rejection_reason = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    published_at = fields.DatetimeField(null=True)

    class Meta:
        table = "offer"
        indexes = (("status", "city"), ("employer_id", "status"))


class Interest(Model):
    """An attendee's interest in an offer, and how far the employer took it."""

    id = fields.IntField(primary_key=True)
    attendee = fields.ForeignKeyField(
        "models.Attendee", related_name="interests", on_delete=fields.CASCADE
    )
    offer = fields.ForeignKeyField(
        "models.Offer", related_name="interests", db_index=True, on_delete=fields.CASCADE
    )
    status = fields.CharEnumField(InterestStatus, max_length=12, default=InterestStatus.INTERESTED)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "interest"
        unique_together = (("attendee", "offer"),)


class Lead(Model):
    """A visitor whose badge an employer scanned at its booth.

    `shared_profile` records whether the visitor had agreed to share their profile at scan time;
    without it, the employer sees only that an anonymous visitor came by.
    """

    id = fields.IntField(primary_key=True)
    exhibitor = fields.ForeignKeyField(
        "models.Exhibitor", related_name="leads", on_delete=fields.CASCADE
    )
    registration = fields.ForeignKeyField(
        "models.Registration", related_name="leads", db_index=True, on_delete=fields.CASCADE
    )
    shared_profile = fields.BooleanField()
    note = fields.TextField(default="")
    rating = fields.SmallIntField(null=True, description="1 to 4")
    scanned_by = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "lead"
        unique_together = (("exhibitor", "registration"),)
