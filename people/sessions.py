"""Whether this session's sign-in was completed with a second factor."""

from datetime import UTC, datetime

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator


def session_has_second_factor(request, user) -> bool:
    """True when this session's sign-in included an authenticator code, or when the person set
    up their authenticator during this session (which means entering one of its codes)."""
    records = get_authentication_records(request, user)
    if any(record.get("method") == "mfa" for record in records):
        return True
    if not records:
        return False
    signed_in_at = datetime.fromtimestamp(min(record["at"] for record in records), tz=UTC)
    return Authenticator.objects.filter(
        user=user, type=Authenticator.Type.TOTP, created_at__gte=signed_in_at
    ).exists()
