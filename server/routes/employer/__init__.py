"""The employer portal (`routes`, mounted at /employer): the company, its members, pledges,
offers and candidates, fairs, booths and leads; and the pages a company reaches before it has an
account (`signup_routes`, at the root): signing up, joining by invitation, the public logo."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from server.routes import feedback
from server.routes.employer import fairs, interviews, leads, offers, pledges, portal, signup

signup_routes: list[BaseRoute] = [
    Route(
        "/employers/signup",
        signup.employer_signup,
        methods=["GET", "POST"],
        name="employer_signup",
    ),
    Route(
        "/employers/join/{token:str}",
        signup.employer_join,
        methods=["GET", "POST"],
        name="employer_join",
    ),
    Route("/employers/{employer_id:id}/logo", signup.employer_logo, name="employer_logo"),
]

routes: list[BaseRoute] = [
    # -- employer portal: dashboard, company and members routes --
    Route("/", portal.dashboard, name="dashboard"),
    Route("/company", portal.company, methods=["GET", "POST"], name="company"),
    Route("/logo", portal.company_logo, name="logo"),
    Route("/members", portal.members, name="members"),
    Route("/members/invite", portal.invite, methods=["POST"], name="invite"),
    # -- employer pledge routes --
    Route("/pledges", pledges.pledge_list, name="pledges"),
    Route("/pledges/new", pledges.pledge_new, methods=["GET", "POST"], name="pledge_new"),
    Route("/pledges/{pledge_id:id}", pledges.pledge_detail, name="pledge"),
    Route(
        "/pledges/{pledge_id:id}/edit",
        pledges.pledge_edit,
        methods=["GET", "POST"],
        name="pledge_edit",
    ),
    Route(
        "/pledges/{pledge_id:id}/deliveries",
        pledges.delivery_new,
        methods=["POST"],
        name="delivery_new",
    ),
    # -- employer offer and candidate routes --
    Route("/offers", offers.offer_list, name="offers"),
    Route("/offers/new", offers.offer_new, methods=["GET", "POST"], name="offer_new"),
    Route("/offers/{offer_id:id}", offers.offer_detail, name="offer"),
    Route(
        "/offers/{offer_id:id}/edit",
        offers.offer_edit,
        methods=["GET", "POST"],
        name="offer_edit",
    ),
    Route(
        "/offers/{offer_id:id}/submit",
        offers.offer_submit,
        methods=["POST"],
        name="offer_submit",
    ),
    Route(
        "/offers/{offer_id:id}/close",
        offers.offer_close,
        methods=["POST"],
        name="offer_close",
    ),
    Route(
        "/offers/{offer_id:id}/candidates/{interest_id:id}",
        offers.candidate_move,
        methods=["POST"],
        name="candidate_move",
    ),
    # -- employer fair and booth routes --
    Route("/fairs", fairs.fairs, name="fairs"),
    Route(
        "/fairs/{event_id:id}/request",
        fairs.booth_request,
        methods=["POST"],
        name="booth_request",
    ),
    Route(
        "/fairs/{event_id:id}/withdraw",
        fairs.booth_withdraw,
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
    # -- interviews at the company's booth --
    Route(
        "/fairs/{event_id:id}/interviews",
        interviews.interviews,
        methods=["GET", "POST"],
        name="interviews",
    ),
    Route(
        "/fairs/{event_id:id}/interviews/{booking_id:id}/outcome",
        interviews.interview_outcome,
        methods=["POST"],
        name="interview_outcome",
    ),
    Route(
        "/fairs/{event_id:id}/interviews/runs/{schedule_id:id}/invitations",
        interviews.interview_invite,
        methods=["POST"],
        name="interview_invite",
    ),
    # -- employer lead scanning routes --
    Route(
        "/fairs/{event_id:id}/leads/scan",
        leads.lead_scanner,
        methods=["GET", "POST"],
        name="lead_scanner",
    ),
    Route("/fairs/{event_id:id}/leads", leads.leads_list, name="leads"),
    Route("/fairs/{event_id:id}/leads/export", leads.leads_export, name="leads_export"),
    Route(
        "/fairs/{event_id:id}/leads/{lead_id:id}",
        leads.lead_update,
        methods=["POST"],
        name="lead_update",
    ),
]
