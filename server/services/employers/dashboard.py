"""The employer's home page: its pledges with their progress, its offers with their candidates,
and its fairs with the visitors it scanned — read in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from server.models import Employer
from server.services.employers.leads import FairLeads, leads_per_fair
from server.services.employers.offers import OfferSummary, employer_offers
from server.services.employers.pledges import PledgeOverview, employer_pledges
from server.values.clock import today_in_morocco


@dataclass(frozen=True)
class EmployerDashboard:
    pledges: list[PledgeOverview]
    offers: list[OfferSummary]
    fairs: list[FairLeads]


async def employer_dashboard(employer: Employer) -> EmployerDashboard:
    return EmployerDashboard(
        pledges=await employer_pledges(employer, today_in_morocco()),
        offers=await employer_offers(employer),
        fairs=await leads_per_fair(employer),
    )
