"""After the past job day (`content/past_job_day.toml`): what visitors and exhibitors thought of it
(`give_feedback`), and the organisers' report with its narrative, published at its public link
(`save_narrative`, `publish_report`)."""

from __future__ import annotations

from datetime import timedelta

from server.demo.organisations import Staff
from server.demo.registrations import Plan, came_in
from server.demo.seeding import date_back
from server.demo.story import Season, between, chance, content
from server.models import Event, Exhibitor, Feedback, Registration, SynthesisReport
from server.services.reporting.feedback import give_feedback
from server.services.reporting.synthesis import ReportForm, publish_report, save_narrative

ANSWERED_WITHIN = timedelta(days=3)  # visitors answered within this time after the day


async def load_feedback(
    events: dict[str, Event],
    booths: dict[tuple[str, str], Exhibitor],
    plan: Plan,
    attendee_ids: dict[str, int],
) -> None:
    """One answer from some of the visitors who came in, in the days after, and one from some
    of the exhibitors."""
    story = content("past_job_day")
    fair = events[story["event"]]
    rng = chance("feedback")
    answering = rng.sample(came_in(plan, story["event"]), len(story["feedback"]))
    for (phone, _), answer in zip(answering, story["feedback"], strict=True):
        answered_at = between(rng, fair.ends_at, fair.ends_at + ANSWERED_WITHIN)
        registration = await Registration.get(event_id=fair.id, attendee_id=attendee_ids[phone])
        if await Feedback.exists(event_id=fair.id, registration_id=registration.id):
            continue
        feedback = await give_feedback(
            fair,
            registration=registration,
            rating=str(answer["rating"]),
            comment=answer["comment"],
        )
        await date_back(Feedback, feedback.id, created_at=answered_at)
    for answer in story["exhibitor_feedback"]:
        booth = booths[story["event"], answer["employer"]]
        if not await Feedback.exists(event_id=fair.id, exhibitor_id=booth.id):
            await give_feedback(
                fair, exhibitor=booth, rating=str(answer["rating"]), comment=answer["comment"]
            )


async def load_report(events: dict[str, Event], staff: Staff, season: Season) -> None:
    """The organiser's narrative of the past job day, published, so the demo has a public
    report."""
    fair = events[content("past_job_day")["event"]]
    if await SynthesisReport.exists(event_id=fair.id):
        return
    form = ReportForm(**content("past_job_day")["narrative"], language="fr")
    await save_narrative(fair, form, by=staff.organiser)
    await publish_report(fair, by=staff.organiser, now=season.now)
