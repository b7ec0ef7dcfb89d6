"""Organisations, the people who run them, and the trail of what they did."""

from tortoise import fields
from tortoise.models import Model

from server.models.enums import Role


class Organisation(Model):
    """An NGO, public agency or project that runs events and answers to donors."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=200)
    slug = fields.CharField(max_length=80, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "organisation"

    def __str__(self) -> str:
        return self.name


class User(Model):
    """A staff member or employer representative who logs in with e-mail and password.

    Attendees are not users: they reach their data through a personal link.
    """

    id = fields.IntField(primary_key=True)
    email = fields.CharField(max_length=254, unique=True, description="Stored in lower case")
    full_name = fields.CharField(max_length=200)
    password_hash = fields.CharField(max_length=200, description="argon2id")
    preferred_language = fields.CharField(max_length=5, default="fr")
    is_superuser = fields.BooleanField(default=False)
    session_epoch = fields.IntField(
        default=0, description="Bumped on password change: older session cookies stop working"
    )
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    last_login_at = fields.DatetimeField(null=True)

    memberships: fields.ReverseRelation["Membership"]

    class Meta:
        table = "user"

    def __str__(self) -> str:
        return self.email


class Membership(Model):
    """A user's role in one organisation."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="memberships", on_delete=fields.CASCADE
    )
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="memberships", db_index=True, on_delete=fields.CASCADE
    )
    role = fields.CharEnumField(Role, max_length=20)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "membership"
        unique_together = (("user", "organisation"),)


class LoginFailure(Model):
    """One failed login, kept briefly to rate limit by address and by account across processes."""

    id = fields.BigIntField(primary_key=True)
    key = fields.CharField(max_length=300, description="'ip:<address>' or 'account:<e-mail>'")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "login_failure"
        indexes = (("key", "created_at"),)


class ActionLog(Model):
    """Append-only record of a change, with a dotted action code such as `event.published`."""

    id = fields.BigIntField(primary_key=True)
    action = fields.CharField(max_length=80)
    user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    organisation: fields.ForeignKeyNullableRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name=False, null=True, on_delete=fields.CASCADE
    )
    object_type = fields.CharField(max_length=40, default="")
    object_id = fields.BigIntField(null=True)
    data = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "action_log"
        indexes = (("organisation_id", "created_at"), ("object_type", "object_id"))
