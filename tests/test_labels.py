"""Display names of the domain's vocabularies."""

from server import i18n
from server.i18n.labels import label
from server.models.enums import (
    DeliveryReview,
    EventKind,
    Gender,
    LegalStatus,
    PledgeKind,
    RegistrationStatus,
)


def test_values_spelt_alike_in_two_vocabularies_keep_their_own_names():
    previous = i18n.current_language().code
    i18n.set_language("en")
    try:
        _assert_own_names()
    finally:
        i18n.set_language(previous)


def _assert_own_names() -> None:
    assert label(RegistrationStatus.CONFIRMED) == "Confirmed"
    assert label(DeliveryReview.CONFIRMED) == "Confirmed by the organisers"
    assert label(Gender.OTHER) == "Other"
    assert label(LegalStatus.OTHER) == "Other situation"
    assert label(PledgeKind.OTHER) == "Other commitment"
    assert label(EventKind.TRAINING) == "Training"
    assert label(PledgeKind.TRAINING) == "Training places"
