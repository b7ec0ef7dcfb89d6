"""The one e-mail address rule of sign-up, staff accounts and companies (values/emails.py)."""

from __future__ import annotations

import pytest

from server.errors import ValidationFailed
from server.services.accounts.users import create_user
from server.values.emails import EMAIL_MAX_LENGTH, is_valid_email, normalise_email


def test_an_address_is_compared_without_spaces_around_it_and_in_lower_case():
    assert normalise_email("  Aminata.Diallo@Example.ORG \n") == "aminata.diallo@example.org"


@pytest.mark.parametrize(
    "address",
    ["aminata@example.org", "a.b+salon@mail.example.ma", "x@y.co", "prénom@exemple.ma"],
)
def test_ordinary_addresses_are_valid(address):
    assert is_valid_email(address)


@pytest.mark.parametrize(
    "address",
    [
        "",
        "aminata",
        "aminata@",
        "@example.org",
        "aminata@example",
        "aminata@.org",
        "aminata@example.",
        "a@b@example.org",
        "amin ata@example.org",
        "aminata@exam\tple.org",
        "aminata@example.org\x00",
        "aminata\ud800@example.org",
    ],
)
def test_addresses_mail_cannot_reach_are_not_valid(address):
    assert not is_valid_email(address)


def test_an_address_longer_than_the_limit_is_not_valid():
    domain = "@example.org"
    assert is_valid_email("a" * (EMAIL_MAX_LENGTH - len(domain)) + domain)
    assert not is_valid_email("a" * (EMAIL_MAX_LENGTH - len(domain) + 1) + domain)


async def test_a_staff_account_with_an_overlong_address_is_refused_next_to_the_field(db):
    address = "a" * EMAIL_MAX_LENGTH + "@example.org"
    with pytest.raises(ValidationFailed) as failure:
        await create_user(address, "Test User", "correct horse battery")
    assert set(failure.value.errors) == {"email"}
