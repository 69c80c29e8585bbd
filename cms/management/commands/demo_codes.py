from django.core.management.base import BaseCommand

from cms.demo import demo_accounts, demo_read
from people.mfa import totp_code_now


class Command(BaseCommand):
    help = "Print the current authenticator codes of the demo's staff accounts."

    def handle(self, *args, **options):
        for account in demo_accounts(demo_read()):
            if account.totp_secret:
                self.stdout.write(f"{account.email}: {totp_code_now(account.totp_secret)}")
