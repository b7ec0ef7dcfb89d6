"""The words of interview notifications, in the language of the person who receives them.

Rendered when queued, like every notification (`messages.py`). The short text keeps to two SMS
segments in Arabic (UCS-2, 134 characters), which a fair's name, a company's and a booth label
fit in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from server.i18n import gettext, pick_text
from server.models import Attendee, InterviewSlot
from server.models.enums import MessageKind
from server.notifications.messages import (
    ORGANISATION_FLOOR,
    SHORTEST_ORGANISATION,
    SHORTEST_TITLE,
    TITLE_FLOOR,
    Notice,
    fit_text,
    language_of,
    speaking,
)
from server.values.formatting import local_date, local_time


@dataclass(frozen=True)
class InterviewDetails:
    """What a message says about one interview."""

    fair_title: dict[str, str]  # language code → title
    starts_at: datetime
    company: str
    booth_label: str
    offer_title: str  # "" for an interview at the booth in general
    organisation: str


def details_of(slot: InterviewSlot, organisation: str) -> InterviewDetails:
    """What a message says of an interview in `slot` (loaded with its schedule's offer, its
    booth's employer and its fair)."""
    offer = slot.schedule.offer
    return InterviewDetails(
        fair_title=slot.event.title,
        starts_at=slot.starts_at,
        company=slot.exhibitor.employer.name,
        booth_label=slot.exhibitor.booth_label,
        offer_title=offer.title if offer else "",
        organisation=organisation,
    )


def interview_line(starts_at: datetime, booth_label: str, company: str) -> str:
    """ "Interview 10:40, booth 12, Company X" in the current language: the one phrase of the
    personal page, the badge and the messages."""
    if booth_label:
        return gettext("Interview {time}, booth {booth}, {company}").format(
            time=local_time(starts_at), booth=booth_label, company=company
        )
    return gettext("Interview {time}, {company}").format(
        time=local_time(starts_at), company=company
    )


def _greeting(attendee: Attendee) -> str:
    if attendee.first_name:
        return gettext("Hello {name},").format(name=attendee.first_name)
    return gettext("Hello,")


def _details(details: InterviewDetails, language: str) -> list[str]:
    lines = [
        gettext("Event: {title}").format(title=pick_text(details.fair_title, language)),
        gettext("When: {when}").format(
            when=gettext("{date} at {time}").format(
                date=local_date(details.starts_at), time=local_time(details.starts_at)
            )
        ),
        interview_line(details.starts_at, details.booth_label, details.company),
    ]
    if details.offer_title:
        lines.append(gettext("For the offer: {title}").format(title=details.offer_title))
    return lines


# What a text shortens, in order, when it would not fit in two segments (`messages.fit_text`).
_NAMES = (
    ("organisation", ORGANISATION_FLOOR),
    ("company", ORGANISATION_FLOOR),
    ("organisation", SHORTEST_ORGANISATION),
    ("company", SHORTEST_ORGANISATION),
)
_NAMES_AND_FAIR = (*_NAMES[:2], ("event", TITLE_FLOOR), *_NAMES[2:], ("event", SHORTEST_TITLE))


def _short_values(details: InterviewDetails) -> dict[str, str]:
    return {"organisation": details.organisation, "company": details.company}


def _short(details: InterviewDetails) -> str:
    def render(values: Mapping[str, str]) -> str:
        return gettext("{organisation}: {date}, {line}.").format(
            organisation=values["organisation"],
            date=local_date(details.starts_at, "medium"),
            line=interview_line(details.starts_at, details.booth_label, values["company"]),
        )

    return fit_text(render, _short_values(details), _NAMES)


def booking_confirmation(
    attendee: Attendee, details: InterviewDetails, *, moved: bool = False
) -> Notice:
    """An interview was booked, or moved to a new time."""
    language = language_of(attendee)
    with speaking(language):
        if moved:
            subject = gettext("Interview moved: {company}").format(company=details.company)
            news = gettext("Your interview has been moved. Here is its new time.")
        else:
            subject = gettext("Interview booked: {company}").format(company=details.company)
            news = gettext("Your interview is booked. Come to the booth a few minutes early.")
        lines = [
            _greeting(attendee),
            "",
            news,
            "",
            *_details(details, language),
            "",
            gettext(
                "If you cannot come, cancel it from your personal page so that someone else can "
                "take the place."
            ),
            "",
            "--",
            details.organisation,
        ]
        return Notice(language, subject, "\n".join(lines), _short(details), MessageKind.INTERVIEW)


def reminder(attendee: Attendee, details: InterviewDetails) -> Notice:
    """The hour before an interview."""
    language = language_of(attendee)
    with speaking(language):
        subject = gettext("In an hour: your interview with {company}").format(
            company=details.company
        )
        lines = [
            _greeting(attendee),
            "",
            gettext("Your interview is in an hour. Bring your badge and your CV."),
            "",
            *_details(details, language),
            "",
            "--",
            details.organisation,
        ]

        def render(values: Mapping[str, str]) -> str:
            return gettext("{organisation}: reminder, {line}.").format(
                organisation=values["organisation"],
                line=interview_line(details.starts_at, details.booth_label, values["company"]),
            )

        short = fit_text(render, _short_values(details), _NAMES)
        return Notice(language, subject, "\n".join(lines), short, MessageKind.INTERVIEW)


def invitation(
    attendee: Attendee,
    *,
    company: str,
    offer_title: str,
    fair_title: dict[str, str],
    organisation: str,
) -> Notice:
    """An employer invites one of its candidates to book an interview at a fair."""
    language = language_of(attendee)
    with speaking(language):
        fair = pick_text(fair_title, language)
        subject = gettext("{company} invites you to an interview").format(company=company)
        invited = gettext("{company} invites you to book an interview at {fair}.").format(
            company=company, fair=fair
        )
        lines = [_greeting(attendee), "", invited]
        if offer_title:
            lines.append(gettext("For the offer: {title}").format(title=offer_title))
        lines += [
            "",
            gettext("Choose a time from your personal page, with the link we sent you."),
            "",
            "--",
            organisation,
        ]

        def render(values: Mapping[str, str]) -> str:
            invited_short = gettext("{company} invites you to book an interview at {fair}.").format(
                company=values["company"], fair=values["event"]
            )
            return f"{values['organisation']}: {invited_short}"

        short = fit_text(
            render,
            {"organisation": organisation, "company": company, "event": fair},
            _NAMES_AND_FAIR,
        )
        return Notice(language, subject, "\n".join(lines), short, MessageKind.INTERVIEW)
