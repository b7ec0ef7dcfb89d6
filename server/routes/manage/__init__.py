"""The back office (mounted at /manage): an organisation's events, attendees, the door,
employers, pledges, offers, reports, exports and outbox.

The pages of one event sit under one Mount without a name, so their names stay
`manage:<name>` and `url_for` takes `organisation` and `event_id` as before. The event's own
page stays a Route beside it: a Mount matches only below its path."""

from __future__ import annotations

from starlette.routing import BaseRoute, Mount, Route

from server.routes.manage import (
    attendance,
    attendees,
    devices,
    employers,
    events,
    exhibitors,
    exports,
    funders,
    interviews,
    offers,
    outbox,
    overview,
    pledges,
    poster,
    reports,
    scanner,
)

# Paths below /manage/{organisation}/events/{event_id}.
event_routes: list[BaseRoute] = [
    # -- the event's messages: delivery status, texts to send by hand --
    Route("/messages", outbox.event_messages, name="event_messages"),
    Route(
        "/messages/{message_id:id}/sent",
        outbox.sent_by_hand,
        methods=["POST"],
        name="sent_by_hand",
    ),
    # -- event management routes --
    Route("/edit", events.event_edit, methods=["GET", "POST"], name="event_edit"),
    Route("/status", events.event_status, methods=["POST"], name="event_status"),
    Route("/sessions/new", events.session_new, methods=["GET", "POST"], name="session_new"),
    Route("/questions", events.event_questions, methods=["GET", "POST"], name="event_questions"),
    Route(
        "/questions/{question_id:id}/delete",
        events.question_delete,
        methods=["POST"],
        name="question_delete",
    ),
    # -- attendee list, exports and walk-in routes --
    Route("/attendees", attendees.attendees, name="attendees"),
    Route("/attendees.csv", attendees.attendees_csv, name="attendees_csv"),
    Route("/attendees.xlsx", attendees.attendees_xlsx, name="attendees_xlsx"),
    Route("/walk-in", attendees.walk_in_page, methods=["GET", "POST"], name="walk_in"),
    # -- badge sheets and live attendance routes --
    Route("/badges.pdf", attendance.badges_pdf, name="badges_pdf"),
    Route("/attendance", attendance.attendance, name="attendance"),
    # -- scanner page at the door --
    Route("/scan", scanner.scan, methods=["GET", "POST"], name="scan"),
    Route("/scan/undo", scanner.scan_undo, methods=["POST"], name="scan_undo"),
    Route("/scan/search", scanner.scan_search, name="scan_search"),
    Route(
        "/registrations/{registration_id:id}/{decision:str}",
        attendees.decide_registration,
        methods=["POST"],
        name="decide_registration",
    ),
    # -- the fair's interview grid, the help desk and the schedule --
    Route("/interviews", interviews.interviews, methods=["GET", "POST"], name="interviews"),
    Route(
        "/interviews/booths/{exhibitor_id:id}/close",
        interviews.interviews_close,
        methods=["POST"],
        name="interviews_close",
    ),
    Route("/interviews/schedule", interviews.interviews_export, name="interviews_export"),
    Route(
        "/interviews/help-desk",
        interviews.interview_help_desk,
        methods=["GET", "POST"],
        name="interview_help_desk",
    ),
    # -- exhibitor routes --
    Route("/exhibitors", exhibitors.exhibitors_page, name="exhibitors"),
    Route(
        "/exhibitors/{exhibitor_id:id}",
        exhibitors.exhibitor_decide,
        methods=["POST"],
        name="exhibitor_decide",
    ),
    # -- synthesis report routes --
    Route("/report", reports.report, methods=["GET", "POST"], name="report"),
    Route("/report/preview", reports.report_preview, methods=["POST"], name="report_preview"),
    Route("/report/publish", reports.report_publish, methods=["POST"], name="report_publish"),
    Route("/report.pdf", reports.report_pdf, name="report_pdf"),
    Route("/feedback-poster", poster.feedback_poster, name="feedback_poster"),
    # -- scanning device routes --
    Route("/devices", devices.devices, methods=["GET", "POST"], name="devices"),
    Route(
        "/devices/{device_id:id}/revoke",
        devices.device_revoke,
        methods=["POST"],
        name="device_revoke",
    ),
]

routes: list[BaseRoute] = [
    Route("/", overview.choose_organisation, name="choose"),
    Route("/{organisation:str}/", overview.overview, name="overview"),
    Route("/{organisation:str}/members", overview.members, name="members"),
    Route(
        "/{organisation:str}/events/new",
        events.events_new,
        methods=["GET", "POST"],
        name="events_new",
    ),
    Route("/{organisation:str}/events/{event_id:id}", events.event_detail, name="event_detail"),
    Mount("/{organisation:str}/events/{event_id:id}", routes=event_routes),
    # -- employer moderation routes --
    Route("/{organisation:str}/employers", employers.employers_list, name="employers"),
    Route(
        "/{organisation:str}/employers/{employer_id:id}/review",
        employers.employer_review,
        methods=["POST"],
        name="employer_review",
    ),
    Route(
        "/{organisation:str}/employers/{employer_id:id}/logo",
        employers.employer_logo,
        name="employer_logo",
    ),
    # -- pledge overview routes --
    Route("/{organisation:str}/pledges", pledges.pledge_overview, name="pledges"),
    Route("/{organisation:str}/pledges/{pledge_id:id}", pledges.pledge_detail, name="pledge"),
    Route(
        "/{organisation:str}/deliveries/{delivery_id:id}/review",
        pledges.delivery_review,
        methods=["POST"],
        name="delivery_review",
    ),
    # -- offer moderation routes --
    Route("/{organisation:str}/offers", offers.offer_list, name="offers"),
    Route(
        "/{organisation:str}/offers/{offer_id:id}/review",
        offers.offer_review,
        methods=["POST"],
        name="offer_review",
    ),
    # -- bulletin routes --
    Route("/{organisation:str}/bulletin", reports.bulletin, name="bulletin"),
    Route("/{organisation:str}/bulletin.pdf", reports.bulletin_pdf, name="bulletin_pdf"),
    Route("/{organisation:str}/bulletin.xlsx", reports.bulletin_xlsx, name="bulletin_xlsx"),
    # -- funder routes: the organisation's funders, named on report covers --
    Route(
        "/{organisation:str}/funders",
        funders.funder_list,
        methods=["GET", "POST"],
        name="funders",
    ),
    Route(
        "/{organisation:str}/funders/{funder_id:id}",
        funders.funder_edit,
        methods=["GET", "POST"],
        name="funder_edit",
    ),
    Route(
        "/{organisation:str}/funders/{funder_id:id}/remove",
        funders.funder_remove,
        methods=["POST"],
        name="funder_remove",
    ),
    Route(
        "/{organisation:str}/funders/{funder_id:id}/logo", funders.funder_logo, name="funder_logo"
    ),
    # -- organiser export routes --
    Route("/{organisation:str}/exports", exports.exports_page, name="exports"),
    Route(
        "/{organisation:str}/exports/{dataset:str}.{format:str}",
        exports.export,
        name="export",
    ),
    # -- outbox routes --
    Route("/{organisation:str}/outbox", outbox.outbox, name="outbox"),
]
