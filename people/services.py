import secrets

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import transaction

from . import roles
from .models import User


def user_role_add(*, user: User, role: str) -> None:
    """Give a person a role. Idempotent: adding a role they have changes nothing.

    Raises ValueError for a name that is not one of the five roles (or lead trainer).
    """
    if role not in roles.ASSIGNABLE_GROUPS:
        raise ValueError(f"{role!r} is not a PeerCert role.")
    user.groups.add(roles.role_group(role))


@transaction.atomic
def user_create(
    *, email: str, legal_name: str, password: str | None, preferred_name: str = "", role: str
) -> User:
    """Create a person with one role. Validates every field first (full_clean)."""
    user = User.objects.create_user(
        email=email, password=password, legal_name=legal_name, preferred_name=preferred_name
    )
    user_role_add(user=user, role=role)
    return user


def users_create_bulk(*, people: list[User], role: str) -> list[User]:
    """Create many people with one role in a few queries, for imports. Each must already be
    valid and its email unused (the caller checks both, in memory); none can sign in until
    they set a password."""
    if role not in roles.ASSIGNABLE_GROUPS:
        raise ValueError(f"{role!r} is not a PeerCert role.")
    for person in people:
        person.email = User.objects.normalize_email(person.email)
        # What set_unusable_password() writes, with the 40 random characters drawn at once
        # rather than one system call each: a tenth of a 10,000-row import's time.
        person.password = UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)
    created = User.objects.bulk_create(people, batch_size=1000)
    group = roles.role_group(role)
    memberships = User.groups.through
    memberships.objects.bulk_create(
        [memberships(user_id=person.pk, group_id=group.pk) for person in created],
        batch_size=1000,
    )
    return created
