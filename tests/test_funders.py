"""The organisation's funders (`/manage/{organisation}/funders`) and the cover of a report that
names them: their logos and funding statements on the public page and in the PDF."""

from __future__ import annotations

import io
import re

import httpx
import pytest
from PIL import Image
from pypdf import PdfReader

from server.models import ActionLog, Funder, ReportFunder
from server.models.enums import Role
from server.services.reporting import synthesis as reporting
from tests.report_data import KnownFair, after_the_fair, make_known_fair
from tests.support import csrf_from, html, login, make_organisation, make_user, new_client
from tests.test_report_pdf import pdf_text

FUNDERS = "/manage/passerelles/funders"
EU_STATEMENT = (
    "Cette publication a été réalisée avec le soutien financier de l'Union européenne. Son "
    "contenu relève de la seule responsabilité de Passerelles."
)
EU_STATEMENT_AR = "أُنجز هذا المنشور بدعم مالي من الاتحاد الأوروبي."


def png(width: int = 120, height: int = 60, colour: str = "navy") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
async def known(db) -> KnownFair:
    return await make_known_fair()


@pytest.fixture
async def organiser(client, known) -> httpx.AsyncClient:
    await login(client, "orga@example.org")
    return client


async def add(
    client: httpx.AsyncClient,
    *,
    logo: bytes | None = None,
    **fields: str,
) -> httpx.Response:
    token = csrf_from(await client.get(FUNDERS))
    data = {"name": "Union européenne", "statement_fr": EU_STATEMENT, "csrf_token": token}
    files = {"logo": ("eu.png", png() if logo is None else logo, "image/png")}
    return await client.post(FUNDERS, data=data | fields, files=files)


async def eu(organiser: httpx.AsyncClient) -> Funder:
    assert (await add(organiser, statement_ar=EU_STATEMENT_AR)).status_code == 303
    return await Funder.get(name="Union européenne")


# --- the list ---------------------------------------------------------------------------------


async def test_an_organiser_adds_a_funder_with_its_logo_and_statement(organiser, settings):
    response = await add(organiser)

    assert response.status_code == 303
    assert response.headers["location"] == FUNDERS
    page = html(await organiser.get(FUNDERS))
    assert page.select_one(".alert-success") is not None
    item = page.select_one("#funder-list .funder")
    assert item.select_one(".funder-name").get_text() == "Union européenne"
    assert item.select_one(".funder-statement").get_text() == EU_STATEMENT
    funder = await Funder.get(name="Union européenne")
    assert funder.statement == {"fr": EU_STATEMENT}
    assert re.fullmatch(r"[0-9a-f]{32}\.png", funder.logo_path)
    assert (settings.data_dir / "funder-logos" / funder.logo_path).read_bytes() == png()
    logo = await organiser.get(item.select_one("img")["src"])
    assert logo.headers["content-type"] == "image/png"
    assert await ActionLog.exists(action="funder.created", object_id=funder.id)


@pytest.mark.parametrize(
    ("fields", "logo", "field"),
    [
        ({"name": "  "}, None, "name"),
        ({"statement_fr": ""}, None, "statement_fr"),
        ({"statement_en": "x" * 1001}, None, "statement_en"),
        ({}, b"GIF89a" + b"\x00" * 40, "logo"),
        ({}, b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "logo"),  # starts like a PNG, is not one
        ({}, b"\x89PNG\r\n\x1a\n" + b"\x00" * (1024 * 1024), "logo"),  # over 1 MB
    ],
)
async def test_a_wrong_funder_is_refused_next_to_its_field_and_kept(organiser, fields, logo, field):
    response = await add(organiser, logo=logo, **fields)

    assert response.status_code == 422
    page = html(response)
    assert page.select_one(f"#error-{field}") is not None
    assert page.select_one("#field-statement_fr").get_text() == fields.get(
        "statement_fr", EU_STATEMENT
    )
    assert not await Funder.exists()


async def test_a_new_funder_needs_its_logo(organiser):
    token = csrf_from(await organiser.get(FUNDERS))
    response = await organiser.post(
        FUNDERS,
        data={"name": "Enabel", "statement_fr": "Avec le soutien d'Enabel.", "csrf_token": token},
    )

    assert response.status_code == 422
    assert html(response).select_one("#error-logo") is not None


async def test_editing_a_funder_keeps_its_logo_unless_a_new_one_is_sent(organiser, settings):
    funder = await eu(organiser)
    url = f"{FUNDERS}/{funder.id}"
    token = csrf_from(await organiser.get(url))

    response = await organiser.post(
        url,
        data={"name": "UE", "statement_fr": EU_STATEMENT, "statement_en": "With EU support.",
              "csrf_token": token},
    )  # fmt: skip

    assert response.status_code == 303
    saved = await Funder.get(id=funder.id)
    assert (saved.name, saved.logo_path) == ("UE", funder.logo_path)
    assert saved.statement == {"fr": EU_STATEMENT, "en": "With EU support."}

    response = await organiser.post(
        url,
        data={"name": "UE", "statement_fr": EU_STATEMENT, "csrf_token": token},
        files={"logo": ("new.png", png(colour="gold"), "image/png")},
    )

    assert response.status_code == 303
    replaced = await Funder.get(id=funder.id)
    assert replaced.logo_path != funder.logo_path
    assert not (settings.data_dir / "funder-logos" / funder.logo_path).exists()


async def test_an_edit_with_an_error_comes_back_with_the_text_typed(organiser):
    funder = await eu(organiser)
    url = f"{FUNDERS}/{funder.id}"
    token = csrf_from(await organiser.get(url))

    response = await organiser.post(
        url, data={"name": "Nouveau nom", "statement_fr": "", "csrf_token": token}
    )

    assert response.status_code == 422
    page = html(response)
    assert page.select_one("#error-statement_fr") is not None
    assert page.select_one("#field-name")["value"] == "Nouveau nom"
    assert (await Funder.get(id=funder.id)).name == "Union européenne"


async def test_removing_a_funder_takes_it_off_the_covers(organiser, known, settings):
    funder = await eu(organiser)
    await reporting.save_narrative(
        known.fair, reporting.ReportForm(language="fr", funders=(str(funder.id),)), by=None
    )
    token = csrf_from(await organiser.get(f"{FUNDERS}/{funder.id}"))

    response = await organiser.post(f"{FUNDERS}/{funder.id}/remove", data={"csrf_token": token})

    assert response.status_code == 303
    assert not await Funder.exists(id=funder.id)
    assert not await ReportFunder.exists()
    assert not (settings.data_dir / "funder-logos" / funder.logo_path).exists()


async def test_another_organisations_funder_is_not_found(organiser, app):
    funder = await eu(organiser)
    other = await make_organisation("autre", "Autre association")
    await make_user("other@example.org", organisation=other, role=Role.ORGANISER)
    async with await new_client(app) as client:
        await login(client, "other@example.org")

        for path in (
            f"/manage/autre/funders/{funder.id}",
            f"/manage/autre/funders/{funder.id}/logo",
        ):
            assert (await client.get(path)).status_code == 404
        assert html(await client.get("/manage/autre/funders")).select_one("#funder-list") is None


async def test_check_in_staff_cannot_manage_funders(client, known):
    await make_user("door@example.org", organisation=known.organisation, role=Role.CHECKIN)
    await login(client, "door@example.org")

    assert (await client.get(FUNDERS)).status_code == 403


async def test_the_menu_leads_to_the_funders(organiser):
    page = html(await organiser.get(FUNDERS))

    assert page.select_one(".sub-nav a[aria-current='page']")["href"] == FUNDERS


# --- the cover --------------------------------------------------------------------------------


def editor(known: KnownFair) -> str:
    return f"/manage/passerelles/events/{known.fair.id}/report"


async def choose(organiser, known, *funders: Funder, publish: bool = False) -> None:
    token = csrf_from(await organiser.get(editor(known)))
    data = {"language": "fr", "context": "Un salon.", "csrf_token": token}
    data["funders"] = [str(funder.id) for funder in funders]  # type: ignore[assignment]
    if publish:
        data["action"] = "publish"
    path = editor(known) + ("/publish" if publish else "")
    assert (await organiser.post(path, data=data)).status_code == 303


async def test_a_report_names_no_funder_until_one_is_chosen(organiser, known):
    await eu(organiser)

    page = html(await organiser.get(editor(known)))

    boxes = page.select("input[name='funders']")
    assert [box.get("checked") for box in boxes] == [None]
    assert page.select_one("#report-preview #report-funders") is None


async def test_the_editor_offers_to_add_funders_when_there_are_none(organiser, known):
    page = html(await organiser.get(editor(known)))

    assert page.select_one("#report-no-funders a")["href"] == FUNDERS


async def test_the_chosen_funders_are_on_the_published_page_with_their_logos(
    organiser, client, known
):
    funder = await eu(organiser)
    await choose(organiser, known, funder)
    report = await reporting.publish_report(known.fair, by=None, now=after_the_fair())

    page = html(await client.get(f"/reports/{report.public_token}?lang=ar"))

    cover = page.select_one("#report-funders")
    image = cover.select_one("img")
    assert image["alt"] == "Union européenne"
    statement = cover.select_one(".report-funder-statement")
    assert (statement.get_text(), statement["dir"]) == (EU_STATEMENT_AR, "rtl")
    logo = await client.get(image["src"])
    assert (logo.status_code, logo.content) == (200, png())


async def test_a_funder_not_on_the_report_has_no_public_logo(organiser, client, known):
    chosen = await eu(organiser)
    assert (await add(organiser, name="Enabel")).status_code == 303
    other = await Funder.get(name="Enabel")
    await choose(organiser, known, chosen)
    report = await reporting.publish_report(known.fair, by=None, now=after_the_fair())

    path = f"/reports/{report.public_token}/funders"
    assert (await client.get(f"{path}/{chosen.id}/logo")).status_code == 200
    assert (await client.get(f"{path}/{other.id}/logo")).status_code == 404


async def test_a_funder_of_another_organisation_cannot_be_put_on_a_cover(organiser, known):
    other = await make_organisation("autre", "Autre association")
    foreign = await Funder.create(organisation=other, name="Autre", statement={"fr": "Autre."})
    token = csrf_from(await organiser.get(editor(known)))

    response = await organiser.post(
        editor(known),
        data={"language": "fr", "funders": str(foreign.id), "csrf_token": token},
    )

    assert response.status_code == 422
    assert html(response).select_one("#error-funders") is not None
    assert not await ReportFunder.exists()


async def test_the_pdf_cover_shows_the_logo_and_the_statement_in_the_reports_language(
    organiser, known
):
    funder = await eu(organiser)
    await choose(organiser, known, funder)
    base = editor(known).removesuffix("/report") + "/report.pdf?language="

    french = (await organiser.get(base + "fr")).content
    english = (await organiser.get(base + "en")).content

    cover = PdfReader(io.BytesIO(french)).pages[0]
    assert len(cover.images) == 1
    assert " ".join(EU_STATEMENT.split()) in " ".join(pdf_text(french).split())
    # No English statement: the English report prints the French one.
    assert " ".join(EU_STATEMENT.split()) in " ".join(pdf_text(english).split())


async def test_the_preview_shows_the_funders_ticked_before_they_are_saved(organiser, known):
    funder = await eu(organiser)
    token = csrf_from(await organiser.get(editor(known)))

    response = await organiser.post(
        editor(known) + "/preview",
        data={"language": "fr", "funders": str(funder.id), "csrf_token": token},
        headers={"HX-Request": "true"},
    )

    image = html(response).select_one("#report-funders img")
    assert image["src"] == f"{FUNDERS}/{funder.id}/logo"
    assert not await ReportFunder.exists()


async def test_the_saved_funders_stay_ticked_in_the_editor(organiser, known):
    funder = await eu(organiser)
    await choose(organiser, known, funder)

    page = html(await organiser.get(editor(known)))

    assert page.select_one(f"input[name='funders'][value='{funder.id}']").has_attr("checked")
    assert page.select_one("#report-preview #report-funders") is not None
