"""Trainers, certifiers and administrators must use a second factor; trainees need not."""

import pytest
from django.urls import reverse

from people import services
from people.mfa import totp_code_now

from .factories import PASSWORD, UserFactory
from .helpers import TOTP_SECRET, sign_in

pytestmark = pytest.mark.django_db


def password_step(client, user):
    return client.post(
        reverse("account_login"), {"login": user.email, "password": PASSWORD}, follow=True
    )


@pytest.mark.parametrize("role", ["Trainer", "Certifier", "Administrator"])
def test_staff_sign_in_asks_for_the_authenticator_code_after_the_password(client, home_page, role):
    user = UserFactory(role=role, totp_secret=TOTP_SECRET)

    response = password_step(client, user)

    assert response.resolver_match.url_name == "mfa_authenticate"
    assert not response.wsgi_request.user.is_authenticated


def test_a_wrong_authenticator_code_does_not_sign_a_trainer_in(client, home_page):
    trainer = UserFactory(role="Trainer", totp_secret=TOTP_SECRET)
    password_step(client, trainer)
    wrong = "000000" if totp_code_now(TOTP_SECRET) != "000000" else "111111"

    response = client.post(reverse("mfa_authenticate"), {"code": wrong}, follow=True)

    assert "Incorrect code" in response.text
    assert not response.wsgi_request.user.is_authenticated
    assert client.get(reverse("wagtailadmin_home")).status_code == 302


def test_the_right_code_signs_a_trainer_in_to_the_admin(client, home_page):
    trainer = UserFactory(role="Trainer", totp_secret=TOTP_SECRET)
    password_step(client, trainer)

    response = client.post(
        reverse("mfa_authenticate"), {"code": totp_code_now(TOTP_SECRET)}, follow=True
    )

    assert response.wsgi_request.user == trainer
    assert client.get(reverse("wagtailadmin_home")).status_code == 200


def test_a_trainee_signs_in_with_a_password_alone(client, home_page):
    trainee = UserFactory(role="Trainee")

    response = password_step(client, trainee)

    assert response.wsgi_request.user == trainee
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("role", ["Trainer", "Certifier", "Administrator"])
def test_staff_without_an_authenticator_must_set_one_up_before_anything_else(
    client, home_page, role
):
    user = UserFactory(role=role)
    password_step(client, user)

    for path in ("/", reverse("wagtailadmin_home"), reverse("account_email")):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url == reverse("mfa_activate_totp"), path

    # allauth asks for the password again before an authenticator is added.
    setup = client.get(reverse("mfa_activate_totp"), follow=True)
    assert setup.resolver_match.url_name == "account_reauthenticate"
    setup = client.post(setup.wsgi_request.get_full_path(), {"password": PASSWORD}, follow=True)
    assert setup.resolver_match.url_name == "mfa_activate_totp"
    secret = setup.context["form"].secret
    client.post(reverse("mfa_activate_totp"), {"code": totp_code_now(secret)})

    assert user.authenticator_set.filter(type="totp").exists()
    assert client.get("/").status_code == 200
    expected_home = 200 if role != "Certifier" else 302
    assert client.get(reverse("wagtailadmin_home")).status_code == expected_home


def test_a_staff_session_opened_without_the_second_factor_is_ended(client, home_page):
    trainer = UserFactory(role="Trainer", totp_secret=TOTP_SECRET)
    client.force_login(trainer)  # a sign-in that skipped the authenticator step

    response = client.get(reverse("wagtailadmin_home"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


def test_someone_given_a_staff_role_mid_session_must_add_a_second_factor(client, home_page):
    user = UserFactory(role="Trainee")
    sign_in(client, user)
    assert client.get("/").status_code == 200

    services.user_role_add(user=user, role="Administrator")

    response = client.get("/")
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")


def test_the_wagtail_login_form_cannot_be_used_to_skip_the_second_factor(client, home_page):
    trainer = UserFactory(role="Trainer", totp_secret=TOTP_SECRET)

    response = client.post(
        "/admin/login/", {"username": trainer.email, "password": PASSWORD}, follow=True
    )

    assert not response.wsgi_request.user.is_authenticated
    assert client.get(reverse("wagtailadmin_home")).status_code == 302
    assert client.get("/admin/login/?next=/admin/").url == "/accounts/login/?next=/admin/"


@pytest.mark.parametrize(
    "make_user",
    [
        lambda: UserFactory(is_superuser=True),
        lambda: UserFactory(role="Lead trainer"),
        lambda: UserFactory(is_staff=True),
    ],
    ids=["superuser", "lead trainer", "staff flag"],
)
def test_anyone_with_admin_powers_must_set_up_a_second_factor(client, home_page, make_user):
    user = make_user()
    password_step(client, user)

    response = client.get("/")

    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")


def test_a_supervisor_signs_in_with_a_password_alone(client, home_page):
    supervisor = UserFactory(role="Supervisor")

    password_step(client, supervisor)

    assert client.get("/").status_code == 200
