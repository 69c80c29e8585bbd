from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added

from .sessions import session_mark_second_factor


def second_factor_proven_on_activation(sender, request, user, authenticator, **kwargs):
    # Activating TOTP means entering a valid code from the new authenticator: that is a
    # second factor proven in this session.
    if authenticator.type == Authenticator.Type.TOTP and request is not None:
        session_mark_second_factor(request, user)


def register():
    authenticator_added.connect(
        second_factor_proven_on_activation, dispatch_uid="people_second_factor_on_activation"
    )
