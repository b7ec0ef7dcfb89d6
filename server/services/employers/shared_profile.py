"""What an employer may see of an attendee: the fields the attendee agreed to share, no more.

The sign-up form's consent says employers may see "my name, city, languages, education and the
jobs I look for — never my nationality or my situation in Morocco". This module is the one place
that turns an attendee into what an employer sees, for every page, export and API that shows
candidates or leads to employers: nationality, legal status, phone, e-mail, gender and age never
leave it.
"""

from __future__ import annotations

from dataclasses import dataclass

from server.models import Attendee
from server.models.enums import EducationLevel


@dataclass(frozen=True)
class SharedProfile:
    """An attendee as an employer sees them, when they agreed to share their profile."""

    name: str
    city: str
    languages: tuple[str, ...]  # ISO 639-1 codes
    education_level: EducationLevel
    sectors: tuple[str, ...]  # keys of server.i18n.labels.SECTORS


def shared_profile(attendee: Attendee) -> SharedProfile | None:
    """The shared fields of `attendee`, or None when they did not agree to share (or were
    anonymised): the caller then shows only that a visitor without a shared profile came."""
    if attendee.consent_share_at is None or attendee.anonymised_at is not None:
        return None
    return SharedProfile(
        name=attendee.full_name,
        city=attendee.city,
        languages=tuple(attendee.languages or ()),
        education_level=EducationLevel(attendee.education_level),
        sectors=tuple(attendee.sectors or ()),
    )
