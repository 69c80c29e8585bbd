from allauth.account.adapter import DefaultAccountAdapter

from . import services


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        """People who sign up on the public site are trainees."""
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            services.user_role_add(user=user, role=services.roles.TRAINEE)
        return user
