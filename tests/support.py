"""Factories and page readers shared by the tests."""

from __future__ import annotations

import csv
import io
import itertools
import logging
import re
import socket
import subprocess
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
from bs4 import BeautifulSoup, Tag
from openpyxl import load_workbook
from starlette.routing import BaseRoute, Mount, Route

from server.codes.badges import make_badge_code
from server.codes.passwords import hash_password
from server.codes.serials import ALPHABET
from server.models import (
    Attendee,
    Employer,
    EmployerMember,
    Event,
    Membership,
    Offer,
    Organisation,
    Pledge,
    Registration,
    User,
)
from server.models.enums import (
    ContractType,
    EmployerRole,
    EmployerStatus,
    EventKind,
    EventStatus,
    OfferStatus,
    PledgeKind,
    RegistrationStatus,
    Role,
)
from server.values.clock import EVENT_TIMEZONE, today_in_morocco

SECRET_KEY = "test-secret-key-" + "x" * 32  # the `settings` fixture's key


async def new_client(app, address: str = "203.0.113.11") -> httpx.AsyncClient:
    """A second browser, with its own cookies and address."""
    transport = httpx.ASGITransport(app=app, client=(address, 40001))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


# --- factories --------------------------------------------------------------------------------

_hashes: dict[str, str] = {}


def cached_hash(password: str) -> str:
    """argon2 is slow on purpose; tests reuse one hash per password."""
    if password not in _hashes:
        _hashes[password] = hash_password(password)
    return _hashes[password]


PASSWORD = "correct horse battery"


async def make_user(
    email: str,
    *,
    organisation: Organisation | None = None,
    role: Role = Role.ORGANISER,
    password: str = PASSWORD,
    name: str = "Test User",
) -> User:
    user = await User.create(email=email, full_name=name, password_hash=cached_hash(password))
    if organisation is not None:
        await Membership.create(user=user, organisation=organisation, role=role)
    return user


async def make_event(organisation: Organisation, slug: str = "salon", **extra: object) -> Event:
    """A published eight-hour job fair starting in an hour (or at `starts_at`); any field can be
    given in `extra`."""
    start = extra.get("starts_at") or datetime.now(UTC) + timedelta(hours=1)
    fields: dict[str, object] = {
        "organisation": organisation,
        "slug": slug,
        "kind": EventKind.JOB_FAIR,
        "status": EventStatus.PUBLISHED,
        "title": {"fr": "Salon de l'emploi"},
        "city": "Casablanca",
        "starts_at": start,
        "ends_at": start + timedelta(hours=8),
    }
    return await Event.create(**(fields | extra))


def wall_clock(hour: int, minute: int = 0, *, day: date) -> datetime:
    """A Casablanca wall-clock time on `day`, as the aware UTC datetime stored."""
    moment = datetime(day.year, day.month, day.day, hour, minute, tzinfo=EVENT_TIMEZONE)
    return moment.astimezone(UTC)


async def make_organisation(slug: str = "passerelles", name: str = "Passerelles") -> Organisation:
    return await Organisation.create(slug=slug, name=name)


async def make_staffed_organisation() -> Organisation:
    """Passerelles, with an organiser (orga@example.org) and door staff (door@example.org)."""
    organisation = await make_organisation()
    await make_user("orga@example.org", organisation=organisation, role=Role.ORGANISER)
    await make_user("door@example.org", organisation=organisation, role=Role.CHECKIN)
    return organisation


async def make_employer(
    name: str = "Atlas Logistique",
    *,
    ice: str = "001234567000089",
    status: EmployerStatus = EmployerStatus.APPROVED,
    member_email: str | None = None,
    **extra: object,
) -> Employer:
    """An employer (approved unless told otherwise), with an admin user when `member_email` is
    given; any field can be given in `extra`."""
    fields: dict[str, object] = {
        "name": name,
        "ice": ice,
        "sector": "logistics",
        "size": "50-249",
        "city": "Casablanca",
        "contact_email": f"contact@{ice}.example.org",
        "status": status,
    }
    employer = await Employer.create(**(fields | extra))
    if member_email is not None:
        user = await make_user(member_email, name=f"{name} admin")
        await EmployerMember.create(employer=employer, user=user, role=EmployerRole.ADMIN)
    return employer


async def make_offer(employer: Employer, title: str = "Agent logistique", **extra: object) -> Offer:
    """A published permanent job of `employer` in Casablanca; any field can be given in `extra`."""
    fields: dict[str, object] = {
        "employer": employer,
        "title": title,
        "description": "Description",
        "city": "Casablanca",
        "contract_type": ContractType.PERMANENT,
        "status": OfferStatus.PUBLISHED,
        "published_at": datetime.now(UTC),
    }
    return await Offer.create(**(fields | extra))


async def make_pledge(
    employer: Employer, kind: PledgeKind = PledgeKind.INTERNSHIP, **extra: object
) -> Pledge:
    """A pledge written directly (a passed deadline cannot be typed in the form): five of `kind`
    due in 90 days unless told otherwise; any field can be given in `extra`."""
    fields: dict[str, object] = {
        "employer": employer,
        "kind": kind,
        "quantity": 5,
        "deadline": today_in_morocco() + timedelta(days=90),
        "description": f"Engagement {kind}",
    }
    return await Pledge.create(**(fields | extra))


_phone_numbers = itertools.count(1_000_001)


async def make_attendee(
    first_name: str = "Amadou", *, share: bool = True, **extra: object
) -> Attendee:
    """A consenting attendee (who agreed to share their profile unless `share` is False)."""
    now = datetime.now(UTC)
    fields: dict[str, object] = {
        "first_name": first_name,
        "last_name": "Diallo",
        "phone": f"+21266{next(_phone_numbers):07d}",
        "gender": "male",
        "birth_year": 1995,
        "nationality": "SN",
        "legal_status": "regularised",
        "city": "Casablanca",
        "languages": ["fr", "wo"],
        "education_level": "secondary",
        "sectors": ["logistics"],
        "consent_processing_at": now,
        "consent_share_at": now if share else None,
    }
    return await Attendee.create(**(fields | extra))


async def make_bare_attendee(
    first_name: str = "Aminata",
    last_name: str = "Diallo",
    phone: str | None = None,
    **extra: object,
) -> Attendee:
    """Someone known by a name and a consent only (and a phone if given): the least a
    registration needs; any other field can be given in `extra`."""
    return await Attendee.create(
        first_name=first_name,
        last_name=last_name,
        phone=phone,
        consent_processing_at=datetime.now(UTC),
        **extra,
    )


_badge_numbers = itertools.count(1)


def new_badge_serial() -> str:
    """A badge serial of the real shape (`TST-3QX`), another one at each call."""
    number = next(_badge_numbers)
    return "TST-" + "".join(ALPHABET[number // 32**power % 32] for power in (2, 1, 0))


async def make_registration(
    event: Event,
    attendee: Attendee | None = None,
    status: RegistrationStatus = RegistrationStatus.CONFIRMED,
    **extra: object,
) -> Registration:
    """`attendee` (a bare Aminata Diallo unless given) registered at `event`, confirmed unless
    told otherwise, with a badge serial of their own; any field can be given in `extra`."""
    fields: dict[str, object] = {
        "event": event,
        "attendee": attendee or await make_bare_attendee(),
        "status": status,
        "badge_serial": new_badge_serial(),
    }
    return await Registration.create(**(fields | extra))


def badge_code(registration: Registration) -> str:
    """The signed code of a registration's badge, as its QR code carries it."""
    return make_badge_code(SECRET_KEY, registration.event_id, registration.id)  # type: ignore[attr-defined]


# --- reading pages ----------------------------------------------------------------------------


def html(response: httpx.Response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def id_in_location(response: httpx.Response) -> int:
    """The id that ends the address a 303 leads to: the page of what was just created."""
    assert response.status_code == 303, response.text[:800]
    return int(response.headers["location"].rstrip("/").rsplit("/", 1)[-1])


def csrf_from(response: httpx.Response) -> str:
    field = html(response).select_one('input[name="csrf_token"]')
    if field is not None:
        return str(field["value"])
    match = re.search(r'"X-CSRF-Token": "([^"]+)"', response.text)
    assert match, "page carries no CSRF token"
    return match.group(1)


def scan_card(response: httpx.Response) -> Tag:
    """The result card of a scanner page (the door's or a booth's)."""
    found = html(response).select_one(".scan-card")
    assert found is not None, response.text[:500]
    return found


def csv_rows(response: httpx.Response) -> list[list[str]]:
    """The rows of a CSV file sent to the browser (UTF-8, with the mark spreadsheets need)."""
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def xlsx_rows(response: httpx.Response) -> list[list[object]]:
    """The rows of the first sheet of a workbook sent to the browser."""
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


# --- acting as a browser ------------------------------------------------------------------------


async def login(
    client: httpx.AsyncClient,
    email: str,
    password: str = PASSWORD,
    *,
    language: str | None = None,
) -> httpx.Response:
    """Log in through the form; with `language`, the pages are read in that language after.
    The answer to the form."""
    page = await client.get("/login")
    response = await client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": csrf_from(page)},
    )
    if language is not None:
        await client.get(f"/?lang={language}")
    return response


async def post(
    client: httpx.AsyncClient, path: str, data: Mapping[str, object], **headers: str
) -> httpx.Response:
    """POST a form with the session's CSRF token, as a page's form would send it (the token is
    read from the page that asks for the personal link, which anyone may open)."""
    token = csrf_from(await client.get("/link"))
    return await client.post(path, data={**data, "csrf_token": token}, headers=headers)


def sign_up_form(**changes: object) -> dict[str, object]:
    """What Aminata types in an event's sign-up form: everything asked, consent given."""
    form: dict[str, object] = {
        "phone": "06 12 34 56 78",
        "first_name": "Aminata",
        "last_name": "Diallo",
        "gender": "female",
        "birth_year": "1996",
        "nationality": "SN",
        "legal_status": "regularised",
        "city": "Casablanca",
        "education_level": "secondary",
        "languages": ["fr", "wo"],
        "sectors": ["hospitality"],
        "consent_processing": "yes",
    }
    return form | changes


async def submit_sign_up(
    client: httpx.AsyncClient, slug: str, form: Mapping[str, object], lang: str = "fr"
) -> httpx.Response:
    """Sign up for the event `slug` through its form, read in `lang`."""
    page = await client.get(f"/events/{slug}/register?lang={lang}")
    return await client.post(
        f"/events/{slug}/register", data={**form, "csrf_token": csrf_from(page)}
    )


# --- a real server ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_healthy(base_url: str, server: subprocess.Popen, *, seconds: float = 90) -> None:
    """Wait for `/healthz` to answer; fail the test if the server dies or never answers."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if httpx.get(f"{base_url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            server.kill()
            pytest.fail("the server did not start")
        time.sleep(0.3)


# --- counting queries ---------------------------------------------------------------------------

SQL_VERBS = ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH")


class QueryCounter(logging.Handler):
    """Counts the SQL statements Tortoise sends while the block runs (`with QueryCounter() as
    counted:`), read from the `tortoise.db_client` debug log that every statement goes through,
    inserts and statements inside transactions included (not BEGIN and COMMIT)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: list[str] = []
        self._logger = logging.getLogger("tortoise.db_client")
        self._level = self._logger.level

    @property
    def count(self) -> int:
        return len(self.statements)

    def emit(self, record: logging.LogRecord) -> None:
        statement = str(record.args[0] if record.args else record.msg)
        if statement.lstrip().upper().startswith(SQL_VERBS):
            self.statements.append(statement)

    def __enter__(self) -> QueryCounter:
        self._level = self._logger.level
        self._logger.setLevel(logging.DEBUG)
        self._logger.addHandler(self)
        return self

    def __exit__(self, *exc: object) -> None:
        self._logger.removeHandler(self)
        self._logger.setLevel(self._level)


async def statements(client: httpx.AsyncClient, method: str, path: str, **extra: object) -> int:
    """How many SQL statements answering one request takes (it must succeed)."""
    with QueryCounter() as counted:
        response = await client.request(method, path, **extra)  # type: ignore[arg-type]
    assert response.status_code == 200, response.text[:300]
    return counted.count


async def both_sizes(measure, grow, rows: int = 3) -> list[int]:
    """A query count with `rows` rows behind the page, then again after growing to five times
    as many: a page with a query budget gives the same count twice."""
    await grow(rows)
    small = await measure()
    await grow(4 * rows)
    return [small, await measure()]


# --- the route table ----------------------------------------------------------------------------


@dataclass(frozen=True)
class NamedRoute:
    """A route of a route table (a Route, or a Mount of another app such as the static files),
    with the name `url_for` takes and every path parameter, its Mounts' included."""

    name: str
    route: Route | Mount
    parameters: tuple[str, ...]


def named_routes(
    entries: Sequence[BaseRoute], prefix: str = "", parameters: tuple[str, ...] = ()
) -> Iterator[NamedRoute]:
    """Every route below `entries`, through nested Mounts: a named Mount prefixes its routes'
    names (`manage:`), an unnamed one only its path and parameters."""
    for entry in entries:
        if isinstance(entry, Mount) and entry.routes:
            inner = tuple(name for name in entry.param_convertors if name != "path")
            name = f"{prefix}{entry.name}:" if entry.name else prefix
            yield from named_routes(entry.routes, name, parameters + inner)
        elif isinstance(entry, Route | Mount):
            yield NamedRoute(prefix + entry.name, entry, parameters + tuple(entry.param_convertors))
