"""The organisations that run the demo's events, their staff logins and roles
(`content/organisations.toml`)."""

from __future__ import annotations

from dataclasses import dataclass

from server.codes.passwords import hash_password
from server.demo.story import content
from server.models import Membership, Organisation, User
from server.models.enums import Role

ORGANISER = "organiser@example.org"  # reviews the companies, offers and deliveries of the demo
CHECKIN_STAFF = "checkin@example.org"  # at the doors of the past job day


@dataclass(frozen=True)
class Staff:
    """The demo's organisations by slug and its users by e-mail."""

    organisations: dict[str, Organisation]
    users: dict[str, User]

    @property
    def organiser(self) -> User:
        return self.users[ORGANISER]

    @property
    def organisers_organisation(self) -> Organisation:
        """The organisation the organiser reviews for (its audit rows are filed under it)."""
        row = next(row for row in content("organisations")["users"] if row["email"] == ORGANISER)
        return self.organisations[row["organisation"]]


async def load_organisations(password: str) -> Staff:
    """Find or create the organisations, the logins (a new one gets `password`, an existing one
    keeps its own) and their roles.

    Written as rows: creating an account through `create_user()` would refuse a short
    DEMO_PASSWORD and spend a tenth of a second of argon2 on each login; here one hash serves
    them all.
    """
    data = content("organisations")
    organisations = {}
    for row in data["organisations"]:
        organisations[row["slug"]], _ = await Organisation.get_or_create(
            slug=row["slug"], defaults={"name": row["name"]}
        )
    emails = [row["email"] for row in data["users"]]
    users = {user.email: user for user in await User.filter(email__in=emails)}
    missing = [row for row in data["users"] if row["email"] not in users]
    if missing:
        password_hash = hash_password(password)
        for row in missing:
            users[row["email"]] = await User.create(
                email=row["email"],
                full_name=row["full_name"],
                password_hash=password_hash,
                preferred_language=row["language"],
            )
    for row in data["users"]:
        if "organisation" in row:
            await Membership.get_or_create(
                user=users[row["email"]],
                organisation=organisations[row["organisation"]],
                defaults={"role": Role(row["role"])},
            )
    return Staff(organisations, users)
