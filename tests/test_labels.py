"""Display names of the domain's vocabularies."""

from server import i18n
from server.labels import label
from server.models.enums import (
    DeliveryReview,
    EventKind,
    Gender,
    LegalStatus,
    PledgeKind,
    RegistrationStatus,
)


def test_values_spelt_alike_in_two_vocabularies_keep_their_own_names():
    i18n.set_language("en")
    assert label(RegistrationStatus.CONFIRMED) == "Confirmed"
    assert label(DeliveryReview.CONFIRMED) == "Confirmed by the organisers"
    assert label(Gender.OTHER) == "Other"
    assert label(LegalStatus.OTHER) == "Other situation"
    assert label(PledgeKind.OTHER) == "Other commitment"
    assert label(EventKind.TRAINING) == "Training"
    assert label(PledgeKind.TRAINING) == "Training places"
