"""Messages waiting to be delivered."""

from tortoise import fields
from tortoise.models import Model

from server.models.enums import Channel, MessageKind, OutboxStatus


class OutboxMessage(Model):
    """A notification written in the same transaction as the change that causes it.

    A worker delivers it with retries, so a slow mail server never slows a sign-up and a crash never
    loses a message.
    """

    id = fields.BigIntField(primary_key=True)
    channel = fields.CharEnumField(Channel, max_length=10)
    recipient = fields.CharField(max_length=254)
    subject = fields.CharField(max_length=200, default="")
    body = fields.TextField()
    language = fields.CharField(max_length=5, default="fr")
    kind = fields.CharEnumField(MessageKind, max_length=16, null=True)
    organisation = fields.ForeignKeyField(
        "models.Organisation", related_name=False, null=True, on_delete=fields.CASCADE
    )
    attendee = fields.ForeignKeyField(
        "models.Attendee", related_name="messages", null=True, on_delete=fields.SET_NULL
    )
    event = fields.ForeignKeyField(
        "models.Event",
        related_name=False,
        null=True,
        on_delete=fields.SET_NULL,
        description="The event the message is about, for its delivery status",
    )
    status = fields.CharEnumField(OutboxStatus, max_length=8, default=OutboxStatus.PENDING)
    attempts = fields.SmallIntField(default=0)
    next_attempt_at = fields.DatetimeField(auto_now_add=True)
    last_error = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    sent_at = fields.DatetimeField(null=True)
    sent_by = fields.ForeignKeyField(
        "models.User",
        related_name=False,
        null=True,
        on_delete=fields.SET_NULL,
        description="The organiser who sent it by hand, when no provider did",
    )

    class Meta:
        table = "outbox_message"
        indexes = (
            ("status", "next_attempt_at"),
            ("organisation_id", "created_at"),
            ("event_id", "status"),
        )
