"""Every route, opened by an anonymous visitor: a page, a redirect to login, or a refusal —
never a server error. A new route fails this test until it is listed here."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from starlette.routing import BaseRoute, Match, Mount, Route, Router
from starlette.types import Scope

from server.app import routes
from server.models import Event
from server.models.enums import EventKind, EventStatus
from server.web.policies import PersonalLinkPolicy
from tests.support import make_organisation, named_routes

# Route name → (method, path, expected status for an anonymous visitor).
ANONYMOUS = {
    "home": ("GET", "/", 200),
    "event": ("GET", "/events/job-fair", 200),
    "sign_up": ("GET", "/events/job-fair/register", 200),
    "signed_up": ("GET", "/events/job-fair/registered", 200),
    "me": ("GET", "/me/unknown-token", 404),
    "cancel_registration": ("POST", "/me/unknown-token/registrations/1/cancel", 403),
    "badge_download": ("GET", "/me/unknown-token/registrations/1/badge.pdf", 404),
    "my_language": ("POST", "/me/unknown-token/language", 403),
    "my_data": ("GET", "/me/unknown-token/data", 404),
    "delete_my_data": ("POST", "/me/unknown-token/delete", 403),
    "data_deleted": ("GET", "/deleted", 200),
    "manage:decide_registration": (
        "POST",
        "/manage/passerelles/events/1/registrations/1/approve",
        403,
    ),
    "resend_link": ("GET", "/link", 200),
    "health": ("GET", "/healthz", 200),
    "login": ("GET", "/login", 200),
    "logout": ("POST", "/logout", 403),  # no CSRF token: refused before anything else
    "account": ("GET", "/account", 303),
    "password": ("GET", "/account/password", 303),
    "manage:choose": ("GET", "/manage/", 303),
    "manage:overview": ("GET", "/manage/passerelles/", 303),
    "manage:members": ("GET", "/manage/passerelles/members", 303),
    "manage:outbox": ("GET", "/manage/passerelles/outbox", 303),
    "manage:events_new": ("GET", "/manage/passerelles/events/new", 303),
    "manage:event_detail": ("GET", "/manage/passerelles/events/1", 303),
    "manage:event_edit": ("GET", "/manage/passerelles/events/1/edit", 303),
    "manage:event_status": ("POST", "/manage/passerelles/events/1/status", 403),
    "manage:session_new": ("GET", "/manage/passerelles/events/1/sessions/new", 303),
    "manage:event_questions": ("GET", "/manage/passerelles/events/1/questions", 303),
    "manage:question_delete": ("POST", "/manage/passerelles/events/1/questions/1/delete", 403),
    "manage:attendees": ("GET", "/manage/passerelles/events/1/attendees", 303),
    "manage:attendees_csv": ("GET", "/manage/passerelles/events/1/attendees.csv", 303),
    "manage:attendees_xlsx": ("GET", "/manage/passerelles/events/1/attendees.xlsx", 303),
    "manage:walk_in": ("GET", "/manage/passerelles/events/1/walk-in", 303),
    "manage:badges_pdf": ("GET", "/manage/passerelles/events/1/badges.pdf", 303),
    "manage:attendance": ("GET", "/manage/passerelles/events/1/attendance", 303),
    "manage:scan": ("GET", "/manage/passerelles/events/1/scan", 303),
    "manage:scan_undo": ("POST", "/manage/passerelles/events/1/scan/undo", 403),
    "manage:scan_search": ("GET", "/manage/passerelles/events/1/scan/search?q=ab", 303),
    "manage:devices": ("GET", "/manage/passerelles/events/1/devices", 303),
    "manage:device_revoke": ("POST", "/manage/passerelles/events/1/devices/1/revoke", 403),
    "api:checkin": ("POST", "/api/v1/checkin", 401),
    "api:search": ("GET", "/api/v1/search?q=ab", 401),
    "api:openapi": ("GET", "/api/v1/openapi.json", 200),
    "static": ("GET", "/static/css/app.css", 200),
    "me_feedback": ("GET", "/me/unknown-token/events/1/feedback", 404),
    "event_feedback": ("GET", "/events/job-fair/feedback", 200),
    "manage:feedback_poster": ("GET", "/manage/passerelles/events/1/feedback-poster", 303),
    "manage:exports": ("GET", "/manage/passerelles/exports", 303),
    "manage:export": ("GET", "/manage/passerelles/exports/registrations.csv", 303),
    "employer:feedback": ("GET", "/employer/fairs/1/feedback", 303),
    "employer_signup": ("GET", "/employers/signup", 200),
    "employer_join": ("GET", "/employers/join/unknown-token", 400),
    "employer_logo": ("GET", "/employers/1/logo", 404),
    "employer:dashboard": ("GET", "/employer/", 303),
    "employer:company": ("GET", "/employer/company", 303),
    "employer:logo": ("GET", "/employer/logo", 303),
    "employer:members": ("GET", "/employer/members", 303),
    "employer:invite": ("POST", "/employer/members/invite", 403),
    "manage:employers": ("GET", "/manage/passerelles/employers", 303),
    "manage:employer_review": ("POST", "/manage/passerelles/employers/1/review", 403),
    "manage:employer_logo": ("GET", "/manage/passerelles/employers/1/logo", 303),
    "offers": ("GET", "/offers", 200),
    "offer": ("GET", "/offers/1", 404),
    "me_offers": ("GET", "/me/unknown-token/offers", 404),
    "me_interest": ("POST", "/me/unknown-token/offers/1/interest", 403),
    "manage:offers": ("GET", "/manage/passerelles/offers", 303),
    "manage:offer_review": ("POST", "/manage/passerelles/offers/1/review", 403),
    "employer:offers": ("GET", "/employer/offers", 303),
    "employer:offer_new": ("GET", "/employer/offers/new", 303),
    "employer:offer": ("GET", "/employer/offers/1", 303),
    "employer:offer_edit": ("GET", "/employer/offers/1/edit", 303),
    "employer:offer_submit": ("POST", "/employer/offers/1/submit", 403),
    "employer:offer_close": ("POST", "/employer/offers/1/close", 403),
    "employer:candidate_move": ("POST", "/employer/offers/1/candidates/1", 403),
    "employer:pledges": ("GET", "/employer/pledges", 303),
    "employer:pledge_new": ("GET", "/employer/pledges/new", 303),
    "employer:pledge": ("GET", "/employer/pledges/1", 303),
    "employer:pledge_edit": ("GET", "/employer/pledges/1/edit", 303),
    "employer:delivery_new": ("POST", "/employer/pledges/1/deliveries", 403),
    "manage:pledges": ("GET", "/manage/passerelles/pledges", 303),
    "manage:pledge": ("GET", "/manage/passerelles/pledges/1", 303),
    "manage:delivery_review": ("POST", "/manage/passerelles/deliveries/1/review", 403),
    "employer:fairs": ("GET", "/employer/fairs", 303),
    "employer:booth_request": ("POST", "/employer/fairs/1/request", 403),
    "employer:booth_withdraw": ("POST", "/employer/fairs/1/withdraw", 403),
    "employer:lead_scanner": ("GET", "/employer/fairs/1/leads/scan", 303),
    "employer:leads": ("GET", "/employer/fairs/1/leads", 303),
    "employer:leads_export": ("GET", "/employer/fairs/1/leads/export?format=csv", 303),
    "employer:lead_update": ("POST", "/employer/fairs/1/leads/1", 403),
    "manage:exhibitors": ("GET", "/manage/passerelles/events/1/exhibitors", 303),
    "manage:exhibitor_decide": ("POST", "/manage/passerelles/events/1/exhibitors/1", 403),
    "report": ("GET", "/reports/unknown-token", 404),
    "report_pdf": ("GET", "/reports/unknown-token/report.pdf", 404),
    "manage:report": ("GET", "/manage/passerelles/events/1/report", 303),
    "manage:report_preview": ("POST", "/manage/passerelles/events/1/report/preview", 403),
    "manage:report_publish": ("POST", "/manage/passerelles/events/1/report/publish", 403),
    "manage:report_pdf": ("GET", "/manage/passerelles/events/1/report.pdf", 303),
    "report_funder_logo": ("GET", "/reports/unknown-token/funders/1/logo", 404),
    "manage:funders": ("GET", "/manage/passerelles/funders", 303),
    "manage:funder_edit": ("GET", "/manage/passerelles/funders/1", 303),
    "manage:funder_remove": ("POST", "/manage/passerelles/funders/1/remove", 403),
    "manage:funder_logo": ("GET", "/manage/passerelles/funders/1/logo", 303),
    "manage:bulletin": ("GET", "/manage/passerelles/bulletin", 303),
    "manage:bulletin_pdf": ("GET", "/manage/passerelles/bulletin.pdf", 303),
    "manage:bulletin_xlsx": ("GET", "/manage/passerelles/bulletin.xlsx", 303),
    "my_messages": ("POST", "/me/unknown-token/messages", 403),
    "manage:event_messages": ("GET", "/manage/passerelles/events/1/messages", 303),
    "manage:sent_by_hand": ("POST", "/manage/passerelles/events/1/messages/1/sent", 403),
    "replies": ("POST", "/api/v1/replies/twilio/not-the-secret", 404),
    "me_interviews": ("GET", "/me/unknown-token/events/1/interviews", 404),
    "me_interview_move": ("POST", "/me/unknown-token/events/1/interviews/1/move", 403),
    "me_interview_cancel": ("POST", "/me/unknown-token/events/1/interviews/1/cancel", 403),
    "employer:interviews": ("GET", "/employer/fairs/1/interviews", 303),
    "employer:interview_outcome": ("POST", "/employer/fairs/1/interviews/1/outcome", 403),
    "employer:interview_invite": (
        "POST",
        "/employer/fairs/1/interviews/runs/1/invitations",
        403,
    ),
    "manage:interviews": ("GET", "/manage/passerelles/events/1/interviews", 303),
    "manage:interviews_close": (
        "POST",
        "/manage/passerelles/events/1/interviews/booths/1/close",
        403,
    ),
    "manage:interviews_export": (
        "GET",
        "/manage/passerelles/events/1/interviews/schedule?format=csv",
        303,
    ),
    "manage:interview_help_desk": (
        "GET",
        "/manage/passerelles/events/1/interviews/help-desk",
        303,
    ),
}

NOT_FOUND = [
    "/events/draft-event",
    "/events/draft-event/register",
    "/events/nothing-here",
    "/no-such-page",
    "/static/nope.css",
]


def test_every_route_is_listed_here():
    assert {entry.name for entry in named_routes(routes)} == set(ANONYMOUS)


def test_every_endpoint_declares_who_may_call_it():
    unguarded = [
        entry.name
        for entry in named_routes(routes)
        if isinstance(entry.route, Route) and not hasattr(entry.route.endpoint, "access_policy")
    ]
    assert unguarded == []


def test_every_route_behind_a_personal_link_needs_that_link():
    behind_link = [
        entry.route
        for entry in named_routes(routes)
        if isinstance(entry.route, Route) and entry.route.path.startswith("/me/{token")
    ]
    assert behind_link
    loose = [
        route.path
        for route in behind_link
        if not isinstance(route.endpoint.access_policy, PersonalLinkPolicy)  # type: ignore[attr-defined]
    ]
    assert loose == []


@pytest.fixture
async def published_event(db) -> Event:
    """A published job fair and a draft event; returns the draft."""
    organisation = await make_organisation()
    start = datetime.now(UTC) + timedelta(days=10)
    common = {
        "organisation": organisation,
        "kind": EventKind.JOB_FAIR,
        "city": "Casablanca",
        "starts_at": start,
        "ends_at": start + timedelta(hours=6),
    }
    await Event.create(
        slug="job-fair", status=EventStatus.PUBLISHED, title={"fr": "Salon"}, **common
    )
    return await Event.create(
        slug="draft-event", status=EventStatus.DRAFT, title={"fr": "Brouillon"}, **common
    )


@pytest.mark.usefixtures("published_event")
@pytest.mark.parametrize("name", sorted(ANONYMOUS))
async def test_anonymous_visitor_gets_the_expected_answer(client, name):
    method, path, expected = ANONYMOUS[name]
    response = await client.request(method, path)
    assert response.status_code == expected, response.text[:500]
    if expected == 303:
        assert response.headers["location"].startswith("/login?next=")


@pytest.mark.usefixtures("published_event")
@pytest.mark.parametrize("path", NOT_FOUND)
async def test_unknown_or_unpublished_pages_are_not_found(client, path):
    response = await client.get(path)
    assert response.status_code == 404


async def test_draft_sessions_are_not_shown_on_public_pages(client, published_event):
    fair = await Event.get(slug="job-fair")
    await Event.filter(id=published_event.id).update(parent_id=fair.id)
    for path in ("/", "/events/job-fair"):
        assert "Brouillon" not in (await client.get(path)).text


async def test_a_huge_id_in_a_path_is_not_found(client, published_event):
    response = await client.get("/manage/passerelles/events/99999999999999999999/attendees")
    assert response.status_code == 404


def answering_route(entries: list[BaseRoute], scope: Scope, prefix: str = "") -> tuple[str, dict]:
    """The full name of the route that answers `scope`, and the parameters read from its path."""
    for entry in entries:
        match, child = entry.matches(scope)
        if match is Match.FULL:
            scope = {**scope, **child}
            if isinstance(entry, Mount) and entry.routes:
                inner = f"{prefix}{entry.name}:" if entry.name else prefix
                return answering_route(entry.routes, scope, inner)
            if isinstance(entry, Mount):  # another app (the static files): the rest of the path
                rest = scope["path"].removeprefix(scope["root_path"])
                return prefix + entry.name, {**scope["path_params"], "path": rest}
            return prefix + entry.name, scope["path_params"]
    raise LookupError(f"no route answers {scope['method']} {scope['path']}")


@pytest.mark.parametrize("name", sorted(ANONYMOUS))
def test_each_listed_path_is_the_path_of_its_route(name):
    """The table above fixes every route's path: the listed path reaches the route of that
    name, and the name builds that path back."""
    method, path, _ = ANONYMOUS[name]
    path = path.partition("?")[0]
    scope = {"type": "http", "method": method, "path": path, "root_path": "", "path_params": {}}
    found, parameters = answering_route(routes, scope)
    assert found == name
    assert Router(routes=routes).url_path_for(name, **parameters) == path
