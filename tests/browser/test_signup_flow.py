"""A person signs up in Arabic on a phone, sees their badge, comes back by their link, cancels."""

from __future__ import annotations

import re

from tests.browser.conftest import overflows_horizontally, screenshot


async def test_sign_up_in_arabic_then_cancel_from_the_personal_link(phone, live_server):
    await phone.goto(f"{live_server}/?lang=ar")
    await phone.locator(".event-card h3 a[href*=salon-emploi]").click()
    await phone.locator("a.button-primary").click()
    assert await phone.get_attribute("html", "dir") == "rtl"
    assert not await overflows_horizontally(phone)
    await phone.fill("#field-phone", "0661234567")
    await phone.fill("#field-first_name", "مريم")
    await phone.fill("#field-last_name", "الحسن")
    await phone.locator("input[name=gender][value=female]").check()
    await phone.select_option("#field-nationality", "SY")
    await phone.locator("input[name=legal_status][value=refugee]").check()
    await phone.locator("input[name=languages][value=ar]").check()
    await phone.locator("input[name=consent_processing]").check()
    await screenshot(phone, "signup-form-ar-360")
    await phone.locator("form.card button[type=submit]").click()

    await phone.wait_for_url(re.compile(r"/me/[^/?]+\?welcome="))
    assert await phone.get_attribute("html", "dir") == "rtl"
    assert await phone.locator(".badge svg.qr").count() == 1
    serial = await phone.locator(".badge-serial").inner_text()
    assert re.fullmatch(r"[0-9A-Z]{3}-[0-9A-Z]{3}", serial)
    assert not await overflows_horizontally(phone)
    await screenshot(phone, "badge-ar-360")

    personal_link = phone.url.split("?")[0]
    await phone.goto(personal_link)
    assert await phone.locator(".badge-serial").inner_text() == serial
    await phone.locator("form[action*=cancel] button").click()
    await phone.wait_for_url(personal_link)
    assert await phone.locator("span.status-cancelled").count() == 1
    assert await phone.locator(".badge svg.qr").count() == 0
    await screenshot(phone, "cancelled-ar-360")
