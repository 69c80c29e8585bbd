"""A trainee signs up, verifies their email, signs in and out, and resets a password."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from people.models import User

from .factories import UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = {
    "legal_name": "  Trần   Thị Lan ",
    "preferred_name": "Lan",
    "email": "lan@example.org",
    "password1": "recovery-is-possible-7",
    "password2": "recovery-is-possible-7",
}


def link_in_last_email(pattern: str) -> str:
    match = re.search(pattern, mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(0)


def test_signup_creates_an_unverified_trainee_with_their_legal_name(client, home_page):
    response = client.post(reverse("account_signup"), SIGNUP, follow=True)

    assert response.status_code == 200
    assert "Verify Your Email Address" in response.text or "verification" in response.text.lower()
    user = User.objects.get(email="lan@example.org")
    assert user.legal_name == "Trần Thị Lan"
    assert user.preferred_name == "Lan"
    assert list(user.groups.values_list("name", flat=True)) == ["Trainee"]
    assert user.emailaddress_set.get().verified is False
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["lan@example.org"]


def test_an_unverified_trainee_cannot_sign_in_until_they_follow_the_email_link(client, home_page):
    client.post(reverse("account_signup"), SIGNUP)
    client.logout()
    confirm_url = link_in_last_email(r"http://testserver/accounts/confirm-email/[^\s]+/")

    refused = client.post(
        reverse("account_login"),
        {"login": "lan@example.org", "password": SIGNUP["password1"]},
        follow=True,
    )
    assert not refused.wsgi_request.user.is_authenticated
    assert refused.resolver_match.url_name == "account_email_verification_sent"

    confirm_path = confirm_url.removeprefix("http://testserver")
    assert client.get(confirm_path).status_code == 200
    client.post(confirm_path)
    assert User.objects.get(email="lan@example.org").emailaddress_set.get().verified

    signed_in = client.post(
        reverse("account_login"),
        {"login": "lan@example.org", "password": SIGNUP["password1"]},
        follow=True,
    )
    assert signed_in.wsgi_request.user.is_authenticated
    assert "Signed in as Lan" in signed_in.text

    signed_out = client.post(reverse("account_logout"), follow=True)
    assert not signed_out.wsgi_request.user.is_authenticated
    assert "Sign in" in signed_out.text


def test_signup_without_a_legal_name_is_refused_and_creates_nobody(client, home_page):
    response = client.post(reverse("account_signup"), {**SIGNUP, "legal_name": "   "})

    assert response.status_code == 200
    assert "This field is required" in response.text or "Enter your legal name" in response.text
    assert not User.objects.exists()
    assert mail.outbox == []


def test_signup_with_an_email_already_registered_creates_no_second_account(client, home_page):
    UserFactory(email="lan@example.org")

    client.post(reverse("account_signup"), {**SIGNUP, "email": "LAN@example.org"})

    assert User.objects.filter(email__iexact="lan@example.org").count() == 1


def test_signup_with_a_weak_password_is_refused(client, home_page):
    response = client.post(
        reverse("account_signup"), {**SIGNUP, "password1": "password", "password2": "password"}
    )

    assert "too common" in response.text
    assert not User.objects.exists()


def test_a_trainee_resets_a_forgotten_password_by_email(client, home_page):
    user = UserFactory(email="ana@example.org", role="Trainee")

    client.post(reverse("account_reset_password"), {"email": "ana@example.org"})
    reset_url = link_in_last_email(r"http://testserver/accounts/password/reset/key/[^\s]+/")
    form_page = client.get(reset_url.removeprefix("http://testserver"), follow=True)
    assert form_page.status_code == 200
    client.post(
        form_page.wsgi_request.path,
        {"password1": "a-brand-new-passphrase", "password2": "a-brand-new-passphrase"},
    )

    user.refresh_from_db()
    assert user.check_password("a-brand-new-passphrase")
    response = client.post(
        reverse("account_login"),
        {"login": "ana@example.org", "password": "a-brand-new-passphrase"},
        follow=True,
    )
    assert response.wsgi_request.user == user
