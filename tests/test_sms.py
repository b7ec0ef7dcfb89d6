"""Text messages as the network counts them, and every message fitting in two segments in each
language, whatever the event's title."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from server.i18n import LANGUAGES
from server.models import Attendee, Event, Organisation
from server.models.enums import MessageKind
from server.notifications import messages
from server.notifications.messages import MAX_SMS_SEGMENTS, fit_text, shortened
from server.services.outbox import message_previews
from server.values.sms import Encoding, SmsLength, gsm_text, sms_length

# The longest titles an organiser may type (200 characters), in each language.
LONG_TITLE = {
    "fr": (
        "Salon régional de l'emploi, de l'insertion professionnelle et de l'entrepreneuriat "
        "des personnes migrantes et réfugiées — Casablanca-Settat, édition 2026, avec ateliers "
        "CV, entretiens et conseils"
    )[:200],
    "ar": (
        "المعرض الجهوي للتشغيل والإدماج المهني وريادة الأعمال لفائدة المهاجرين واللاجئين "
        "بجهة الدار البيضاء سطات، دورة 2026 مع ورشات السيرة الذاتية والمقابلات وفضاء "
        "المقاولات الشريكة من أجل فرص عمل حقيقية ومستدامة"
    )[:200],
    "en": (
        "Regional fair for employment, professional integration and entrepreneurship of "
        "migrants and refugees — Casablanca-Settat, 2026 edition with CV workshops, interviews "
        "and advice from partner companies"
    )[:200],
}
LONG_ORGANISATION = "Association Passerelles pour l'Insertion Professionnelle des Migrants au Maroc"
# A realistic public address: the personal link in a confirmation is as long as a real one.
BASE_URL = "https://inscriptions.passerelles.ma"


# --- counting ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "encoding", "units", "segments"),
    [
        ("a" * 160, Encoding.GSM7, 160, 1),
        ("a" * 161, Encoding.GSM7, 161, 2),
        ("a" * 306, Encoding.GSM7, 306, 2),
        ("a" * 307, Encoding.GSM7, 307, 3),
        ("é" * 160, Encoding.GSM7, 160, 1),  # é is in the GSM alphabet
        ("€" * 80, Encoding.GSM7, 160, 1),  # the extension table counts twice
        ("€" * 81, Encoding.GSM7, 162, 2),
        ("ê", Encoding.UCS2, 1, 1),
        ("م" * 70, Encoding.UCS2, 70, 1),
        ("م" * 71, Encoding.UCS2, 71, 2),
        ("م" * 134, Encoding.UCS2, 134, 2),
        ("م" * 135, Encoding.UCS2, 135, 3),
        ("a" * 69 + "م", Encoding.UCS2, 70, 1),  # one Arabic letter makes the whole text UCS-2
        ("😀" * 35, Encoding.UCS2, 70, 1),  # outside the BMP: two UTF-16 units
    ],
    ids=lambda value: value[:12] if isinstance(value, str) else None,
)
def test_segments_are_counted_as_the_network_bills_them(text, encoding, units, segments):
    assert sms_length(text) == SmsLength(encoding, units, segments)


def test_an_extension_character_is_never_split_across_two_segments():
    # 152 letters then €: the escape and the € cannot share the 153rd place of segment one.
    text = "a" * 152 + "€" + "a" * 152
    assert sms_length(text).units == 306
    assert sms_length(text).segments == 3


def test_a_surrogate_pair_is_never_split_across_two_segments():
    text = "م" * 66 + "😀" + "م" * 66
    assert sms_length(text).units == 134
    assert sms_length(text).segments == 3


def test_french_is_written_in_the_gsm_alphabet():
    written = gsm_text("Vous êtes prêt\u202f? « Salon de l’emploi » — ça commence… œuvre")
    assert written == 'Vous etes pret ? " Salon de l\'emploi " - ca commence... oeuvre'
    assert sms_length(written).encoding == Encoding.GSM7


def test_arabic_keeps_every_character():
    text = "تذكير، معرض التوظيف غدًا — Espace Darna, Aïn Diab ê"
    assert gsm_text(text) == text


# --- shortening -------------------------------------------------------------------------------


def test_a_shortened_value_ends_with_an_ellipsis_and_keeps_its_length():
    assert shortened("Salon de l'emploi", 9) == "Salon de…"
    assert shortened("Salon", 9) == "Salon"
    assert shortened("Salon", 0) == ""


def test_fitting_shortens_the_values_in_order_and_no_further_than_needed():
    def render(values):
        return f"{values['organisation']}: {values['event']}."

    values = {"organisation": "O" * 100, "event": "E" * 400}
    text = gsm_text(fit_text(render, values, [("organisation", 30), ("event", 24)]))
    assert sms_length(text) == SmsLength(Encoding.GSM7, 306, MAX_SMS_SEGMENTS)  # no room lost
    assert text.startswith("O" * 29 + "...: E")  # the organisation's name was cut first


# --- every message, in every language ---------------------------------------------------------


def preview_event(title: dict[str, str]) -> Event:
    start = datetime(2026, 9, 24, 9, 30, tzinfo=UTC)
    return Event(
        title=title,
        venue="Foire Internationale de Casablanca, Hall 3",
        address="Boulevard de la Corniche, Aïn Diab",
        room="Salle Atlas 2",
        city="Casablanca",
        starts_at=start,
        ends_at=start + timedelta(hours=8),
    )


ALL_PREVIEWS = message_previews(
    preview_event(LONG_TITLE), Organisation(name=LONG_ORGANISATION), base_url=BASE_URL
)


@pytest.mark.parametrize(
    "preview", ALL_PREVIEWS, ids=[f"{p.language}-{p.label}" for p in ALL_PREVIEWS]
)
def test_every_message_fits_in_two_segments_with_the_longest_title(preview):
    assert sms_length(preview.text) == preview.length
    assert preview.length.segments <= MAX_SMS_SEGMENTS, preview.text


def test_every_kind_of_message_is_previewed_in_every_language():
    kinds = {(preview.kind, preview.language) for preview in ALL_PREVIEWS}
    sent_to_attendees = set(MessageKind) - {MessageKind.INVITATION, MessageKind.PERSONAL_LINK}
    assert kinds == {(kind, language) for kind in sent_to_attendees for language in LANGUAGES}


def test_arabic_messages_are_ucs2_and_french_ones_gsm():
    encodings = {(p.language, p.length.encoding) for p in ALL_PREVIEWS}
    assert encodings == {("fr", Encoding.GSM7), ("en", Encoding.GSM7), ("ar", Encoding.UCS2)}


def test_a_short_title_is_sent_whole_with_the_link():
    title = {"fr": "Salon de l'emploi", "ar": "معرض التوظيف", "en": "Job fair"}
    previews = message_previews(
        preview_event(title), Organisation(name="Passerelles"), base_url=BASE_URL
    )
    confirmations = [p for p in previews if p.kind == MessageKind.CONFIRMATION][::2]
    for preview in confirmations:
        assert gsm_text(title[preview.language]) in preview.text
        assert f"{BASE_URL}/me/" in preview.text
        assert "Passerelles" in preview.text


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_personal_link_message_fits_in_two_segments(language):
    notice = messages.personal_link(
        Attendee(preferred_language=language), f"{BASE_URL}/me/{'x' * 32}"
    )
    assert sms_length(gsm_text(notice.short)).segments <= MAX_SMS_SEGMENTS
