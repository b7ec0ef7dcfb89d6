"""Check-in at the door: read a badge, decide, and record the scan (DESIGN §4).

`perform_checkin()` is the one verb behind every door — the JSON API for scanning devices, the
scanner page and walk-ins (through `admit()`):

- The code is a signed badge code (`server.codes.badges`) or a badge serial typed by hand.
  Garbage, tampered and truncated codes are `invalid`; a genuine code of an unrelated event is
  `wrong_event`; a genuine code with no registration behind it here is `not_found`.
- Sessions inside a fair: the event passed in is the door's event (the fair or one workshop).
  A badge of the same fair family (the fair or any of its sessions) is looked up by its person:
  a fair badge at a workshop door checks in that person's workshop registration, and answers
  `not_found` when they are not registered for the workshop — the badge is genuine and the person
  is at the right fair, so "wrong event" would send staff looking for the wrong problem.
- Exactly one check-in wins: one conditional UPDATE on `checked_in_at IS NULL` (and the
  registration still confirmed) decides; the losers answer `already_checked_in` with the
  winner's time and gate.
- Every scan, good or bad, writes one append-only CheckIn row (`entry` for the winner, `refused`
  otherwise). A scan with a client nonce is idempotent through the unique constraint on
  `CheckIn.nonce`: a retry's insert fails, its transaction rolls back (with any change it made),
  and the first answer is rebuilt from the stored row.

The lookups run before the write transaction so that, on SQLite, the write lock is held for one
UPDATE and one INSERT only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from babel.dates import format_time
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from server import i18n
from server.codes.badges import read_badge_code
from server.codes.serials import ALPHABET, normalise_badge_serial
from server.errors import AppError, ValidationFailed
from server.i18n import lazy
from server.models import CheckIn, DeviceToken, Event, Registration, User
from server.models.enums import CheckInKind, CheckInResult, RegistrationStatus
from server.values.clock import EVENT_TIMEZONE
from server.values.phones import normalise_phone

GATE_MAX_LENGTH = 40  # Registration.checked_in_gate and CheckIn.gate
NONCE_MAX_LENGTH = 64  # CheckIn.nonce
SCANNED_CODE_MAX_LENGTH = 200  # CheckIn.scanned_code: what was read, kept for the log
SEARCH_LIMIT = 20
SEARCH_MIN_LENGTH = 2
GATE_TOO_LONG = lazy("Name the door in 40 characters at most.")

_SERIAL = re.compile(f"^[{ALPHABET}]{{3}}-[{ALPHABET}]{{3}}$")

# The answer to each refusal; `already_checked_in` and `ok` name the person (see `text()`).
MESSAGES: dict[CheckInResult, str] = {
    CheckInResult.OK: lazy("Welcome, %(name)s!"),
    CheckInResult.ALREADY_CHECKED_IN: lazy("%(name)s is already checked in."),
    CheckInResult.INVALID: lazy("This code is not valid."),
    CheckInResult.WRONG_EVENT: lazy("This badge is for another event."),
    CheckInResult.NOT_FOUND: lazy("No registration for this event matches this badge."),
    CheckInResult.CANCELLED: lazy("This registration is cancelled."),
    CheckInResult.WAITLISTED: lazy("This person is on the waiting list."),
}
PENDING_MESSAGE = lazy("This person's registration is awaiting an organiser's approval.")
CAME_IN_AT_GATE = lazy("Came in at %(time)s, door: %(gate)s.")
CAME_IN_AT = lazy("Came in at %(time)s.")

REFUSAL_FOR_STATUS = {
    RegistrationStatus.CANCELLED: CheckInResult.CANCELLED,
    RegistrationStatus.WAITLISTED: CheckInResult.WAITLISTED,
    RegistrationStatus.PENDING: CheckInResult.WAITLISTED,
}


class CheckInError(AppError):
    """A door action that cannot be done; `code` says why (`not_checked_in`, `nonce_conflict`)."""

    status_code = 409


@dataclass(frozen=True)
class CheckInOutcome:
    """The answer to one scan, for the card at the door and the API.

    `message` is an English msgid: call `text()` while the staff member's language is current.
    `checked_in_at` and `gate` say when and where the person came in (`ok` and
    `already_checked_in`); for a refusal, `gate` is the door that scanned.
    """

    result: CheckInResult
    message: str
    gate: str
    attendee_name: str = ""
    badge_serial: str = ""
    registration_id: int | None = None
    checked_in_at: datetime | None = None
    replayed: bool = False  # the answer to an earlier scan with the same nonce

    @property
    def code(self) -> str:
        return self.result.value

    @property
    def admitted(self) -> bool:
        return self.result == CheckInResult.OK

    def text(self) -> str:
        """The message in the current language, with the person's name, time and gate."""
        text = i18n.gettext(self.message) % {"name": self.attendee_name}
        if self.result == CheckInResult.ALREADY_CHECKED_IN and self.checked_in_at:
            time = format_time(
                self.checked_in_at.astimezone(EVENT_TIMEZONE),
                "short",
                locale=i18n.BABEL_LOCALES[i18n.current_language().code],
            )
            detail = CAME_IN_AT_GATE if self.gate else CAME_IN_AT
            text += " " + i18n.gettext(detail) % {"time": time, "gate": self.gate}
        return text


@dataclass(frozen=True)
class _Scan:
    """Who and where: the fields every CheckIn row of one scan shares."""

    event: Event
    gate: str
    staff: User | None
    device: DeviceToken | None
    nonce: str | None
    scanned_code: str
    now: datetime


def clean_gate(gate: str) -> str:
    """The door's name as stored; ValidationFailed when it is too long."""
    gate = gate.strip()
    if len(gate) > GATE_MAX_LENGTH:
        raise ValidationFailed({"gate": GATE_TOO_LONG})
    return gate


async def perform_checkin(
    event: Event,
    code_text: str,
    *,
    secret_key: str,
    gate: str,
    staff: User | None = None,
    device: DeviceToken | None = None,
    nonce: str | None = None,
    now: datetime | None = None,
) -> CheckInOutcome:
    """Check in the person whose badge was scanned (or whose serial was typed) at `event`'s door.

    Owns its transaction and records the scan whatever the result. `secret_key` signs badge
    codes. With a `nonce`, a repeated call returns the first call's answer (`replayed`) and
    writes nothing. Raises ValidationFailed for a gate or nonce that is too long, CheckInError
    (`nonce_conflict`) when the nonce was used at another event.
    """
    gate = clean_gate(gate)
    nonce = nonce or None
    if nonce is not None and len(nonce) > NONCE_MAX_LENGTH:
        raise ValidationFailed({"nonce": lazy("This nonce is too long.")})
    scan = _Scan(
        event=event,
        gate=gate,
        staff=staff,
        device=device,
        nonce=nonce,
        scanned_code=code_text.strip()[:SCANNED_CODE_MAX_LENGTH],
        now=now or datetime.now(UTC),
    )
    try:
        found = await _find_registration(event, code_text, secret_key)
        if isinstance(found, CheckInResult):
            return await _refuse(scan, found)
        return await _decide(scan, found)
    except IntegrityError:
        # Only CheckIn.nonce is unique among what a scan writes: this is a retry.
        if nonce is None:
            raise
        return await _replay(event, nonce)


@dataclass(frozen=True)
class NamedRegistration:
    """What a genuine code or a known serial names: its event, and the registration behind it
    (None when a genuine badge code names a registration that no longer exists there)."""

    event_id: int
    registration: Registration | None


async def read_scanned_code(code_text: str, secret_key: str) -> NamedRegistration | CheckInResult:
    """What a scanned badge code or a typed serial names, wherever its event; `invalid` for
    garbage, tampered or truncated codes, `not_found` for a well-formed serial nobody holds.

    Shared by the doors and the employers' booths (`server.services.employers.leads`), which then
    decide
    what a badge of another event means to them. The registration comes with its attendee.
    """
    badge = read_badge_code(secret_key, code_text)
    if badge is not None:
        named = await (
            Registration.filter(id=badge.registration_id, event_id=badge.event_id)
            .select_related("attendee")
            .first()
        )
        return NamedRegistration(badge.event_id, named)
    serial = normalise_badge_serial(code_text.strip())
    if not _SERIAL.match(serial):
        return CheckInResult.INVALID
    named = await Registration.filter(badge_serial=serial).select_related("attendee").first()
    if named is None:
        return CheckInResult.NOT_FOUND
    return NamedRegistration(named.event_id, named)  # type: ignore[attr-defined]


async def _find_registration(
    event: Event, code_text: str, secret_key: str
) -> Registration | CheckInResult:
    """The registration at `event` the code stands for, or why there is none."""
    found = await read_scanned_code(code_text, secret_key)
    if isinstance(found, CheckInResult):
        return found
    named = found.registration
    if found.event_id == event.id:
        return named if named is not None else CheckInResult.NOT_FOUND
    if not await same_fair(event, found.event_id):
        return CheckInResult.WRONG_EVENT
    if named is None:
        return CheckInResult.NOT_FOUND
    # A badge of the same fair: this door checks the person's own registration here.
    here = await (
        Registration.filter(event_id=event.id, attendee_id=named.attendee_id)  # type: ignore[attr-defined]
        .select_related("attendee")
        .first()
    )
    return here if here is not None else CheckInResult.NOT_FOUND


async def same_fair(event: Event, other_event_id: int) -> bool:
    """True when both events are the same fair or its sessions."""
    other = await Event.filter(id=other_event_id).values("id", "parent_id")
    if not other:
        return False
    root = event.parent_id or event.id  # type: ignore[attr-defined]
    return (other[0]["parent_id"] or other[0]["id"]) == root


async def _refuse(scan: _Scan, result: CheckInResult) -> CheckInOutcome:
    """Record a scan that named no registration here."""
    await _record(scan, None, CheckInKind.REFUSED, result)
    return CheckInOutcome(result, MESSAGES[result], scan.gate)


async def _decide(scan: _Scan, registration: Registration) -> CheckInOutcome:
    """The race: one conditional UPDATE lets exactly one scan in."""
    name = registration.attendee.full_name
    async with in_transaction():
        won = await Registration.filter(
            id=registration.id, status=RegistrationStatus.CONFIRMED, checked_in_at__isnull=True
        ).update(checked_in_at=scan.now, checked_in_gate=scan.gate)
        if won:
            await _record(scan, registration.id, CheckInKind.ENTRY, CheckInResult.OK)
            return CheckInOutcome(
                CheckInResult.OK,
                MESSAGES[CheckInResult.OK],
                scan.gate,
                name,
                registration.badge_serial,
                registration.id,
                scan.now,
            )
        # Read after the UPDATE, which waited for any concurrent winner: its values are final.
        current = await Registration.get(id=registration.id)
        result = REFUSAL_FOR_STATUS.get(current.status, CheckInResult.ALREADY_CHECKED_IN)
        await _record(scan, registration.id, CheckInKind.REFUSED, result)
    return _outcome_for(
        result,
        current,
        name,
        checked_in_at=current.checked_in_at,
        gate=current.checked_in_gate if result == CheckInResult.ALREADY_CHECKED_IN else scan.gate,
    )


def _outcome_for(
    result: CheckInResult,
    registration: Registration,
    name: str,
    *,
    checked_in_at: datetime | None,
    gate: str,
    replayed: bool = False,
) -> CheckInOutcome:
    message = MESSAGES[result]
    if result == CheckInResult.WAITLISTED and registration.status == RegistrationStatus.PENDING:
        message = PENDING_MESSAGE
    admitted = result in {CheckInResult.OK, CheckInResult.ALREADY_CHECKED_IN}
    return CheckInOutcome(
        result,
        message,
        gate,
        name,
        registration.badge_serial,
        registration.id,
        checked_in_at if admitted else None,
        replayed,
    )


async def _record(
    scan: _Scan, registration_id: int | None, kind: CheckInKind, result: CheckInResult
) -> CheckIn:
    return await CheckIn.create(
        event_id=scan.event.id,
        registration_id=registration_id,
        kind=kind,
        result=result,
        gate=scan.gate,
        staff_id=scan.staff.id if scan.staff else None,
        device_id=scan.device.id if scan.device else None,
        nonce=scan.nonce,
        scanned_code=scan.scanned_code,
        created_at=scan.now,
    )


async def _replay(event: Event, nonce: str) -> CheckInOutcome:
    """The first answer to a scan with this nonce, rebuilt from its stored row."""
    row = await CheckIn.get_or_none(nonce=nonce)
    if row is None or row.event_id != event.id:  # type: ignore[attr-defined]
        raise CheckInError(
            lazy("This scan's nonce was already used for another scan."), code="nonce_conflict"
        )
    if row.registration_id is None:  # type: ignore[attr-defined]
        return CheckInOutcome(row.result, MESSAGES[row.result], row.gate, replayed=True)
    registration = await Registration.get(id=row.registration_id).select_related("attendee")  # type: ignore[attr-defined]
    name = registration.attendee.full_name
    if row.result == CheckInResult.OK:
        return _outcome_for(
            row.result,
            registration,
            name,
            checked_in_at=row.created_at,
            gate=row.gate,
            replayed=True,
        )
    if row.result == CheckInResult.ALREADY_CHECKED_IN:
        # The entry that was in force when this scan was refused.
        entry = (
            await CheckIn.filter(
                registration_id=registration.id, kind=CheckInKind.ENTRY, id__lt=row.id
            )
            .order_by("-id")
            .first()
        )
        return _outcome_for(
            row.result,
            registration,
            name,
            checked_in_at=entry.created_at if entry else None,
            gate=entry.gate if entry else "",
            replayed=True,
        )
    return _outcome_for(
        row.result, registration, name, checked_in_at=None, gate=row.gate, replayed=True
    )


async def admit(
    registration_id: int,
    event: Event,
    *,
    gate: str,
    staff: User | None,
    now: datetime,
    device: DeviceToken | None = None,
) -> bool:
    """Check a registration in unless it already is, with its entry row; true when this call let
    the person in. The caller has checked the registration's status (walk-ins seat the person
    first) and owns the transaction."""
    entered = await Registration.filter(id=registration_id, checked_in_at__isnull=True).update(
        checked_in_at=now, checked_in_gate=gate
    )
    if entered:
        scan = _Scan(event, gate, staff, device, None, "", now)
        await _record(scan, registration_id, CheckInKind.ENTRY, CheckInResult.OK)
    return bool(entered)


async def undo_checkin(
    registration: Registration,
    *,
    staff: User | None,
    gate: str,
    device: DeviceToken | None = None,
    now: datetime | None = None,
) -> None:
    """Take back a check-in made by mistake: an `undo` row is written and the registration is no
    longer checked in, so the badge can be scanned again. Nothing is deleted. Raises CheckInError
    (`not_checked_in`) when the person is not checked in."""
    gate = clean_gate(gate)
    now = now or datetime.now(UTC)
    async with in_transaction():
        undone = await Registration.filter(id=registration.id, checked_in_at__isnull=False).update(
            checked_in_at=None, checked_in_gate=""
        )
        if not undone:
            raise CheckInError(
                lazy("This person is not checked in: there is nothing to undo."),
                code="not_checked_in",
            )
        await CheckIn.create(
            event_id=registration.event_id,  # type: ignore[attr-defined]
            registration_id=registration.id,
            kind=CheckInKind.UNDO,
            result=CheckInResult.OK,
            gate=gate,
            staff_id=staff.id if staff else None,
            device_id=device.id if device else None,
            created_at=now,
        )


# --- manual check-in: finding a person who lost their badge -------------------------------------


@dataclass(frozen=True)
class FoundRegistration:
    name: str
    badge_serial: str
    status: RegistrationStatus
    checked_in_at: datetime | None
    registration_id: int = 0


async def search_registrations(event: Event, query: str) -> list[FoundRegistration]:
    """Registrations of `event` whose person's name, phone number or badge serial matches, at
    most SEARCH_LIMIT, by name. A query shorter than two characters finds nobody."""
    query = query.strip()
    if len(query) < SEARCH_MIN_LENGTH:
        return []
    condition = Q(attendee__first_name__icontains=query) | Q(attendee__last_name__icontains=query)
    words = query.split()
    if len(words) > 1:
        condition |= Q(
            attendee__first_name__icontains=words[0],
            attendee__last_name__icontains=" ".join(words[1:]),
        )
    phone = normalise_phone(query)
    if phone:
        condition |= Q(attendee__phone=phone)
    serial = normalise_badge_serial(query)
    if _SERIAL.match(serial):
        condition |= Q(badge_serial=serial)
    registrations = (
        await Registration.filter(condition, event_id=event.id)
        .select_related("attendee")
        .order_by("attendee__last_name", "attendee__first_name", "id")
        .limit(SEARCH_LIMIT)
    )
    return [
        FoundRegistration(
            registration.attendee.full_name,
            registration.badge_serial,
            registration.status,
            registration.checked_in_at,
            registration.id,
        )
        for registration in registrations
    ]
