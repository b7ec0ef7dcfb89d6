"""Employer accounts: a company signs up and waits for review, organisers approve or reject it,
its admin invites colleagues — through the pages, as a browser without JavaScript would."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from server.codes.invitations import (
    BadToken,
    ExpiredToken,
    make_invitation_token,
    read_invitation_token,
)
from server.models import ActionLog, Employer, EmployerMember, OutboxMessage, User
from server.models.enums import EmployerRole, EmployerStatus, Role
from server.services.employers import companies as employers
from tests.support import (
    PASSWORD,
    csrf_from,
    html,
    login,
    make_employer,
    make_organisation,
    make_user,
    new_client,
    post,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
MANAGE = "/manage/passerelles/employers"


def signup_form(**changes: str) -> dict[str, str]:
    form = {
        "name": "Atlas Textile",
        "ice": "002345678000012",
        "sector": "textile",
        "size": "10-49",
        "city": "Tanger",
        "website": "https://atlas-textile.example.ma",
        "description": "Confection pour l'export.",
        "contact_phone": "05 22 12 34 56",
        "full_name": "Nadia Berrada",
        "email": "nadia@atlas-textile.example.ma",
        "password": "a long enough password",
        "confirm_password": "a long enough password",
    }
    form.update(changes)
    return form


async def sign_up(
    client: httpx.AsyncClient, form: dict[str, str], logo: tuple[str, bytes, str] | None = None
) -> httpx.Response:
    page = await client.get("/employers/signup?lang=en")
    data = {**form, "csrf_token": csrf_from(page)}
    if logo is None:
        return await client.post("/employers/signup", data=data)
    return await client.post("/employers/signup", data=data, files={"logo": logo})


async def employer_browser(app, email: str, address: str = "203.0.113.30") -> httpx.AsyncClient:
    browser = await new_client(app, address)
    response = await login(browser, email, language="en")
    assert response.status_code == 303
    return browser


# --- signing up -------------------------------------------------------------------------------


async def test_a_company_signs_up_and_lands_on_its_dashboard_awaiting_review(client, db):
    response = await sign_up(client, signup_form())
    assert response.status_code == 303
    assert response.headers["location"] == "/employer/"

    employer = await Employer.get(ice="002345678000012")
    assert employer.status == EmployerStatus.PENDING
    assert employer.contact_email == "nadia@atlas-textile.example.ma"
    assert employer.contact_phone == "+212522123456"
    member = await EmployerMember.get(employer_id=employer.id).select_related("user")
    assert member.role == EmployerRole.ADMIN
    assert member.user.full_name == "Nadia Berrada"
    assert member.user.password_hash.startswith("$argon2id$")
    assert await ActionLog.filter(action="employer.registered", object_id=employer.id).exists()

    page = html(await client.get("/employer/"))
    assert page.select_one("h1").get_text(strip=True) == "Atlas Textile"
    status = page.select_one(".employer-status")
    assert status.select_one(".status").get_text(strip=True) == "Awaiting review"
    assert "nothing about it is public yet" in status.get_text()


async def test_spaces_in_the_ice_are_ignored(client, db):
    response = await sign_up(client, signup_form(ice=" 002 345 678 000 012 "))
    assert response.status_code == 303
    assert await Employer.exists(ice="002345678000012")


@pytest.mark.parametrize(
    "ice",
    ["00234567800001", "00234567800001A", "٠٠٢٣٤٥٦٧٨٠٠٠٠١٢", ""],
    ids=["14 digits", "a letter", "arabic-indic digits", "empty"],
)
async def test_an_ice_that_is_not_15_digits_is_refused_and_the_form_is_kept(client, db, ice):
    response = await sign_up(client, signup_form(ice=ice))
    assert response.status_code == 422
    page = html(response)
    assert page.select_one("#error-ice").get_text(strip=True) == (
        "The ICE is made of exactly 15 digits."
    )
    assert page.select_one("#field-ice")["value"] == ice
    assert page.select_one("#field-name")["value"] == "Atlas Textile"
    assert page.select_one("#field-email")["value"] == "nadia@atlas-textile.example.ma"
    assert page.select_one("#field-city")["value"] == "Tanger"
    assert page.select_one("#field-sector option[selected]")["value"] == "textile"
    assert page.select_one("#field-size option[selected]")["value"] == "10-49"
    assert page.select_one("#field-description").get_text() == "Confection pour l'export."
    assert await Employer.all().count() == 0
    assert await User.all().count() == 0


async def test_an_ice_already_registered_is_refused(client, db):
    await make_employer(ice="002345678000012")
    response = await sign_up(client, signup_form())
    assert response.status_code == 422
    error = html(response).select_one("#error-ice").get_text(strip=True)
    assert error.startswith("A company with this ICE is already registered.")
    assert await Employer.all().count() == 1


async def test_an_e_mail_address_that_already_has_an_account_is_refused(client, db):
    await make_user("nadia@atlas-textile.example.ma")
    response = await sign_up(client, signup_form(email="Nadia@Atlas-Textile.example.ma"))
    assert response.status_code == 422
    assert (
        html(response)
        .select_one("#error-email")
        .get_text(strip=True)
        .startswith("An account with this e-mail address already exists.")
    )
    assert await Employer.all().count() == 0


async def test_a_short_password_is_refused(client, db):
    response = await sign_up(client, signup_form(password="short", confirm_password="short"))
    assert response.status_code == 422
    page = html(response)
    assert page.select_one("#error-password").get_text(strip=True) == "Use at least 10 characters."
    assert page.select_one("#field-password")["value"] == ""


async def test_two_different_passwords_are_refused(client, db):
    response = await sign_up(client, signup_form(confirm_password="another long password"))
    assert response.status_code == 422
    assert html(response).select_one("#error-confirm_password") is not None


@pytest.mark.parametrize(
    "website", ["www.atlas.ma", "javascript:alert(1)", "https://", "ftp://x.ma"]
)
async def test_a_website_that_is_not_an_http_address_is_refused(client, db, website):
    response = await sign_up(client, signup_form(website=website))
    assert response.status_code == 422
    page = html(response)
    assert page.select_one("#error-website") is not None
    assert page.select_one("#field-website")["value"] == website


async def test_a_phone_number_that_is_not_one_is_refused(client, db):
    response = await sign_up(client, signup_form(contact_phone="12"))
    assert response.status_code == 422
    assert html(response).select_one("#error-contact_phone") is not None


async def test_an_unknown_sector_and_size_are_refused(client, db):
    response = await sign_up(client, signup_form(sector="weapons", size="huge"))
    assert response.status_code == 422
    page = html(response)
    assert page.select_one("#error-sector") is not None
    assert page.select_one("#error-size") is not None


async def test_every_error_is_shown_at_once(client, db):
    response = await sign_up(client, {})
    assert response.status_code == 422
    page = html(response)
    for name in ("name", "ice", "sector", "size", "city", "full_name", "email", "password"):
        assert page.select_one(f"#error-{name}") is not None, name


async def test_a_logo_is_stored_under_a_random_name_and_public_only_once_approved(
    app, client, settings
):
    response = await sign_up(client, signup_form(), logo=("my logo.png", PNG, "image/png"))
    assert response.status_code == 303
    employer = await Employer.get(ice="002345678000012")
    assert re.fullmatch(r"[0-9a-f]{32}\.png", employer.logo_path)
    stored = settings.data_dir / "logos" / employer.logo_path
    assert stored.read_bytes() == PNG

    anonymous = await new_client(app)
    assert (await anonymous.get(f"/employers/{employer.id}/logo")).status_code == 404
    own = await client.get("/employer/logo")
    assert own.status_code == 200

    await Employer.filter(id=employer.id).update(status=EmployerStatus.APPROVED)
    public = await anonymous.get(f"/employers/{employer.id}/logo")
    assert public.status_code == 200
    assert public.headers["content-type"] == "image/png"
    assert public.content == PNG


async def test_a_jpeg_logo_is_accepted(client, db):
    response = await sign_up(client, signup_form(), logo=("logo.jpg", JPEG, "image/jpeg"))
    assert response.status_code == 303
    assert (await Employer.get(ice="002345678000012")).logo_path.endswith(".jpg")


@pytest.mark.parametrize(
    ("logo", "message"),
    [
        (
            ("big.png", PNG + b"\x00" * (1024 * 1024), "image/png"),
            "The logo must be 1 MB or smaller.",
        ),
        (
            ("logo.gif", b"GIF89a" + b"\x00" * 20, "image/gif"),
            "The logo must be a PNG or JPEG image.",
        ),
        (
            ("logo.png", b"<svg onload=alert(1)>", "image/png"),
            "The logo must be a PNG or JPEG image.",
        ),
    ],
    ids=["oversized", "gif", "not an image"],
)
async def test_a_logo_that_is_too_big_or_not_a_png_or_jpeg_is_refused(
    client, db, settings, logo, message
):
    response = await sign_up(client, signup_form(), logo=logo)
    assert response.status_code == 422
    page = html(response)
    assert page.select_one("#error-logo").get_text(strip=True) == message
    assert page.select_one("#field-name")["value"] == "Atlas Textile"
    assert await Employer.all().count() == 0
    assert not (settings.data_dir / "logos").exists() or not any(
        (settings.data_dir / "logos").iterdir()
    )


async def test_the_logo_of_an_unknown_company_is_not_found(client, db):
    assert (await client.get("/employers/4242/logo")).status_code == 404
    await make_employer()  # approved, without a logo
    employer = await Employer.get(ice="001234567000089")
    assert (await client.get(f"/employers/{employer.id}/logo")).status_code == 404


async def test_sign_ups_from_one_address_are_limited(client, db, monkeypatch):
    monkeypatch.setattr(employers, "SIGNUPS_PER_ADDRESS", 1)
    assert (await sign_up(client, signup_form())).status_code == 303
    await client.post("/logout", data={"csrf_token": csrf_from(await client.get("/employer/"))})
    second = signup_form(ice="009999999000001", email="other@example.org")
    response = await sign_up(client, second)
    assert response.status_code == 429
    assert "Retry-After" in response.headers
    assert await Employer.all().count() == 1


async def test_refused_sign_ups_do_not_count_against_the_limit(client, db, monkeypatch):
    monkeypatch.setattr(employers, "SIGNUPS_PER_ADDRESS", 1)
    assert (await sign_up(client, signup_form(ice="1"))).status_code == 422
    assert (await sign_up(client, signup_form())).status_code == 303


async def test_the_login_and_home_pages_link_to_the_sign_up(client, db):
    for path in ("/login", "/"):
        page = html(await client.get(path + "?lang=en"))
        link = page.select_one('a[href="/employers/signup"]')
        assert link is not None, path


async def test_an_employer_member_lands_on_the_portal_after_login(client, db):
    await make_employer(member_email="karim@atlas.example.ma")
    response = await login(client, "karim@atlas.example.ma")
    assert response.headers["location"] == "/employer/"
    account = html(await client.get("/account?lang=en"))
    assert account.select_one('a[href="/employer/"]').get_text(strip=True) == "Atlas Logistique"


# --- the company page -------------------------------------------------------------------------


def company_form(**changes: str) -> dict[str, str]:
    form = {
        "name": "Atlas Logistique",
        "ice": "001234567000089",
        "sector": "logistics",
        "size": "50-249",
        "city": "Casablanca",
        "website": "",
        "description": "",
        "contact_email": "contact@atlas.example.ma",
        "contact_phone": "",
    }
    form.update(changes)
    return form


async def test_editing_a_rejected_company_sends_it_back_for_review(app, db):
    await make_employer(
        member_email="karim@atlas.example.ma",
        status=EmployerStatus.REJECTED,
        rejection_reason="The ICE does not match the name.",
    )
    browser = await employer_browser(app, "karim@atlas.example.ma")
    response = await post(browser, "/employer/company", company_form(name="Atlas Log SA"))
    assert response.status_code == 303
    employer = await Employer.get(ice="001234567000089")
    assert employer.name == "Atlas Log SA"
    assert employer.status == EmployerStatus.PENDING
    assert employer.rejection_reason == ""
    assert await ActionLog.filter(action="employer.resubmitted").exists()
    page = html(await browser.get("/employer/"))
    assert "being reviewed" in page.select_one(".employer-status").get_text()


async def test_renaming_an_approved_company_sends_it_back_for_review(app, db):
    await make_employer(member_email="karim@atlas.example.ma")
    browser = await employer_browser(app, "karim@atlas.example.ma")
    response = await post(
        browser, "/employer/company", company_form(name="Bureau de régularisation")
    )
    assert response.status_code == 303
    employer = await Employer.get(ice="001234567000089")
    assert (employer.name, employer.status) == ("Bureau de régularisation", EmployerStatus.PENDING)
    assert await ActionLog.filter(action="employer.resubmitted").exists()


async def test_the_ice_of_an_approved_company_cannot_be_changed(app, db):
    await make_employer(member_email="karim@atlas.example.ma")
    browser = await employer_browser(app, "karim@atlas.example.ma")
    page = html(await browser.get("/employer/company"))
    assert page.select_one("#field-ice") is None
    assert page.select_one(".company-ice").get_text(strip=True) == "001234567000089"
    response = await post(
        browser, "/employer/company", company_form(ice="009999999000001", city="Rabat")
    )
    assert response.status_code == 303
    employer = await Employer.get(name="Atlas Logistique")
    assert (employer.ice, employer.city, employer.status) == (
        "001234567000089",
        "Rabat",
        EmployerStatus.APPROVED,
    )


async def test_a_company_form_error_is_shown_next_to_its_field(app, db):
    await make_employer(member_email="karim@atlas.example.ma", status=EmployerStatus.PENDING)
    browser = await employer_browser(app, "karim@atlas.example.ma")
    response = await post(browser, "/employer/company", company_form(contact_email="nope"))
    assert response.status_code == 422
    page = html(response)
    assert page.select_one("#error-contact_email") is not None
    assert page.select_one("#field-contact_email")["value"] == "nope"


async def test_staff_members_see_the_company_but_cannot_change_it(app, db):
    employer = await make_employer(member_email="karim@atlas.example.ma")
    staff = await make_user("aicha@atlas.example.ma")
    await EmployerMember.create(employer=employer, user=staff, role=EmployerRole.STAFF)
    browser = await employer_browser(app, "aicha@atlas.example.ma")
    page = html(await browser.get("/employer/company"))
    assert page.select_one("form.company-form") is None
    assert "001234567000089" in page.select_one(".facts").get_text()
    response = await post(browser, "/employer/company", company_form(name="Hijacked"))
    assert response.status_code == 403
    assert (await Employer.get(id=employer.id)).name == "Atlas Logistique"


async def test_the_portal_always_shows_the_members_own_company(app, db):
    await make_employer("Atlas Logistique", member_email="karim@atlas.example.ma")
    other = await make_employer(
        "Banque Verte", ice="007777777000077", member_email="omar@banque.example.ma"
    )
    browser = await employer_browser(app, "karim@atlas.example.ma")
    for path in ("/employer/", "/employer/company", "/employer/members"):
        text = (await browser.get(path)).text
        assert "Atlas Logistique" in text, path
        assert "Banque Verte" not in text, path
        assert "omar@banque.example.ma" not in text, path
    # The form carries no company id: whatever is sent changes only the member's own company.
    await post(browser, "/employer/company", company_form(city="Agadir", id=str(other.id)))
    assert (await Employer.get(id=other.id)).city == "Casablanca"
    assert (await Employer.get(name="Atlas Logistique")).city == "Agadir"


async def test_people_who_are_not_employer_members_cannot_open_the_portal(organiser, client, db):
    assert (await organiser.get("/employer/")).status_code == 403
    response = await client.get("/employer/")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")


# --- moderation -------------------------------------------------------------------------------


async def pending_company(client: httpx.AsyncClient) -> Employer:
    assert (await sign_up(client, signup_form())).status_code == 303
    await client.get("/?lang=en")
    return await Employer.get(ice="002345678000012")


async def test_the_queue_shows_pending_companies_first_with_their_details(organiser, client):
    await make_employer("Ancienne SARL", ice="001111111000011")
    employer = await pending_company(client)
    page = html(await organiser.get(MANAGE))
    card = page.select_one(f".pending-employer#employer-{employer.id}")
    text = card.get_text(" ", strip=True)
    for fact in ("Atlas Textile", "002345678000012", "Textile and clothing", "Tanger"):
        assert fact in text
    assert "nadia@atlas-textile.example.ma" in text
    assert "+212522123456" in text
    assert "Nadia Berrada" in text
    reviewed = page.select(".reviewed-employer h3")
    assert [h.contents[0].strip() for h in reviewed] == ["Ancienne SARL"]


async def test_the_reviewed_list_is_filtered_by_status(organiser):
    await make_employer("Approuvée", ice="001111111000011")
    await make_employer("Refusée", ice="002222222000022", status=EmployerStatus.REJECTED)
    page = html(await organiser.get(f"{MANAGE}?status=rejected"))
    names = [h.contents[0].strip() for h in page.select(".reviewed-employer h3")]
    assert names == ["Refusée"]
    fragment = await organiser.get(f"{MANAGE}?status=approved", headers={"HX-Request": "true"})
    assert "<html" not in fragment.text
    assert "Approuvée" in fragment.text and "Refusée" not in fragment.text


async def test_an_organiser_approves_a_company(organiser, client):
    employer = await pending_company(client)
    response = await post(organiser, f"{MANAGE}/{employer.id}/review", {"decision": "approve"})
    assert response.status_code == 303
    await employer.refresh_from_db()
    assert employer.status == EmployerStatus.APPROVED
    assert employer.reviewed_at is not None
    log = await ActionLog.get(action="employer.approved", object_id=employer.id)
    assert log.organisation_id is not None
    page = html(await client.get("/employer/"))
    assert page.select_one(".employer-status .status").get_text(strip=True) == "Approved"
    flash = html(await organiser.get(response.headers["location"])).select_one(".alert-success")
    assert flash.get_text(strip=True) == "Atlas Textile is approved."
    assert html(await organiser.get(MANAGE)).select_one(".alert-success") is None


async def test_a_rejection_reason_is_shown_to_the_company(organiser, client):
    employer = await pending_company(client)
    reason = "Nous ne trouvons pas cette entreprise au registre du commerce."
    response = await post(
        organiser, f"{MANAGE}/{employer.id}/review", {"decision": "reject", "reason": reason}
    )
    assert response.status_code == 303
    await employer.refresh_from_db()
    assert (employer.status, employer.rejection_reason) == (EmployerStatus.REJECTED, reason)
    assert await ActionLog.filter(action="employer.rejected", object_id=employer.id).exists()
    page = html(await client.get("/employer/"))
    assert page.select_one(".rejection-reason").get_text(strip=True) == reason


async def test_a_rejection_without_a_reason_is_refused(organiser, client):
    employer = await pending_company(client)
    response = await post(
        organiser, f"{MANAGE}/{employer.id}/review", {"decision": "reject", "reason": "  "}
    )
    assert response.status_code == 422
    card = html(response).select_one(f"#employer-{employer.id}")
    assert (
        card.select_one(".field-error")
        .get_text(strip=True)
        .startswith("Give the reason for the rejection")
    )
    assert (await Employer.get(id=employer.id)).status == EmployerStatus.PENDING
    assert not await ActionLog.filter(action="employer.rejected").exists()


async def test_an_unknown_decision_or_company_is_refused(organiser, client):
    employer = await pending_company(client)
    response = await post(organiser, f"{MANAGE}/{employer.id}/review", {"decision": "delete"})
    assert response.status_code == 422
    response = await post(organiser, f"{MANAGE}/99999/review", {"decision": "approve"})
    assert response.status_code == 404
    assert (await Employer.get(id=employer.id)).status == EmployerStatus.PENDING


async def test_approving_twice_is_refused_without_a_second_log(organiser, client):
    employer = await pending_company(client)
    await post(organiser, f"{MANAGE}/{employer.id}/review", {"decision": "approve"})
    response = await post(organiser, f"{MANAGE}/{employer.id}/review", {"decision": "approve"})
    assert response.status_code == 409
    assert await ActionLog.filter(action="employer.approved").count() == 1


async def test_organisers_of_another_organisation_moderate_the_same_companies(app, client, db):
    employer = await pending_company(client)
    other = await make_organisation("autre-ong", "Autre ONG")
    await make_user("lina@example.org", organisation=other)
    browser = await new_client(app, "203.0.113.40")
    await login(browser, "lina@example.org")
    page = html(await browser.get("/manage/autre-ong/employers"))
    assert page.select_one(f"#employer-{employer.id}") is not None


async def test_employer_members_cannot_moderate(app, client, db):
    await make_organisation()
    employer = await pending_company(client)
    assert (await client.get(MANAGE)).status_code == 403
    response = await post(client, f"{MANAGE}/{employer.id}/review", {"decision": "approve"})
    assert response.status_code == 403
    assert (await Employer.get(id=employer.id)).status == EmployerStatus.PENDING


async def test_anonymous_visitors_cannot_moderate(client, db):
    await make_organisation()
    employer = await make_employer(status=EmployerStatus.PENDING)
    response = await client.get(MANAGE)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")
    response = await post(client, f"{MANAGE}/{employer.id}/review", {"decision": "approve"})
    assert response.status_code == 303
    assert (await Employer.get(id=employer.id)).status == EmployerStatus.PENDING


async def test_checkin_staff_cannot_moderate(app, db):
    organisation = await make_organisation()
    await make_user("door@example.org", organisation=organisation, role=Role.CHECKIN)
    employer = await make_employer(status=EmployerStatus.PENDING)
    browser = await new_client(app, "203.0.113.50")
    await login(browser, "door@example.org")
    assert (await browser.get(MANAGE)).status_code == 403
    response = await post(browser, f"{MANAGE}/{employer.id}/review", {"decision": "approve"})
    assert response.status_code == 403
    assert (await Employer.get(id=employer.id)).status == EmployerStatus.PENDING


async def test_organisers_see_a_pending_companys_logo_but_the_public_does_not(
    app, organiser, client
):
    response = await sign_up(client, signup_form(), logo=("l.png", PNG, "image/png"))
    assert response.status_code == 303
    employer = await Employer.get(ice="002345678000012")
    assert (await organiser.get(f"{MANAGE}/{employer.id}/logo")).content == PNG
    anonymous = await new_client(app)
    assert (await anonymous.get(f"/employers/{employer.id}/logo")).status_code == 404


# --- invitations ------------------------------------------------------------------------------


async def invite(browser: httpx.AsyncClient, email: str) -> httpx.Response:
    return await post(browser, "/employer/members/invite", {"email": email})


async def invitation_path() -> str:
    message = await OutboxMessage.get(channel="email")
    match = re.search(r"https?://\S+(/employers/join/\S+)", message.body)
    assert match, message.body
    return match.group(1)


async def test_an_admin_invites_a_colleague_who_joins_and_sees_the_dashboard(app, db):
    await make_employer(member_email="karim@atlas.example.ma")
    admin = await employer_browser(app, "karim@atlas.example.ma")
    response = await invite(admin, "Aicha@Atlas.example.ma")
    assert response.status_code == 303
    flash = html(await admin.get("/employer/members")).select_one(".alert-success")
    assert "Aicha@Atlas.example.ma" in flash.get_text()

    message = await OutboxMessage.get(channel="email")
    assert message.recipient == "aicha@atlas.example.ma"
    assert "Atlas Logistique" in message.subject
    assert await ActionLog.filter(action="employer.member.invited").exists()

    colleague = await new_client(app, "203.0.113.60")
    path = await invitation_path()
    page = html(await colleague.get(path + "?lang=en"))
    assert page.select_one("h1").get_text(strip=True) == "Join Atlas Logistique"
    response = await colleague.post(
        path,
        data={
            "full_name": "Aïcha Amrani",
            "password": "another long password",
            "confirm_password": "another long password",
            "csrf_token": csrf_from(await colleague.get(path)),
        },
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/employer/"
    member = await EmployerMember.get(user__email="aicha@atlas.example.ma")
    assert member.role == EmployerRole.STAFF
    dashboard = await colleague.get("/employer/")
    assert dashboard.status_code == 200
    assert html(dashboard).select_one("h1").get_text(strip=True) == "Atlas Logistique"
    members = html(await colleague.get("/employer/members"))
    assert len(members.select("tbody tr")) == 2
    assert members.select_one(".invite-form") is None


async def test_joining_twice_changes_nothing(app, db):
    await make_employer(member_email="karim@atlas.example.ma")
    admin = await employer_browser(app, "karim@atlas.example.ma")
    await invite(admin, "aicha@atlas.example.ma")
    path = await invitation_path()
    colleague = await new_client(app, "203.0.113.60")
    form = {"full_name": "Aïcha", "password": PASSWORD, "confirm_password": PASSWORD}
    first = await colleague.post(
        path, data={**form, "csrf_token": csrf_from(await colleague.get(path))}
    )
    assert first.status_code == 303
    again = await post(colleague, path, {})
    assert again.status_code == 303
    assert await EmployerMember.filter(user__email="aicha@atlas.example.ma").count() == 1
    # From another browser, the link now asks to log in with the account it created.
    stranger = await new_client(app, "203.0.113.61")
    page = html(await stranger.get(path + "?lang=en"))
    assert page.select_one('a[href^="/login?next="]') is not None
    assert page.select_one("#field-password") is None


async def test_someone_with_an_account_logs_in_then_joins(app, db):
    await make_employer(member_email="karim@atlas.example.ma")
    await make_user("aicha@atlas.example.ma")
    admin = await employer_browser(app, "karim@atlas.example.ma")
    await invite(admin, "aicha@atlas.example.ma")
    path = await invitation_path()
    colleague = await new_client(app, "203.0.113.60")
    page = html(await colleague.get(path + "?lang=en"))
    login_link = page.select_one('a[href^="/login?next="]')["href"]
    form_page = await colleague.get(login_link)
    response = await colleague.post(
        login_link,
        data={
            "email": "aicha@atlas.example.ma",
            "password": PASSWORD,
            "next": path,
            "csrf_token": csrf_from(form_page),
        },
    )
    assert response.headers["location"] == path
    response = await post(colleague, path, {})
    assert response.status_code == 303
    assert await EmployerMember.exists(user__email="aicha@atlas.example.ma")


async def test_an_invitation_is_only_for_the_address_it_was_sent_to(app, db):
    await make_employer(member_email="karim@atlas.example.ma")
    admin = await employer_browser(app, "karim@atlas.example.ma")
    await invite(admin, "aicha@atlas.example.ma")
    path = await invitation_path()
    await make_user("intruder@example.org")
    intruder = await employer_browser(app, "intruder@example.org", "203.0.113.70")
    response = await post(intruder, path, {})
    assert response.status_code == 403
    assert not await EmployerMember.exists(user__email="intruder@example.org")


async def test_a_member_of_another_company_cannot_join(app, db):
    await make_employer(member_email="karim@atlas.example.ma")
    await make_employer("Banque Verte", ice="007777777000077", member_email="omar@banque.ma")
    admin = await employer_browser(app, "karim@atlas.example.ma")
    await invite(admin, "omar@banque.ma")
    omar = await employer_browser(app, "omar@banque.ma", "203.0.113.70")
    response = await post(omar, await invitation_path(), {})
    assert response.status_code == 409
    assert await EmployerMember.filter(user__email="omar@banque.ma").count() == 1


async def test_an_expired_invitation_is_refused_with_a_clear_page(client, db, settings):
    employer = await make_employer()
    token = make_invitation_token(
        settings.secret_key, employer.id, "aicha@example.org", datetime.now(UTC) - timedelta(1)
    )
    response = await client.get(f"/employers/join/{token}?lang=en")
    assert response.status_code == 410
    assert "has expired" in html(response).select_one(".alert-error").get_text()
    response = await post(client, f"/employers/join/{token}", {"full_name": "x"})
    assert response.status_code == 410
    assert await User.filter(email="aicha@example.org").count() == 0


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: token.replace("I1.", "I1.e", 1),
        lambda token: "nonsense",
        lambda token: "I1.%C3%A9.%C3%A9",
    ],
    ids=["mac", "payload", "garbage", "non-ascii"],
)
async def test_a_tampered_invitation_is_refused_with_a_clear_page(client, db, settings, tamper):
    employer = await make_employer()
    expires = datetime.now(UTC) + timedelta(days=7)
    token = make_invitation_token(settings.secret_key, employer.id, "a@example.org", expires)
    response = await client.get(f"/employers/join/{tamper(token)}?lang=en")
    assert response.status_code == 400
    assert "not valid" in html(response).select_one(".alert-error").get_text()


async def test_staff_members_cannot_invite(app, db):
    employer = await make_employer(member_email="karim@atlas.example.ma")
    staff = await make_user("aicha@atlas.example.ma")
    await EmployerMember.create(employer=employer, user=staff, role=EmployerRole.STAFF)
    browser = await employer_browser(app, "aicha@atlas.example.ma")
    response = await invite(browser, "friend@example.org")
    assert response.status_code == 403
    assert await OutboxMessage.all().count() == 0


async def test_a_bad_or_member_address_is_refused_next_to_the_field(app, db):
    await make_employer(member_email="karim@atlas.example.ma")
    admin = await employer_browser(app, "karim@atlas.example.ma")
    for email in ("not an address", "karim@atlas.example.ma"):
        response = await invite(admin, email)
        assert response.status_code == 422
        page = html(response)
        assert page.select_one("#error-email") is not None
        assert page.select_one("#field-email")["value"] == email
    assert await OutboxMessage.all().count() == 0


# --- the signed token itself (no database) -----------------------------------------------------


NOW = datetime(2026, 5, 1, 12, tzinfo=UTC)


def test_a_token_says_which_company_and_address_it_is_for():
    token = make_invitation_token("key", 42, "a@example.org", NOW + timedelta(days=7))
    found = read_invitation_token("key", token, now=NOW)
    assert (found.employer_id, found.email) == (42, "a@example.org")


def test_a_token_made_with_another_key_is_bad():
    token = make_invitation_token("other key", 42, "a@example.org", NOW + timedelta(days=7))
    with pytest.raises(BadToken):
        read_invitation_token("key", token, now=NOW)


def test_a_token_past_its_expiry_is_expired():
    token = make_invitation_token("key", 42, "a@example.org", NOW)
    with pytest.raises(ExpiredToken):
        read_invitation_token("key", token, now=NOW + timedelta(seconds=1))


async def test_a_new_logo_replaces_the_old_file(app, client, settings):
    assert (
        await sign_up(client, signup_form(), logo=("a.png", PNG, "image/png"))
    ).status_code == 303
    first = (await Employer.get(ice="002345678000012")).logo_path
    response = await client.post(
        "/employer/company",
        data={
            **company_form(ice="002345678000012"),
            "csrf_token": csrf_from(await client.get("/link")),
        },
        files={"logo": ("b.jpg", JPEG, "image/jpeg")},
    )
    assert response.status_code == 303
    second = (await Employer.get(ice="002345678000012")).logo_path
    assert second.endswith(".jpg")
    logos = settings.data_dir / "logos"
    assert sorted(p.name for p in logos.iterdir()) == [second]
    assert first != second
