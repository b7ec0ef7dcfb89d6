"""The composition root: settings, database, middleware, routes and error pages."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.authentication import AuthenticationMiddleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from server import i18n
from server.config import Settings
from server.db import close_database, open_database
from server.errors import AppError, LoginRequired
from server.notifications.texts import text_providers
from server.routes import accounts, api, employer, manage, public, replies
from server.services.ratelimit import (
    DatabaseFailureStore,
    FailureStore,
    LoginThrottle,
    RedisFailureStore,
    TextAllowance,
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


routes = [
    *public.routes,
    *employer.signup_routes,
    *accounts.routes,
    Mount("/manage", name="manage", routes=manage.routes),
    Mount("/employer", name="employer", routes=employer.routes),
    *replies.routes,
    Mount("/api/v1", name="api", routes=api.routes),
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
    app.state.text_providers = text_providers(settings)
    app.state.text_allowance = TextAllowance(
        failure_store,
        secret=settings.secret_key,
        per_number=settings.texts_per_number,
        per_address=settings.texts_per_address,
        per_hour=settings.texts_per_hour,
    )
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
