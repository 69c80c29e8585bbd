"""The five roles exist as groups with their permissions, and decide who reaches the admin."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import GroupPagePermission, Page

from people import roles
from people.models import User

from .factories import UserFactory
from .helpers import TOTP_SECRET, sign_in

pytestmark = pytest.mark.django_db


def test_the_five_roles_are_created_by_migration():
    assert set(roles.ALL_ROLES) <= set(Group.objects.values_list("name", flat=True))


@pytest.mark.parametrize(
    ("role", "granted", "refused"),
    [
        ("Trainee", {"people.study"}, {"wagtailadmin.access_admin", "people.supervise"}),
        ("Supervisor", {"people.supervise"}, {"wagtailadmin.access_admin", "people.study"}),
        (
            "Certifier",
            {"people.verify_credentials"},
            {"wagtailadmin.access_admin", "people.change_user"},
        ),
        ("Trainer", {"wagtailadmin.access_admin"}, {"people.change_user", "people.add_user"}),
        (
            "Administrator",
            {
                "wagtailadmin.access_admin",
                "people.add_user",
                "people.change_user",
                "people.verify_credentials",
            },
            {"people.delete_user"},
        ),
    ],
)
def test_each_role_has_its_permissions_and_no_more(role, granted, refused):
    user = UserFactory(role=role)
    user = User.objects.get(pk=user.pk)  # a fresh instance: no cached permissions

    for permission in granted:
        assert user.has_perm(permission), permission
    for permission in refused:
        assert not user.has_perm(permission), permission


def test_trainers_may_draft_pages_but_only_administrators_publish_them():
    root = Page.get_first_root_node()

    def page_actions(role):
        return set(
            GroupPagePermission.objects.filter(group__name=role, page=root).values_list(
                "permission__codename", flat=True
            )
        )

    assert {"add_page", "change_page"} <= page_actions("Trainer")
    assert "publish_page" not in page_actions("Trainer")
    assert "publish_page" in page_actions("Administrator")
    assert page_actions("Trainee") == set()


@pytest.mark.parametrize("role", ["Trainee", "Supervisor"])
def test_public_site_roles_are_turned_away_from_the_admin(client, home_page, role):
    user = UserFactory(role=role)
    sign_in(client, user)

    response = client.get(reverse("wagtailadmin_home"))

    assert response.status_code == 302
    assert client.get(reverse("wagtailadmin_explore_root")).status_code == 302


def test_a_certifier_uses_the_public_site_not_the_admin(client, home_page):
    certifier = UserFactory(role="Certifier", totp_secret=TOTP_SECRET)
    sign_in(client, certifier, totp_secret=TOTP_SECRET)

    assert client.get("/").status_code == 200
    assert client.get(reverse("wagtailadmin_home")).status_code == 302


@pytest.mark.parametrize("role", ["Trainer", "Administrator"])
def test_trainers_and_administrators_reach_the_admin(client, home_page, role):
    user = UserFactory(role=role, totp_secret=TOTP_SECRET)
    sign_in(client, user, totp_secret=TOTP_SECRET)

    response = client.get(reverse("wagtailadmin_home"))

    assert response.status_code == 200
    assert "Dashboard" in response.text or "Welcome" in response.text


def test_an_administrator_adds_a_person_with_a_legal_name_in_the_admin(client, home_page):
    admin = UserFactory(role="Administrator", totp_secret=TOTP_SECRET)
    sign_in(client, admin, totp_secret=TOTP_SECRET)
    trainer_group = Group.objects.get(name="Trainer")

    response = client.post(
        reverse("wagtailusers_users:add"),
        {
            "email": "new.trainer@example.org",
            "legal_name": "Aisha Rahman",
            "preferred_name": "Aisha",
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
            "groups": [trainer_group.pk],
        },
    )

    assert response.status_code == 302, response.text[:2000]
    person = User.objects.get(email="new.trainer@example.org")
    assert person.legal_name == "Aisha Rahman"
    assert list(person.groups.all()) == [trainer_group]
    listing = client.get(reverse("wagtailusers_users:index"), {"q": "Aisha"})
    assert "Aisha Rahman" in listing.text


def test_a_trainer_cannot_manage_people(client, home_page):
    trainer = UserFactory(role="Trainer", totp_secret=TOTP_SECRET)
    sign_in(client, trainer, totp_secret=TOTP_SECRET)

    response = client.get(reverse("wagtailusers_users:add"))

    assert response.status_code in (302, 403)
    assert not User.objects.filter(email="x@example.org").exists()
