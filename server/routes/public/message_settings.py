"""The person's choices about our messages, from their personal page."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from server.errors import NotFound, ValidationFailed
from server.i18n import lazy
from server.models import Attendee
from server.models.enums import Channel
from server.notifications.texts import ProviderState
from server.services.registrations import message_choices
from server.services.registrations.signup import attendee_for_token
from server.web.forms import form_text
from server.web.policies import Anyone, requires

FLASH_KEY = "messages_flash"


def whatsapp_offered(request: Request) -> bool:
    """WhatsApp is offered only where the instance can send it."""
    return request.app.state.text_providers[Channel.WHATSAPP] == ProviderState.READY


async def _attendee_of_link(request: Request) -> Attendee:
    attendee = await attendee_for_token(request.path_params["token"])
    if attendee is None:
        raise NotFound(lazy("This personal link is not valid any more."))
    return attendee


@requires(Anyone())
async def message_settings(request: Request) -> Response:
    """Choose the channel of the texts (`channel`), or stop or resume every message
    (`messages` = `stop` | `resume`); back to the personal page."""
    attendee = await _attendee_of_link(request)
    form = await request.form()
    choice = form_text(form, "messages")
    if choice == "stop":
        await message_choices.stop_messages(attendee.id, by="page")
        flash = "stopped"
    elif choice == "resume":
        await message_choices.resume_messages(attendee)
        flash = "resumed"
    else:
        try:
            await message_choices.choose_channel(
                attendee, form_text(form, "channel"), whatsapp=whatsapp_offered(request)
            )
        except ValidationFailed:
            flash = "channel_refused"
        else:
            flash = "channel_saved"
    request.session[FLASH_KEY] = flash
    target = request.url_for("me", token=request.path_params["token"])
    return RedirectResponse(target.path, status_code=303)
