"""An employer's booth scanner reads a real badge through a camera with the door's scanner
component: the visitor shared their profile, so the card shows it — and nothing private."""

from __future__ import annotations

from tests.browser import test_scanner_camera as door
from tests.browser.conftest import overflows_horizontally, screenshot
from tests.browser.test_scanner_camera import (
    CARD_TIMEOUT_MS,
    badge_video,
    event_id_of,
    phone_at_scanner,
    sign_up_and_read_badge,
    start_camera,
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
    code, video = badge_video(modules, tmp_path)
    scanner = f"{live_server}/employer/fairs/{event_id_of(code)}/leads/scan"
    booth, page = await phone_at_scanner(camera_browser, video, scanner, "employer@example.org")
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
