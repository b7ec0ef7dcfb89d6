"""An employer's booth scanner reads a real badge through a camera with the door's scanner
component: the visitor shared their profile, so the card shows it — and nothing private."""

from __future__ import annotations

import zxingcpp
from PIL import Image

from tests.browser import test_scanner_camera as door
from tests.browser.conftest import PHONE, overflows_horizontally, screenshot
from tests.browser.test_scanner_camera import (
    CARD_TIMEOUT_MS,
    HEIGHT,
    WIDTH,
    camera_frame,
    event_id_of,
    sign_up_and_read_badge,
    start_camera,
    write_y4m,
)

camera_browser = door.camera_browser  # the door test's fixture: a Chromium with a fake camera


async def test_the_booth_camera_reads_a_badge_and_shows_the_shared_profile(
    phone, live_server, camera_browser, tmp_path
):
    modules = await sign_up_and_read_badge(
        phone,
        live_server,
        phone="0655507799",
        name=("Mariam", "Touré"),
        nationality="ML",
        share=True,
    )
    grey = camera_frame(modules)
    (decoded,) = zxingcpp.read_barcodes(Image.frombytes("L", (WIDTH, HEIGHT), grey))
    video = tmp_path / "badge.y4m"
    write_y4m(video, grey)

    booth = await (await camera_browser(video)).new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, locale="en-GB"
    )
    page = await booth.new_page()
    scanner = f"{live_server}/employer/fairs/{event_id_of(decoded.text)}/leads/scan"
    await page.goto(scanner)  # to the login form, and back here once logged in
    await page.fill("input[name=email]", "employer@example.org")
    await page.fill("input[name=password]", "demo-password")
    await page.locator("main form button[type=submit]").click()
    await page.wait_for_url(scanner)
    assert await page.locator("[data-result=ready]").count() == 1

    await start_camera(page)
    found = page.locator(".scan-card[data-result=ok]")
    await found.wait_for(timeout=CARD_TIMEOUT_MS)
    text = await found.inner_text()
    assert "Mariam Touré" in text
    for private in ("0655507799", "Mali", "Refugee", "Woman"):
        assert private not in await page.content()
    assert not await overflows_horizontally(page)
    await screenshot(page, "lead-scanner-360")

    # Still in front of the camera: not sent again. Scanned again later: already a lead.
    await page.wait_for_timeout(1500)
    assert await page.locator(".scan-card[data-result=ok]").count() == 1
    await page.reload()
    await start_camera(page)
    await page.locator(".scan-card[data-result=already_scanned]").wait_for(timeout=CARD_TIMEOUT_MS)
    await booth.close()
