"""An organisation's funders: the donors its organisers name on a report's cover, each with its
logo and funding statement, as the donors' visibility rules ask (the European Union's and
Enabel's want both on every publication they pay for).

Organisers add, edit and remove them; each change is logged (`funder.created`, `funder.updated`,
`funder.removed`). Logos are kept under the data directory (`FUNDER_LOGO_FOLDER`), checked and
stored by `server.services.logos`. Errors: ValidationFailed (field → message), NotFound for a
funder of another organisation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from tortoise.transactions import in_transaction

from server.errors import NotFound, ValidationFailed
from server.i18n import DEFAULT_LANGUAGE, LANGUAGES, lazy, pick_text
from server.models import Funder, Organisation, User
from server.reports.figures import FunderCredit
from server.services.action_log import log_action
from server.services.logos import (
    is_readable_image,
    logo_errors,
    remove_logo,
    save_logo,
    stored_logo,
)

FUNDER_LOGO_FOLDER = "funder-logos"  # inside the data directory
NAME_MAX_LENGTH = 200
STATEMENT_MAX_LENGTH = 1000


@dataclass
class FunderForm:
    """A funder as typed: its name and its funding statement per language (French required)."""

    name: str = ""
    statement_fr: str = ""
    statement_ar: str = ""
    statement_en: str = ""

    @classmethod
    def from_funder(cls, funder: Funder) -> FunderForm:
        return cls(
            name=funder.name,
            **{f"statement_{code}": funder.statement.get(code, "") for code in LANGUAGES},
        )

    @property
    def statement(self) -> dict[str, str]:
        """Language code → statement, the languages left empty left out."""
        texts = {code: getattr(self, f"statement_{code}").strip() for code in LANGUAGES}
        return {code: text for code, text in texts.items() if text}


FORM_FIELDS = tuple(field.name for field in fields(FunderForm))


def _errors(form: FunderForm, logo: bytes | None, *, logo_required: bool) -> dict[str, str]:
    errors: dict[str, str] = {}
    name = form.name.strip()
    if not name:
        errors["name"] = lazy("Enter the funder's name.")
    elif len(name) > NAME_MAX_LENGTH:
        errors["name"] = lazy("This is too long.")
    if not form.statement_fr.strip():
        errors["statement_fr"] = lazy("Enter the funding statement in French.")
    for code in LANGUAGES:
        if len(getattr(form, f"statement_{code}").strip()) > STATEMENT_MAX_LENGTH:
            errors[f"statement_{code}"] = lazy("This text is too long.")
    if logo is None and logo_required:
        errors["logo"] = lazy("Choose the funder's logo: its visibility rules ask for it.")
    problem = logo_errors(logo)
    if not problem and logo is not None and not is_readable_image(logo):
        problem = {"logo": lazy("The logo must be a PNG or JPEG image.")}
    return errors | problem


async def organisation_funders(organisation: Organisation) -> list[Funder]:
    """The organisation's funders, by name."""
    funders = await Funder.filter(organisation_id=organisation.id)
    return sorted(funders, key=lambda funder: (funder.name.casefold(), funder.id))


async def organisation_funder(organisation: Organisation, funder_id: int) -> Funder:
    """One of the organisation's funders; NotFound for an unknown one or another's."""
    funder = await Funder.get_or_none(id=funder_id, organisation_id=organisation.id)
    if funder is None:
        raise NotFound(lazy("This funder does not exist."))
    return funder


async def add_funder(
    organisation: Organisation, form: FunderForm, logo: bytes | None, *, logo_dir: Path, by: User
) -> Funder:
    """Add a funder with its logo (required) and log `funder.created`. Raises ValidationFailed."""
    errors = _errors(form, logo, logo_required=True)
    if errors:
        raise ValidationFailed(errors)
    assert logo is not None
    logo_name = save_logo(logo_dir, logo)
    try:
        async with in_transaction():
            funder = await Funder.create(
                organisation_id=organisation.id,
                name=form.name.strip(),
                statement=form.statement,
                logo_path=logo_name,
            )
            await _log("funder.created", funder, by, {"name": funder.name})
    except BaseException:
        remove_logo(logo_dir, logo_name)
        raise
    return funder


async def update_funder(
    funder: Funder, form: FunderForm, logo: bytes | None, *, logo_dir: Path, by: User
) -> Funder:
    """Save a funder's name and statement (a new logo replaces the old one) and log
    `funder.updated` with the names of the changed parts. Raises ValidationFailed."""
    errors = _errors(form, logo, logo_required=False)
    if errors:
        raise ValidationFailed(errors)
    values: dict[str, Any] = {"name": form.name.strip(), "statement": form.statement}
    changed = sorted(name for name, value in values.items() if getattr(funder, name) != value)
    old_logo = funder.logo_path
    if logo is not None:
        values["logo_path"] = save_logo(logo_dir, logo)
        changed.append("logo")
    try:
        async with in_transaction():
            await Funder.filter(id=funder.id).update(**values)
            await _log("funder.updated", funder, by, {"fields": changed})
    except BaseException:
        remove_logo(logo_dir, values.get("logo_path", ""))
        raise
    if logo is not None:
        remove_logo(logo_dir, old_logo)
    return await Funder.get(id=funder.id)


async def remove_funder(funder: Funder, *, logo_dir: Path, by: User) -> None:
    """Remove a funder, from the covers of the reports that named it too, with its logo; logs
    `funder.removed`."""
    async with in_transaction():
        await _log("funder.removed", funder, by, {"name": funder.name})
        await funder.delete()
    remove_logo(logo_dir, funder.logo_path)


def funder_logo(funder: Funder, logo_dir: Path) -> tuple[Path, str]:
    """The file and media type of the funder's logo; NotFound when it has none (the caller has
    decided that the reader may see it)."""
    found = stored_logo(logo_dir, funder.logo_path)
    if found is None:
        raise NotFound(lazy("This funder has no logo."))
    return found


def funding_statement(funder: Funder, language: str) -> tuple[str, str]:
    """The funder's statement in `language`, else in French, with the language it is in."""
    code = language if funder.statement.get(language) else DEFAULT_LANGUAGE
    return pick_text(funder.statement, code), code


def funder_credits(
    funders: Sequence[Funder], language: str, logo_dir: Path
) -> tuple[FunderCredit, ...]:
    """The funders as a report's cover in `language` prints them, their logos read from disk (a
    logo gone missing leaves the name alone)."""
    credits = []
    for funder in funders:
        statement, statement_language = funding_statement(funder, language)
        found = stored_logo(logo_dir, funder.logo_path)
        credits.append(
            FunderCredit(
                name=funder.name,
                statement=statement,
                statement_language=statement_language,
                logo=found[0].read_bytes() if found else None,
            )
        )
    return tuple(credits)


async def _log(action: str, funder: Funder, by: User, data: dict[str, Any]) -> None:
    await log_action(
        action,
        "funder",
        funder.id,
        user=by,
        organisation_id=funder.organisation_id,  # type: ignore[attr-defined]
        data=data,
    )
