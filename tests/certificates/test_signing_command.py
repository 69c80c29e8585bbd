import pytest
from django.core.management import CommandError, call_command


def test_make_run_creates_a_development_signing_key_once(settings, tmp_path, capsys):
    settings.DEBUG = True
    settings.CERTIFICATE_SIGNING_KEY = tmp_path / "issuer-key.pem"
    settings.CERTIFICATE_SIGNING_CERT = tmp_path / "issuer-cert.pem"

    call_command("signing_dev_key")
    key = settings.CERTIFICATE_SIGNING_KEY.read_bytes()
    call_command("signing_dev_key")

    assert key.startswith(b"-----BEGIN PRIVATE KEY-----")
    assert settings.CERTIFICATE_SIGNING_CERT.read_bytes().startswith(b"-----BEGIN CERTIFICATE")
    assert settings.CERTIFICATE_SIGNING_KEY.read_bytes() == key
    assert "Kept the existing" in capsys.readouterr().out


def test_production_never_gets_a_development_key(settings, tmp_path):
    settings.DEBUG = False
    settings.CERTIFICATE_SIGNING_KEY = tmp_path / "issuer-key.pem"
    settings.CERTIFICATE_SIGNING_CERT = tmp_path / "issuer-cert.pem"

    with pytest.raises(CommandError, match="without DEBUG"):
        call_command("signing_dev_key")
    assert not settings.CERTIFICATE_SIGNING_KEY.exists()
