"""The donor documents as files: synthesis report and bulletin PDFs, the bulletin's XLSX.

Pure rendering, no database: the figures are built by hand here. The numbers are chosen so that
each one appears in one place only, which lets a test tell a suppressed "3" from a shown one.
"""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import arabic_reshaper
import pypdfium2
import pytest
from bidi import get_display
from openpyxl import load_workbook
from pypdf import PdfReader

from server.documents.pdf_text import in_language, visual_runs
from server.i18n import current_language, gettext, translations
from server.models.enums import EventKind, Gender, LegalStatus, PledgeKind
from server.reports.disclosure import RULE
from server.reports.figures import (
    DIMENSIONS,
    ArrivalSlot,
    Breakdown,
    BreakdownRow,
    EmployerDelivery,
    EmployerFigures,
    EventFigures,
    FeedbackFigures,
    FunderCredit,
    Narrative,
    PledgeTotal,
    ProgrammeFigures,
    ProgrammeLine,
    Satisfaction,
    SessionAttendance,
    category_label,
)
from server.reports.pdf import NARRATIVE_WRITTEN_IN, bulletin_pdf, report_pdf
from server.reports.spreadsheets import bulletin_xlsx

OUTPUT_DIR = Path(__file__).resolve().parents[1] / "test-output" / "reports"
COMMENT = "Mohamed from Rabat was rude at the entrance"
ARABIC_TITLE = "ملتقى التشغيل بالدار البيضاء"


def breakdowns() -> tuple[Breakdown, ...]:
    return (
        Breakdown(
            "sex",
            (
                BreakdownRow(Gender.FEMALE, 61, 48),
                BreakdownRow(Gender.MALE, 52, 39),
                # A count of 3 attended: shown as "<5"; 7 registered is shown as it is.
                BreakdownRow(Gender.OTHER, 7, 3),
                BreakdownRow("", 0, 0),
            ),
        ),
        Breakdown(
            "age_band",
            (
                BreakdownRow("25-34", 44, 38),
                BreakdownRow("18-24", 40, 31),
                BreakdownRow("35-44", 25, 18),
                BreakdownRow("45+", 11, 2),
            ),
        ),
        Breakdown("nationality", (BreakdownRow("SN", 70, 57), BreakdownRow("CM", 50, 33))),
        Breakdown(
            "legal_status",
            (
                BreakdownRow(LegalStatus.REGULARISED, 66, 52),
                BreakdownRow(LegalStatus.REFUGEE, 54, 38),
            ),
        ),
        Breakdown("city", (BreakdownRow("Casablanca", 120, 90),)),
        Breakdown("language", (BreakdownRow("fr", 110, 86), BreakdownRow("wo", 29, 23))),
    )


def event_figures(**changes: object) -> EventFigures:
    fields: dict[str, object] = {
        "title": "Forum de l'emploi — Casablanca 2026",
        "kind": EventKind.JOB_FAIR,
        "city": "Casablanca",
        "venue": "Technopark",
        "starts_at": datetime(2026, 3, 14, 9, 0, tzinfo=UTC),
        "ends_at": datetime(2026, 3, 14, 16, 0, tzinfo=UTC),
        "organisation": "Association Solidarité Migrants",
        "registrations": 1234,
        "confirmed": 118,
        "waiting": 26,
        "cancelled": 14,
        "attended": 90,
        "walk_ins": 11,
        "show_up_rate": 0.6695,
        "sessions": (
            SessionAttendance("Atelier CV", datetime(2026, 3, 14, 10, 30, tzinfo=UTC), 40, 36, 29),
        ),
        "arrivals": tuple(
            ArrivalSlot(datetime(2026, 3, 14, 9 + half // 2, 30 * (half % 2), tzinfo=UTC), count)
            for half, count in enumerate((12, 25, 21, 16, 9, 0, 7))
        ),
        "breakdowns": breakdowns(),
        "employers": EmployerFigures(
            present=17,
            pledges=(
                PledgeTotal(PledgeKind.JOB, 9, 45, Decimal(0), 12, Decimal(0)),
                PledgeTotal(PledgeKind.CO_FUNDING, 2, 0, Decimal("150000"), 0, Decimal("60000")),
            ),
            offers_posted=23,
            interests=140,
            interviews=56,
            hires=19,
        ),
        "feedback": FeedbackFigures(
            attendees=Satisfaction(58, 4.2586, (0, 2, 8, 19, 29)),
            exhibitors=Satisfaction(0, None, (0, 0, 0, 0, 0)),
            comments=(COMMENT,),
        ),
    }
    return EventFigures(**(fields | changes))  # type: ignore[arg-type]


NARRATIVE = Narrative(
    context="Le forum réunit des employeurs de Casablanca.\n\nDeuxième paragraphe du contexte.",
    what_happened="Les visiteurs sont venus nombreux le matin.",
    highlights="Une entreprise a signé <script>& des contrats sur place.",
    recommendations="Ouvrir plus tôt.",
    next_steps="Un second forum à Rabat.",
)


def programme_figures() -> ProgrammeFigures:
    return ProgrammeFigures(
        organisation="Association Solidarité Migrants",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 6, 30),
        events=6,
        registrations=2468,
        confirmed=1357,
        attended=1024,
        walk_ins=88,
        show_up_rate=0.7015,
        people=871,
        by_city=(ProgrammeLine("Casablanca", 4, 1900, 812), ProgrammeLine("Oujda", 2, 568, 212)),
        by_kind=(
            ProgrammeLine(EventKind.JOB_FAIR, 2, 2000, 830),
            ProgrammeLine(EventKind.WORKSHOP, 4, 468, 194),
        ),
        breakdowns=breakdowns(),
        pledges=(PledgeTotal(PledgeKind.INTERNSHIP, 14, 65, Decimal(0), 41, Decimal(0)),),
        employers=(
            EmployerDelivery(
                "Atlas Textiles SA",
                (PledgeTotal(PledgeKind.INTERNSHIP, 5, 20, Decimal(0), 16, Decimal(0)),),
            ),
            EmployerDelivery(
                "ACME Maroc",
                (PledgeTotal(PledgeKind.INTERNSHIP, 9, 45, Decimal(0), 25, Decimal(0)),),
            ),
        ),
        satisfaction=Satisfaction(230, 4.1, (6, 10, 30, 80, 104)),
    )


def report(
    figures: EventFigures,
    narrative: Narrative,
    *,
    language: str,
    narrative_language: str | None = None,
    funders: tuple[FunderCredit, ...] = (),
) -> bytes:
    """The report PDF, its narrative written in its own language unless told otherwise."""
    return report_pdf(
        figures,
        narrative,
        language=language,
        narrative_language=narrative_language or language,
        funders=funders,
    )


def pdf_text(pdf: bytes, *, layout: bool = False) -> str:
    """The text of every page. Plain mode puts right-to-left runs back in reading order; layout
    mode gives each line's characters in the order they are drawn, left to right, with the
    spaces that separate table columns."""
    mode = "layout" if layout else "plain"
    pages = PdfReader(io.BytesIO(pdf)).pages
    return "\n".join(page.extract_text(extraction_mode=mode) for page in pages)


def x_of(pdf: bytes, text: str) -> float:
    """Where the first `text` of the document starts, from the left of its page (pdfium)."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        for page in document:
            text_page = page.get_textpage()
            found = text_page.search(text).get_next()
            if found:
                return text_page.get_charbox(found[0])[0]
    finally:
        document.close()
    raise AssertionError(f"{text!r} is not in the PDF")


def rows_starting_with(text: str, label: str) -> list[list[str]]:
    """The lines of a layout text that start with `label`, as the words that follow it."""
    return [
        line.split(label, 1)[1].split()
        for line in text.splitlines()
        if line.strip().startswith(label)
    ]


def only_sex_breakdown(rows: tuple[BreakdownRow, ...]) -> tuple[Breakdown, ...]:
    others = tuple(Breakdown(dimension, ()) for dimension in DIMENSIONS[1:])
    return (Breakdown("sex", rows), *others)


def test_the_report_shows_the_key_figures_and_the_narrative():
    text = pdf_text(report(event_figures(), NARRATIVE, language="en"))

    assert "Forum de l'emploi — Casablanca 2026" in text
    assert "Association Solidarité Migrants" in text
    for figure in ("1,234", "118", "90", "67%", "11", "26", "14"):
        assert figure in text.split()
    assert "Les visiteurs sont venus nombreux le matin." in text
    assert "Deuxième paragraphe du contexte." in text


def test_the_french_report_writes_numbers_the_french_way_and_keeps_the_narrative():
    text = pdf_text(report(event_figures(), NARRATIVE, language="fr"))

    assert "1\u202f234" in text  # kept together on its line by the narrow no-break space
    assert "67 %" in text
    assert "Le forum réunit des employeurs de Casablanca." in text
    assert "Un second forum à Rabat." in text


def test_the_narrative_is_printed_as_text_not_read_as_markup():
    text = pdf_text(report(event_figures(), NARRATIVE, language="en"))

    assert "Une entreprise a signé <script>& des contrats sur place." in text


def test_a_narrative_longer_than_a_page_runs_onto_the_next_pages_whole():
    words = [f"mot{number:04d}" for number in range(1500)]
    narrative = Narrative(context=" ".join(words))

    pdf = report(event_figures(), narrative, language="fr")

    found = [word for word in pdf_text(pdf).split() if word.startswith("mot")]
    assert found == words
    assert len(PdfReader(io.BytesIO(pdf)).pages) > 4


def test_a_breakdown_count_from_1_to_4_is_shown_as_less_than_5_and_0_and_7_as_they_are():
    figures = event_figures(
        breakdowns=only_sex_breakdown(
            (
                BreakdownRow(Gender.FEMALE, 61, 48),
                BreakdownRow(Gender.MALE, 9, 4),
                BreakdownRow(Gender.OTHER, 7, 3),
                BreakdownRow("", 0, 0),
            )
        )
    )

    text = pdf_text(report(figures, Narrative(), language="en"), layout=True)

    other = in_language("en", category_label, "sex", Gender.OTHER)
    # The chart says why there is no bar; the table's row: registered 7, attended <5, no share.
    assert rows_starting_with(text, other) == [["hidden:", "fewer", "than", "5"], ["7", "<5"]]
    assert rows_starting_with(text, "Not stated") == [["0"], ["0", "0", "0%"]]
    assert ["61", "48", "87%"] in rows_starting_with(text, "Woman")  # 48 of 55 attended


def test_a_lone_small_count_is_protected_by_the_least_informative_count_not_by_women():
    figures = event_figures(
        breakdowns=only_sex_breakdown(
            (BreakdownRow(Gender.FEMALE, 61, 48), BreakdownRow(Gender.OTHER, 7, 3))
        )
    )

    text = pdf_text(report(figures, Narrative(), language="en"), layout=True)

    # Attended 48 and 3 of a published 51: "not stated" (nobody) is hidden with the 3.
    assert rows_starting_with(text, "Woman") == [["48"], ["61", "48", "94%"]]
    assert rows_starting_with(text, "Not stated") == [["hidden"], ["hidden", "hidden"]]


def test_every_table_of_who_came_says_the_rule_under_it():
    text = " ".join(pdf_text(report(event_figures(), Narrative(), language="en")).split())

    rule = " ".join(in_language("en", lambda: gettext(RULE)).split())
    assert text.count(rule) == len(DIMENSIONS)


def test_the_satisfaction_chart_draws_every_band_of_ratings():
    figures = event_figures(
        feedback=FeedbackFigures(
            attendees=Satisfaction(12, 4.083, (0, 1, 2, 4, 5)),
            exhibitors=Satisfaction(0, None, (0, 0, 0, 0, 0)),
            comments=(),
        )
    )

    text = pdf_text(report(figures, Narrative(), language="en"), layout=True)

    assert rows_starting_with(text, "5 out of 5") == [["5"]]
    assert rows_starting_with(text, "2 to 4 out of 5") == [["7"]]
    assert rows_starting_with(text, "1 out of 5") == [["0"]]
    assert "Average rating: 4.1 out of 5, from 12 answers." in pdf_text(
        report(figures, Narrative(), language="en")
    )


def test_no_feedback_comment_is_ever_printed():
    figures = event_figures()
    assert figures.feedback.comments == (COMMENT,)

    for language in ("fr", "en", "ar"):
        text = pdf_text(report(figures, NARRATIVE, language=language))
        assert "rude" not in text
        assert "Mohamed" not in text


def test_the_arabic_report_is_shaped_and_reads_from_the_right():
    """How we know the Arabic is shaped and right to left, from the PDF alone.

    pypdf gives back the characters that were drawn, through the ToUnicode map reportlab writes
    for each font. We draw Arabic as the contextual presentation forms that arabic-reshaper picks
    (initial, medial, final, isolated: U+FE70–U+FEFF, and ligatures in U+FB50–U+FDFF); text
    drawn without shaping would come back as the base letters U+0621–U+064A that a person
    types, which print as loose letters. So: the title and the narrative come back as their
    shaped forms, and not one base letter comes back from the whole document.

    Direction: pypdf's plain mode puts right-to-left runs back in reading order (hence the
    comparison with the shaped text in logical order above), but its layout mode keeps the
    order in which characters are drawn, left to right: there the title appears reversed, so
    its first letter is drawn at the right. The title page is also saved as an image in
    test-output/reports/ for a person to look at.
    """
    narrative = Narrative(context="حضر الملتقى عدد كبير من الباحثين عن عمل")
    pdf = report(event_figures(title=ARABIC_TITLE), narrative, language="ar")

    text = pdf_text(pdf)
    assert arabic_reshaper.reshape(ARABIC_TITLE) in text
    assert arabic_reshaper.reshape(narrative.context) in text
    assert any(0xFE70 <= ord(char) <= 0xFEFF for char in text)
    assert not any(0x0621 <= ord(char) <= 0x064A for char in text)
    assert get_display(arabic_reshaper.reshape(ARABIC_TITLE)) in pdf_text(pdf, layout=True)

    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    document = pypdfium2.PdfDocument(pdf)
    try:
        document[0].render(scale=2).to_pil().save(OUTPUT_DIR / "report-ar-title.png")
    finally:
        document.close()


def test_the_arabic_report_keeps_the_figures_and_mirrors_its_tables():
    figures = event_figures()

    arabic = report(figures, NARRATIVE, language="ar")
    english = report(figures, NARRATIVE, language="en")

    assert "1.234" in pdf_text(arabic).split()
    # The sex table's row for women: registered 61, share 53,3 %. The share is the last column,
    # at the right in English and at the left in Arabic.
    assert x_of(english, "61") < x_of(english, "53%")
    assert x_of(arabic, "61") > x_of(arabic, "53%")


def test_rendering_leaves_the_callers_language_alone():
    before = current_language().code

    report(event_figures(), NARRATIVE, language="ar")

    assert current_language().code == before


def test_the_bulletin_shows_its_totals_and_employers():
    text = pdf_text(bulletin_pdf(programme_figures(), language="en"))

    words = text.split()
    for figure in ("6", "2,468", "1,357", "1,024", "70%", "88", "871"):
        assert figure in words
    assert "1 January 2026 – 30 June 2026" in text
    assert "Atlas Textiles SA" in text
    assert "Oujda" in text


def test_the_bulletin_workbook_holds_the_figures_with_french_headers():
    fr = translations("fr")

    workbook = load_workbook(io.BytesIO(bulletin_xlsx(programme_figures(), language="fr")))

    assert len(workbook.sheetnames) == 6
    by_city = workbook[fr.gettext("By city")]
    rows = list(by_city.values)
    assert rows[0] == tuple(fr.gettext(m) for m in ("City", "Events", "Registrations", "Attended"))
    assert rows[0][:3] == ("Ville", "Événements", "Inscriptions")
    assert rows[1] == ("Casablanca", 4, 1900, 812)
    summary = {row[0]: row[1] for row in workbook[fr.gettext("Summary")].values}
    assert summary[fr.gettext("Registrations")] == 2468
    assert summary[fr.gettext("Show-up rate")] == pytest.approx(0.7015)
    breakdown_rows = list(workbook[fr.gettext("Breakdowns")].values)
    age_45 = next(row for row in breakdown_rows if row[1] == fr.gettext("45 and over"))
    assert age_45[2:] == (11, "<5")
    acme = list(workbook[fr.gettext("Employers")].values)[2]
    assert acme[0] == "ACME Maroc"
    assert acme[2:] == (9, 45, 0, 25, 0)  # pledges, quantity, amount, delivered, delivered amount


def test_a_name_that_looks_like_a_formula_stays_text_in_the_workbook():
    figures = programme_figures()
    planted = EmployerDelivery('=HYPERLINK("http://x")', figures.employers[0].pledges)
    figures = replace(figures, employers=(planted,))

    workbook = load_workbook(io.BytesIO(bulletin_xlsx(figures, language="en")))

    cell = workbook["Employers"]["A2"]
    assert cell.value == '=HYPERLINK("http://x")'
    assert cell.data_type == "s"


def test_the_arabic_workbook_reads_from_the_right():
    workbook = load_workbook(io.BytesIO(bulletin_xlsx(programme_figures(), language="ar")))

    assert all(sheet.sheet_view.rightToLeft for sheet in workbook.worksheets)


def test_an_event_with_nothing_counted_yet_says_so():
    nothing = Satisfaction(0, None, (0, 0, 0, 0, 0))
    figures = event_figures(
        registrations=0,
        confirmed=0,
        waiting=0,
        cancelled=0,
        attended=0,
        walk_ins=0,
        show_up_rate=None,
        sessions=(),
        arrivals=(),
        breakdowns=tuple(Breakdown(dimension, ()) for dimension in DIMENSIONS),
        employers=EmployerFigures(0, (), 0, 0, 0, 0),
        feedback=FeedbackFigures(nothing, nothing, ()),
    )

    text = pdf_text(report(figures, Narrative(), language="en"))

    assert "Show-up rate" in text
    assert text.count("No data yet.") == len(DIMENSIONS) + 3  # employers, two kinds of ratings


def test_odd_narrative_text_is_printed_without_failing():
    url = "https://example.org/" + "a" * 300
    narrative = Narrative(context=f"Lien : {url}\r\nÉmoji 🎉, nul \x00 et tabulation\tici.")

    text = pdf_text(report(event_figures(), narrative, language="fr"))

    assert "Lien :" in text
    assert "tabulation ici." in text


def test_a_bulletin_for_a_period_without_events_renders_in_both_formats():
    figures = replace(
        programme_figures(),
        events=0,
        registrations=0,
        confirmed=0,
        attended=0,
        walk_ins=0,
        show_up_rate=None,
        people=0,
        by_city=(),
        by_kind=(),
        breakdowns=(),
        pledges=(),
        employers=(),
        satisfaction=Satisfaction(0, None, (0, 0, 0, 0, 0)),
    )

    text = pdf_text(bulletin_pdf(figures, language="ar"))
    workbook = load_workbook(io.BytesIO(bulletin_xlsx(figures, language="en")))

    assert arabic_reshaper.reshape("يونيو") in text  # June, the end of the period
    no_data = translations("ar").gettext("No data yet.")
    assert no_data != "No data yet."
    # The full stop is a neutral character: the bidi algorithm moves it to its own run.
    assert text.count(arabic_reshaper.reshape(no_data.rstrip("."))) == 6
    assert [row[0] for row in workbook["By city"].values] == ["City"]
    summary = {row[0]: row[1] for row in workbook["Summary"].values}
    assert summary["Show-up rate"] is None


# --- Arabic: figures left to right, the narrative in its own language ---------------------------


def arabic_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if any(0xFE70 <= ord(c) <= 0xFEFF for c in line)]


def test_in_arabic_less_than_5_reads_as_less_than_5_inside_sentences_too():
    pdf = report(event_figures(), Narrative(), language="ar")

    # Layout mode gives each line's characters in the order they are drawn, left to right.
    lines = arabic_lines(pdf_text(pdf, layout=True))
    with_token = [line for line in lines if "<5" in line]
    assert len(with_token) >= len(DIMENSIONS)  # the rule under each table, the footer
    assert not any("5>" in line for line in lines)


def test_percentages_and_signed_numbers_keep_their_order_in_arabic_text():
    drawn = "".join(
        run for run, _ in visual_runs("النسبة 46% والفرق +12 والعدد <5", right_to_left=True)
    )

    for token in ("46%", "+12", "<5"):
        assert token in drawn


def test_a_report_in_another_language_than_its_narrative_says_where_to_read_it():
    arabic = pdf_text(report(event_figures(), NARRATIVE, language="ar", narrative_language="fr"))
    english = pdf_text(report(event_figures(), NARRATIVE, language="en", narrative_language="fr"))
    french = pdf_text(report(event_figures(), NARRATIVE, language="fr", narrative_language="fr"))

    assert "Les visiteurs sont venus nombreux le matin." not in arabic + english
    assert "Les visiteurs sont venus nombreux le matin." in french
    said = translations("ar").gettext(NARRATIVE_WRITTEN_IN["fr"])
    assert arabic_reshaper.reshape(said.split(":")[0]) in arabic
    assert "The organisers wrote their account of the event in French" in " ".join(english.split())


def test_the_workbook_shows_hidden_counts_as_text_and_the_rule_under_the_breakdowns():
    figures = replace(
        programme_figures(),
        breakdowns=only_sex_breakdown(
            (BreakdownRow(Gender.FEMALE, 61, 48), BreakdownRow(Gender.OTHER, 7, 3))
        ),
    )

    workbook = load_workbook(io.BytesIO(bulletin_xlsx(figures, language="en")))

    rows = list(workbook["Breakdowns"].values)
    by_category = {row[1]: row[2:] for row in rows[1:-1]}
    assert by_category["Woman"] == (61, 48)
    assert by_category["Not stated"] == ("hidden", "hidden")
    assert rows[-1][0] == in_language("en", lambda: gettext(RULE))
