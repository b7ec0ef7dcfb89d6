"""People who sign up for events."""

from tortoise import fields
from tortoise.models import Model

from server.models.enums import Channel, EducationLevel, Gender, LegalStatus


class Attendee(Model):
    """A migrant or refugee (or any visitor) known by a phone number.

    The profile fields serve the disaggregated indicators donors ask for. Deleting a person
    anonymises the row: identity fields are cleared, the statistical fields stay.
    """

    id = fields.IntField(primary_key=True)
    first_name = fields.CharField(max_length=100, default="")
    last_name = fields.CharField(max_length=100, default="")
    phone = fields.CharField(max_length=16, null=True, unique=True, description="E.164")
    email = fields.CharField(max_length=254, null=True)
    gender = fields.CharEnumField(Gender, max_length=12, default=Gender.UNDISCLOSED)
    birth_year = fields.SmallIntField(null=True)
    nationality = fields.CharField(max_length=2, default="", description="ISO 3166-1 alpha-2")
    legal_status = fields.CharEnumField(LegalStatus, max_length=16, default=LegalStatus.UNDISCLOSED)
    city = fields.CharField(max_length=80, default="")
    languages = fields.JSONField(default=list, description="ISO 639-1 codes")
    education_level = fields.CharEnumField(
        EducationLevel, max_length=12, default=EducationLevel.UNDISCLOSED
    )
    sectors = fields.JSONField(default=list, description="Sectors of interest")
    preferred_language = fields.CharField(max_length=5, default="fr")
    message_channel = fields.CharEnumField(
        Channel,
        max_length=10,
        default=Channel.SMS,
        description="How the person wants our texts: SMS, WhatsApp, or e-mail only",
    )
    messages_stopped_at = fields.DatetimeField(
        null=True, description="Set when the person stopped our messages (page or STOP reply)"
    )
    consent_processing_at = fields.DatetimeField(description="Required to hold any data")
    consent_share_at = fields.DatetimeField(
        null=True, description="Set when the person agreed to share their profile with employers"
    )
    access_token_hash = fields.CharField(
        max_length=64, null=True, unique=True, description="SHA-256 of the personal link's token"
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    last_activity_at = fields.DatetimeField(auto_now_add=True)
    anonymised_at = fields.DatetimeField(null=True)

    class Meta:
        table = "attendee"
        indexes = (("last_name", "first_name"), ("last_activity_at",))

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()
