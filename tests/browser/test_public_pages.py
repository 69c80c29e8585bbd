"""The first pages anyone sees work in a real browser and pass axe-core's checks."""

import re

import pytest
from playwright.sync_api import expect

from people.mfa import totp_code_now
from tests.people.factories import PASSWORD, UserFactory
from tests.people.helpers import TOTP_SECRET

from .conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_home_page_has_no_serious_accessibility_violations(page, home_page):
    page.goto("/")

    expect(page.get_by_role("heading", level=1)).to_have_text("PeerCert")
    expect(page.get_by_role("link", name="Create a trainee account")).to_be_visible()
    assert axe_violations(page) == []


def test_login_page_has_no_serious_accessibility_violations(page, home_page):
    page.goto("/accounts/login/")

    expect(page.get_by_label("Email")).to_be_visible()
    expect(page.get_by_label("Password")).to_be_visible()
    assert axe_violations(page) == []


def test_signup_page_has_no_serious_accessibility_violations(page, home_page):
    page.goto("/accounts/signup/")

    expect(page.get_by_label("Legal name")).to_be_visible()
    assert axe_violations(page) == []


def test_a_trainee_signs_in_from_the_home_page(page, home_page):
    trainee = UserFactory(role="Trainee", preferred_name="Ana")

    page.goto("/")
    page.get_by_role("link", name="Sign in").first.click()
    page.get_by_label("Email").fill(trainee.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Sign In", re.IGNORECASE)).click()

    expect(page.get_by_text("Signed in as Ana")).to_be_visible()
    assert axe_violations(page) == []


def test_a_trainer_signs_in_with_an_authenticator_code_and_reaches_the_admin(page, home_page):
    trainer = UserFactory(role="Trainer", preferred_name="Grace", totp_secret=TOTP_SECRET)

    page.goto("/admin/")
    page.get_by_label("Email").fill(trainer.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Sign In", re.IGNORECASE)).click()

    expect(page.get_by_role("heading", name="Two-Factor Authentication")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("Code").fill(totp_code_now(TOTP_SECRET))
    page.get_by_role("button", name=re.compile("Sign In", re.IGNORECASE)).click()

    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.get_by_text(trainer.legal_name).first).to_be_visible()
