from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from certificates.signing import (
    DEV_CERT_NAME,
    DEV_KEY_NAME,
    signing_dev_key_create,
    signing_paths,
)


class Command(BaseCommand):
    help = (
        "Create a self-signed development key and certificate for signing certificates, "
        "at CERTIFICATE_SIGNING_KEY and CERTIFICATE_SIGNING_CERT, unless they exist. "
        "Development only: production reads a real key from configuration."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Refusing to create a development signing key without DEBUG.")
        key_path, cert_path = signing_paths()
        if (key_path.parent, key_path.name, cert_path.name) != (
            cert_path.parent,
            DEV_KEY_NAME,
            DEV_CERT_NAME,
        ):
            raise CommandError(
                f"A development key is only made at the default file names ({DEV_KEY_NAME}, "
                f"{DEV_CERT_NAME} in one folder); {key_path} and {cert_path} are configured."
            )
        existed = key_path.exists() and cert_path.exists()
        signing_dev_key_create(key_path.parent)
        verb = "Kept the existing" if existed else "Created a"
        self.stdout.write(f"{verb} development signing key and certificate in {key_path.parent}")
