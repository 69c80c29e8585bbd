"""The five roles. Each is a Django group created by migration people.0002_roles."""

from django.contrib.auth.models import Group

TRAINEE = "Trainee"
TRAINER = "Trainer"
SUPERVISOR = "Supervisor"
CERTIFIER = "Certifier"
ADMINISTRATOR = "Administrator"

ALL_ROLES = (TRAINEE, TRAINER, SUPERVISOR, CERTIFIER, ADMINISTRATOR)

# Staff roles change content, credentials or other people's records: their accounts must
# have a second factor.
LEAD_TRAINER = "Lead trainer"  # a trainer who also approves and publishes course content
# Groups a person can be given: the five roles, and lead trainer on top of trainer.
ASSIGNABLE_GROUPS = (*ALL_ROLES, LEAD_TRAINER)

ROLES_REQUIRING_MFA = frozenset({TRAINER, LEAD_TRAINER, CERTIFIER, ADMINISTRATOR})


def role_group(name: str) -> Group:
    return Group.objects.get(name=name)


# Whoever holds any of these, by role or otherwise, works with a second factor.
PERMISSIONS_REQUIRING_MFA = ("wagtailadmin.access_admin", "people.verify_credentials")


def user_requires_mfa(user) -> bool:
    """Staff roles, and anyone else who can reach the admin or verify credentials."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.is_staff:
        return True
    if any(user.has_perm(permission) for permission in PERMISSIONS_REQUIRING_MFA):
        return True
    return user.groups.filter(name__in=ROLES_REQUIRING_MFA).exists()
