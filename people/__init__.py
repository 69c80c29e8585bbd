"""People and their roles: the user model, sign-up, roles as groups, and MFA for staff."""
