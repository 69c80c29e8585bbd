from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cms.demo import demo_load
from people.mfa import totp_code_now, totp_uri


class Command(BaseCommand):
    help = "Load the demo site, pages and accounts from fixtures/demo.toml (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--not-debug-ok",
            action="store_true",
            help="Load even though DEBUG is off (for tests). Never on a production site.",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["not_debug_ok"]:
            raise CommandError(
                "Refusing to load the demo: DEBUG is off, so this may be a production site, and "
                "the demo's accounts, passwords and authenticator keys are public."
            )
        result = demo_load()
        if result.created:
            self.stdout.write(self.style.SUCCESS(f"Created {len(result.created)} demo records:"))
            for item in result.created:
                self.stdout.write(f"  - {item}")
        else:
            self.stdout.write("The demo is already loaded; nothing changed.")

        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING("Demo accounts (local use only)"))
        self.stdout.write(f"Every demo account's password: {result.password}")
        for account in result.accounts:
            self.stdout.write(f"  {account.role:<14} {account.email}  ({account.legal_name})")
        staff = [account for account in result.accounts if account.totp_secret]
        if staff:
            self.stdout.write("")
            self.stdout.write(
                "Trainer, Certifier and Administrator accounts need a second factor: after the "
                "password, enter the 6-digit code from an authenticator app set up with the key "
                "below (codes change every 30 seconds; `python manage.py demo_codes` prints "
                "the current ones)."
            )
            for account in staff:
                self.stdout.write(
                    f"  {account.email}\n"
                    f"    key: {account.totp_secret}   code now: "
                    f"{totp_code_now(account.totp_secret)}\n"
                    f"    {totp_uri(secret=account.totp_secret, email=account.email)}"
                )
