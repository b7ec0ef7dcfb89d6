"""What people thought of an event, and what the organiser tells donors about it."""

from tortoise import fields
from tortoise.models import Model

from server.models.enums import ReportStatus


class Feedback(Model):
    """A 1–5 rating and a comment after an event, from an attendee or an exhibitor (one each)."""

    id = fields.IntField(primary_key=True)
    event = fields.ForeignKeyField(
        "models.Event", related_name="feedback", on_delete=fields.CASCADE
    )
    registration = fields.ForeignKeyField(
        "models.Registration",
        related_name="feedback",
        db_index=True,
        null=True,
        on_delete=fields.CASCADE,
    )
    exhibitor = fields.ForeignKeyField(
        "models.Exhibitor",
        related_name="feedback",
        db_index=True,
        null=True,
        on_delete=fields.CASCADE,
    )
    rating = fields.SmallIntField()
    comment = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "feedback"
        unique_together = (("event", "registration"), ("event", "exhibitor"))


class SynthesisReport(Model):
    """The organiser's narrative for an event's post-event report.

    The figures are computed each time the report is rendered, from the data.
    """

    id = fields.IntField(primary_key=True)
    event = fields.OneToOneField("models.Event", related_name="report", on_delete=fields.CASCADE)
    language = fields.CharField(max_length=5, default="fr")
    context = fields.TextField(default="")
    what_happened = fields.TextField(default="")
    highlights = fields.TextField(default="")
    recommendations = fields.TextField(default="")
    next_steps = fields.TextField(default="")
    status = fields.CharEnumField(ReportStatus, max_length=10, default=ReportStatus.DRAFT)
    public_token = fields.CharField(max_length=43, null=True, unique=True)
    published_at = fields.DatetimeField(null=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "synthesis_report"
