"""The base layout on a 360 px phone, in French and in Arabic, in a real browser."""

from __future__ import annotations

from tests.browser.conftest import overflows_horizontally, screenshot


async def test_home_page_in_arabic_is_right_to_left_and_fits_a_phone(phone, live_server):
    await phone.goto(f"{live_server}/?lang=ar")
    assert await phone.get_attribute("html", "dir") == "rtl"
    cards = phone.locator(".event-card")
    assert await cards.count() >= 3
    first_card = await cards.first.bounding_box()
    assert first_card is not None
    assert first_card["x"] >= 0
    assert first_card["x"] + first_card["width"] <= 360
    # Mirrored layout: the brand sits on the right in Arabic.
    brand = await phone.locator(".brand").bounding_box()
    assert brand is not None
    assert brand["x"] > 180
    assert not await overflows_horizontally(phone)
    await screenshot(phone, "home-ar-360")


async def test_organiser_logs_in_and_sees_their_events_on_a_phone(phone, live_server):
    await phone.goto(f"{live_server}/login?lang=fr")
    assert not await overflows_horizontally(phone)
    await phone.fill("#field-email", "organiser@example.org")
    await phone.fill("#field-password", "demo-password")
    await phone.click("button[type=submit]")
    await phone.wait_for_url("**/manage/passerelles/")
    assert await phone.locator("h1").inner_text() == "Événements"
    assert await phone.locator(".data-table tbody tr").count() >= 3
    # The wide table scrolls inside its frame; the page itself does not.
    assert not await overflows_horizontally(phone)
    await screenshot(phone, "organiser-overview-fr-360")


async def test_a_wrong_password_shows_the_error_in_the_browser(phone, live_server):
    await phone.goto(f"{live_server}/login?lang=en")
    await phone.fill("#field-email", "organiser@example.org")
    await phone.fill("#field-password", "not the password")
    await phone.click("button[type=submit]")
    assert await phone.locator(".alert-error").inner_text() == "E-mail or password is incorrect."
    assert await phone.input_value("#field-email") == "organiser@example.org"
    await screenshot(phone, "login-error-en-360")
