"""What anyone may open without an account: the events, signing up, the personal link, the offer
board, feedback and published reports. Mounted at the root."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from server.routes import feedback
from server.routes.public import attendee, events, interviews, message_settings, offers, reports

routes: list[BaseRoute] = [
    Route("/", events.home, name="home"),
    Route("/events/{slug:str}", events.event_detail, name="event"),
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
    Route("/healthz", events.health, name="health"),
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
    Route(
        "/me/{token:str}/messages",
        message_settings.message_settings,
        methods=["POST"],
        name="my_messages",
    ),
    # -- interviews at a fair's booths, behind the personal link --
    Route(
        "/me/{token:str}/events/{event_id:id}/interviews",
        interviews.my_interviews,
        methods=["GET", "POST"],
        name="me_interviews",
    ),
    Route(
        "/me/{token:str}/events/{event_id:id}/interviews/{booking_id:id}/move",
        interviews.my_interview_move,
        methods=["POST"],
        name="me_interview_move",
    ),
    Route(
        "/me/{token:str}/events/{event_id:id}/interviews/{booking_id:id}/cancel",
        interviews.my_interview_cancel,
        methods=["POST"],
        name="me_interview_cancel",
    ),
    # -- public report routes --
    Route("/reports/{token:str}", reports.report, name="report"),
    Route("/reports/{token:str}/report.pdf", reports.report_pdf, name="report_pdf"),
    Route(
        "/reports/{token:str}/funders/{funder_id:id}/logo",
        reports.report_funder_logo,
        name="report_funder_logo",
    ),
]
