from urllib.parse import urlencode

from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

from .roles import user_requires_mfa
from .sessions import session_has_second_factor

# Pages a staff member without a second factor may still reach: enough to set one up or leave.
MFA_SETUP_URL_NAMES = frozenset(
    {
        "account_login",
        "account_logout",
        "account_reauthenticate",
        "mfa_index",
        "mfa_activate_totp",
        "mfa_authenticate",
        "mfa_reauthenticate",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_download_recovery_codes",
    }
)


class StaffMfaRequiredMiddleware:
    """Trainers, certifiers and administrators work only in sessions verified by a second factor.

    A staff account with no authenticator is sent to set one up before anything else. A staff
    session that was opened without the second factor (for example through a login path that
    skips it) is ended and the person asked to sign in again.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is not None and match.url_name in MFA_SETUP_URL_NAMES:
            return None
        user = getattr(request, "user", None)
        if user is None or not user_requires_mfa(user):
            return None
        if not get_mfa_adapter().is_mfa_enabled(user):
            messages.warning(
                request,
                "Your role needs two-factor authentication. Set up an authenticator app to "
                "continue.",
            )
            return redirect("mfa_activate_totp")
        if not session_has_second_factor(request, user):
            logout(request)
            messages.warning(
                request,
                "Please sign in again with your authenticator code: your role needs it.",
            )
            return redirect(
                f"{reverse('account_login')}?{urlencode({'next': request.get_full_path()})}"
            )
        return None
