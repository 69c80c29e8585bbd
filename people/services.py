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
