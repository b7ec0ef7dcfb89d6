"""The words of each notification, in the language of the person who receives it.

Messages are English msgids translated with the interface catalogs. They are rendered when queued,
not when delivered: the outbox keeps exactly what was sent, in the language the person had chosen
at that moment. Dates are in Africa/Casablanca, formatted the way the person reads them.

The short text of a notice (SMS or WhatsApp) fits in MAX_SMS_SEGMENTS segments, whatever the
event's title: `fit_text` shortens the title, the organisation's name and the place, in the order
each message gives, until it does. An Arabic text is UCS-2 (67 characters a segment), so the
Arabic wordings are written short.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
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
from server.models.enums import MessageKind, RegistrationStatus
from server.values.formatting import local_date, local_day, local_time
from server.values.sms import gsm_text, sms_length

MAX_SMS_SEGMENTS = 2
# How far each part of a text may be shortened, in turn: the organisation's name to a short
# sign-off first, then the title, both further if still needed, the place last (where to go).
ORGANISATION_FLOOR = 30
TITLE_FLOOR = 24
SHORTEST_ORGANISATION = 12
SHORTEST_TITLE = 12
PLACE_FLOOR = 40


@dataclass(frozen=True)
class Notice:
    """One notification, ready for every channel: a full e-mail and a short text message."""

    language: str
    subject: str
    body: str  # plain-text e-mail
    short: str  # SMS or WhatsApp, at most MAX_SMS_SEGMENTS segments once written for SMS
    kind: MessageKind


def sms_body(text: str) -> str:
    """What an SMS carries of a short text: in the GSM alphabet when it can be (`gsm_text`)."""
    return gsm_text(text)


def fits_in_sms(text: str) -> bool:
    return sms_length(sms_body(text)).segments <= MAX_SMS_SEGMENTS


def shortened(text: str, length: int) -> str:
    """`text` cut to `length` characters, an ellipsis included; "" for a length of 0."""
    if len(text) <= length:
        return text
    if length <= 1:
        return ""
    return text[: length - 1].rstrip() + "…"


def fit_text(
    render: Callable[[Mapping[str, str]], str],
    values: Mapping[str, str],
    shrink: Sequence[tuple[str, int]],
) -> str:
    """`render(values)`, with the values named in `shrink` shortened one after the other (each
    to the longest length that fits, never below its floor) until the text fits in
    MAX_SMS_SEGMENTS. A text that cannot fit even then is returned at its shortest: the
    template test catches the wording that allows it."""
    current = dict(values)
    text = render(current)
    for key, floor in shrink:
        if fits_in_sms(text):
            return text
        original = values[key]
        shortest = min(floor, len(current[key]))
        low, high = shortest, len(current[key])  # `low` is kept if nothing longer fits
        while low < high:
            middle = (low + high + 1) // 2
            if fits_in_sms(render(current | {key: shortened(original, middle)})):
                low = middle
            else:
                high = middle - 1
        current[key] = shortened(original, low)
        text = render(current)
    return text


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


def _short_values(event: Event, language: str, organisation: str) -> dict[str, str]:
    return {
        "organisation": organisation,
        "event": pick_text(event.title, language),
        "date": local_day(event.starts_at),
        "time": local_time(event.starts_at),
        "place": _place(event),
    }


Render = Callable[[Mapping[str, str]], str]


def _with_link(render: Render, link: str | None) -> Render:
    if not link:
        return render
    return lambda values: f"{render(values)} {link}"


_TITLE_THEN_NAME = (
    ("organisation", ORGANISATION_FLOOR),
    ("event", TITLE_FLOOR),
    ("organisation", SHORTEST_ORGANISATION),
    ("event", SHORTEST_TITLE),
)
_PLACE_TOO = (("place", PLACE_FLOOR), *_TITLE_THEN_NAME, ("place", 0))


def confirmation(
    attendee: Attendee,
    event: Event,
    registration: Registration,
    *,
    organisation: str,
    sessions: Sequence[tuple[Event, Registration]] = (),
    personal_link: str | None = None,
) -> Notice:
    """A registration was taken: a seat, a place in the waiting line, or a request that waits
    for the organisers' approval."""
    language = language_of(attendee)
    with speaking(language):
        title = pick_text(event.title, language)
        values = _short_values(event, language, organisation)
        if registration.status == RegistrationStatus.WAITLISTED:
            subject = gettext("Waiting list: {event}").format(event=title)
            news = gettext(
                "The event is full: you are number {position} on the waiting list. "
                "If a seat becomes free, it is yours and we will tell you."
            ).format(position=registration.waitlist_position)
            values["position"] = str(registration.waitlist_position)

            def render(v: Mapping[str, str]) -> str:
                return gettext(
                    "{organisation}: you are number {position} on the waiting list for "
                    "{event} ({date}). We will tell you if a seat becomes free."
                ).format(**v)

        elif registration.status == RegistrationStatus.PENDING:
            subject = gettext("Registration received: {event}").format(event=title)
            news = gettext(
                "We have received your registration. The organisers accept each one: "
                "we will tell you their answer."
            )

            def render(v: Mapping[str, str]) -> str:
                return gettext(
                    "{organisation}: we have received your registration for {event} ({date}). "
                    "We will tell you when it is accepted."
                ).format(**v)

        else:
            subject = gettext("Registration confirmed: {event}").format(event=title)
            news = gettext("Your registration is confirmed. Show your badge at the entrance.")

            def render(v: Mapping[str, str]) -> str:
                return gettext(
                    "{organisation}: your registration for {event} on {date} at {time} "
                    "is confirmed."
                ).format(**v)

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
        lines += [
            "",
            gettext("If you cannot come, please cancel so that someone else can take your seat."),
            *_signature(organisation),
        ]
        short = fit_text(_with_link(render, personal_link), values, _TITLE_THEN_NAME)
        return Notice(language, subject, "\n".join(lines), short, MessageKind.CONFIRMATION)


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

        def render(v: Mapping[str, str]) -> str:
            return gettext(
                "{organisation}: good news, a seat became free. You are registered for {event} "
                "on {date} at {time}."
            ).format(**v)

        short = fit_text(render, _short_values(event, language, organisation), _TITLE_THEN_NAME)
        return Notice(language, subject, "\n".join(lines), short, MessageKind.PROMOTION)


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

        def render(v: Mapping[str, str]) -> str:
            short = gettext("{organisation}: reminder, {event} is tomorrow at {time}.").format(**v)
            return f"{short} {v['place']}" if v["place"] else short

        short = fit_text(render, _short_values(event, language, organisation), _PLACE_TOO)
        return Notice(language, subject, "\n".join(lines), short, MessageKind.REMINDER)


def event_changed(
    attendee: Attendee, event: Event, *, organisation: str, moved: bool, new_place: bool
) -> Notice:
    """The event the person is registered for has a new time (`moved`), a new place, or both.
    `event` holds the new values."""
    language = language_of(attendee)
    with speaking(language):
        title = pick_text(event.title, language)
        if moved:
            subject = gettext("New date: {event}").format(event=title)
            news = gettext("The event you are registered for has a new date or time.")
        else:
            subject = gettext("New place: {event}").format(event=title)
            news = gettext("The event you are registered for takes place somewhere else.")
        lines = [
            _greeting(attendee),
            "",
            news,
            gettext("Your registration stays as it is: your badge is still valid."),
            "",
            *_event_block(event, language),
            "",
            gettext("If you cannot come, please cancel so that someone else can take your seat."),
            *_signature(organisation),
        ]

        def render(v: Mapping[str, str]) -> str:
            if moved and new_place and v["place"]:
                return gettext(
                    "{organisation}: {event} moves to {date} at {time}, {place}."
                ).format(**v)
            if moved:
                return gettext("{organisation}: {event} moves to {date} at {time}.").format(**v)
            return gettext("{organisation}: {event} changes place: {place}.").format(**v)

        shrink = _PLACE_TOO if moved else _PLACE_TOO[:-1]  # a new place is the news itself
        short = fit_text(render, _short_values(event, language, organisation), shrink)
        return Notice(language, subject, "\n".join(lines), short, MessageKind.EVENT_CHANGED)


def event_cancelled(attendee: Attendee, event: Event, *, organisation: str) -> Notice:
    """The event the person is registered for will not take place."""
    language = language_of(attendee)
    with speaking(language):
        title = pick_text(event.title, language)
        subject = gettext("Cancelled: {event}").format(event=title)
        lines = [
            _greeting(attendee),
            "",
            gettext(
                "We are sorry: the event you were registered for is cancelled and will not "
                "take place. Your registration is cancelled too."
            ),
            "",
            *_event_block(event, language),
            *_signature(organisation),
        ]

        def render(v: Mapping[str, str]) -> str:
            return gettext("{organisation}: {event} on {date} is cancelled. We are sorry.").format(
                **v
            )

        short = fit_text(render, _short_values(event, language, organisation), _TITLE_THEN_NAME)
        return Notice(language, subject, "\n".join(lines), short, MessageKind.EVENT_CANCELLED)


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
        return Notice(language, subject, "\n".join(lines), short, MessageKind.PERSONAL_LINK)
