from allauth.account.adapter import DefaultAccountAdapter
from django.db import transaction

from . import roles, services


class AccountAdapter(DefaultAccountAdapter):
    @transaction.atomic
    def save_user(self, request, user, form, commit=True):
        """People who sign up on the public site are trainees, named as on their ID."""
        user = super().save_user(request, user, form, commit=False)
        user.legal_name = form.cleaned_data["legal_name"]
        user.preferred_name = form.cleaned_data.get("preferred_name", "")
        user.full_clean(exclude=["password"])
        if commit:
            user.save()
            services.user_role_add(user=user, role=roles.TRAINEE)
        return user
