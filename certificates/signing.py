"""The issuer's signing key and certificate: one RSA key signs certificate PDFs and Open Badges
(RS256).

Settings:

- CERTIFICATE_SIGNING_KEY: path to the PEM private key (PKCS#8, unencrypted).
- CERTIFICATE_SIGNING_CERT: path to the PEM X.509 certificate for that key.

Both default to files under BASE_DIR / "var" / "signing". When they are missing, a development
key is created if DEBUG is on or tests are running; otherwise ImproperlyConfigured is raised, so
that production never signs with a key nobody set up.
"""

import datetime
import sys
from functools import cache
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from joserfc.jwk import RSAKey

DEV_KEY_NAME = "issuer-key.pem"
DEV_CERT_NAME = "issuer-cert.pem"
DEV_COMMON_NAME = "PeerCert development issuer"


def signing_dev_key_create(directory: Path) -> None:
    """Create a self-signed development key and certificate in `directory`.

    Idempotent: does nothing when both files exist. Never use the result in production: the key
    sits unencrypted on disk and nobody outside this machine trusts the certificate.
    """
    directory = Path(directory)
    key_path, cert_path = directory / DEV_KEY_NAME, directory / DEV_CERT_NAME
    if key_path.exists() and cert_path.exists():
        return
    directory.mkdir(parents=True, exist_ok=True)
    # RSA rather than EC: a PDF signed with ECDSA must declare PDF 2.0 (ISO 32002), which a
    # PDF/A-3 file cannot.
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, DEV_COMMON_NAME),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "PeerCert"),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    # Write the key first, readable by its owner only; the certificate last, so that a crash in
    # between leaves an incomplete pair that the next call simply replaces.
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    key_path.touch(mode=0o600, exist_ok=True)
    key_path.write_bytes(key_pem)
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))


def signing_paths() -> tuple[Path, Path]:
    default_dir = Path(settings.BASE_DIR) / "var" / "signing"
    key_path = Path(
        getattr(settings, "CERTIFICATE_SIGNING_KEY", None) or default_dir / DEV_KEY_NAME
    )
    cert_path = Path(
        getattr(settings, "CERTIFICATE_SIGNING_CERT", None) or default_dir / DEV_CERT_NAME
    )
    return key_path, cert_path


def _tests_running() -> bool:
    # pytest-django and Django's test runner both call setup_test_environment(), which gives
    # django.core.mail an outbox.
    mail = sys.modules.get("django.core.mail")
    return "pytest" in sys.modules or (mail is not None and hasattr(mail, "outbox"))


@cache
def _signing_material(key_path: Path, cert_path: Path) -> tuple[bytes, bytes]:
    if not (key_path.exists() and cert_path.exists()):
        if not (settings.DEBUG or _tests_running()):
            raise ImproperlyConfigured(
                f"The certificate signing key or certificate is missing ({key_path}, {cert_path}). "
                "Set CERTIFICATE_SIGNING_KEY and CERTIFICATE_SIGNING_CERT to the PEM files of "
                "the issuer's key and X.509 certificate."
            )
        if key_path.parent != cert_path.parent or {key_path.name, cert_path.name} != {
            DEV_KEY_NAME,
            DEV_CERT_NAME,
        }:
            raise ImproperlyConfigured(
                "A development signing key is only created at the default file names; "
                f"{key_path} or {cert_path} is missing."
            )
        signing_dev_key_create(key_path.parent)
    return key_path.read_bytes(), cert_path.read_bytes()


def issuer_signing_pem() -> tuple[bytes, bytes]:
    """The issuer's private key and certificate as PEM bytes, read once per process per path.

    Raises ImproperlyConfigured in production when the files are missing.
    """
    return _signing_material(*signing_paths())


def issuer_certificate() -> x509.Certificate:
    """The issuer's X.509 certificate."""
    return x509.load_pem_x509_certificate(issuer_signing_pem()[1])


def issuer_certificate_der() -> bytes:
    """The issuer's certificate in DER, as it is embedded in every signature we make."""
    return issuer_certificate().public_bytes(serialization.Encoding.DER)


def issuer_private_key() -> RSAKey:
    """The issuer's private key as a joserfc key (kid set), for signing JWTs with RS256."""
    key = RSAKey.import_key(issuer_signing_pem()[0])
    key.ensure_kid()
    return key


def issuer_public_jwk() -> dict:
    """The issuer's public key as a JWK dict; `kid` is the RFC 7638 thumbprint, so it is stable
    for as long as the key is."""
    return issuer_private_key().as_dict(private=False, alg="RS256", use="sig")
