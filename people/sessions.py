"""Whether this session's sign-in was completed with a second factor."""

from allauth.account.authentication import get_authentication_records

SECOND_FACTOR_SESSION_KEY = "people_second_factor_user"


def session_has_second_factor(request, user) -> bool:
    if request.session.get(SECOND_FACTOR_SESSION_KEY) == str(user.pk):
        return True
    return any(record.get("method") == "mfa" for record in get_authentication_records(request, user))


def session_mark_second_factor(request, user) -> None:
    request.session[SECOND_FACTOR_SESSION_KEY] = str(user.pk)
