"""The words of each notification, in the language of the person who receives it.

Messages are English msgids translated with the interface catalogs. They are rendered when queued,
not when delivered: the outbox keeps exactly what was sent, in the language the person had chosen
at that moment. Dates are in Africa/Casablanca, formatted the way the person reads them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from server.i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    current_language,
    gettext,
    pick_text,
    set_language,
)
from server.i18n.labels import label
from server.models import Attendee, Event, Registration
from server.models.enums import RegistrationStatus
from server.values.formatting import local_date, local_time


@dataclass(frozen=True)
class Notice:
    """One notification, ready for every channel: a full e-mail and a short text message."""

    language: str
    subject: str
    body: str  # plain-text e-mail
    short: str  # SMS or WhatsApp, one screen of a cheap phone


def language_of(attendee: Attendee) -> str:
    code = attendee.preferred_language
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Translate in `language` for a while, then give the caller its own language back (the
    worker or the request that queues the message keeps speaking its own)."""
    previous = current_language().code
    set_language(language)
    try:
        yield
    finally:
        set_language(previous)


def _when(event: Event) -> str:
    return gettext("{date} at {time}").format(
        date=local_date(event.starts_at), time=local_time(event.starts_at)
    )


def _place(event: Event) -> str:
    return ", ".join(part for part in (event.venue, event.room, event.address, event.city) if part)


def _event_block(event: Event, language: str) -> list[str]:
    lines = [
        gettext("Event: {title}").format(title=pick_text(event.title, language)),
        gettext("When: {when}").format(when=_when(event)),
    ]
    if place := _place(event):
        lines.append(gettext("Where: {place}").format(place=place))
    return lines


def _sessions_block(sessions: Sequence[tuple[Event, Registration]], language: str) -> list[str]:
    if not sessions:
        return []
    lines = ["", gettext("Sessions:")]
    for session, registration in sessions:
        lines.append(
            f"- {local_time(session.starts_at)} {pick_text(session.title, language)}: "
            f"{_status(registration)}"
        )
    return lines


def _status(registration: Registration) -> str:
    if registration.status == RegistrationStatus.WAITLISTED and registration.waitlist_position:
        return gettext("waiting list, position {position}").format(
            position=registration.waitlist_position
        )
    return label(registration.status)


def _greeting(attendee: Attendee) -> str:
    if attendee.first_name:
        return gettext("Hello {name},").format(name=attendee.first_name)
    return gettext("Hello,")


def _signature(organisation: str) -> list[str]:
    return ["", "--", organisation]


def confirmation(
    attendee: Attendee,
    event: Event,
    registration: Registration,
    *,
    organisation: str,
    sessions: Sequence[tuple[Event, Registration]] = (),
    personal_link: str | None = None,
) -> Notice:
    """A registration was taken: a seat, or a place in the waiting line."""
    language = language_of(attendee)
    with speaking(language):
        title = pick_text(event.title, language)
        date = local_date(event.starts_at, "medium")
        if registration.status == RegistrationStatus.WAITLISTED:
            subject = gettext("Waiting list: {event}").format(event=title)
            news = gettext(
                "The event is full: you are number {position} on the waiting list. "
                "If a seat becomes free, it is yours and we will tell you."
            ).format(position=registration.waitlist_position)
            short = gettext(
                "{organisation}: you are number {position} on the waiting list for {event} "
                "({date}). We will tell you if a seat becomes free."
            ).format(
                organisation=organisation,
                position=registration.waitlist_position,
                event=title,
                date=date,
            )
        else:
            subject = gettext("Registration confirmed: {event}").format(event=title)
            news = gettext("Your registration is confirmed. Show your badge at the entrance.")
            short = gettext(
                "{organisation}: your registration for {event} on {date} at {time} is confirmed."
            ).format(
                organisation=organisation,
                event=title,
                date=date,
                time=local_time(event.starts_at),
            )
        lines = [_greeting(attendee), "", news, "", *_event_block(event, language)]
        lines += _sessions_block(sessions, language)
        if personal_link:
            lines += [
                "",
                gettext(
                    "Your personal page shows your badge and lets you cancel. "
                    "Keep this link to yourself:"
                ),
                personal_link,
            ]
            short = f"{short} {personal_link}"
        lines += [
            "",
            gettext("If you cannot come, please cancel so that someone else can take your seat."),
            *_signature(organisation),
        ]
        return Notice(language, subject, "\n".join(lines), short)


def promotion(attendee: Attendee, event: Event, *, organisation: str) -> Notice:
    """A seat became free and the first person waiting got it."""
    language = language_of(attendee)
    with speaking(language):
        title = pick_text(event.title, language)
        subject = gettext("A seat is yours: {event}").format(event=title)
        lines = [
            _greeting(attendee),
            "",
            gettext(
                "Good news: a seat became free and your registration is now confirmed. "
                "Your badge is on your personal page."
            ),
            "",
            *_event_block(event, language),
            "",
            gettext("If you cannot come, please cancel so that someone else can take your seat."),
            *_signature(organisation),
        ]
        short = gettext(
            "{organisation}: good news, a seat became free. You are registered for {event} "
            "on {date} at {time}."
        ).format(
            organisation=organisation,
            event=title,
            date=local_date(event.starts_at, "medium"),
            time=local_time(event.starts_at),
        )
        return Notice(language, subject, "\n".join(lines), short)


def reminder(
    attendee: Attendee,
    event: Event,
    *,
    organisation: str,
    sessions: Sequence[tuple[Event, Registration]] = (),
) -> Notice:
    """The day before the event."""
    language = language_of(attendee)
    with speaking(language):
        title = pick_text(event.title, language)
        subject = gettext("Tomorrow: {event}").format(event=title)
        lines = [
            _greeting(attendee),
            "",
            gettext("We are expecting you tomorrow. Bring your badge, on your phone or printed."),
            "",
            *_event_block(event, language),
            *_sessions_block(sessions, language),
            "",
            gettext("If you cannot come, please cancel so that someone else can take your seat."),
            *_signature(organisation),
        ]
        place = _place(event)
        short = gettext("{organisation}: reminder, {event} is tomorrow at {time}.").format(
            organisation=organisation, event=title, time=local_time(event.starts_at)
        )
        if place:
            short = f"{short} {place}"
        return Notice(language, subject, "\n".join(lines), short)


def personal_link(attendee: Attendee, link: str) -> Notice:
    """The person asked for their personal link again."""
    language = language_of(attendee)
    with speaking(language):
        subject = gettext("Your personal link on Tremplin")
        lines = [
            _greeting(attendee),
            "",
            gettext(
                "Here is your new personal link. It shows your registrations and your badges. "
                "The previous link no longer works."
            ),
            link,
            "",
            gettext("If you did not ask for it, you can ignore this message."),
        ]
        short = gettext("Tremplin: your personal link is {link}").format(link=link)
        return Notice(language, subject, "\n".join(lines), short)
