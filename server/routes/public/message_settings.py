"""The person's choices about our messages, from their personal page."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from server.errors import ValidationFailed
from server.models.enums import Channel
from server.notifications.texts import ProviderState
from server.services.registrations import message_choices
from server.web.flash import redirect_with_flash
from server.web.forms import form_text
from server.web.policies import PERSONAL_LINK, requires


def whatsapp_offered(request: Request) -> bool:
    """WhatsApp is offered only where the instance can send it."""
    return request.app.state.text_providers[Channel.WHATSAPP] == ProviderState.READY


@requires(PERSONAL_LINK)
async def message_settings(request: Request) -> Response:
    """Choose the channel of the texts (`channel`), or stop or resume every message
    (`messages` = `stop` | `resume`); back to the personal page."""
    attendee = request.state.attendee
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
    target = request.url_for("me", token=request.path_params["token"]).path
    return redirect_with_flash(request, target, {"messages": flash})
