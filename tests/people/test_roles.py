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


EXPECTED_PERMISSIONS = {
    "Trainee": {"people.study"},
    "Supervisor": {"people.supervise"},
    "Certifier": {"people.verify_credentials"},
}


@pytest.mark.parametrize("role", sorted(EXPECTED_PERMISSIONS))
def test_public_site_roles_have_exactly_their_permissions(role):
    user = User.objects.get(pk=UserFactory(role=role).pk)

    assert user.get_all_permissions() == EXPECTED_PERMISSIONS[role]


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


NEW_PERSON = {
    "email": "x@example.org",
    "legal_name": "Someone New",
    "password1": "a-long-enough-passphrase",
    "password2": "a-long-enough-passphrase",
}


def test_a_trainer_cannot_manage_people(client, home_page):
    trainer = UserFactory(role="Trainer", totp_secret=TOTP_SECRET)
    trainee = UserFactory(role="Trainee", legal_name="Ana Rodríguez")
    sign_in(client, trainer, totp_secret=TOTP_SECRET)

    assert client.get(reverse("wagtailusers_users:add")).status_code in (302, 403)
    added = client.post(reverse("wagtailusers_users:add"), NEW_PERSON)
    edited = client.post(
        reverse("wagtailusers_users:edit", args=[trainee.pk]),
        {"email": trainee.email, "legal_name": "Changed", "is_active": "on"},
    )

    assert added.status_code in (302, 403)
    assert edited.status_code in (302, 403)
    assert not User.objects.filter(email="x@example.org").exists()
    trainee.refresh_from_db()
    assert trainee.legal_name == "Ana Rodríguez"


def test_an_administrator_cannot_create_a_superuser(client, home_page):
    admin = UserFactory(role="Administrator", totp_secret=TOTP_SECRET)
    sign_in(client, admin, totp_secret=TOTP_SECRET)

    form = client.get(reverse("wagtailusers_users:add"))
    client.post(reverse("wagtailusers_users:add"), {**NEW_PERSON, "is_superuser": "on"})

    assert 'name="is_superuser"' not in form.text
    assert not User.objects.filter(is_superuser=True).exists()


def test_an_administrator_cannot_make_someone_a_superuser(client, home_page):
    admin = UserFactory(role="Administrator", totp_secret=TOTP_SECRET)
    trainee = UserFactory(role="Trainee")
    sign_in(client, admin, totp_secret=TOTP_SECRET)

    client.post(
        reverse("wagtailusers_users:edit", args=[trainee.pk]),
        {
            "email": trainee.email,
            "legal_name": trainee.legal_name,
            "is_active": "on",
            "is_superuser": "on",
        },
    )

    trainee.refresh_from_db()
    assert not trainee.is_superuser


def test_an_administrator_cannot_change_a_superusers_account(client, home_page):
    admin = UserFactory(role="Administrator", totp_secret=TOTP_SECRET)
    root = UserFactory(is_superuser=True, email="root@example.org")
    sign_in(client, admin, totp_secret=TOTP_SECRET)

    response = client.post(
        reverse("wagtailusers_users:edit", args=[root.pk]),
        {"email": "taken-over@example.org", "legal_name": "Mallory", "is_active": ""},
    )

    assert response.status_code in (302, 403)  # Wagtail turns a refusal into a redirect home
    root.refresh_from_db()
    assert (root.email, root.is_active) == ("root@example.org", True)
