"""The donor documents as PDF: an event's synthesis report and a programme's bulletin.

Pure rendering (house rule 7): figures in (`server.reports.figures`), bytes out, no database.
Labels are English messages translated into the requested language for the time of the
rendering only; Arabic reads right to left, shaped (`server.reports.pdf_layout`).

What is printed is aggregates only, as `server.reports.disclosure` publishes them: no count from
1 to 4 and none the totals would give away, in tables and in charts alike (a bar's length would
tell it), with no percentage next to a hidden one; feedback comments are never printed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Spacer

from server.documents.pdf_text import in_language
from server.i18n import DEFAULT_LANGUAGE, LANGUAGES, current_language, gettext, lazy
from server.i18n.labels import label
from server.models.enums import EventKind
from server.reports.disclosure import (
    RATINGS_RULE,
    RULE,
    PublishedRow,
    publish_breakdown,
    publish_interviews,
    publish_ratings,
)
from server.reports.figures import (
    AGE_BANDS,
    Breakdown,
    EventFigures,
    FunderCredit,
    Narrative,
    PledgeTotal,
    ProgrammeFigures,
    ProgrammeLine,
    Satisfaction,
    SessionAttendance,
    category_label,
    dimension_title,
)
from server.reports.pdf_layout import INK_SOFT, Bar, Blocks, build_pdf
from server.values.clock import EVENT_TIMEZONE
from server.values.formatting import (
    NO_VALUE,
    amount_text,
    decimal,
    local_date,
    local_time,
    number,
    percent,
)

FOOTER = lazy("Aggregate figures only; counts from 1 to 4 are shown as <5.")
PAGE = lazy("Page %(number)s")
NO_DATA = lazy("No data yet.")
FEW_ANSWERS = lazy(
    "Fewer than 5 answers: the ratings are not shown, so that no one's answer can be told."
)
# What a report in another language says of a narrative written in one language only.
NARRATIVE_WRITTEN_IN = {
    "fr": lazy(
        "The organisers wrote their account of the event in French: it is in the French version "
        "of this report."
    ),
    "ar": lazy(
        "The organisers wrote their account of the event in Arabic: it is in the Arabic version "
        "of this report."
    ),
    "en": lazy(
        "The organisers wrote their account of the event in English: it is in the English "
        "version of this report."
    ),
}
CHARTED_DIMENSIONS = ("sex", "age_band", "legal_status")
NARRATIVE_SECTIONS = (
    ("context", lazy("Context")),
    ("what_happened", lazy("What happened")),
    ("highlights", lazy("Highlights")),
    ("recommendations", lazy("Recommendations")),
    ("next_steps", lazy("Next steps")),
)


def _day(value: date | datetime) -> str:
    return local_date(value, "long")


def _clock(value: datetime) -> str:
    """A time of day on a 24-hour clock, the same in every language (chart axes, agendas)."""
    return local_time(value, "HH:mm")


def report_pdf(
    figures: EventFigures,
    narrative: Narrative,
    *,
    language: str,
    narrative_language: str,
    funders: Sequence[FunderCredit] = (),
) -> bytes:
    """An event's synthesis report in `language` ("fr", "ar" or "en"; another reads as French):
    a cover (the organisation, the event, its dates and place, the funders' logos and funding
    statements), the key figures, the organiser's narrative, attendance, who came, employers
    and pledges, satisfaction.

    The narrative is printed only in the report of the language it was written in
    (`narrative_language`): the others say where to read it, rather than mix languages."""
    return in_language(language, _report, figures, narrative, narrative_language, funders)


def bulletin_pdf(figures: ProgrammeFigures, *, language: str) -> bytes:
    """A programme's bulletin over a period in `language`: totals, by city and by kind of event,
    who came, pledges by kind and by employer, satisfaction."""
    return in_language(language, _bulletin, figures)


def _blocks() -> Blocks:
    return Blocks(right_to_left=current_language().direction == "rtl")


def _document(story: list[Flowable], blocks: Blocks, *, title: str, author: str) -> bytes:
    return build_pdf(
        story,
        title=title,
        author=author,
        footer=gettext(FOOTER),
        page_label=gettext(PAGE),
        right_to_left=blocks.right_to_left,
    )


# --- The synthesis report ------------------------------------------------------------------------


def _report(
    figures: EventFigures,
    narrative: Narrative,
    narrative_language: str,
    funders: Sequence[FunderCredit],
) -> bytes:
    blocks = _blocks()
    story = [
        *_title_page(figures, funders, blocks),
        *_key_figures(figures, blocks),
        *_narrative(narrative, narrative_language, blocks),
        *_attendance(figures, blocks),
        *_who_came(figures.breakdowns, blocks),
        *_employers(figures, blocks),
        *_interviews(figures, blocks),
        *_satisfaction(figures, blocks),
    ]
    title = f"{gettext('Synthesis report')} — {figures.title}"
    return _document(story, blocks, title=title, author=figures.organisation)


def _title_page(
    figures: EventFigures, funders: Sequence[FunderCredit], blocks: Blocks
) -> list[Flowable]:
    place = ", ".join(part for part in (figures.venue, figures.city) if part.strip())
    story: list[Flowable] = [
        Spacer(0, 45 * mm if not funders else 30 * mm),
        blocks.text(figures.organisation, size=13, colour=INK_SOFT, space_after=28),
        blocks.text(gettext("Synthesis report"), size=13, bold=True, space_after=6),
        blocks.title(figures.title),
        blocks.text(label(figures.kind), size=13, colour=INK_SOFT, space_after=22),
        blocks.text(_when(figures.starts_at, figures.ends_at), size=12),
        blocks.text(place, size=12),
    ]
    if funders:
        story += [
            Spacer(0, 24 * mm),
            blocks.logos([(funder.name, funder.logo) for funder in funders]),
            Spacer(0, 4 * mm),
            *(
                blocks.text(
                    funder.statement,
                    size=9,
                    colour=INK_SOFT,
                    space_after=4,
                    right_to_left=LANGUAGES[funder.statement_language].direction == "rtl",
                )
                for funder in funders
            ),
        ]
    return [*story, PageBreak()]


def _when(starts_at: datetime, ends_at: datetime) -> str:
    first = starts_at.astimezone(EVENT_TIMEZONE).date()
    last = ends_at.astimezone(EVENT_TIMEZONE).date()
    if first != last:
        return f"{_day(starts_at)} – {_day(ends_at)}"
    return f"{_day(starts_at)} · {_clock(starts_at)}–{_clock(ends_at)}"


def _key_figures(figures: EventFigures, blocks: Blocks) -> list[Flowable]:
    story: list[Flowable] = [
        *blocks.heading(gettext("Key figures")),
        blocks.key_figures(
            [
                (gettext("Registrations"), number(figures.registrations)),
                (gettext("Confirmed registrations"), number(figures.confirmed)),
                (gettext("Attended"), number(figures.attended)),
                (gettext("Show-up rate"), percent(figures.show_up_rate)),
                (gettext("Walk-ins"), number(figures.walk_ins)),
                (gettext("On the waiting list"), number(figures.waiting)),
                (gettext("Cancelled registrations"), number(figures.cancelled)),
            ]
        ),
        blocks.note(
            gettext(
                "Show-up rate: people who came among those confirmed ahead "
                "(walk-ins are not counted in it)."
            )
        ),
    ]
    if figures.arrivals:
        values = [slot.arrivals for slot in figures.arrivals]
        labels = _hour_labels([slot.starts_at for slot in figures.arrivals])
        chart = blocks.columns(values, labels)
        story.append(KeepTogether([*blocks.subheading(gettext("Arrivals per half hour")), chart]))
    return story


def _hour_labels(starts: Sequence[datetime]) -> list[str]:
    """A label under the half hours that start a full hour (every second or fourth hour when
    the chart is crowded)."""
    every = 1 if len(starts) <= 24 else 2 if len(starts) <= 48 else 4
    local = [start.astimezone(EVENT_TIMEZONE) for start in starts]
    return [
        _clock(start) if start.minute == 0 and start.hour % every == 0 else "" for start in local
    ]


def _narrative(narrative: Narrative, language: str, blocks: Blocks) -> list[Flowable]:
    sections = [
        (gettext(title), getattr(narrative, field))
        for field, title in NARRATIVE_SECTIONS
        if getattr(narrative, field).strip()
    ]
    if sections and language != current_language().code:
        written_in = NARRATIVE_WRITTEN_IN.get(language, NARRATIVE_WRITTEN_IN[DEFAULT_LANGUAGE])
        return [
            *blocks.heading(gettext("The organisers' account")),
            blocks.text(gettext(written_in)),
        ]
    story: list[Flowable] = []
    for title, text in sections:
        story += blocks.heading(title)
        story += blocks.paragraphs(text)
    return story


def _attendance(figures: EventFigures, blocks: Blocks) -> list[Flowable]:
    if not figures.sessions:
        return []
    return [
        *blocks.heading(gettext("Sessions")),
        blocks.table(
            [
                gettext("Session"),
                gettext("Time"),
                gettext("Capacity"),
                gettext("Confirmed registrations"),
                gettext("Attended"),
            ],
            [_session_cells(session) for session in figures.sessions],
            [0.44, 0.16, 0.13, 0.13, 0.14],
            text_columns=2,
        ),
    ]


def _session_cells(session: SessionAttendance) -> list[str]:
    capacity = NO_VALUE if session.capacity is None else number(session.capacity)
    return [
        session.title,
        _clock(session.starts_at),
        capacity,
        number(session.confirmed),
        number(session.attended),
    ]


# --- Parts shared by both documents ------------------------------------------------------------


def _who_came(breakdowns: Sequence[Breakdown], blocks: Blocks) -> list[Flowable]:
    """Each breakdown as published (`disclosure.publish_breakdown`): a table (and a chart for
    some) with the rule in one sentence under it. Shares are of the people who attended."""
    story: list[Flowable] = [
        *blocks.heading(gettext("Who came")),
        blocks.note(gettext("Shares are of the people who attended.")),
    ]
    if not breakdowns:
        story.append(blocks.empty(gettext(NO_DATA)))
    for breakdown in breakdowns:
        published = publish_breakdown(breakdown)
        rows = _ordered(breakdown.dimension, published.rows)
        title = dimension_title(breakdown.dimension)
        if not rows:
            story += [*blocks.subheading(title), blocks.empty(gettext(NO_DATA))]
            continue
        labels = [category_label(breakdown.dimension, row.key) for row in rows]
        if breakdown.dimension in CHARTED_DIMENSIONS and published.attended:
            chart = blocks.bars(
                [
                    Bar(name, row.attended.count, row.attended.chart_text)
                    for name, row in zip(labels, rows, strict=True)
                ]
            )
            story.append(KeepTogether([*blocks.subheading(title), chart]))
        else:
            story += blocks.subheading(title)
        story.append(
            blocks.table(
                [title, gettext("Registered"), gettext("Attended"), gettext("Share of attendees")],
                [
                    [
                        name,
                        row.registered.text,
                        row.attended.text,
                        percent(row.attended.share(published.attended), missing=""),
                    ]
                    for name, row in zip(labels, rows, strict=True)
                ],
                [0.43, 0.19, 0.19, 0.19],
            )
        )
        story.append(blocks.note(gettext(RULE)))
    return story


def _ordered(dimension: str, rows: tuple[PublishedRow, ...]) -> tuple[PublishedRow, ...]:
    """Age bands youngest first (the others as published: most attended first)."""
    if dimension != "age_band":
        return rows
    order = {band: index for index, band in enumerate(AGE_BANDS)}
    return tuple(sorted(rows, key=lambda row: order.get(row.key, len(order))))


def _pledged_and_delivered(total: PledgeTotal) -> tuple[str, str, str]:
    """What was promised, what was delivered (money for co-funding, a quantity otherwise) and
    the delivered share."""
    pledged, delivered = total.pledged, total.delivered
    ratio = percent(float(delivered / pledged)) if pledged else NO_VALUE
    return amount_text(total.kind, pledged), amount_text(total.kind, delivered), ratio


def _pledge_table(pledges: Sequence[PledgeTotal], blocks: Blocks) -> Flowable:
    if not pledges:
        return blocks.empty(gettext(NO_DATA))
    return blocks.table(
        [
            gettext("Commitment"),
            gettext("Pledges"),
            gettext("Pledged"),
            gettext("Delivered"),
            gettext("Delivered share"),
        ],
        [
            [label(total.kind), number(total.pledges), *_pledged_and_delivered(total)]
            for total in pledges
        ],
        [0.3, 0.12, 0.2, 0.2, 0.18],
    )


def _ratings(satisfaction: Satisfaction, blocks: Blocks) -> list[Flowable]:
    """The ratings as published (`disclosure.publish_ratings`): the answers, the average and a
    bar per band of ratings, the highest first. Never a comment."""
    if not satisfaction.answers:
        return [blocks.empty(gettext(NO_DATA))]
    published = publish_ratings(satisfaction)
    if published.answers.hidden:
        return [blocks.empty(gettext(FEW_ANSWERS))]
    if published.average is None:
        summary = gettext(
            "From %(answers)s answers; the average is not shown, as it would tell how a few "
            "people answered."
        ) % {"answers": published.answers.text}
    else:
        summary = gettext("Average rating: %(average)s out of 5, from %(answers)s answers.") % {
            "average": decimal(published.average),
            "answers": published.answers.text,
        }
    bars = [Bar(band.label, band.cell.count, band.cell.chart_text) for band in published.bands]
    return [
        blocks.text(summary, space_after=4),
        blocks.bars(bars[::-1]),
        blocks.note(gettext(RATINGS_RULE)),
    ]


def _employers(figures: EventFigures, blocks: Blocks) -> list[Flowable]:
    employers = figures.employers
    story: list[Flowable] = [*blocks.heading(gettext("Employers and pledges"))]
    counts = (
        employers.present,
        employers.offers_posted,
        employers.interests,
        employers.interviews,
        employers.hires,
    )
    if not any(counts) and not employers.pledges:
        return [*story, blocks.empty(gettext(NO_DATA))]
    story += [
        blocks.key_figures(
            [
                (gettext("Employers present"), number(employers.present)),
                (gettext("Offers posted"), number(employers.offers_posted)),
                (gettext("Interests in offers"), number(employers.interests)),
                (gettext("Interviews"), number(employers.interviews)),
                (gettext("Hires"), number(employers.hires)),
            ],
            columns=5,
        ),
        *blocks.subheading(gettext("Pledges made at the event")),
        _pledge_table(employers.pledges, blocks),
    ]
    return story


def _interviews(figures: EventFigures, blocks: Blocks) -> list[Flowable]:
    """Interviews booked at the booths, as `disclosure.publish_interviews` lets them be shown;
    nothing for a fair where none was booked."""
    interviews = figures.interviews
    if not interviews.booked:
        return []
    published = publish_interviews(interviews)
    items = (
        (gettext("Interviews booked"), "booked"),
        (gettext("Interviews held"), "held"),
        (gettext("No-shows"), "no_shows"),
        (gettext("Not recorded"), "unrecorded"),
        (gettext("Led to a hire"), "led_to_hire"),
    )
    return [
        *blocks.subheading(gettext("Interviews at the booths")),
        blocks.key_figures(
            [(title, getattr(published, key).text) for title, key in items],
            columns=5,
        ),
    ]


def _satisfaction(figures: EventFigures, blocks: Blocks) -> list[Flowable]:
    story: list[Flowable] = [*blocks.heading(gettext("Satisfaction"))]
    for title, satisfaction in (
        (gettext("Attendees"), figures.feedback.attendees),
        (gettext("Exhibitors"), figures.feedback.exhibitors),
    ):
        story.append(KeepTogether([*blocks.subheading(title), *_ratings(satisfaction, blocks)]))
    return story


# --- The programme bulletin ---------------------------------------------------------------------


def _bulletin(figures: ProgrammeFigures) -> bytes:
    blocks = _blocks()
    period = f"{_day(figures.period_start)} – {_day(figures.period_end)}"
    story = [
        blocks.text(figures.organisation, size=12, colour=INK_SOFT, space_after=8),
        blocks.title(gettext("Programme bulletin")),
        blocks.text(period, size=12, space_after=4),
        *_programme_totals(figures, blocks),
        *_programme_lines(figures, blocks),
        *_who_came(figures.breakdowns, blocks),
        *blocks.heading(gettext("Pledges")),
        *blocks.subheading(gettext("By kind of commitment")),
        _pledge_table(figures.pledges, blocks),
        *blocks.subheading(gettext("By employer")),
        _employer_table(figures, blocks),
        *blocks.heading(gettext("Satisfaction")),
        *_ratings(figures.satisfaction, blocks),
    ]
    title = f"{gettext('Programme bulletin')} — {figures.organisation} — {period}"
    return _document(story, blocks, title=title, author=figures.organisation)


def _programme_totals(figures: ProgrammeFigures, blocks: Blocks) -> list[Flowable]:
    return [
        *blocks.heading(gettext("Key figures")),
        blocks.key_figures(
            [
                (gettext("Events"), number(figures.events)),
                (gettext("Registrations"), number(figures.registrations)),
                (gettext("Confirmed registrations"), number(figures.confirmed)),
                (gettext("Attended"), number(figures.attended)),
                (gettext("Show-up rate"), percent(figures.show_up_rate)),
                (gettext("Walk-ins"), number(figures.walk_ins)),
                (gettext("People who came to at least one event"), number(figures.people)),
            ]
        ),
    ]


def _programme_lines(figures: ProgrammeFigures, blocks: Blocks) -> list[Flowable]:
    header = [gettext("Events"), gettext("Registrations"), gettext("Attended")]
    widths = [0.4, 0.2, 0.2, 0.2]

    def cells(name: str, line: ProgrammeLine) -> list[str]:
        return [name, number(line.events), number(line.registrations), number(line.attended)]

    story: list[Flowable] = [*blocks.heading(gettext("By city"))]
    if figures.by_city:
        chart = blocks.bars(
            [Bar(line.key, line.attended, number(line.attended)) for line in figures.by_city]
        )
        table = blocks.table(
            [gettext("City"), *header],
            [cells(line.key, line) for line in figures.by_city],
            widths,
        )
        story += [chart, Spacer(0, 6), table]
    else:
        story.append(blocks.empty(gettext(NO_DATA)))
    story += blocks.heading(gettext("By kind of event"))
    if figures.by_kind:
        story.append(
            blocks.table(
                [gettext("Kind of event"), *header],
                [cells(label(EventKind(line.key)), line) for line in figures.by_kind],
                widths,
            )
        )
    else:
        story.append(blocks.empty(gettext(NO_DATA)))
    return story


def _employer_table(figures: ProgrammeFigures, blocks: Blocks) -> Flowable:
    """One group of rows per employer, one row per kind it pledged."""
    rows: list[list[str]] = []
    group_starts: list[int] = []
    for employer in figures.employers:
        if rows:
            group_starts.append(len(rows))
        for index, total in enumerate(employer.pledges):
            rows.append(
                [
                    employer.employer if index == 0 else "",
                    label(total.kind),
                    number(total.pledges),
                    *_pledged_and_delivered(total),
                ]
            )
    if not rows:
        return blocks.empty(gettext(NO_DATA))
    return blocks.table(
        [
            gettext("Employer"),
            gettext("Commitment"),
            gettext("Pledges"),
            gettext("Pledged"),
            gettext("Delivered"),
            gettext("Delivered share"),
        ],
        rows,
        [0.22, 0.2, 0.1, 0.17, 0.17, 0.14],
        text_columns=2,
        group_starts=group_starts,
    )
