"""An employer's whole journey, each step through the pages like a person: the company signs up
and waits for review, an organiser approves it, it pledges five internships and posts an
internship counted towards them, the organiser publishes the offer, a migrant who agreed to share
their profile says the offer interests them from their personal link, the employer hires them,
and the pledge shows one of five delivered.

Three people, three browser contexts: the employer and the migrant on a 360 px phone, the
organiser on a desk. The employer and the organiser read the site in English (`?lang=en`) so
that the sentences asserted stay the same whatever the default language.
"""

from __future__ import annotations

import re
import secrets
import string
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from playwright.async_api import Browser, Page

from tests.browser.conftest import PHONE, overflows_horizontally, screenshot

ORGANISATION = "passerelles"  # server/demo/content/organisations.toml: the demo organiser owns it
ORGANISER = "organiser@example.org"
DEMO_PASSWORD = "demo-password"  # the live server's DEMO_PASSWORD
FAIR_LINK = ".event-card h3 a[href*=salon-emploi]"  # the demo's upcoming job fair


@dataclass(frozen=True)
class Run:
    """Names no other test and no earlier run of the live server uses."""

    company: str
    ice: str
    email: str
    offer_title: str
    first_name: str
    last_name: str
    phone: str


def _letters(count: int) -> str:
    return "".join(secrets.choice(string.ascii_lowercase) for _ in range(count))


@pytest.fixture
def run() -> Run:
    tag = _letters(6)
    return Run(
        company=f"Atelier {tag.capitalize()} SARL",
        ice=f"9{secrets.randbelow(10**14):014d}",
        email=f"rh-{tag}@example.org",
        offer_title=f"Stage magasinier {tag}",
        first_name="Aminata",
        last_name=f"Sow{tag}",
        phone=f"0677{secrets.randbelow(10**6):06d}",
    )


@pytest.fixture
async def employer(browser: Browser) -> AsyncIterator[Page]:
    """The company's HR manager, on a phone."""
    context = await browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    yield await context.new_page()
    await context.close()


@pytest.fixture
async def organiser(browser: Browser) -> AsyncIterator[Page]:
    """The demo organiser, at a desk."""
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    yield await context.new_page()
    await context.close()


async def assert_fits_the_phone(page: Page, name: str) -> None:
    await screenshot(page, name)
    assert not await overflows_horizontally(page), f"{name} scrolls sideways at 360 px"


async def sign_up_company(page: Page, live_server: str, run: Run) -> None:
    await page.goto(f"{live_server}/login?lang=en")
    await page.locator("a[href='/employers/signup']").click()
    await page.wait_for_url(re.compile(r"/employers/signup$"))
    await page.fill("#field-name", run.company)
    await page.fill("#field-ice", run.ice)
    await page.select_option("#field-sector", "logistics")
    await page.select_option("#field-size", "10-49")
    await page.fill("#field-city", "Casablanca")
    await page.fill("#field-full_name", "Leila Berrada")
    await page.fill("#field-email", run.email)
    await page.fill("#field-password", "a long enough password")
    await page.fill("#field-confirm_password", "a long enough password")
    await page.locator("form.company-form button[type=submit]").click()
    await page.wait_for_url(re.compile(r"/employer/$"))


async def log_in_organiser(page: Page, live_server: str) -> None:
    await page.goto(f"{live_server}/login?lang=en")
    await page.fill("#field-email", ORGANISER)
    await page.fill("#field-password", DEMO_PASSWORD)
    await page.locator("main form button[type=submit]").click()
    await page.wait_for_url(re.compile(rf"/manage/{ORGANISATION}/$"))


async def approve_company(page: Page, run: Run) -> None:
    await page.locator("nav.sub-nav a", has_text="Employers").click()
    await page.wait_for_url(re.compile(rf"/manage/{ORGANISATION}/employers$"))
    card = page.locator("li.pending-employer", has_text=run.company)
    await card.locator("button[name=decision][value=approve]").click()
    await page.locator(".alert-success", has_text=f"{run.company} is approved").wait_for()


async def pledge_five_internships(page: Page) -> str:
    """Pledge from the portal's menu; the new pledge's id."""
    await page.locator("nav.sub-nav a", has_text="Pledges").click()
    await page.locator("a", has_text="New pledge").click()
    await page.wait_for_url(re.compile(r"/employer/pledges/new$"))
    await page.select_option("#field-kind", "internship")
    await page.fill("#field-quantity", "5")
    await page.fill("#field-deadline", (date.today() + timedelta(days=180)).isoformat())
    await page.fill("#field-description", "Five six-month internships in our warehouse.")
    await page.locator("form button.button-primary").click()
    await page.wait_for_url(re.compile(r"/employer/pledges/\d+$"))
    return page.url.rsplit("/", 1)[1]


async def post_internship(page: Page, run: Run, pledge_id: str) -> str:
    """Write the offer against the pledge and send it to the organisers; the offer's id."""
    await page.locator("nav.sub-nav a", has_text="Offers").click()
    await page.locator("a", has_text="New offer").click()
    await page.wait_for_url(re.compile(r"/employer/offers/new$"))
    await page.fill("#field-title", run.offer_title)
    await page.fill("#field-description", "Receiving, storing and preparing orders. Paid.")
    await page.fill("#field-city", "Casablanca")
    await page.select_option("#field-contract_type", "internship")
    await page.fill("#field-positions", "5")
    await page.select_option("#field-pledge", pledge_id)
    await page.locator("form button.button-primary").click()
    await page.wait_for_url(re.compile(r"/employer/offers/\d+$"))
    offer_id = page.url.rsplit("/", 1)[1]
    await page.locator(f"form[action$='/offers/{offer_id}/submit'] button").click()
    await page.locator(".alert-success", has_text="sent to the organisers").wait_for()
    return offer_id


async def publish_offer(page: Page, offer_id: str) -> None:
    await page.locator("nav.sub-nav a", has_text="Offers").click()
    await page.wait_for_url(re.compile(rf"/manage/{ORGANISATION}/offers$"))
    await page.locator(f"li#offer-{offer_id} button[name=decision][value=publish]").click()
    await page.locator(".alert-success", has_text="The offer is published").wait_for()


async def sign_up_migrant(page: Page, live_server: str, run: Run) -> str:
    """Sign up for the demo fair, agreeing to share the profile; the personal link."""
    await page.goto(f"{live_server}/?lang=fr")
    await page.locator(FAIR_LINK).click()
    await page.locator("a.button-primary").click()
    await page.fill("#field-phone", run.phone)
    await page.fill("#field-first_name", run.first_name)
    await page.fill("#field-last_name", run.last_name)
    await page.locator("input[name=gender][value=female]").check()
    await page.select_option("#field-nationality", "SN")
    await page.locator("input[name=legal_status][value=refugee]").check()
    await page.locator("input[name=languages][value=fr]").check()
    await page.locator("input[name=consent_processing]").check()
    await page.locator("input[name=consent_share]").check()
    await page.locator("form.card button[type=submit]").click()
    await page.wait_for_url(re.compile(r"/me/[^/?]+\?welcome="))
    return page.url.split("?")[0]


async def mark_interest(page: Page, personal_link: str, offer_id: str) -> None:
    await page.goto(personal_link)
    await page.locator("main a[href$='/offers']").click()
    await page.wait_for_url(f"{personal_link}/offers")
    assert await page.locator(".share-notice.alert-success").count() == 1
    await page.locator(f"li#offer-{offer_id} button[type=submit]").click()
    await page.wait_for_url(f"{personal_link}/offers#offer-{offer_id}")
    assert await page.locator(f"li#offer-{offer_id} .status-interested").count() == 1
    assert not await overflows_horizontally(page)
    await screenshot(page, "employer-flow-interest-360")


async def hire(page: Page, run: Run, offer_id: str) -> None:
    """Open the offer's candidates from the portal, find the migrant by name, hire them."""
    await page.locator("nav.sub-nav a", has_text="Offers").click()
    await page.locator(f"a[href='/employer/offers/{offer_id}']").first.click()
    await page.wait_for_url(re.compile(rf"/employer/offers/{offer_id}$"))
    row = page.locator("tr.candidate-row", has_text=f"{run.first_name} {run.last_name}")
    assert await row.count() == 1
    assert "Senegal" not in await row.inner_text()
    await row.locator("select[name=status]").select_option("hired")
    await row.locator("button[type=submit]").click()
    await page.locator("tr.candidate-row .status-hired").wait_for()
    await assert_fits_the_phone(page, "employer-flow-candidates-360")


async def test_a_company_signs_up_is_approved_pledges_posts_and_hires_a_migrant(
    live_server, run, employer, organiser, phone
):
    await sign_up_company(employer, live_server, run)
    assert await employer.locator(".employer-status .status-pending").count() == 1
    await assert_fits_the_phone(employer, "employer-flow-pending-360")

    await log_in_organiser(organiser, live_server)
    await approve_company(organiser, run)

    await employer.reload()
    assert await employer.locator(".employer-status .status-approved").count() == 1
    pledge_id = await pledge_five_internships(employer)
    offer_id = await post_internship(employer, run, pledge_id)

    await publish_offer(organiser, offer_id)

    personal_link = await sign_up_migrant(phone, live_server, run)
    await mark_interest(phone, personal_link, offer_id)

    await hire(employer, run, offer_id)

    await employer.locator("nav.sub-nav a", has_text="Pledges").click()
    await employer.locator(f"a[href='/employer/pledges/{pledge_id}']").click()
    await employer.wait_for_url(re.compile(rf"/employer/pledges/{pledge_id}$"))
    progress = employer.locator(".pledge-progress-text")
    assert await progress.inner_text() == "1 of 5 delivered"
    await assert_fits_the_phone(employer, "employer-flow-pledge-360")

    await employer.locator("nav.sub-nav a", has_text="Dashboard").click()
    await employer.wait_for_url(re.compile(r"/employer/$"))
    card = employer.locator(f".pledge-card[data-pledge='{pledge_id}']")
    assert await card.locator(".pledge-progress-text").inner_text() == "1 of 5 delivered"
    offer_row = employer.locator(f"tr[data-offer='{offer_id}'] td.num")
    assert await offer_row.all_inner_texts() == ["1", "1"]
    await assert_fits_the_phone(employer, "employer-flow-dashboard-360")
