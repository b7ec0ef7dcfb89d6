"""The scanner page reads a real badge through a camera: Chromium's fake camera plays a Y4M video
of the QR code shown on a person's personal page, and the door staff's phone shows the cards."""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

from server.codes.serials import ALPHABET
from tests.browser.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PHONE,
    overflows_horizontally,
    screenshot,
)

WIDTH, HEIGHT = 640, 480
FRAMES = 30
CARD_TIMEOUT_MS = 15_000  # generous for a loaded CI machine; a decode takes well under a second


async def sign_up_and_read_badge(
    page: Page,
    live_server: str,
    *,
    phone: str = "0655507788",
    name: tuple[str, str] = ("Awa", "Camara"),
    nationality: str = "GN",
    share: bool = False,
) -> list[list[bool]]:
    """Sign up for the demo fair through the public form (agreeing to share the profile with
    `share`); the badge's QR modules, quiet zone included, read back from the SVG on the
    personal page."""
    await page.goto(f"{live_server}/?lang=fr")
    await page.locator(".event-card h3 a[href*=salon-emploi]").click()
    await page.locator("a.button-primary").click()
    await page.fill("#field-phone", phone)
    await page.fill("#field-first_name", name[0])
    await page.fill("#field-last_name", name[1])
    await page.locator("input[name=gender][value=female]").check()
    await page.select_option("#field-nationality", nationality)
    await page.locator("input[name=legal_status][value=refugee]").check()
    await page.locator("input[name=languages][value=fr]").check()
    await page.locator("input[name=consent_processing]").check()
    if share:
        await page.locator("input[name=consent_share]").check()
    await page.locator("form.card button[type=submit]").click()
    await page.wait_for_url(re.compile(r"/me/[^/?]+\?welcome="))
    qr = page.locator(".badge svg.qr").first
    size = int((await qr.get_attribute("viewBox") or "").split()[2])
    path = await qr.locator("path").get_attribute("d") or ""
    modules = [[False] * size for _ in range(size)]
    for column, row, length in re.findall(r"M(\d+) (\d+)h(\d+)", path):
        for x in range(int(column), int(column) + int(length)):
            modules[int(row)][x] = True
    return modules


def camera_frame(modules: list[list[bool]]) -> bytes:
    """The grey (Y) plane of one 640×480 frame: the QR code large and centred on white."""
    scale = (min(WIDTH, HEIGHT) - 40) // len(modules)
    left = (WIDTH - scale * len(modules)) // 2
    top = (HEIGHT - scale * len(modules)) // 2
    plane = bytearray(b"\xff" * (WIDTH * HEIGHT))
    for row, line in enumerate(modules):
        for column, dark in enumerate(line):
            if dark:
                for y in range(top + row * scale, top + (row + 1) * scale):
                    start = y * WIDTH + left + column * scale
                    plane[start : start + scale] = b"\x00" * scale
    return bytes(plane)


def write_y4m(path: Path, grey: bytes) -> None:
    """A short YUV 4:2:0 video of the same frame; Chromium's fake camera loops it."""
    chroma = b"\x80" * (WIDTH // 2 * HEIGHT // 2)
    with path.open("wb") as video:
        video.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F15:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(FRAMES):
            video.write(b"FRAME\n" + grey + chroma + chroma)


def event_id_of(code: str) -> int:
    """The event named by a badge code (`T1.<event>.<registration>.<mac>`, ids in base 32)."""
    value = 0
    for char in code.split(".")[1]:
        value = value * 32 + ALPHABET.index(char)
    return value


@pytest.fixture
async def camera_browser(tmp_path: Path, browser: Browser) -> AsyncIterator:
    """Returns a function that starts a separate Chromium whose camera plays the given video."""
    del browser  # only for its skip (or failure in CI) when Chromium is missing
    assert CHROMIUM is not None
    started: list[Browser] = []
    async with async_playwright() as playwright:

        async def launch(video: Path) -> Browser:
            args = [
                *CHROMIUM_ARGS,
                "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream",
                f"--use-file-for-fake-video-capture={video}",
            ]
            launched = await playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=args
            )
            started.append(launched)
            return launched

        yield launch
        for launched in started:
            await launched.close()


async def start_camera(page: Page) -> float:
    """Press the camera button; the time it was pressed."""
    await page.locator("[data-scanner-toggle]").click()
    return time.monotonic()


def badge_video(modules: list[list[bool]], folder: Path) -> tuple[str, Path]:
    """The code the badge carries, as a decoder reads it from the camera's frame, and the video
    the fake camera plays."""
    grey = camera_frame(modules)
    (decoded,) = zxingcpp.read_barcodes(Image.frombytes("L", (WIDTH, HEIGHT), grey))
    video = folder / "badge.y4m"
    write_y4m(video, grey)
    return decoded.text, video


async def phone_at_scanner(
    camera_browser, video: Path, scanner: str, email: str
) -> tuple[BrowserContext, Page]:
    """A phone whose camera plays `video`, on the scanner page at `scanner`: the login form
    comes first (as `email`, with the demo password) and leads back to it."""
    context = await (await camera_browser(video)).new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, locale="en-GB"
    )
    page = await context.new_page()
    await page.goto(scanner)
    await page.fill("input[name=email]", email)
    await page.fill("input[name=password]", "demo-password")
    await page.locator("main form button[type=submit]").click()
    await page.wait_for_url(scanner)
    return context, page


async def test_the_camera_reads_a_real_badge_green_then_orange(
    phone, live_server, camera_browser, tmp_path
):
    modules = await sign_up_and_read_badge(phone, live_server)
    code, video = badge_video(modules, tmp_path)
    assert code.startswith("T1.")
    scanner = f"{live_server}/manage/passerelles/events/{event_id_of(code)}/scan"
    door, page = await phone_at_scanner(camera_browser, video, scanner, "checkin@example.org")
    assert await page.locator("[data-result=ready]").count() == 1
    assert not await overflows_horizontally(page)
    await screenshot(page, "scanner-ready-360")

    await page.fill("#field-gate", "B")  # read by the camera script with each scan
    pressed = await start_camera(page)
    green = page.locator(".scan-card[data-result=ok]")
    await green.wait_for(timeout=CARD_TIMEOUT_MS)
    first_card_seconds = time.monotonic() - pressed
    assert "Awa Camara" in await green.inner_text()
    assert await page.locator("[data-scanner][data-state=on] video").is_visible()
    assert not await overflows_horizontally(page)
    await screenshot(page, "scanner-green-360")

    # The badge stays in front of the camera: it is not sent again while it is in sight.
    await page.wait_for_timeout(1500)
    assert await page.locator(".scan-card[data-result=ok]").count() == 1

    # Scanned again (a new page, as after the door staff come back to it): already checked in.
    await page.reload()
    await start_camera(page)
    orange = page.locator(".scan-card[data-result=already_checked_in]")
    await orange.wait_for(timeout=CARD_TIMEOUT_MS)
    text = await orange.inner_text()
    assert "Awa Camara is already checked in." in text
    assert re.search(r"Came in at \d{1,2}:\d{2}, door: B\.", text), text
    assert await page.locator("#field-gate").input_value() == "B"  # remembered by the session
    await screenshot(page, "scanner-orange-360")

    await page.goto(f"{scanner}?lang=ar")  # the staff member's language, right to left
    assert await page.get_attribute("html", "dir") == "rtl"
    assert not await overflows_horizontally(page)
    await screenshot(page, "scanner-ar-360")
    print(f"camera: first card {first_card_seconds:.2f} s after the camera button")
    await door.close()
