"""The synthesis report's pages — the organisers' editor with its live preview, publishing, the
public report and its PDF — and the programme bulletin, on the fair of `tests/report_data.py`."""

from __future__ import annotations

import httpx
import pytest

from server.i18n import translations
from server.models import SynthesisReport
from server.models.enums import ReportStatus, Role
from server.reports.disclosure import RULE
from server.services.reporting import synthesis as reporting
from server.values.clock import today_in_morocco
from tests.report_data import (
    COMMENTS,
    KnownFair,
    after_the_fair,
    make_known_fair,
    make_past_fair,
)
from tests.support import csrf_from, html, login, make_event, make_organisation, make_user
from tests.test_report_pdf import pdf_text, rows_starting_with

NARRATIVE = {
    "context": "Premier salon du programme à Casablanca.",
    "what_happened": "Douze inscriptions, huit présents.",
    "highlights": "Une embauche dès la première semaine.",
    "recommendations": "Prévoir plus de stands.",
    "next_steps": "Suivi des candidats en septembre.",
    "language": "fr",
}


@pytest.fixture
async def known(db) -> KnownFair:
    return await make_known_fair()


@pytest.fixture
async def organiser(client, known) -> httpx.AsyncClient:
    await login(client, "orga@example.org")
    return client


def editor_url(known: KnownFair) -> str:
    return f"/manage/passerelles/events/{known.fair.id}/report"


async def published(known: KnownFair) -> str:
    """Publish the fair's report with the narrative; returns its public path."""
    form = reporting.ReportForm(**NARRATIVE)
    await reporting.save_narrative(known.fair, form, by=None)
    report = await reporting.publish_report(known.fair, by=None, now=after_the_fair())
    return f"/reports/{report.public_token}"


def cells(page, dimension: str) -> dict[str, tuple[str, str, str, str]]:
    """A breakdown table: category key → (registered, %, attended, %) as shown."""
    table = page.select_one(f"#breakdown-{dimension}")
    return {
        row["data-key"]: tuple(cell.get_text(strip=True) for cell in row.select("td"))
        for row in table.select("tbody tr")
    }


# --- the public report --------------------------------------------------------------------------


async def test_the_published_report_shows_the_key_figures(client, known):
    response = await client.get(await published(known))
    assert response.status_code == 200
    page = html(response)
    assert page.select_one("h1.report-title").get_text(strip=True) == "Salon de l'emploi de juin"
    shown = {
        name: page.select_one(f"#figure-{name}").get_text(strip=True)
        for name in ("registrations", "confirmed", "waiting", "cancelled", "attended", "walk-ins")
    }
    assert shown == {
        "registrations": "12",
        "confirmed": "9",
        "waiting": "2",
        "cancelled": "1",
        "attended": "8",
        "walk-ins": "3",
    }
    assert page.select_one("#figure-show-up-rate").get_text(strip=True) == "83\u00a0%"  # 5 / 6
    assert response.headers["cache-control"].startswith("private")


async def test_the_live_page_the_report_and_its_pdf_show_one_show_up_rate(organiser, known):
    # Confirmed ahead: Amina, Bakary, Chantal, Daouda, Esther, Fatou; all but Fatou came. The
    # three walk-ins count in neither side.
    path = await published(known)
    live = html(await organiser.get(f"/manage/passerelles/events/{known.fair.id}/attendance"))
    page = html(await organiser.get(path))
    pdf = await organiser.get(path + "/report.pdf?language=fr")

    shown = live.select_one("#attendance-rate").get_text(strip=True)
    assert shown == page.select_one("#figure-show-up-rate").get_text(strip=True) == "83\u00a0%"
    key_figures = " ".join(pdf_text(pdf.content).split())
    assert f"{' '.join(shown.split())} Taux de présence" in key_figures


async def test_small_counts_read_less_than_five_and_lose_their_percentage(client, known):
    page = html(await client.get(await published(known)))
    sex = cells(page, "sex")
    # Women 6 registered (55 % of 11), 4 attended; men 4 and 3; Lamine 1 and 1.
    assert sex["female"] == ("6", "55\u00a0%", "<5", "")
    assert sex["male"] == ("<5", "", "<5", "")
    assert sex[""] == ("<5", "", "<5", "")
    assert sex["other"] == ("0", "0\u00a0%", "0", "0\u00a0%")  # a zero is shown as it is
    age = cells(page, "age_band")
    assert age["25-34"] == ("5", "45\u00a0%", "<5", "")  # 5 of 11
    assert age[""] == ("<5", "", "0", "0\u00a0%")
    legal = cells(page, "legal_status")
    # Attended: regularised 5, refugees 2, asylum seekers 1 out of 8: the 2 and the 1 could be
    # 1 and 2 as well, so the 5 is shown.
    assert legal["regularised"] == ("6", "55\u00a0%", "5", "63\u00a0%")


async def test_sparse_categories_are_counted_together_and_a_count_is_hidden_to_protect_them(
    client, known
):
    page = html(await client.get(await published(known)))
    # Registered: Casablanca 7, Rabat 2 and Tanger 1 (counted together), one city not stated;
    # attended: 6, 2 and 0. The "other cities" 2 alone would be 8 - 6: "not stated" is hidden.
    city = cells(page, "city")
    assert city == {
        "Casablanca": ("7", "64\u00a0%", "6", "75\u00a0%"),
        "other": ("<5", "", "<5", ""),
        "": ("<5", "", "masqué", ""),
    }
    other = page.select_one("#breakdown-city tr[data-key='other'] th").get_text()
    assert other == "Autres villes"
    rule = page.select_one("#breakdown-city-rule").get_text()
    assert rule == translations("fr").gettext(RULE)
    assert rule.startswith("Les effectifs de 1 à 4 sont affichés")


async def test_the_published_report_names_categories_in_the_readers_language(client, known):
    page = html(await client.get(await published(known) + "?lang=en"))
    sex = page.select_one("#breakdown-sex")
    assert [th.get_text(strip=True) for th in sex.select("tbody th")] == [
        "Woman",
        "Man",
        "Other",
        "Not stated",
    ]
    assert page.select_one("#breakdown-nationality tr[data-key='SN'] th").get_text() == "Senegal"


async def test_the_published_report_contains_no_personal_data(client, known):
    text = (await client.get(await published(known))).text
    for attendee in known.attendees.values():
        assert attendee.first_name not in text
        assert attendee.phone not in text
        assert attendee.email not in text
    assert "Testperson" not in text
    for comment in COMMENTS:
        assert comment not in text
    assert "Ndiaye" not in text


async def test_the_report_shows_pledges_offers_and_satisfaction(client, known):
    page = html(await client.get(await published(known)))
    employers = {
        name: page.select_one(f"#figure-{name}").get_text(strip=True)
        for name in ("employers", "offers", "interests", "interviews", "hires")
    }
    assert employers == {
        "employers": "2",
        "offers": "2",
        "interests": "5",
        "interviews": "2",
        "hires": "1",
    }
    funding = page.select_one("#report-pledges tr[data-kind='co_funding']")
    assert [td.get_text(strip=True) for td in funding.select("td")][1:] == [
        "50\u202f000\xa0MAD",
        "20\u202f000,50\xa0MAD",
    ]
    # Four attendees and two exhibitors answered: fewer than 5, so no rating is shown.
    attendees = page.select_one("#report-satisfaction tr[data-group='attendees']")
    assert [td.get_text(strip=True) for td in attendees.select("td")] == ["<5", "—", "<5"]
    assert attendees.select("td")[2]["colspan"] == "5"


async def test_the_narrative_appears_in_the_published_report(client, known):
    page = html(await client.get(await published(known)))
    assert (
        page.select_one("#report-context").get_text(" ", strip=True).endswith(NARRATIVE["context"])
    )
    assert page.select_one("#report-next_steps p").get_text() == NARRATIVE["next_steps"]


async def test_an_unpublished_report_is_not_found(client, known):
    path = await published(known)
    await reporting.unpublish_report(known.fair, by=None)
    assert (await client.get(path)).status_code == 404
    assert (await client.get(path + "/report.pdf?language=fr")).status_code == 404
    assert (await client.get("/reports/no-such-token")).status_code == 404


async def test_the_published_report_offers_its_pdf_in_three_languages(client, known):
    path = await published(known)
    page = html(await client.get(path))
    links = [a["href"] for a in page.select(".report-downloads a")]
    assert links == [f"{path}/report.pdf?language={code}" for code in ("fr", "ar", "en")]
    response = await client.get(links[1])
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


async def test_the_published_report_reads_right_to_left_in_arabic(client, known):
    page = html(await client.get(await published(known) + "?lang=ar"))
    assert page.html["dir"] == "rtl"
    # The narrative keeps the direction of the language it was written in.
    assert page.select_one("#report-context p")["dir"] == "ltr"


# --- the organisers' editor ---------------------------------------------------------------------


async def test_the_editor_shows_the_five_parts_beside_the_preview(organiser, known):
    page = html(await organiser.get(editor_url(known)))
    names = [area["name"] for area in page.select("form.report-form textarea")]
    assert names == ["context", "what_happened", "highlights", "recommendations", "next_steps"]
    form = page.select_one("form.report-form")
    assert form["hx-post"] == editor_url(known) + "/preview"
    assert form["hx-trigger"] == "input changed delay:500ms"
    preview = page.select_one("#report-preview")
    assert preview.select_one("#figure-attended").get_text(strip=True) == "8"


async def test_the_preview_renders_the_unsaved_narrative_alone(organiser, known):
    page = await organiser.get(editor_url(known))
    response = await organiser.post(
        editor_url(known) + "/preview",
        data={**NARRATIVE, "highlights": "Pas encore enregistré", "csrf_token": csrf_from(page)},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "<html" not in response.text and "<form" not in response.text
    fragment = html(response)
    assert fragment.select_one("#report-highlights p").get_text() == "Pas encore enregistré"
    assert fragment.select_one("#figure-registrations").get_text(strip=True) == "12"
    assert not await SynthesisReport.exists(event_id=known.fair.id)


async def test_the_preview_button_works_without_javascript(organiser, known):
    page = await organiser.get(editor_url(known))
    response = await organiser.post(
        editor_url(known) + "/preview",
        data={**NARRATIVE, "csrf_token": csrf_from(page)},
    )
    page = html(response)
    assert page.select_one("textarea[name='context']").get_text() == NARRATIVE["context"]
    assert page.select_one("#report-preview #report-context p").get_text() == NARRATIVE["context"]


async def test_saving_redirects_to_the_editor_with_the_text_kept(organiser, known):
    page = await organiser.get(editor_url(known))
    response = await organiser.post(
        editor_url(known), data={**NARRATIVE, "csrf_token": csrf_from(page)}
    )
    assert response.status_code == 303
    assert response.headers["location"] == editor_url(known)
    page = html(await organiser.get(editor_url(known)))
    assert page.select_one(".alert-success") is not None
    assert (
        page.select_one("textarea[name='recommendations']").get_text()
        == (NARRATIVE["recommendations"])
    )
    report = await SynthesisReport.get(event_id=known.fair.id)
    assert (report.context, report.status) == (NARRATIVE["context"], ReportStatus.DRAFT)


async def test_a_text_too_long_is_refused_next_to_its_field_and_kept(organiser, known):
    page = await organiser.get(editor_url(known))
    too_long = "x" * (reporting.NARRATIVE_MAX_LENGTH + 1)
    response = await organiser.post(
        editor_url(known),
        data={**NARRATIVE, "highlights": too_long, "csrf_token": csrf_from(page)},
    )
    assert response.status_code == 422
    page = html(response)
    assert page.select_one("#error-highlights") is not None
    assert page.select_one("textarea[name='highlights']").get_text() == too_long
    assert page.select_one("textarea[name='context']").get_text() == NARRATIVE["context"]


async def test_publishing_from_the_editor_saves_and_shows_the_public_link(organiser, known):
    page = await organiser.get(editor_url(known))
    response = await organiser.post(
        editor_url(known) + "/publish",
        data={**NARRATIVE, "action": "publish", "csrf_token": csrf_from(page)},
    )
    assert response.status_code == 303
    page = html(await organiser.get(editor_url(known)))
    link = page.select_one("#report-public-link")
    report = await SynthesisReport.get(event_id=known.fair.id)
    assert link["href"] == f"/reports/{report.public_token}"
    assert link.get_text().endswith(link["href"])
    assert report.context == NARRATIVE["context"]
    public = await organiser.get(link["href"])
    assert public.status_code == 200


async def test_unpublishing_takes_the_report_off_its_link(organiser, known):
    path = await published(known)
    page = await organiser.get(editor_url(known))
    response = await organiser.post(
        editor_url(known) + "/publish",
        data={"action": "unpublish", "csrf_token": csrf_from(page)},
    )
    assert response.status_code == 303
    assert (await organiser.get(path)).status_code == 404
    assert html(await organiser.get(editor_url(known))).select_one("#report-public-link") is None


async def test_a_report_cannot_be_published_before_the_event_ends(organiser, known):
    upcoming = await make_event(known.organisation, "bientot")
    url = f"/manage/passerelles/events/{upcoming.id}/report"
    page = await organiser.get(url)
    assert html(page).select_one("button[value='publish']") is None
    response = await organiser.post(
        url + "/publish", data={**NARRATIVE, "action": "publish", "csrf_token": csrf_from(page)}
    )
    assert response.status_code == 409
    assert html(response).select_one(".alert-error") is not None
    assert not await SynthesisReport.exists(event_id=upcoming.id, status=ReportStatus.PUBLISHED)


async def test_an_event_without_employers_or_feedback_says_there_is_no_data_yet(organiser, known):
    workshop = await make_event(known.organisation, "atelier-seul", title={"fr": "Atelier"})
    page = html(await organiser.get(f"/manage/passerelles/events/{workshop.id}/report"))
    for section in ("#report-employers", "#report-feedback"):
        assert page.select_one(f"#report-preview {section} .empty") is not None
    assert page.select_one("#report-preview #figure-registrations").get_text() == "0"


async def test_the_team_reads_the_comments_outside_the_report(organiser, known):
    page = html(await organiser.get(editor_url(known)))
    team = page.select_one(".report-team-only").get_text()
    preview = page.select_one("#report-preview").get_text()
    for comment in COMMENTS:
        assert comment in team
        assert comment not in preview


async def test_the_organisers_pdf_is_the_report_in_the_asked_language(organiser, known):
    response = await organiser.get(
        editor_url(known).removesuffix("/report") + "/report.pdf?language=ar"
    )
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert response.headers["cache-control"] == "no-store"


async def test_the_event_page_links_to_the_report(organiser, known):
    page = html(await organiser.get(f"/manage/passerelles/events/{known.fair.id}"))
    assert page.select_one(f".page-actions a[href='{editor_url(known)}']") is not None


@pytest.mark.parametrize(
    ("email", "path", "status"),
    [
        ("door@example.org", "/manage/passerelles/events/{id}/report", 403),
        ("other@example.org", "/manage/passerelles/events/{id}/report", 403),
        ("other@example.org", "/manage/autre/events/{id}/report", 404),
        ("other@example.org", "/manage/autre/events/{id}/report.pdf", 404),
    ],
)
async def test_only_the_organisers_of_the_events_organisation_see_its_report(
    client, known, email, path, status
):
    await make_user("door@example.org", organisation=known.organisation, role=Role.CHECKIN)
    other = await make_organisation("autre", "Autre association")
    await make_user("other@example.org", organisation=other, role=Role.ORGANISER)
    await login(client, email)
    assert (await client.get(path.format(id=known.fair.id))).status_code == status


async def test_another_organisation_cannot_save_or_publish_the_report(client, known):
    other = await make_organisation("autre", "Autre association")
    await make_user("other@example.org", organisation=other, role=Role.ORGANISER)
    await login(client, "other@example.org")
    token = csrf_from(await client.get("/manage/autre/bulletin"))
    base = f"/manage/autre/events/{known.fair.id}/report"
    for path in (base, base + "/preview", base + "/publish"):
        response = await client.post(
            path, data={**NARRATIVE, "action": "publish", "csrf_token": token}
        )
        assert response.status_code == 404
    assert not await SynthesisReport.exists(event_id=known.fair.id)


async def test_anonymous_visitors_are_sent_to_the_login(client, known):
    response = await client.get(editor_url(known))
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")


# --- the bulletin -------------------------------------------------------------------------------


async def test_the_bulletin_shows_the_figures_of_the_period(organiser, known):
    response = await organiser.get("/manage/passerelles/bulletin?start=2025-01-01&end=2025-06-30")
    assert response.status_code == 200
    page = html(response)
    # The fair and its two sessions (the draft session left out).
    figures = {
        name: page.select_one(f"#bulletin-{name}").get_text(strip=True)
        for name in ("events", "registrations", "attended", "people")
    }
    assert figures == {"events": "3", "registrations": "18", "attended": "11", "people": "8"}
    assert cells(page, "sex")["female"] == ("6", "55\u00a0%", "<5", "")
    links = [a["href"] for a in page.select(".page-actions a")]
    assert "/manage/passerelles/bulletin.pdf?start=2025-01-01&end=2025-06-30&language=fr" in links
    assert "/manage/passerelles/bulletin.xlsx?start=2025-01-01&end=2025-06-30&language=fr" in links


async def test_the_bulletin_defaults_to_the_current_semester(organiser, known):
    page = html(await organiser.get("/manage/passerelles/bulletin"))
    start, end = reporting.current_semester(today_in_morocco())
    assert page.select_one("input[name='start']")["value"] == start.isoformat()
    assert page.select_one("input[name='end']")["value"] == end.isoformat()
    assert page.select_one("#bulletin-period") is not None


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("start=2025-02-30&end=2025-06-30", "start"),
        ("start=2025-06-30&end=2025-01-01", "end"),
        ("start=99999999999999999999&end=", "start"),
    ],
)
async def test_bad_bulletin_dates_give_the_form_back_with_the_error(organiser, known, query, field):
    response = await organiser.get(f"/manage/passerelles/bulletin?{query}")
    assert response.status_code == 422
    page = html(response)
    assert page.select_one(f"#error-{field}") is not None
    assert page.select_one("#bulletin-events") is None


async def test_the_bulletin_downloads_as_pdf_and_spreadsheet(organiser, known):
    query = "start=2025-01-01&end=2025-06-30&language=en"
    pdf = await organiser.get(f"/manage/passerelles/bulletin.pdf?{query}")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    xlsx = await organiser.get(f"/manage/passerelles/bulletin.xlsx?{query}")
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    assert (
        'filename="bulletin-passerelles-2025-01-01-2025-06-30-en.xlsx"'
        in (xlsx.headers["content-disposition"])
    )
    bad = await organiser.get("/manage/passerelles/bulletin.xlsx?start=nope")
    assert bad.status_code == 422


async def test_the_menu_leads_to_the_bulletin(organiser, known):
    page = html(await organiser.get("/manage/passerelles/bulletin"))
    current = page.select_one(".sub-nav a[aria-current='page']")
    assert current["href"] == "/manage/passerelles/bulletin"


# --- the past fair's shape ----------------------------------------------------------------------


async def published_past_fair(known: KnownFair) -> str:
    fair = await make_past_fair(known.organisation)
    await reporting.save_narrative(fair, reporting.ReportForm(**NARRATIVE), by=None)
    report = await reporting.publish_report(fair, by=None, now=after_the_fair())
    return f"/reports/{report.public_token}"


async def test_the_past_fairs_report_shows_women_and_men(client, known):
    page = html(await client.get(await published_past_fair(known)))

    sex = cells(page, "sex")
    assert sex["female"] == ("66", "53\u00a0%", "52", "54\u00a0%")
    assert sex["male"] == ("55", "44\u00a0%", "43", "44\u00a0%")
    assert sex[""] == ("<5", "", "<5", "")
    assert sex["other"] == ("masqué", "", "masqué", "")
    assert page.select_one("#figure-registrations").get_text() == "124"


async def test_the_past_fairs_pdf_draws_a_bar_for_women_and_for_men(client, known):
    path = await published_past_fair(known)

    text = pdf_text((await client.get(path + "/report.pdf?language=en")).content, layout=True)

    # The chart's bar, then the table's row: registered, attended and share of attendees.
    assert rows_starting_with(text, "Woman") == [["52"], ["66", "52", "54%"]]
    assert rows_starting_with(text, "Man") == [["43"], ["55", "43", "44%"]]
    # The sex breakdown comes first (the other breakdowns have a "not stated" too).
    assert rows_starting_with(text, "Not stated")[:2] == [
        ["hidden:", "fewer", "than", "5"],
        ["<5", "<5"],
    ]


async def test_the_past_fairs_satisfaction_shows_every_band_of_ratings(client, known):
    page = html(await client.get(await published_past_fair(known)))

    attendees = page.select_one("#report-satisfaction tr[data-group='attendees']")
    shown = [(td.get("data-ratings"), td.get_text(strip=True)) for td in attendees.select("td")]
    # Twelve answers averaging 4.1: the 2, 3s and 4s one by one would be given away by it.
    assert shown == [(None, "12"), (None, "4,1"), ("1-1", "0"), ("2-4", "7"), ("5-5", "5")]
