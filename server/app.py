"""The composition root: settings, database, middleware, routes and error pages."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.convertors import Convertor, register_url_convertor
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.authentication import AuthenticationMiddleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from server import i18n
from server.config import Settings
from server.db import close_database, open_database
from server.errors import AppError, LoginRequired
from server.routes import accounts, api, feedback
from server.routes.employer import fairs as employer_fairs
from server.routes.employer import interviews as employer_interviews
from server.routes.employer import leads as employer_leads
from server.routes.employer import offers as employer_offers
from server.routes.employer import pledges as employer_pledges
from server.routes.employer import portal as employer_portal
from server.routes.employer import signup as employer_signup
from server.routes.manage import attendance as manage_attendance
from server.routes.manage import attendees as manage_attendees
from server.routes.manage import devices, outbox, scanner
from server.routes.manage import employers as manage_employers
from server.routes.manage import events as manage_events
from server.routes.manage import exhibitors as manage_exhibitors
from server.routes.manage import exports as manage_exports
from server.routes.manage import interviews as manage_interviews
from server.routes.manage import offers as manage_offers
from server.routes.manage import overview as manage
from server.routes.manage import pledges as manage_pledges
from server.routes.manage import reports as manage_reports
from server.routes.public import attendee, offers, reports
from server.routes.public import events as public
from server.routes.public import interviews as public_interviews
from server.services.ratelimit import (
    DatabaseFailureStore,
    FailureStore,
    LoginThrottle,
    RedisFailureStore,
)
from server.web.security import (
    CSRFMiddleware,
    SecurityHeadersMiddleware,
    SessionAuthBackend,
    add_security_headers,
)
from server.web.templating import Renderer, build_templates

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
SESSION_MAX_AGE = 14 * 24 * 3600

log = logging.getLogger("tremplin")


class IdConvertor(Convertor[int]):
    """Database ids in paths: at most nine digits, so a huge number is a 404, not an overflow."""

    regex = "[0-9]{1,9}"

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        return str(value)


register_url_convertor("id", IdConvertor())

# -- interview routes --
# Interviews at a fair's booths (issue 16), in one block: the person's pages behind their
# personal link, the employer portal's (spliced into the /employer mount) and the organisers'
# (spliced into the /manage mount).
INTERVIEW_PUBLIC_ROUTES = [
    Route(
        "/me/{token:str}/events/{event_id:id}/interviews",
        public_interviews.my_interviews,
        methods=["GET", "POST"],
        name="me_interviews",
    ),
    Route(
        "/me/{token:str}/events/{event_id:id}/interviews/{booking_id:id}/move",
        public_interviews.my_interview_move,
        methods=["POST"],
        name="me_interview_move",
    ),
    Route(
        "/me/{token:str}/events/{event_id:id}/interviews/{booking_id:id}/cancel",
        public_interviews.my_interview_cancel,
        methods=["POST"],
        name="me_interview_cancel",
    ),
]
INTERVIEW_EMPLOYER_ROUTES = [
    Route(
        "/fairs/{event_id:id}/interviews",
        employer_interviews.interviews,
        methods=["GET", "POST"],
        name="interviews",
    ),
    Route(
        "/fairs/{event_id:id}/interviews/{booking_id:id}/outcome",
        employer_interviews.interview_outcome,
        methods=["POST"],
        name="interview_outcome",
    ),
    Route(
        "/fairs/{event_id:id}/interviews/runs/{schedule_id:id}/invitations",
        employer_interviews.interview_invite,
        methods=["POST"],
        name="interview_invite",
    ),
]
INTERVIEW_MANAGE_ROUTES = [
    Route(
        "/{organisation:str}/events/{event_id:id}/interviews",
        manage_interviews.interviews,
        methods=["GET", "POST"],
        name="interviews",
    ),
    Route(
        "/{organisation:str}/events/{event_id:id}/interviews/booths/{exhibitor_id:id}/close",
        manage_interviews.interviews_close,
        methods=["POST"],
        name="interviews_close",
    ),
    Route(
        "/{organisation:str}/events/{event_id:id}/interviews/schedule",
        manage_interviews.interviews_export,
        name="interviews_export",
    ),
    Route(
        "/{organisation:str}/events/{event_id:id}/interviews/help-desk",
        manage_interviews.interview_help_desk,
        methods=["GET", "POST"],
        name="interview_help_desk",
    ),
]
# -- end of interview routes --

routes = [
    *INTERVIEW_PUBLIC_ROUTES,
    Route("/", public.home, name="home"),
    Route("/events/{slug:str}", public.event_detail, name="event"),
    Route(
        "/events/{slug:str}/register",
        attendee.sign_up_page,
        methods=["GET", "POST"],
        name="sign_up",
    ),
    Route("/events/{slug:str}/registered", attendee.signed_up, name="signed_up"),
    Route("/me/{token:str}", attendee.personal_page, name="me"),
    Route(
        "/me/{token:str}/registrations/{registration:id}/cancel",
        attendee.cancel_registration,
        methods=["POST"],
        name="cancel_registration",
    ),
    Route(
        "/me/{token:str}/registrations/{registration:id}/badge.pdf",
        attendee.badge_download,
        name="badge_download",
    ),
    Route(
        "/me/{token:str}/language",
        attendee.change_language,
        methods=["POST"],
        name="my_language",
    ),
    Route("/me/{token:str}/data", attendee.my_data, name="my_data"),
    Route(
        "/me/{token:str}/delete",
        attendee.delete_my_data,
        methods=["POST"],
        name="delete_my_data",
    ),
    Route("/deleted", attendee.data_deleted, name="data_deleted"),
    Route("/link", attendee.resend_link, methods=["GET", "POST"], name="resend_link"),
    Route("/healthz", public.health, name="health"),
    # -- public employer sign-up and invitation routes --
    Route(
        "/employers/signup",
        employer_signup.employer_signup,
        methods=["GET", "POST"],
        name="employer_signup",
    ),
    Route(
        "/employers/join/{token:str}",
        employer_signup.employer_join,
        methods=["GET", "POST"],
        name="employer_join",
    ),
    Route("/employers/{employer_id:id}/logo", employer_signup.employer_logo, name="employer_logo"),
    # -- public offer board and attendee interest routes --
    Route("/offers", offers.board, name="offers"),
    Route("/offers/{offer_id:id}", offers.offer_page, name="offer"),
    Route("/me/{token:str}/offers", offers.my_offers, name="me_offers"),
    Route(
        "/me/{token:str}/offers/{offer_id:id}/interest",
        offers.my_interest,
        methods=["POST"],
        name="me_interest",
    ),
    # -- feedback routes --
    Route(
        "/me/{token:str}/events/{event_id:id}/feedback",
        feedback.me_feedback,
        methods=["GET", "POST"],
        name="me_feedback",
    ),
    Route(
        "/events/{slug:str}/feedback",
        feedback.event_feedback,
        methods=["GET", "POST"],
        name="event_feedback",
    ),
    # -- public report routes --
    Route("/reports/{token:str}", reports.report, name="report"),
    Route("/reports/{token:str}/report.pdf", reports.report_pdf, name="report_pdf"),
    Route("/login", accounts.login, methods=["GET", "POST"], name="login"),
    Route("/logout", accounts.logout, methods=["POST"], name="logout"),
    Route("/account", accounts.account, name="account"),
    Route(
        "/account/password",
        accounts.change_password,
        methods=["GET", "POST"],
        name="password",
    ),
    Mount(
        "/manage",
        name="manage",
        routes=[
            Route("/", manage.choose_organisation, name="choose"),
            Route("/{organisation:str}/", manage.overview, name="overview"),
            Route("/{organisation:str}/members", manage.members, name="members"),
            # -- event management routes --
            Route(
                "/{organisation:str}/events/new",
                manage_events.events_new,
                methods=["GET", "POST"],
                name="events_new",
            ),
            Route(
                "/{organisation:str}/events/{event_id:id}",
                manage_events.event_detail,
                name="event_detail",
            ),
            Route(
                "/{organisation:str}/events/{event_id:id}/edit",
                manage_events.event_edit,
                methods=["GET", "POST"],
                name="event_edit",
            ),
            Route(
                "/{organisation:str}/events/{event_id:id}/status",
                manage_events.event_status,
                methods=["POST"],
                name="event_status",
            ),
            Route(
                "/{organisation:str}/events/{event_id:id}/sessions/new",
                manage_events.session_new,
                methods=["GET", "POST"],
                name="session_new",
            ),
            Route(
                "/{organisation:str}/events/{event_id:id}/questions",
                manage_events.event_questions,
                methods=["GET", "POST"],
                name="event_questions",
            ),
            Route(
                "/{organisation:str}/events/{event_id:id}/questions/{question_id:id}/delete",
                manage_events.question_delete,
                methods=["POST"],
                name="question_delete",
            ),
            # -- attendee list, exports and walk-in routes --
            Route(
                "/{organisation:str}/events/{event_id:id}/attendees",
                manage_attendees.attendees,
                name="attendees",
            ),
            Route(
                "/{organisation:str}/events/{event_id:id}/attendees.csv",
                manage_attendees.attendees_csv,
                name="attendees_csv",
            ),
            Route(
                "/{organisation:str}/events/{event_id:id}/attendees.xlsx",
                manage_attendees.attendees_xlsx,
                name="attendees_xlsx",
            ),
            Route(
                "/{organisation:str}/events/{event_id:id}/walk-in",
                manage_attendees.walk_in_page,
                methods=["GET", "POST"],
                name="walk_in",
            ),
            # -- badge sheets and live attendance routes --
            Route(
                "/{organisation:str}/events/{event_id:id}/badges.pdf",
                manage_attendance.badges_pdf,
                name="badges_pdf",
            ),
            Route(
                "/{organisation:str}/events/{event_id:id}/attendance",
                manage_attendance.attendance,
                name="attendance",
            ),
            # -- scanner page at the door --
            Route(
                "/{organisation:str}/events/{event_id:id}/scan",
                scanner.scan,
                methods=["GET", "POST"],
                name="scan",
            ),
            Route(
                "/{organisation:str}/events/{event_id:id}/scan/undo",
                scanner.scan_undo,
                methods=["POST"],
                name="scan_undo",
            ),
            Route(
                "/{organisation:str}/events/{event_id:id}/scan/search",
                scanner.scan_search,
                name="scan_search",
            ),
            Route(
                "/{organisation:str}/events/{event_id:id}/registrations/{registration_id:id}"
                "/{decision:str}",
                manage_attendees.decide_registration,
                methods=["POST"],
                name="decide_registration",
            ),
            # -- employer moderation routes --
            Route(
                "/{organisation:str}/employers",
                manage_employers.employers_list,
                name="employers",
            ),
            Route(
                "/{organisation:str}/employers/{employer_id:id}/review",
                manage_employers.employer_review,
                methods=["POST"],
                name="employer_review",
            ),
            Route(
                "/{organisation:str}/employers/{employer_id:id}/logo",
                manage_employers.employer_logo,
                name="employer_logo",
            ),
            # -- pledge overview routes --
            Route(
                "/{organisation:str}/pledges",
                manage_pledges.pledge_overview,
                name="pledges",
            ),
            Route(
                "/{organisation:str}/pledges/{pledge_id:id}",
                manage_pledges.pledge_detail,
                name="pledge",
            ),
            Route(
                "/{organisation:str}/deliveries/{delivery_id:id}/review",
                manage_pledges.delivery_review,
                methods=["POST"],
                name="delivery_review",
            ),
            # -- offer moderation routes --
            Route("/{organisation:str}/offers", manage_offers.offer_list, name="offers"),
            Route(
                "/{organisation:str}/offers/{offer_id:id}/review",
                manage_offers.offer_review,
                methods=["POST"],
                name="offer_review",
            ),
            # -- exhibitor routes --
            Route(
                "/{organisation:str}/events/{event_id:id}/exhibitors",
                manage_exhibitors.exhibitors_page,
                name="exhibitors",
            ),
            Route(
                "/{organisation:str}/events/{event_id:id}/exhibitors/{exhibitor_id:id}",
                manage_exhibitors.exhibitor_decide,
                methods=["POST"],
                name="exhibitor_decide",
            ),
            # -- synthesis report and bulletin routes --
            Route(
                "/{organisation:str}/events/{event_id:id}/report",
                manage_reports.report,
                methods=["GET", "POST"],
                name="report",
            ),
            Route(
                "/{organisation:str}/events/{event_id:id}/report/preview",
                manage_reports.report_preview,
                methods=["POST"],
                name="report_preview",
            ),
            Route(
                "/{organisation:str}/events/{event_id:id}/report/publish",
                manage_reports.report_publish,
                methods=["POST"],
                name="report_publish",
            ),
            Route(
                "/{organisation:str}/events/{event_id:id}/report.pdf",
                manage_reports.report_pdf,
                name="report_pdf",
            ),
            Route("/{organisation:str}/bulletin", manage_reports.bulletin, name="bulletin"),
            Route(
                "/{organisation:str}/bulletin.pdf",
                manage_reports.bulletin_pdf,
                name="bulletin_pdf",
            ),
            Route(
                "/{organisation:str}/bulletin.xlsx",
                manage_reports.bulletin_xlsx,
                name="bulletin_xlsx",
            ),
            # -- organiser export routes --
            Route(
                "/{organisation:str}/exports",
                manage_exports.exports_page,
                name="exports",
            ),
            Route(
                "/{organisation:str}/exports/{dataset:str}.{format:str}",
                manage_exports.export,
                name="export",
            ),
            Route(
                "/{organisation:str}/events/{event_id:id}/feedback-poster",
                feedback.feedback_poster,
                name="feedback_poster",
            ),
            # -- outbox routes --
            Route("/{organisation:str}/outbox", outbox.outbox, name="outbox"),
            # -- scanning device routes --
            Route(
                "/{organisation:str}/events/{event_id:id}/devices",
                devices.devices,
                methods=["GET", "POST"],
                name="devices",
            ),
            Route(
                "/{organisation:str}/events/{event_id:id}/devices/{device_id:id}/revoke",
                devices.device_revoke,
                methods=["POST"],
                name="device_revoke",
            ),
            *INTERVIEW_MANAGE_ROUTES,
        ],
    ),
    Mount(
        "/employer",
        name="employer",
        routes=[
            # -- employer portal: dashboard, company and members routes --
            Route("/", employer_portal.dashboard, name="dashboard"),
            Route(
                "/company",
                employer_portal.company,
                methods=["GET", "POST"],
                name="company",
            ),
            Route("/logo", employer_portal.company_logo, name="logo"),
            Route("/members", employer_portal.members, name="members"),
            Route(
                "/members/invite",
                employer_portal.invite,
                methods=["POST"],
                name="invite",
            ),
            # -- employer pledge routes --
            Route("/pledges", employer_pledges.pledge_list, name="pledges"),
            Route(
                "/pledges/new",
                employer_pledges.pledge_new,
                methods=["GET", "POST"],
                name="pledge_new",
            ),
            Route("/pledges/{pledge_id:id}", employer_pledges.pledge_detail, name="pledge"),
            Route(
                "/pledges/{pledge_id:id}/edit",
                employer_pledges.pledge_edit,
                methods=["GET", "POST"],
                name="pledge_edit",
            ),
            Route(
                "/pledges/{pledge_id:id}/deliveries",
                employer_pledges.delivery_new,
                methods=["POST"],
                name="delivery_new",
            ),
            # -- employer offer and candidate routes --
            Route("/offers", employer_offers.offer_list, name="offers"),
            Route(
                "/offers/new", employer_offers.offer_new, methods=["GET", "POST"], name="offer_new"
            ),
            Route("/offers/{offer_id:id}", employer_offers.offer_detail, name="offer"),
            Route(
                "/offers/{offer_id:id}/edit",
                employer_offers.offer_edit,
                methods=["GET", "POST"],
                name="offer_edit",
            ),
            Route(
                "/offers/{offer_id:id}/submit",
                employer_offers.offer_submit,
                methods=["POST"],
                name="offer_submit",
            ),
            Route(
                "/offers/{offer_id:id}/close",
                employer_offers.offer_close,
                methods=["POST"],
                name="offer_close",
            ),
            Route(
                "/offers/{offer_id:id}/candidates/{interest_id:id}",
                employer_offers.candidate_move,
                methods=["POST"],
                name="candidate_move",
            ),
            # -- employer fair and booth routes --
            Route("/fairs", employer_fairs.fairs, name="fairs"),
            Route(
                "/fairs/{event_id:id}/request",
                employer_fairs.booth_request,
                methods=["POST"],
                name="booth_request",
            ),
            Route(
                "/fairs/{event_id:id}/withdraw",
                employer_fairs.booth_withdraw,
                methods=["POST"],
                name="booth_withdraw",
            ),
            # -- employer feedback on a fair --
            Route(
                "/fairs/{event_id:id}/feedback",
                feedback.exhibitor_feedback,
                methods=["GET", "POST"],
                name="feedback",
            ),
            # -- employer lead scanning routes --
            Route(
                "/fairs/{event_id:id}/leads/scan",
                employer_leads.lead_scanner,
                methods=["GET", "POST"],
                name="lead_scanner",
            ),
            Route("/fairs/{event_id:id}/leads", employer_leads.leads_list, name="leads"),
            Route(
                "/fairs/{event_id:id}/leads/export",
                employer_leads.leads_export,
                name="leads_export",
            ),
            Route(
                "/fairs/{event_id:id}/leads/{lead_id:id}",
                employer_leads.lead_update,
                methods=["POST"],
                name="lead_update",
            ),
            *INTERVIEW_EMPLOYER_ROUTES,
        ],
    ),
    Mount(
        "/api/v1",
        name="api",
        routes=[
            Route("/checkin", api.checkin, methods=["POST"], name="checkin"),
            Route("/search", api.search, name="search"),
            Route("/openapi.json", api.openapi, name="openapi"),
        ],
    ),
    Mount("/static", app=StaticFiles(directory=STATIC_DIR), name="static"),
]


def create_app(settings: Settings | None = None, *, manage_database: bool = True) -> Starlette:
    """Build the application. With `manage_database`, the lifespan opens and closes Tortoise;
    tests that open the database themselves pass False."""
    settings = settings or Settings.from_env()
    templates = build_templates()
    renderer = Renderer(templates)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if manage_database:
            await open_database(settings.database_url)
        try:
            yield
        finally:
            if isinstance(failure_store, RedisFailureStore):
                await failure_store.close()
            if manage_database:
                await close_database()

    async def csrf_failure(scope: Scope) -> Response:
        request = Request(scope)
        return _error_response(request, renderer, 403, "csrf")

    failure_store: FailureStore = (
        RedisFailureStore(settings.redis_url) if settings.redis_url else DatabaseFailureStore()
    )
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        middleware=[
            Middleware(SecurityHeadersMiddleware),
            Middleware(
                SessionMiddleware,
                secret_key=settings.secret_key,
                session_cookie="tremplin_session",
                max_age=SESSION_MAX_AGE,
                same_site="lax",
                https_only=settings.secure_cookies,
            ),
            Middleware(i18n.LanguageMiddleware, secure_cookies=settings.secure_cookies),
            Middleware(AuthenticationMiddleware, backend=SessionAuthBackend()),
            Middleware(CSRFMiddleware, on_failure=csrf_failure),
        ],
        exception_handlers={
            ClientDisconnect: _client_gone,
            AppError: _app_error_handler,
            HTTPException: _http_error_handler,
            Exception: _server_error_handler,
        },
    )
    app.state.settings = settings
    app.state.renderer = renderer
    app.state.failure_store = failure_store
    app.state.login_throttle = LoginThrottle(failure_store)
    return app


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _error_response(
    request: Request, renderer: Renderer, status: int, code: str, message: str = ""
) -> Response:
    if _wants_json(request):
        return JSONResponse(
            {"status": code, "message": i18n.gettext(message) if message else ""},
            status_code=status,
        )
    template = f"errors/{status}.html" if status in {403, 404, 429} else "errors/generic.html"
    context: dict[str, Any] = {"code": code, "message": message, "status": status}
    return renderer.page(request, template, context, status_code=status)


async def _app_error_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, AppError)
    if isinstance(exc, LoginRequired) and not _wants_json(request):
        target = request.url_for("login").include_query_params(next=request.url.path)
        login_url = f"{target.path}?{target.query}"
        if request.headers.get("hx-request") == "true":
            # htmx would follow a 303 and swap the login page into a fragment: send the whole
            # page to the login form instead.
            return Response(status_code=204, headers={"HX-Redirect": login_url})
        return RedirectResponse(login_url, status_code=303)
    return _error_response(
        request, request.app.state.renderer, exc.status_code, exc.code, exc.message
    )


async def _http_error_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    response = _error_response(request, request.app.state.renderer, exc.status_code, "http")
    response.headers.update(exc.headers or {})
    return response


async def _client_gone(request: Request, exc: Exception) -> Response:
    """The client hung up while sending its request: nobody will read an answer, nothing broke."""
    return Response(status_code=400)


async def _server_error_handler(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    response = _error_response(request, request.app.state.renderer, 500, "server_error")
    add_security_headers(response.headers)
    return response


def __getattr__(name: str) -> Starlette:
    """`server.app:app` for uvicorn, built on first access (PEP 562) so that importing this
    module reads no environment and writes no secret key file."""
    if name == "app":
        application = create_app()
        globals()["app"] = application
        return application
    raise AttributeError(name)
