"""Who sees what in the employer portal, over every route of the `/employer` mount (walked from
the app's route table, so that a new route fails here until it is covered).

Two approved companies, A and B, each with a pledge and its deliveries, a draft and a published
offer with a candidate who agreed to share their profile and one who did not, and a confirmed
booth at its own fair with a lead of each kind. B's member, given A's ids, gets 404 everywhere
and never a byte of A's; a pending company's member is refused every route kept for approved
companies, and nothing of it is public; and whatever employer A fetches — pages, fragments,
exports, the API — carries nothing of an attendee beyond what they shared, and never their
nationality, legal status, phone, e-mail or year of birth.
"""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from openpyxl import load_workbook
from starlette.routing import Mount, Route

from server.app import routes as app_routes
from server.codes.badges import make_badge_code
from server.i18n import translations
from server.i18n.labels import countries
from server.models import (
    Attendee,
    Delivery,
    Employer,
    EmployerMember,
    Event,
    Exhibitor,
    Feedback,
    Interest,
    InterviewBooking,
    InterviewInvitation,
    InterviewSchedule,
    InterviewSlot,
    Lead,
    Offer,
    Organisation,
    Pledge,
    Registration,
)
from server.models.enums import (
    ContractType,
    EmployerStatus,
    ExhibitorStatus,
    InterestStatus,
    InterviewAudience,
    OfferStatus,
    PledgeKind,
    Role,
)
from server.services.employers import interests
from server.services.employers.companies import LOGO_FOLDER
from server.values.clock import today_in_morocco
from server.web.policies import EmployerMemberPolicy
from tests.support import (
    csrf_from,
    html,
    login,
    make_attendee,
    make_employer,
    make_event,
    make_organisation,
    make_registration,
    make_user,
    named_routes,
    new_client,
)

HTMX = {"HX-Request": "true"}
LANGUAGES = ("en", "fr", "ar")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
NEXT_YEAR = (today_in_morocco() + timedelta(days=365)).isoformat()


def _mount_routes(name: str) -> dict[str, Route]:
    mount = next(r for r in app_routes if isinstance(r, Mount) and r.name == name)
    return {route.name: route for route in mount.routes if isinstance(route, Route)}


EMPLOYER_ROUTES = _mount_routes("employer")


def _methods(route: Route) -> list[str]:
    return sorted((route.methods or {"GET"}) & {"GET", "POST"})


def _approved_only(route: Route) -> bool:
    policy = getattr(route.endpoint, "access_policy", None)
    return isinstance(policy, EmployerMemberPolicy) and policy.approved_only


# --- the world ------------------------------------------------------------------------------------

_people = itertools.count(101)


@dataclass(frozen=True)
class Person:
    """An attendee of a company's fair, interested in its published offer and scanned at its
    booth, and what must never reach an employer about them."""

    attendee: Attendee
    registration: Registration
    interest: Interest
    lead: Lead
    booking: InterviewBooking  # an interview at the company's booth
    shares: bool

    @property
    def name(self) -> str:
        return self.attendee.full_name

    def never_shown(self) -> list[str]:
        """What no employer may read: phone, e-mail, year of birth, nationality and legal status
        in every language — and the name too when the person did not share their profile."""
        attendee = self.attendee
        texts = [
            attendee.phone or "",
            attendee.phone.removeprefix("+212") if attendee.phone else "",
            attendee.email or "",
            str(attendee.birth_year),
            Code(attendee.nationality),
        ]
        for language in LANGUAGES:
            texts.append(dict(countries(language))[attendee.nationality])
            texts.append(_translated(language, LEGAL_STATUS_LABELS[attendee.legal_status]))
        if not self.shares:
            texts += [attendee.first_name, attendee.last_name]
        return [text for text in texts if text]


LEGAL_STATUS_LABELS = {"refugee": "Refugee", "asylum_seeker": "Asylum seeker"}


def _translated(language: str, message: str) -> str:
    return message if language == "en" else translations(language).gettext(message)


@dataclass(frozen=True)
class Company:
    employer: Employer
    member_email: str
    fair: Event
    pledge: Pledge
    delivery: Delivery  # recorded by hand; the hire's delivery comes on top
    draft: Offer
    published: Offer
    exhibitor: Exhibitor
    schedule: InterviewSchedule  # invitation-only interviews at its booth
    sharing: Person
    private: Person

    def ids(self) -> dict[str, list[int]]:
        """The company's own value of every path parameter of the portal."""
        return {
            "pledge_id": [self.pledge.id],
            "offer_id": [self.draft.id, self.published.id],
            "interest_id": [self.sharing.interest.id, self.private.interest.id],
            "event_id": [self.fair.id],
            "lead_id": [self.sharing.lead.id, self.private.lead.id],
            "booking_id": [self.sharing.booking.id, self.private.booking.id],
            "schedule_id": [self.schedule.id],
        }

    def secrets(self) -> list[str]:
        """What only this company (and the organisers) may read: its own notes and drafts,
        its contact details, its candidates and visitors. Its name and published offers are
        public."""
        return [
            self.employer.ice,
            self.member_email,
            self.employer.contact_email,
            self.pledge.description,
            self.delivery.evidence,
            self.draft.title,
            self.sharing.lead.note,
            self.private.lead.note,
            self.sharing.name,
            self.private.attendee.first_name,
            self.private.attendee.last_name,
        ]


async def _person(
    company: Employer,
    fair: Event,
    offer: Offer,
    exhibitor: Exhibitor,
    slot: InterviewSlot,
    *,
    shares: bool,
    **who,
) -> Person:
    attendee = await make_attendee(share=shares, **who)
    number = next(_people)
    registration = await make_registration(fair, attendee)
    interest = await Interest.create(attendee=attendee, offer=offer)
    lead = await Lead.create(
        exhibitor=exhibitor,
        registration=registration,
        shared_profile=shares,
        note=f"Booth note {company.name} {number}",
        rating=3,
    )
    await InterviewInvitation.create(schedule_id=slot.schedule_id, attendee=attendee)
    booking = await InterviewBooking.create(slot=slot, attendee=attendee, registration=registration)
    await InterviewSlot.filter(id=slot.id).update(booked=slot.booked + 1)
    slot.booked += 1
    return Person(attendee, registration, interest, lead, booking, shares)


async def _company(
    organisation: Organisation,
    name: str,
    ice: str,
    *,
    fair_slug: str,
    sharing: dict[str, object],
    private: dict[str, object],
    status: EmployerStatus = EmployerStatus.APPROVED,
    logo_dir=None,
) -> Company:
    member_email = f"rh@{fair_slug}.example.org"
    extra: dict[str, object] = {}
    if logo_dir is not None:
        logo = f"{ice:0>32}.png"
        logo_dir.mkdir(parents=True, exist_ok=True)
        (logo_dir / logo).write_bytes(PNG)
        extra["logo_path"] = logo
    employer = await make_employer(name, ice=ice, status=status, member_email=member_email, **extra)
    started = datetime.now(UTC) - timedelta(hours=2)
    fair = await make_event(organisation, fair_slug, starts_at=started)
    pledge = await Pledge.create(
        employer=employer,
        kind=PledgeKind.INTERNSHIP,
        quantity=5,
        deadline=today_in_morocco() + timedelta(days=90),
        event=fair,
        description=f"Pledge made by {name} in confidence",
    )
    delivery = await Delivery.create(
        pledge=pledge,
        quantity=1,
        delivered_on=today_in_morocco(),
        evidence=f"Contract signed with {name}'s first intern",
    )
    draft = await Offer.create(
        employer=employer,
        title=f"Unpublished draft of {name}",
        description="Not ready.",
        city="Casablanca",
        contract_type=ContractType.INTERNSHIP,
    )
    published = await Offer.create(
        employer=employer,
        pledge=pledge,
        title=f"Warehouse internship at {name}",
        description="Receiving and preparing orders.",
        city="Casablanca",
        contract_type=ContractType.INTERNSHIP,
        status=OfferStatus.PUBLISHED,
        published_at=datetime.now(UTC) - timedelta(days=1),
    )
    exhibitor = await Exhibitor.create(
        event=fair, employer=employer, status=ExhibitorStatus.CONFIRMED, booth_label="C3"
    )
    schedule = await InterviewSchedule.create(
        exhibitor=exhibitor,
        offer=published,
        audience=InterviewAudience.INVITED,
        length_minutes=20,
        interviewers=2,
    )
    slot = await InterviewSlot.create(
        schedule=schedule,
        exhibitor=exhibitor,
        event=fair,
        starts_at=fair.ends_at - timedelta(hours=1),
        ends_at=fair.ends_at - timedelta(minutes=40),
        places=2,
    )
    people = [
        await _person(employer, fair, published, exhibitor, slot, shares=True, **sharing),
        await _person(employer, fair, published, exhibitor, slot, shares=False, **private),
    ]
    if status == EmployerStatus.APPROVED:
        # The candidate without a shared profile is hired: the pledge gets a hire's delivery.
        hire = await interests.employer_interest(employer, published, people[1].interest.id)
        await interests.move_candidate(hire, InterestStatus.HIRED.value, by=None)
    return Company(
        employer,
        member_email,
        fair,
        pledge,
        delivery,
        draft,
        published,
        exhibitor,
        schedule,
        *people,
    )


@dataclass(frozen=True)
class World:
    organisation: Organisation
    a: Company
    b: Company
    secret_key: str


@pytest.fixture
async def world(db, settings) -> World:
    organisation = await make_organisation()
    await make_user("organiser@example.org", organisation=organisation, role=Role.OWNER)
    a = await _company(
        organisation,
        "Atlas Logistique",
        "001234567000089",
        fair_slug="salon-atlas",
        sharing={
            "first_name": "Fatou",
            "last_name": "Ndiaye",
            "phone": "+212661827364",
            "email": "fatou.ndiaye@example.org",
            "birth_year": 1991,
            "nationality": "CM",
            "legal_status": "refugee",
        },
        private={
            "first_name": "Moussa",
            "last_name": "Keita",
            "phone": "+212662718394",
            "email": "moussa.keita@example.org",
            "birth_year": 1987,
            "nationality": "CD",
            "legal_status": "asylum_seeker",
        },
        logo_dir=settings.data_dir / LOGO_FOLDER,
    )
    b = await _company(
        organisation,
        "Bahia Textiles",
        "009876543000021",
        fair_slug="salon-bahia",
        sharing={
            "first_name": "Awa",
            "last_name": "Diop",
            "phone": "+212663905172",
            "email": "awa.diop@example.org",
            "birth_year": 1993,
            "nationality": "BF",
            "legal_status": "refugee",
        },
        private={
            "first_name": "Ibrahima",
            "last_name": "Sarr",
            "phone": "+212664093815",
            "email": "ibrahima.sarr@example.org",
            "birth_year": 1985,
            "nationality": "GA",
            "legal_status": "asylum_seeker",
        },
    )
    return World(organisation, a, b, settings.secret_key)


async def signed_in(client: httpx.AsyncClient, email: str, language: str = "en") -> str:
    """Log in, choose the language; the session's CSRF token."""
    await login(client, email, language=language)
    return csrf_from(await client.get("/account"))


async def snapshot(company: Company) -> dict[str, object]:
    """Everything of the company another employer's request could change."""
    employer_id = company.employer.id
    return {
        "employer": await Employer.filter(id=employer_id).values(),
        "members": await EmployerMember.filter(employer_id=employer_id).values("user_id"),
        "pledges": await Pledge.filter(employer_id=employer_id).order_by("id").values(),
        "deliveries": await Delivery.filter(pledge__employer_id=employer_id)
        .order_by("id")
        .values("id", "quantity", "evidence", "interest_id", "review"),
        "offers": await Offer.filter(employer_id=employer_id).order_by("id").values(),
        "interests": await Interest.filter(offer__employer_id=employer_id)
        .order_by("id")
        .values("id", "status"),
        "exhibitors": await Exhibitor.filter(employer_id=employer_id).order_by("id").values(),
        "leads": await Lead.filter(exhibitor__employer_id=employer_id)
        .order_by("id")
        .values("id", "note", "rating", "shared_profile"),
        "feedback": await Feedback.filter(exhibitor__employer_id=employer_id).count(),
        "interview_slots": await InterviewSlot.filter(exhibitor__employer_id=employer_id)
        .order_by("id")
        .values("id", "booked", "closed_at"),
        "interview_runs": await InterviewSchedule.filter(
            exhibitor__employer_id=employer_id
        ).count(),
        "interviews": await InterviewBooking.filter(slot__exhibitor__employer_id=employer_id)
        .order_by("id")
        .values("id", "status", "outcome", "arrived_at", "interest_id"),
        "invitations": await InterviewInvitation.filter(
            schedule__exhibitor__employer_id=employer_id
        ).count(),
    }


@dataclass(frozen=True)
class Readable:
    """A response as text: `source` is all of it (a page's HTML, a CSV, every cell of a
    workbook), `visible` what a person reads of it (a page's text, entities decoded)."""

    source: str
    visible: str


def readable(response: httpx.Response) -> Readable:
    content_type = response.headers.get("content-type", "")
    if content_type.startswith(XLSX_TYPE):
        workbook = load_workbook(io.BytesIO(response.content), read_only=True)
        cells = "\n".join(
            str(value)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
        workbook.close()
        return Readable(cells, cells)
    text = response.content.decode("utf-8", errors="replace")
    if content_type.startswith("text/html"):
        return Readable(text, html(response).get_text(" "))
    return Readable(text, text)


class Code(str):
    """A two-letter code (a nationality): looked for as a word of the text a person reads,
    since two letters occur anywhere in a page's source."""


def leaked(response: httpx.Response, forbidden: list[str]) -> list[str]:
    """The forbidden strings found in the response; numbers are also looked for without the
    spaces, dots and dashes people put between the digits of a phone number."""
    text = readable(response)
    searched = text.source + "\n" + text.visible
    compact = re.sub(r"[\s.\-]", "", searched)
    found = []
    for item in forbidden:
        if isinstance(item, Code):
            hit = re.search(rf"(?<!\w){item}(?!\w)", text.visible) is not None
        else:
            hit = item in searched or (item.isdigit() and item in compact)
        if hit:
            found.append(item)
    return found


# --- the route table is covered -------------------------------------------------------------------

# How employer B's member asks for each route with A's ids in its path: the form posted (values
# that would be accepted if the request were let through), and what must come back.


@dataclass(frozen=True)
class Probe:
    """How B asks for one route: the form it posts, with values the route would accept."""

    form: dict[str, str]
    own_status: dict[str, int] | None = None  # no id in the path: B's own page, by method
    public_fair: bool = False  # the id names a public fair, not something of A's


PLEDGE_FORM = {
    "kind": "internship",
    "quantity": "3",
    "amount": "",
    "deadline": NEXT_YEAR,
    "event": "",
    "description": "B's pledge",
}
OFFER_FORM = {
    "title": "B's offer",
    "description": "B's work.",
    "city": "Rabat",
    "contract_type": "internship",
    "positions": "1",
    "deadline": "",
    "pledge": "",
}

PROBES: dict[str, Probe] = {
    "dashboard": Probe({}, own_status={"GET": 200}),
    "company": Probe({"name": ""}, own_status={"GET": 200, "POST": 422}),
    "logo": Probe({}, own_status={"GET": 404}),  # B has no logo
    "members": Probe({}, own_status={"GET": 200}),
    "invite": Probe({"email": "rh@salon-atlas.example.org"}, own_status={"POST": 303}),
    "pledges": Probe({}, own_status={"GET": 200}),
    "pledge_new": Probe(PLEDGE_FORM, own_status={"GET": 200, "POST": 303}),
    "pledge": Probe({}),
    "pledge_edit": Probe(PLEDGE_FORM),
    "delivery_new": Probe(
        {"quantity": "1", "delivered_on": today_in_morocco().isoformat(), "evidence": "B's"}
    ),
    "offers": Probe({}, own_status={"GET": 200}),
    "offer_new": Probe(OFFER_FORM, own_status={"GET": 200, "POST": 303}),
    "offer": Probe({}),
    "offer_edit": Probe(OFFER_FORM),
    "offer_submit": Probe({}),
    "offer_close": Probe({}),
    "candidate_move": Probe({"status": "hired"}),
    "fairs": Probe({}, own_status={"GET": 200}),
    "booth_request": Probe({}, public_fair=True),
    "booth_withdraw": Probe({}),
    "feedback": Probe({"rating": "5", "comment": "B was here"}),
    "lead_scanner": Probe({}),  # posts the badge of a visitor of A's fair
    "leads": Probe({}),
    "leads_export": Probe({}),
    "lead_update": Probe({"note": "B was here", "rating": "1"}),
    "interviews": Probe(
        {
            "offer": "",
            "day": today_in_morocco().isoformat(),
            "starts": "23:00",
            "ends": "23:30",
            "length": "15",
            "interviewers": "1",
            "audience": "registered",
        }
    ),
    "interview_outcome": Probe({"outcome": "hired", "offer": ""}),
    "interview_invite": Probe({"interest": "1"}),
}


def test_every_route_of_the_employer_portal_has_a_probe():
    assert set(EMPLOYER_ROUTES) == set(PROBES), (
        "add the new employer routes to PROBES (and the ids of their paths to Company.ids)"
    )


def test_every_path_parameter_of_the_portal_is_an_id_of_one_company():
    parameters = {name for route in EMPLOYER_ROUTES.values() for name in route.param_convertors}
    assert parameters <= {
        "pledge_id",
        "offer_id",
        "interest_id",
        "event_id",
        "lead_id",
        "booking_id",
        "schedule_id",
    }


def _paths_with_a_ids(app, name: str, a: Company, b: Company) -> list[str]:
    """The route's path filled in every way that names at least one of A's objects: each
    parameter A's or B's own, never all B's."""
    parameters = list(EMPLOYER_ROUTES[name].param_convertors)
    paths = []
    for owners in itertools.product((a, b), repeat=len(parameters)):
        if a not in owners:
            continue
        choices = [owner.ids()[p] for owner, p in zip(owners, parameters, strict=True)]
        for values in itertools.product(*choices):
            filled = dict(zip(parameters, values, strict=True))
            paths.append(app.url_path_for(f"employer:{name}", **filled))
    return paths


@pytest.mark.parametrize("name", sorted(EMPLOYER_ROUTES))
async def test_employer_b_gets_nothing_of_employer_a(app, client, world, name):
    a, b = world.a, world.b
    token = await signed_in(client, b.member_email)
    probe = PROBES[name]
    form = dict(probe.form)
    if name == "lead_scanner":
        form["code"] = make_badge_code(world.secret_key, a.fair.id, a.private.registration.id)
    before = await snapshot(a)
    route = EMPLOYER_ROUTES[name]
    asked = 0
    for method in _methods(route):
        if probe.own_status is not None:
            paths = [app.url_path_for(f"employer:{name}")]
            expected = probe.own_status[method]
        else:
            paths = _paths_with_a_ids(app, name, a, b)
            expected = 303 if probe.public_fair and method == "POST" else 404
        for path in paths:
            if method == "GET":
                response = await client.get(path)
            else:
                response = await client.post(path, data={**form, "csrf_token": token})
            asked += 1
            assert response.status_code == expected, (method, path, response.text[:400])
            assert leaked(response, a.secrets()) == [], (method, path)
    assert asked
    assert await snapshot(a) == before


async def test_employer_b_cannot_count_its_offer_towards_a_pledge_of_a(client, world):
    a, b = world.a, world.b
    token = await signed_in(client, b.member_email)
    form = {**OFFER_FORM, "pledge": str(a.pledge.id), "csrf_token": token}
    for path in ("/employer/offers/new", f"/employer/offers/{b.draft.id}/edit"):
        response = await client.post(path, data=form)
        assert response.status_code == 422, path
        assert html(response).select_one("#error-pledge") is not None
        assert a.pledge.description not in response.text
    assert not await Offer.filter(pledge_id=a.pledge.id, employer_id=b.employer.id).exists()


# --- a company awaiting review --------------------------------------------------------------------


@pytest.fixture
async def pending(world, settings) -> Company:
    """A company sent back for review after its offer had been published (a rejected company
    corrected its details): its pledge, offer and booth are in the database, not public."""
    return await _company(
        world.organisation,
        "Pending Ventures",
        "005555555000055",
        fair_slug="salon-pending",
        status=EmployerStatus.PENDING,
        sharing={"first_name": "Salif", "phone": "+212665550001"},
        private={"first_name": "Oumar", "phone": "+212665550002"},
        logo_dir=settings.data_dir / LOGO_FOLDER,
    )


APPROVED_ONLY = sorted(name for name, route in EMPLOYER_ROUTES.items() if _approved_only(route))


def test_some_employer_routes_are_kept_for_approved_companies():
    assert {"pledge_new", "offer_submit", "candidate_move", "booth_request", "leads_export"} <= set(
        APPROVED_ONLY
    )


@pytest.mark.parametrize("name", APPROVED_ONLY)
async def test_a_pending_company_is_refused_the_routes_of_approved_companies(
    app, client, world, pending, name
):
    token = await signed_in(client, pending.member_email)
    route = EMPLOYER_ROUTES[name]
    parameters = list(route.param_convertors)
    own = pending.ids()
    for values in itertools.product(*(own[p] for p in parameters)):
        filled = dict(zip(parameters, values, strict=True))
        path = app.url_path_for(f"employer:{name}", **filled)
        for method in _methods(route):
            data = {**PROBES[name].form, "csrf_token": token}
            response = await (client.get(path) if method == "GET" else client.post(path, data=data))
            assert response.status_code == 403, (method, path)
            assert "has not been approved yet" in response.text


async def test_nothing_of_a_pending_company_is_public(client, world, pending):
    a = world.a
    pages = {
        "/": 200,
        "/offers": 200,
        f"/offers?city={pending.published.city}": 200,
        f"/events/{pending.fair.slug}": 200,
        f"/events/{a.fair.slug}": 200,
        f"/offers/{pending.published.id}": 404,
        f"/offers/{pending.draft.id}": 404,
        f"/employers/{pending.employer.id}/logo": 404,
    }
    await client.get("/?lang=en")
    for path, status in pages.items():
        response = await client.get(path)
        assert response.status_code == status, path
        assert pending.employer.name not in response.text, path
        assert pending.published.title not in response.text, path
        assert pending.pledge.description not in response.text, path
    # The same pages do show an approved company: the pending one is left out, not everyone.
    board = (await client.get("/offers")).text
    assert a.published.title in board
    fair = (await client.get(f"/events/{a.fair.slug}")).text
    assert a.employer.name in fair
    assert (await client.get(f"/employers/{a.employer.id}/logo")).status_code == 200


# --- what employer A reads of attendees -----------------------------------------------------------


def _fill(world: World, parameter: str) -> list[object]:
    """The values employer A's member would try in a path: A's own ids where the parameter
    names something of an employer, an unknown token, and ids from the fair elsewhere."""
    a = world.a
    table: dict[str, list[object]] = {
        **a.ids(),
        "organisation": [world.organisation.slug],
        "slug": [a.fair.slug],
        "employer_id": [a.employer.id],
        "delivery_id": [a.delivery.id],
        "exhibitor_id": [a.exhibitor.id],
        "booking_id": [a.sharing.booking.id],
        "schedule_id": [a.schedule.id],
        "registration_id": [a.private.registration.id],
        "registration": [a.private.registration.id],
        "question_id": [1],
        "device_id": [1],
        "message_id": [1],
        "funder_id": [1],
        "decision": ["approve"],
        "dataset": ["registrations"],
        "format": ["csv", "xlsx"],
        "token": ["not-a-personal-link"],
    }
    assert parameter in table, f"teach this test how to fill the path parameter {parameter!r}"
    return table[parameter]


EXTRA_QUERIES = {"employer:leads_export": ["?format=csv", "?format=xlsx"]}


# Public pages that show something of employers; the attendees' own pages (sign-up, personal link)
# list every nationality and legal status to choose from, and are no employer's.
PUBLIC_EMPLOYER_PAGES = ("home", "event", "offers", "offer", "employer_logo")


def _reachable_routes() -> Iterator[tuple[str, Route, tuple[str, ...]]]:
    """(full name, route, path parameters) of what an employer's member may ask: the portal,
    the scanning API, the back office (which refuses them) and the public pages about employers."""
    for entry in named_routes(app_routes):
        if not isinstance(entry.route, Route):
            continue
        area = entry.name.partition(":")[0]
        if entry.name in PUBLIC_EMPLOYER_PAGES or area in {"employer", "api", "manage"}:
            yield entry.name, entry.route, entry.parameters


def _get_paths(app, world: World) -> Iterator[str]:
    """Every GET of `_reachable_routes`, filled with A's values."""
    for name, route, parameters in _reachable_routes():
        if "GET" not in (route.methods or {"GET"}):
            continue
        for values in itertools.product(*(_fill(world, p) for p in parameters)):
            path = app.url_path_for(name, **dict(zip(parameters, values, strict=True)))
            for query in EXTRA_QUERIES.get(name, [""]):
                yield path + query


def _organisation_paths(app, world: World) -> Iterator[tuple[str, str]]:
    """(method, path) of every page of an organisation's back office, filled with A's values."""
    for name, route, parameters in _reachable_routes():
        if "organisation" not in parameters:
            continue
        for values in itertools.product(*(_fill(world, p) for p in parameters)):
            path = app.url_path_for(name, **dict(zip(parameters, values, strict=True)))
            for method in _methods(route):
                yield method, path


async def test_employer_b_is_refused_the_back_office_with_a_s_ids(app, client, world):
    """The organisers' pages show every employer's pledges, deliveries, offers and booths:
    an employer's member is refused all of them, whatever ids it puts in the path."""
    a = world.a
    token = await signed_in(client, world.b.member_email)
    before = await snapshot(a)
    asked = 0
    for method, path in _organisation_paths(app, world):
        if method == "GET":
            response = await client.get(path)
        else:
            form = {"decision": "confirm", "reason": "B was here", "csrf_token": token}
            response = await client.post(path, data=form)
        assert response.status_code == 403, (method, path)
        assert "have access to this organisation" in response.text, (method, path)
        assert leaked(response, a.secrets()) == [], (method, path)
        asked += 1
    assert asked > 40
    assert await snapshot(a) == before


async def test_a_draft_of_employer_a_is_not_public(client, world):
    await signed_in(client, world.b.member_email)
    assert (await client.get(f"/offers/{world.a.draft.id}")).status_code == 404
    assert world.a.draft.title not in (await client.get("/offers")).text


def _never_shown_to_a(world: World) -> list[str]:
    a, b = world.a, world.b
    return [
        *a.sharing.never_shown(),
        *a.private.never_shown(),
        # B's visitors and candidates are nothing of A's.
        *b.sharing.never_shown(),
        b.sharing.name,
        *b.private.never_shown(),
    ]


async def test_employer_a_reads_attendees_only_through_what_they_shared(app, client, world):
    a = world.a
    forbidden = _never_shown_to_a(world)
    seen: dict[str, str] = {}
    await signed_in(client, a.member_email)
    for language in LANGUAGES:
        await client.get(f"/?lang={language}")
        for path in _get_paths(app, world):
            for headers in ({}, HTMX):
                response = await client.get(path, headers=headers)
                assert response.status_code < 500, (path, response.text[:400])
                assert leaked(response, forbidden) == [], (language, path, headers)
                if response.status_code == 200:
                    seen.setdefault(path, readable(response).source)
    # The sweep read the pages where shared profiles are shown, and they were shown there.
    shown_at = {
        f"/employer/offers/{a.published.id}",
        f"/employer/fairs/{a.fair.id}/leads",
        f"/employer/fairs/{a.fair.id}/leads/export?format=csv",
        f"/employer/fairs/{a.fair.id}/leads/export?format=xlsx",
        f"/employer/fairs/{a.fair.id}/interviews",
    }
    for path in shown_at:
        assert a.sharing.name in seen[path], path
    assert a.private.lead.note in seen[f"/employer/fairs/{a.fair.id}/leads/export?format=xlsx"]


async def test_employer_a_reads_nothing_private_in_the_answers_to_its_actions(client, world):
    """Scanning a visitor, moving a candidate and annotating a lead answer with a card or a
    row: for someone who did not share, nothing of them."""
    a = world.a
    forbidden = _never_shown_to_a(world)
    token = await signed_in(client, a.member_email)
    scan = f"/employer/fairs/{a.fair.id}/leads/scan"
    actions = []
    for person in (a.sharing, a.private):
        code = make_badge_code(world.secret_key, a.fair.id, person.registration.id)
        actions += [
            (scan, {"code": code}),
            (scan, {"code": person.registration.badge_serial}),
            (
                f"/employer/offers/{a.published.id}/candidates/{person.interest.id}",
                {"status": "shortlisted"},
            ),
            (
                f"/employer/fairs/{a.fair.id}/leads/{person.lead.id}",
                {"note": "Speaks three languages", "rating": "4"},
            ),
            (f"/employer/fairs/{a.fair.id}/leads/{person.lead.id}", {"rating": "9"}),
        ]
    for path, form in actions:
        for headers in ({}, HTMX):
            response = await client.post(
                path, data={**form, "csrf_token": token}, headers=headers, follow_redirects=True
            )
            assert response.status_code in {200, 422}, (path, form, response.text[:400])
            assert leaked(response, forbidden) == [], (path, form, headers)
    scanned = await client.post(
        scan,
        data={"code": make_badge_code(world.secret_key, a.fair.id, a.sharing.registration.id)},
        headers={**HTMX, "X-CSRF-Token": token},
    )
    assert a.sharing.name in scanned.text


async def test_the_scanning_api_answers_an_employer_nothing(client, world):
    a = world.a
    await signed_in(client, a.member_email)
    code = make_badge_code(world.secret_key, a.fair.id, a.private.registration.id)
    checkin = await client.post("/api/v1/checkin", json={"code": code})
    search = await client.get("/api/v1/search", params={"q": a.private.attendee.last_name})
    assert checkin.status_code == search.status_code == 401
    for response in (checkin, search):
        assert leaked(response, _never_shown_to_a(world)) == []


async def test_another_browser_signed_in_as_b_sees_none_of_a_s_candidates(app, world):
    """The same offer page, asked by two companies at once: each session sees its own."""
    a, b = world.a, world.b
    async with await new_client(app) as first, await new_client(app, "203.0.113.12") as second:
        await signed_in(first, a.member_email)
        await signed_in(second, b.member_email)
        mine = await first.get(f"/employer/offers/{a.published.id}")
        theirs = await second.get(f"/employer/offers/{a.published.id}")
    assert a.sharing.name in mine.text
    assert theirs.status_code == 404
    assert a.sharing.name not in theirs.text
