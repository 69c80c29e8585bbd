from django.urls import reverse

from people.mfa import totp_code_now

from .factories import PASSWORD

TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def sign_in(client, user, *, totp_secret: str | None = None, password: str = PASSWORD):
    """Sign in through the real login form, answering the authenticator step when asked."""
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": password}, follow=True
    )
    if (
        totp_secret
        and response.redirect_chain
        and "mfa_authenticate" in str(response.resolver_match.url_name)
    ):
        response = client.post(
            reverse("mfa_authenticate"), {"code": totp_code_now(totp_secret)}, follow=True
        )
    return response
