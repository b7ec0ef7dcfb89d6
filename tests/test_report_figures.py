"""The figures of a synthesis report and of the programme bulletin, on the fair of
`tests/report_data.py`: every expected number is counted by hand from its tables."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from server.errors import NotFound, ValidationFailed
from server.models import ActionLog, Event, Interest, Offer, SynthesisReport
from server.models.enums import EventKind, EventStatus, InterestStatus, PledgeKind, ReportStatus
from server.reports.figures import ArrivalSlot, PledgeTotal, Satisfaction, SessionAttendance
from server.services.reporting import synthesis as reporting
from server.services.reporting.synthesis import (
    ReportForm,
    ReportRefused,
    age_band,
    bulletin_period,
    current_semester,
    event_figures,
    programme_figures,
)
from server.values.clock import EVENT_TIMEZONE
from tests.report_data import (
    COMMENTS,
    TODAY,
    KnownFair,
    after_the_fair,
    local,
    make_known_fair,
    make_person,
    register,
)
from tests.support import make_attendee, make_event, make_organisation, make_user


@pytest.fixture
async def known(db) -> KnownFair:
    return await make_known_fair()


@pytest.fixture
async def figures(known):
    return await event_figures(known.fair, today=TODAY, language="en")


def rows(figures, dimension: str) -> list[tuple[str, int, int]]:
    """A breakdown as (key, registered, attended) rows, in their order."""
    found = next(b for b in figures.breakdowns if b.dimension == dimension)
    return [(row.key, row.registered, row.attended) for row in found.rows]


# --- pure helpers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "band"),
    [
        (2008, "under-18"),
        (2007, "18-24"),
        (2001, "18-24"),
        (2000, "25-34"),
        (1991, "25-34"),
        (1990, "35-44"),
        (1981, "35-44"),
        (1980, "45+"),
        (None, ""),
        (2030, ""),
    ],
)
def test_age_bands_use_the_age_reached_in_the_year(born, band):
    assert age_band(born, 2025) == band


@pytest.mark.parametrize(
    ("today", "semester"),
    [
        (date(2026, 1, 1), (date(2026, 1, 1), date(2026, 6, 30))),
        (date(2026, 6, 30), (date(2026, 1, 1), date(2026, 6, 30))),
        (date(2026, 7, 1), (date(2026, 7, 1), date(2026, 12, 31))),
        (date(2026, 12, 31), (date(2026, 7, 1), date(2026, 12, 31))),
    ],
)
def test_the_default_period_is_the_current_semester(today, semester):
    assert current_semester(today) == semester


def test_an_empty_period_is_the_current_semester():
    assert bulletin_period("", "", today=date(2026, 8, 3)) == (date(2026, 7, 1), date(2026, 12, 31))


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        ("2026-13-01", "", "start"),
        ("yesterday", "", "start"),
        ("20260101", "", "start"),
        ("٢٠٢٦-٠١-٠١", "", "start"),
        ("", "1999-12-31", "end"),
        ("2026-03-01", "2026-02-28", "end"),
    ],
)
def test_bad_bulletin_dates_are_refused_on_their_field(start, end, field):
    with pytest.raises(ValidationFailed) as refused:
        bulletin_period(start, end, today=date(2026, 3, 10))
    assert set(refused.value.errors) == {field}


# --- an event's figures ---------------------------------------------------------------------------


async def test_the_report_describes_the_event_in_the_readers_language(figures):
    assert figures.title == "June job fair"
    assert figures.kind == "job_fair"
    assert (figures.city, figures.venue, figures.organisation) == (
        "Casablanca",
        "Espace Maârif",
        "Passerelles",
    )
    assert figures.starts_at == local(9)


async def test_registrations_are_counted_by_their_current_status(figures):
    # 12 rows: 9 confirmed (#1–6, #10–12), 2 waiting (#7 pending, #8 waitlisted), 1 cancelled.
    assert figures.registrations == 12
    assert (figures.confirmed, figures.waiting, figures.cancelled) == (9, 2, 1)


async def test_attended_counts_confirmed_check_ins_with_walk_ins_not_the_cancelled_one(figures):
    # #1–5 and the three walk-ins #10–12; Ibrahim was checked in, then cancelled.
    assert figures.attended == 8
    assert figures.walk_ins == 3


async def test_the_show_up_rate_leaves_walk_ins_out(figures):
    # Confirmed ahead (online or import): #1–6 = 6; of them in: #1–5 = 5.
    assert figures.show_up_rate == pytest.approx(5 / 6)


async def test_sessions_count_their_own_registrations_drafts_left_out(figures):
    assert figures.sessions == (
        SessionAttendance("Atelier CV", local(11), 20, confirmed=2, attended=1),
        SessionAttendance("Table ronde", local(14), None, confirmed=2, attended=2),
    )


async def test_arrivals_are_counted_per_half_hour_of_casablanca_time(figures):
    # 09:00–09:30: #1 09:05, #12 09:10, #2 09:20; 09:30: #3 09:35, #5 09:40;
    # 10:00: #4 10:10, #10 10:15; 10:30: #11 10:50. Not Ibrahim (cancelled), not the sessions.
    def at(hour: int, minute: int) -> datetime:
        return datetime(2025, 6, 14, hour, minute, tzinfo=EVENT_TIMEZONE)

    assert figures.arrivals == (
        ArrivalSlot(at(9, 0), 3),
        ArrivalSlot(at(9, 30), 2),
        ArrivalSlot(at(10, 0), 2),
        ArrivalSlot(at(10, 30), 1),
    )
    assert figures.arrivals[0].starts_at.utcoffset().total_seconds() == 3600
    assert sum(slot.arrivals for slot in figures.arrivals) == figures.attended


async def test_breakdown_by_sex(figures):
    # Not cancelled: 11 people. Women #1 #3 #5 #6 #8 #11 (in: #1 #3 #5 #11); men #2 #4 #7 #10
    # (in: #2 #4 #10); Lamine did not say.
    assert rows(figures, "sex") == [("female", 6, 4), ("male", 4, 3), ("", 1, 1)]


async def test_breakdown_by_age_band_in_band_order_with_empty_bands(figures):
    # In 2025: #5 17; #3 24, #12 22; #1 25, #6 26, #7 30, #10 33, #11 27; #2 35; #4 45; #8 —.
    assert rows(figures, "age_band") == [
        ("under-18", 1, 1),
        ("18-24", 2, 2),
        ("25-34", 5, 3),
        ("35-44", 1, 1),
        ("45+", 1, 1),
        ("", 1, 0),
    ]


async def test_breakdown_by_nationality_most_attended_first(figures):
    # SN #1 #2 #6 #8 #11 #12 (in: #1 #2 #11 #12); CI #3 #7 (in: #3); CD, CM, ML one each, in.
    assert rows(figures, "nationality") == [
        ("SN", 6, 4),
        ("CI", 2, 1),
        ("CD", 1, 1),
        ("CM", 1, 1),
        ("ML", 1, 1),
    ]


async def test_breakdown_by_legal_status_with_undisclosed_as_not_stated(figures):
    assert rows(figures, "legal_status") == [
        ("regularised", 6, 5),  # #1 #3 #5 #7 #11 #12, all but Gaston in
        ("refugee", 3, 2),  # #2 #8 #10
        ("asylum_seeker", 1, 1),  # #4
        ("", 1, 0),  # Fatou
    ]


async def test_breakdown_by_city(figures):
    assert rows(figures, "city") == [
        ("Casablanca", 7, 6),  # #1 #2 #5 #7 #10 #11 #12, Gaston not in
        ("Rabat", 2, 2),
        ("Tanger", 1, 0),
        ("", 1, 0),
    ]


async def test_breakdown_by_preferred_language(figures):
    assert rows(figures, "language") == [
        ("fr", 8, 5),  # #1 #2 #3 #6 #7 #8 #10 #12 (in: #1 #2 #3 #10 #12)
        ("ar", 2, 2),  # #4 #11 (Ibrahim cancelled)
        ("en", 1, 1),
    ]


async def test_every_breakdown_adds_up_to_the_people_registered_and_attended(figures):
    for breakdown in figures.breakdowns:
        assert sum(row.registered for row in breakdown.rows) == 11
        assert sum(row.attended for row in breakdown.rows) == figures.attended


async def test_employers_present_offers_interests_and_hires(figures):
    employers = figures.employers
    assert employers.present == 2  # Atlas, Banque Verte
    assert employers.offers_posted == 2  # Cariste (published), Conseiller (closed)
    assert employers.interests == 5  # Amina, Bakary, Chantal; Daouda, Joseph
    assert employers.interviews == 2  # Bakary interviewed, Chantal hired
    assert employers.hires == 1


async def test_interests_of_people_not_registered_for_the_event_are_not_its_results(known):
    # The same employer hires someone met elsewhere: this fair's report does not claim it.
    cariste = await Offer.get(title="Cariste")
    stranger = await make_attendee("Someone", share=False)
    await Interest.create(offer=cariste, attendee=stranger, status=InterestStatus.HIRED)

    employers = (await event_figures(known.fair, today=TODAY, language="en")).employers

    assert (employers.interests, employers.hires) == (5, 1)


async def test_pledges_made_at_the_event_by_kind_with_counted_deliveries_to_date(figures):
    assert figures.employers.pledges == (
        # Atlas 5 + Banque Verte 3; delivered 2 (1 questioned) + 3.
        PledgeTotal(PledgeKind.INTERNSHIP, 2, 8, Decimal(0), 5, Decimal(0)),
        # Banque Verte 2; its delivery of January 2026 is after TODAY. Croissance is pending.
        PledgeTotal(PledgeKind.JOB, 1, 2, Decimal(0), 0, Decimal(0)),
        PledgeTotal(PledgeKind.CO_FUNDING, 1, 0, Decimal("50000.00"), 0, Decimal("20000.50")),
    )


async def test_deliveries_to_date_depend_on_today(known):
    later = await event_figures(known.fair, today=date(2026, 2, 1))
    jobs = next(total for total in later.employers.pledges if total.kind == PledgeKind.JOB)
    assert jobs.delivered_quantity == 1


async def test_satisfaction_of_attendees_and_exhibitors(figures):
    assert figures.feedback.attendees == Satisfaction(4, 3.75, (0, 1, 0, 2, 1))
    assert figures.feedback.exhibitors == Satisfaction(2, 4.0, (0, 0, 1, 0, 1))


async def test_comments_are_for_the_organisers_and_left_out_of_published_figures(figures):
    assert figures.feedback.comments == COMMENTS  # blank comments are no comments
    assert reporting.without_comments(figures).feedback.comments == ()
    assert reporting.without_comments(figures).feedback.attendees == figures.feedback.attendees


async def test_an_event_without_employers_or_feedback_has_empty_sections(db):
    organisation = await make_organisation()
    workshop = await make_event(organisation, "atelier", kind=EventKind.WORKSHOP)
    figures = await event_figures(workshop)
    assert (figures.registrations, figures.attended, figures.show_up_rate) == (0, 0, None)
    assert figures.sessions == figures.arrivals == ()
    assert figures.employers.present == figures.employers.offers_posted == 0
    assert figures.employers.pledges == ()
    assert figures.feedback.attendees == Satisfaction(0, None, (0, 0, 0, 0, 0))
    assert [b.rows for b in figures.breakdowns if b.dimension != "age_band"] == [()] * 5


# --- the bulletin ---------------------------------------------------------------------------------


async def test_bulletin_adds_up_events_and_counts_each_person_once(known):
    # A second fair in the semester: Amina (came again), Hawa (came this time), a newcomer who
    # stayed away. Another organisation's event and the draft session are left out.
    organisation = known.organisation
    second = await make_event(
        organisation,
        "salon-oujda",
        city="Oujda",
        status=EventStatus.CLOSED,
        starts_at=local(9, day=date(2025, 6, 28)),
    )
    await register(
        second, known.attendees["Amina"], checked_in_at=local(9, 30, day=date(2025, 6, 28))
    )
    await register(
        second, known.attendees["Hawa"], checked_in_at=local(9, 40, day=date(2025, 6, 28))
    )
    newcomer = await make_person("Moussa", gender="male", birth_year=1997, nationality="SN")
    await register(second, newcomer)
    other = await make_organisation("autre", "Autre association")
    elsewhere = await make_event(other, "ailleurs", starts_at=local(9, day=date(2025, 6, 20)))
    await register(
        elsewhere, known.attendees["Bakary"], checked_in_at=local(10, day=date(2025, 6, 20))
    )

    bulletin = await programme_figures(
        organisation, date(2025, 1, 1), date(2025, 6, 30), today=TODAY
    )

    # Events: the fair, its 2 sessions, the second fair (the draft session left out).
    assert bulletin.events == 4
    # Registrations: 12 + 3 (Atelier CV) + 3 (Table ronde) + 3 (second fair).
    assert bulletin.registrations == 21
    # Confirmed: 9 + 2 + 2 + 3; attended: 8 + 1 + 2 + 2.
    assert (bulletin.confirmed, bulletin.attended, bulletin.walk_ins) == (16, 13, 3)
    # Ahead: 6 + 2 + 2 + 3 = 13 confirmed, 5 + 1 + 2 + 2 = 10 in.
    assert bulletin.show_up_rate == pytest.approx(10 / 13)
    # People who came at least once: the fair's 8, plus Hawa.
    assert bulletin.people == 9
    assert [
        (line.key, line.events, line.registrations, line.attended) for line in bulletin.by_city
    ] == [
        ("Casablanca", 3, 18, 11),
        ("Oujda", 1, 3, 2),
    ]
    assert [
        (line.key, line.events, line.registrations, line.attended) for line in bulletin.by_kind
    ] == [
        ("job_fair", 2, 15, 10),
        ("side_event", 1, 3, 2),
        ("workshop", 1, 3, 1),
    ]


async def test_bulletin_breakdowns_count_distinct_people(known):
    second = await make_event(
        known.organisation,
        "salon-oujda",
        status=EventStatus.CLOSED,
        starts_at=local(9, day=date(2025, 6, 28)),
    )
    await register(
        second, known.attendees["Amina"], checked_in_at=local(9, 30, day=date(2025, 6, 28))
    )
    await register(
        second, known.attendees["Hawa"], checked_in_at=local(9, 40, day=date(2025, 6, 28))
    )

    bulletin = await programme_figures(known.organisation, date(2025, 1, 1), date(2025, 6, 30))

    sex = next(b for b in bulletin.breakdowns if b.dimension == "sex")
    # Women: the fair's 6, Amina and Hawa counted once; in: Amina, Chantal, Esther, Khadija and
    # now Hawa. Men: Bakary, Daouda, Gaston, Joseph (Ibrahim cancelled). Fatou's cancelled
    # session registration does not hide her confirmed one at the fair.
    assert [(row.key, row.registered, row.attended) for row in sex.rows] == [
        ("female", 6, 5),
        ("male", 4, 3),
        ("", 1, 1),
    ]


async def test_bulletin_pledges_and_employers(known):
    bulletin = await programme_figures(
        known.organisation, date(2025, 1, 1), date(2025, 6, 30), today=TODAY
    )
    assert [total.kind for total in bulletin.pledges] == [
        PledgeKind.INTERNSHIP,
        PledgeKind.JOB,
        PledgeKind.CO_FUNDING,
    ]
    assert [(line.employer, [t.kind for t in line.pledges]) for line in bulletin.employers] == [
        ("Atlas Logistique", [PledgeKind.INTERNSHIP, PledgeKind.CO_FUNDING]),
        ("Banque Verte", [PledgeKind.INTERNSHIP, PledgeKind.JOB]),
    ]
    atlas_internships = bulletin.employers[0].pledges[0]
    assert (atlas_internships.quantity, atlas_internships.delivered_quantity) == (5, 2)
    assert bulletin.satisfaction == Satisfaction(4, 3.75, (0, 1, 0, 2, 1))


async def test_a_bulletin_without_events_is_empty(known):
    bulletin = await programme_figures(known.organisation, date(2025, 7, 1), date(2025, 12, 31))
    assert (bulletin.events, bulletin.registrations, bulletin.people) == (0, 0, 0)
    assert bulletin.by_city == bulletin.pledges == ()


async def test_the_period_is_read_in_casablanca_dates(db):
    organisation = await make_organisation()
    # 30 June 23:30 in Casablanca is 22:30 UTC: in the first semester.
    late = await make_event(
        organisation, "tard", starts_at=datetime(2025, 6, 30, 22, 30, tzinfo=UTC)
    )
    first = await programme_figures(organisation, date(2025, 1, 1), date(2025, 6, 30))
    second = await programme_figures(organisation, date(2025, 7, 1), date(2025, 12, 31))
    assert (first.events, second.events) == (1, 0)
    assert late.starts_at.astimezone(EVENT_TIMEZONE).date() == date(2025, 6, 30)


# --- writing and publishing -----------------------------------------------------------------------


async def test_saving_the_narrative_logs_the_changed_parts(known):
    user = await make_user("writer@example.org", organisation=known.organisation)
    form = ReportForm(context="Contexte.", highlights="Temps forts.", language="fr")
    report = await reporting.save_narrative(known.fair, form, by=user)
    assert (report.context, report.highlights, report.language) == (
        "Contexte.",
        "Temps forts.",
        "fr",
    )
    log = await ActionLog.get(action="report.narrative.saved")
    assert log.data == {"fields": ["context", "highlights"]}
    assert (log.object_id, log.user_id) == (known.fair.id, user.id)


async def test_a_narrative_too_long_is_refused(known):
    form = ReportForm(next_steps="x" * (reporting.NARRATIVE_MAX_LENGTH + 1), language="fr")
    with pytest.raises(ValidationFailed) as refused:
        await reporting.save_narrative(known.fair, form, by=None)
    assert set(refused.value.errors) == {"next_steps"}


async def test_publishing_makes_a_token_kept_across_unpublishing(known):
    first = await reporting.publish_report(known.fair, by=None, now=after_the_fair())
    assert first.status == ReportStatus.PUBLISHED and len(first.public_token) == 43
    assert first.published_at == after_the_fair()
    await reporting.unpublish_report(known.fair, by=None)
    unpublished = await SynthesisReport.get(event_id=known.fair.id)
    assert (unpublished.status, unpublished.published_at) == (ReportStatus.DRAFT, None)
    again = await reporting.publish_report(known.fair, by=None, now=after_the_fair(2))
    assert again.public_token == first.public_token
    actions = (
        await ActionLog.filter(object_id=known.fair.id)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["report.published", "report.unpublished", "report.published"]


async def test_a_report_is_published_only_after_the_event(known):
    with pytest.raises(ReportRefused) as refused:
        await reporting.publish_report(known.fair, by=None, now=local(16))
    assert refused.value.code == "not_ended"
    assert not await SynthesisReport.filter(event_id=known.fair.id, status="published").exists()


async def test_an_unpublished_token_is_not_found(known):
    report = await reporting.publish_report(known.fair, by=None, now=after_the_fair())
    assert (await reporting.published_report(report.public_token)).event.id == known.fair.id
    await reporting.unpublish_report(known.fair, by=None)
    with pytest.raises(NotFound):
        await reporting.published_report(report.public_token)
    with pytest.raises(NotFound):
        await reporting.published_report("")


async def test_figures_are_read_for_an_event_loaded_without_relations(known):
    bare = await Event.get(id=known.fair.id)
    assert (await event_figures(bare, today=TODAY)).attended == 8
