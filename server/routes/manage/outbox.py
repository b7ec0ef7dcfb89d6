"""The organiser's view of the outbox: the notifications sent to attendees, and their fate; an
event's messages (delivery status, a preview of each text, the texts to send by hand)."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from server.models.enums import Channel
from server.notifications.texts import ProviderState
from server.routes.manage.common import path_event
from server.services import outbox as outbox_service
from server.services.outbox import (
    CHANNEL_LABELS,
    KIND_LABELS,
    STATUS_LABELS,
    AlreadySent,
    outbox_messages,
)
from server.values.numbers import parse_count
from server.web.policies import ORGANISERS, requires
from server.web.security import signed_in_user

EVENT_MESSAGES = "pages/manage/event_messages.html"
FLASH_KEY = "outbox_flash"
LABELS = {"status_labels": STATUS_LABELS, "channel_labels": CHANNEL_LABELS, "kinds": KIND_LABELS}


@dataclass(frozen=True)
class TextDelivery:
    """Whether texts leave: the state of the SMS and WhatsApp providers, and how many texts
    wait (for the organisers' banner: without a provider, nothing is sent)."""

    sms: ProviderState
    whatsapp: ProviderState
    waiting: int

    @property
    def sms_stopped(self) -> bool:
        return self.sms != ProviderState.READY


def text_delivery(request: Request, waiting: int) -> TextDelivery:
    providers = request.app.state.text_providers
    return TextDelivery(providers[Channel.SMS], providers[Channel.WHATSAPP], waiting)


@requires(ORGANISERS)
async def outbox(request: Request) -> Response:
    organisation = request.state.organisation
    query = request.query_params
    listing = await outbox_messages(
        organisation,
        status=query.get("status", ""),
        channel=query.get("channel", ""),
        event_id=parse_count(query.get("event", "")),
        page=parse_count(query.get("page", "1")) or 1,
    )
    waiting = await outbox_service.pending_texts(organisation)
    return request.app.state.renderer.page(
        request,
        "pages/manage/outbox.html",
        {
            "organisation": organisation,
            "listing": listing,
            "texts": text_delivery(request, waiting),
            **LABELS,
        },
        block="messages",
    )


@requires(ORGANISERS)
async def event_messages(request: Request) -> Response:
    """What the people of one event were sent and what reached them; each text they may get,
    in each language, with its cost in segments; the texts waiting, to send by hand."""
    organisation = request.state.organisation
    event = await path_event(request)
    delivery = await outbox_service.event_delivery(event)
    previews = outbox_service.message_previews(
        event, organisation, base_url=request.app.state.settings.base_url
    )
    return request.app.state.renderer.page(
        request,
        EVENT_MESSAGES,
        {
            "organisation": organisation,
            "event": event,
            "delivery": delivery,
            "previews": previews,
            "texts": text_delivery(request, len(delivery.waiting_texts)),
            "flash": request.session.pop(FLASH_KEY, None),
            **LABELS,
        },
    )


@requires(ORGANISERS)
async def sent_by_hand(request: Request) -> Response:
    """An organiser sent a waiting text from their own phone: it is marked sent, by them."""
    event = await path_event(request)
    user = signed_in_user(request)
    assert user is not None  # ORGANISERS let signed-in members only
    try:
        await outbox_service.mark_sent_by_hand(event, int(request.path_params["message_id"]), user)
    except AlreadySent:
        request.session[FLASH_KEY] = "not_pending"
    else:
        request.session[FLASH_KEY] = "sent_by_hand"
    target = request.url_for(
        "manage:event_messages", organisation=request.state.organisation.slug, event_id=event.id
    )
    return RedirectResponse(f"{target.path}#waiting", status_code=303)
