"""Who is calling, what they may do, and the protections every response carries.

- Sessions are signed cookies (Starlette's SessionMiddleware): the session holds the user id and
  the user's `session_epoch`, so changing a password ends every other session.
- CSRF: a random token per session, sent back by forms (`csrf_token` field) and by htmx (the
  `X-CSRF-Token` header set on `<body hx-headers>`); any unsafe request without it is refused.

Who may call each endpoint is declared in `server.web.policies`.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qsl

from starlette.authentication import AuthCredentials, AuthenticationBackend, BaseUser
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import HTTPConnection, Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.models import User

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
MAX_FORM_BYTES = 5 * 1024 * 1024
# The devices' JSON API authenticates by bearer token only and never reads the session, so a
# forged cross-site request carries nothing it accepts: without a token it must answer 401, not 403.
API_PREFIX = "/api/"

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "media-src 'self' blob:",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "object-src 'none'",
    ]
)


class StaffUser(BaseUser):
    """The logged-in user of a request."""

    def __init__(self, user: User) -> None:
        self.record = user

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def display_name(self) -> str:
        return self.record.full_name

    @property
    def identity(self) -> str:
        return str(self.record.id)


class SessionAuthBackend(AuthenticationBackend):
    """Reads the user from the signed session; one primary-key query, only when signed in."""

    async def authenticate(self, conn: HTTPConnection) -> tuple[AuthCredentials, BaseUser] | None:
        user_id = conn.session.get("user_id")
        if user_id is None:
            return None
        user = await User.get_or_none(id=user_id, is_active=True)
        if user is None or user.session_epoch != conn.session.get("epoch"):
            conn.session.pop("user_id", None)
            return None
        return AuthCredentials(["authenticated"]), StaffUser(user)


def signed_in_user(request: Request) -> User | None:
    # Read from the scope: an error page can be rendered before the auth middleware ran.
    user = request.scope.get("user")
    return user.record if isinstance(user, StaffUser) else None


def start_session(request: Request, user: User) -> None:
    """Log `user` in with a fresh session, so a token planted before login is worthless."""
    request.session.clear()
    request.session.update({"user_id": user.id, "epoch": user.session_epoch})
    rotate_csrf_token(request)


def end_session(request: Request) -> None:
    request.session.clear()


# --- CSRF -----------------------------------------------------------------------------------------


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use ("" where there is no session)."""
    if "session" not in request.scope:
        return ""
    token = request.session.get("csrf")
    if not token:
        token = rotate_csrf_token(request)
    return token


def csrf_header_token(request: Request) -> str:
    """The token the layout puts in `<body hx-headers>` for htmx requests: the session's token,
    created here only for a signed-in user. An anonymous visitor gets one from the first form
    they are shown (`csrf_token`), so a page without a form writes no session cookie and stays
    cacheable; anonymous htmx posts come from forms, which carry their own field."""
    if "session" not in request.scope:
        return ""
    token = request.session.get("csrf", "")
    if not token and signed_in_user(request) is not None:
        token = rotate_csrf_token(request)
    return token


def rotate_csrf_token(request: Request) -> str:
    token = secrets.token_urlsafe(32)
    request.session["csrf"] = token
    return token


class CSRFMiddleware:
    """Refuse unsafe requests that do not carry the session's CSRF token.

    The devices' JSON API under /api/ is exempt: it accepts only a bearer token, never the
    session, so there is nothing for another site to forge. Form bodies are read here and replayed
    to the application unchanged.
    """

    def __init__(self, app: ASGIApp, on_failure: Callable[[Scope], Awaitable[Response]]) -> None:
        self.app = app
        self.on_failure = on_failure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] in SAFE_METHODS
            or scope["path"].startswith(API_PREFIX)
        ):
            await self.app(scope, receive, send)
            return
        expected = scope.get("session", {}).get("csrf")
        headers = dict(scope["headers"])
        sent = headers.get(CSRF_HEADER.encode(), b"").decode("latin-1")
        body: list[Message] = []
        if not sent:
            body, sent = await _read_form_token(scope, receive)
        if not expected or not sent or not hmac.compare_digest(expected.encode(), sent.encode()):
            response = await self.on_failure(scope)
            await response(scope, receive, send)
            return
        await self.app(scope, _replay(body, receive) if body else receive, send)


async def _read_form_token(scope: Scope, receive: Receive) -> tuple[list[Message], str]:
    messages: list[Message] = []
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        size += len(chunks[-1])
        if size > MAX_FORM_BYTES or not message.get("more_body", False):
            break
    raw = b"".join(chunks)
    content_type = dict(scope["headers"]).get(b"content-type", b"").decode("latin-1")
    if content_type.startswith("application/x-www-form-urlencoded"):
        fields = dict(parse_qsl(raw.decode("utf-8", "replace")))
        return messages, fields.get(CSRF_FIELD, "")
    if content_type.startswith("multipart/form-data"):
        request = Request(scope, _replay(messages, receive))
        try:
            async with request.form(max_part_size=MAX_FORM_BYTES) as form:
                token = form.get(CSRF_FIELD, "")
        except HTTPException:  # a malformed or oversized body carries no usable token
            return messages, ""
        return messages, token if isinstance(token, str) else ""
    return messages, ""


def _replay(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replay


# --- security headers -------------------------------------------------------------------------


SECURITY_HEADERS = (
    ("content-security-policy", CONTENT_SECURITY_POLICY),
    ("x-frame-options", "DENY"),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "same-origin"),
    ("permissions-policy", "camera=(self), microphone=(), geolocation=()"),
    ("cross-origin-opener-policy", "same-origin"),
)


def add_security_headers(headers: MutableHeaders) -> None:
    for name, value in SECURITY_HEADERS:
        headers[name] = value


class SecurityHeadersMiddleware:
    """Adds SECURITY_HEADERS to every response. The 500 page is sent from outside every
    middleware, so its handler calls add_security_headers() itself."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                add_security_headers(MutableHeaders(scope=message))
            await send(message)

        await self.app(scope, receive, send_with_headers)
