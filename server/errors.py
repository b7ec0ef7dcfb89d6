"""Errors raised by services and access checks, each with a stable machine-readable code."""

from __future__ import annotations

from server.i18n import lazy


class AppError(Exception):
    """A failure the user can understand. `message` is an English msgid, translated when shown."""

    status_code = 400
    code = "error"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code is not None:
            self.code = code


class ValidationFailed(AppError):
    """One or more form fields are wrong; `errors` maps field name → message."""

    status_code = 422
    code = "invalid"

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(lazy("Please correct the fields marked below."))
        self.errors = errors


class NotAllowed(AppError):
    status_code = 403
    code = "forbidden"


class NotFound(AppError):
    status_code = 404
    code = "not_found"


class LoginRequired(AppError):
    status_code = 401
    code = "login_required"


class RateLimited(AppError):
    status_code = 429
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
