"""Reading submitted forms."""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request


async def form_fields(request: Request) -> dict[str, str]:
    """The text fields of a submitted form (files and repeated keys are not read here)."""
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


def safe_next(target: str | None, default: str) -> str:
    """A redirect target from a `next` parameter, only when it stays on this site."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return default


def form_text(form: FormData, name: str) -> str:
    """A text field of a form; "" when missing or when a file was sent instead."""
    value = form.get(name, "")
    return value if isinstance(value, str) else ""
