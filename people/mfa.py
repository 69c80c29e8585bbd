"""Time-based one-time passwords for accounts whose authenticator key we hold (the demo's)."""

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value

from .models import User


def totp_activate(*, user: User, secret: str) -> Authenticator:
    """Give a user a TOTP authenticator with a known key. Idempotent: an existing one is kept."""
    existing = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if existing is not None:
        return existing
    return TOTP.activate(user, secret).instance


def totp_code_now(secret: str, *, at: float | None = None) -> str:
    """The code an authenticator app shows for this key now (or at a given Unix time)."""
    import time

    counter = int((time.time() if at is None else at) // 30)
    return format_hotp_value(hotp_value(secret, counter))


def totp_uri(*, secret: str, email: str) -> str:
    from urllib.parse import quote

    return f"otpauth://totp/PeerCert:{quote(email)}?secret={secret}&issuer=PeerCert"
