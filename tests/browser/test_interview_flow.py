"""Interviews at the demo's upcoming fair, through the pages in a real Chromium: the employer
opens times at its booth, a migrant signs up and books one from a 360 px phone in French and
the confirmation waits in the outbox, at the booth the badge scan marks them arrived, the
employer records "hired", which shows in its candidates and in the fair's report.

The employer (on a phone, at the booth) and the organiser (at a desk) read the site in English
so that the sentences asserted stay the same whatever the default language.
"""

from __future__ import annotations

import re
import secrets
import string
from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, Page

from tests.browser.conftest import PHONE, overflows_horizontally, screenshot

ORGANISATION = "passerelles"  # server/demo.py: the demo organiser owns it
ORGANISER = "organiser@example.org"
EMPLOYER = "employer@example.org"  # member of Atlas, booth A1 at the upcoming fair
DEMO_PASSWORD = "demo-password"
FAIR_LINK = ".event-card h3 a[href*=salon-emploi]"


@pytest.fixture
async def employer(browser: Browser) -> AsyncIterator[Page]:
    context = await browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    yield await context.new_page()
    await context.close()


@pytest.fixture
async def organiser(browser: Browser) -> AsyncIterator[Page]:
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    yield await context.new_page()
    await context.close()


async def log_in(page: Page, live_server: str, email: str) -> None:
    await page.goto(f"{live_server}/login?lang=en")
    await page.fill("#field-email", email)
    await page.fill("#field-password", DEMO_PASSWORD)
    await page.locator("main form button[type=submit]").click()
    await page.wait_for_load_state()


async def fits_the_phone(page: Page, name: str) -> None:
    await screenshot(page, name)
    assert not await overflows_horizontally(page), f"{name} scrolls sideways at 360 px"


async def open_times(page: Page, live_server: str) -> tuple[str, str]:
    """From the portal's fairs, open 10:00–11:00 at the upcoming fair's booth for an offer;
    the fair's id and the offer's."""
    await page.goto(f"{live_server}/employer/fairs")
    row = page.locator("tr.booth-row").first  # latest fair first: the upcoming one
    event_id = await row.get_attribute("data-event")
    await row.locator("a", has_text="Interviews").click()
    await page.wait_for_url(re.compile(rf"/employer/fairs/{event_id}/interviews$"))
    offers = page.locator("#field-offer option")
    offer_id = await offers.nth(1).get_attribute("value")
    await page.select_option("#field-offer", offer_id)
    await page.fill("#field-starts", "10:00")
    await page.fill("#field-ends", "11:00")
    await page.fill("#field-length", "20")
    await page.fill("#field-interviewers", "2")
    await page.select_option("#field-audience", "registered")
    await page.locator("form button.button-primary", has_text="Open these times").click()
    await page.locator(".alert-success", has_text="The interview times are open").wait_for()
    times = page.locator("li.interview-run").last.locator("tr.interview-slot th time")
    assert await times.all_inner_texts() == ["10:00", "10:20", "10:40"]
    await fits_the_phone(page, "interviews-employer-opened-360")
    return str(event_id), str(offer_id)


async def sign_up(page: Page, live_server: str, last_name: str, phone_number: str) -> str:
    """Sign up for the fair in French, sharing the profile; the personal link."""
    await page.goto(f"{live_server}/?lang=fr")
    await page.locator(FAIR_LINK).click()
    await page.locator("a.button-primary").click()
    await page.fill("#field-phone", phone_number)
    await page.fill("#field-first_name", "Aminata")
    await page.fill("#field-last_name", last_name)
    await page.locator("input[name=gender][value=female]").check()
    await page.select_option("#field-nationality", "ML")
    await page.locator("input[name=legal_status][value=regularised]").check()
    await page.locator("input[name=languages][value=fr]").check()
    await page.locator("input[name=consent_processing]").check()
    await page.locator("input[name=consent_share]").check()
    await page.locator("form.card button[type=submit]").click()
    await page.wait_for_url(re.compile(r"/me/[^/?]+\?welcome="))
    return page.url.split("?")[0]


async def book(page: Page, personal_link: str, event_id: str) -> str:
    """Book 10:20 at Atlas from the personal page; the badge serial."""
    await page.goto(personal_link)
    serial = await page.locator(".badge-serial").first.inner_text()
    await page.locator(f"a[href$='/events/{event_id}/interviews']").click()
    await page.wait_for_url(re.compile(rf"/events/{event_id}/interviews$"))
    assert await page.get_attribute("html", "lang") == "fr"
    run = page.locator("li.booth-choice", has_text="Stand A1")
    await fits_the_phone(page, "interviews-booking-page-fr-360")
    await run.locator("button.slot-button", has_text="10:20").click()
    await page.locator(".alert-success", has_text="Votre entretien est réservé").wait_for()
    held = page.locator("li.held-interview")
    assert (await held.locator(".interview-when").inner_text()).startswith("10:20")
    await fits_the_phone(page, "interviews-booked-fr-360")
    await page.goto(personal_link)
    line = page.locator(".personal-interviews li")
    assert re.fullmatch(r"Entretien 10:20, stand A1, .+", await line.inner_text())
    await fits_the_phone(page, "interviews-personal-page-fr-360")
    return serial


async def confirmation_in_the_outbox(page: Page, live_server: str, phone_e164: str) -> None:
    await page.goto(f"{live_server}/manage/{ORGANISATION}/outbox")
    row = page.locator("tr.outbox-message", has_text=phone_e164).filter(
        has_text="Entretien réservé"
    )
    await row.locator("summary").click()
    assert re.search(r"Entretien 10:20, stand A1, ", await row.locator("pre").inner_text())
    await screenshot(page, "interviews-outbox-confirmation")


async def scan_arrival(page: Page, live_server: str, event_id: str, serial: str) -> None:
    await page.goto(f"{live_server}/employer/fairs/{event_id}/leads/scan")
    assert await page.locator(".day-schedule li", has_text="Aminata").count() == 1
    await page.fill("#field-code", serial)
    await page.locator("#scan-form button[type=submit]").click()
    arrival = page.locator(".scan-arrival")
    await arrival.wait_for()
    assert "Interview at 10:20: arrival noted." in await arrival.inner_text()
    await fits_the_phone(page, "interviews-scan-arrival-360")


async def record_hire(
    page: Page, live_server: str, event_id: str, offer_id: str, name: str
) -> None:
    await page.goto(f"{live_server}/employer/fairs/{event_id}/interviews")
    candidate = page.locator(".booked-candidate", has_text=name)
    assert await candidate.locator(".arrival").count() == 1
    await candidate.locator("select[name=outcome]").select_option("hired")
    await candidate.locator("button[type=submit]").click()
    await page.locator(".alert-success", has_text="The outcome is saved").wait_for()
    assert (
        await page.locator(".booked-candidate", has_text=name).locator(".outcome-hired").count()
        == 1
    )
    await fits_the_phone(page, "interviews-outcome-hired-360")
    await page.goto(f"{live_server}/employer/offers/{offer_id}")
    row = page.locator("tr.candidate-row", has_text=name)
    assert await row.locator(".status-hired").count() == 1
    assert "Mali" not in await row.inner_text()
    await fits_the_phone(page, "interviews-candidates-hired-360")


async def report_figures(page: Page, live_server: str, event_id: str) -> dict[str, str]:
    await page.goto(f"{live_server}/manage/{ORGANISATION}/events/{event_id}/report?lang=en")
    figures = {"hires": await page.locator("#figure-hires").first.inner_text()}
    section = page.locator("#report-interviews")
    if await section.count():
        for name in ("booked", "held", "hired"):
            figures[name] = await section.locator(f"#figure-interviews-{name}").inner_text()
    return figures


async def test_interviews_from_opening_to_a_hire(live_server, employer, phone, organiser):
    tag = "".join(secrets.choice(string.ascii_lowercase) for _ in range(6))
    last_name = f"Traoré{tag}"
    number = f"0677{secrets.randbelow(10**6):06d}"

    await log_in(employer, live_server, EMPLOYER)
    event_id, offer_id = await open_times(employer, live_server)

    await log_in(organiser, live_server, ORGANISER)
    before = await report_figures(organiser, live_server, event_id)

    personal_link = await sign_up(phone, live_server, last_name, number)
    serial = await book(phone, personal_link, event_id)
    await confirmation_in_the_outbox(organiser, live_server, "+212" + number[1:])

    await scan_arrival(employer, live_server, event_id, serial)
    await record_hire(employer, live_server, event_id, offer_id, f"Aminata {last_name}")

    after = await report_figures(organiser, live_server, event_id)
    assert int(after["hires"]) == int(before["hires"]) + 1
    # One interview at this fair so far: its counts are published as "<5".
    assert after["booked"] == after["hired"] == "<5"
    await organiser.locator("#report-interviews").scroll_into_view_if_needed()
    await screenshot(organiser, "interviews-report")
