"""The public verification page, its JSON API, throttling and checking an uploaded PDF."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from certificates import services
from certificates.codes import code_display
from certificates.models import Certificate
from tests.people.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(pa_program, pa_ready):
    trainee = pa_ready(legal_name="Amira Haddad", email="amira@example.org")
    return services.certificate_issue(
        program=pa_program, holder=trainee, site_url="http://testserver"
    )


def page(client, code):
    return client.get(reverse("certificate_verify", args=[code]))


def api(client, code):
    return client.get(reverse("api_certificate", args=[code]))


def test_an_active_certificate_shows_every_printed_field(client, certificate):
    response = page(client, certificate.code)
    text = response.content.decode()

    assert response.status_code == 200
    assert "This certificate is genuine and current." in text
    printed = certificate.snapshot
    for value in (
        printed["legal_name"], printed["title"], printed["serial"], printed["code"],
        printed["issued_on"], printed["expires_on"], printed["hours_total"],
        "Certified Peer Specialist (CPS)", "requirements version 2", "2026-12-01",
    ):  # fmt: skip
        assert value in text
    assert "amira@example.org" not in text


def test_the_code_may_be_typed_in_lower_case_with_dashes(client, certificate):
    assert page(client, code_display(certificate.code).lower()).status_code == 200


@pytest.mark.parametrize(
    ("action", "sentence"),
    [
        ("suspended", "This certificate is suspended"),
        ("revoked", "This certificate has been revoked"),
    ],
)
def test_a_suspended_or_revoked_certificate_says_so_with_its_date_and_reason(
    client, certificate, action, sentence
):
    services.certificate_status_change(
        certificate=certificate, action=action, actor=UserFactory(role="Administrator"),
        reason="Board finding 2026-17",
    )  # fmt: skip
    today = timezone.localdate().isoformat()

    text = page(client, certificate.code).content.decode()
    assert sentence in text
    assert "Board finding 2026-17" in text
    assert f"on {today}" in text
    assert api(client, certificate.code).json()["status"] == {
        "state": action, "since": today, "reason": "Board finding 2026-17",
    }  # fmt: skip


def test_an_expired_certificate_says_so_with_its_date(client, certificate):
    expired_on = timezone.localdate() - timedelta(days=3)
    Certificate.objects.filter(pk=certificate.pk).update(expires_on=expired_on)

    assert (
        "This certificate was genuine but has expired."
        in page(client, certificate.code).content.decode()
    )
    assert api(client, certificate.code).json()["status"] == {
        "state": "expired", "since": expired_on.isoformat(), "reason": "",
    }  # fmt: skip


def test_a_reinstated_certificate_is_active_again_and_says_why(client, certificate):
    administrator = UserFactory(role="Administrator")
    for action, reason in (("suspended", "Audit"), ("reinstated", "Audit closed")):
        services.certificate_status_change(
            certificate=certificate, action=action, actor=administrator, reason=reason
        )
    status = api(client, certificate.code).json()["status"]
    assert status["state"] == "active"
    assert status["reason"] == "Audit closed"


def test_the_api_returns_the_printed_fields_and_status(client, certificate):
    body = api(client, certificate.code).json()

    assert body["certificate"] == certificate.snapshot
    assert body["status"]["state"] == "active"


@pytest.mark.parametrize("code", ["ZZZZZZZZZZZZ", "not-a-code", "0000-0000-0000"])
def test_an_unknown_code_says_no_certificate_and_nothing_else(client, certificate, code):
    response = page(client, code)
    assert response.status_code == 404
    assert "No certificate with this code" in response.content.decode()
    assert certificate.snapshot["legal_name"] not in response.content.decode()
    assert api(client, code).status_code == 404
    assert api(client, code).json() == {"error": "No certificate with this code."}


def test_lookups_are_throttled_per_address(client, certificate, settings):
    settings.CERTIFICATE_LOOKUP_RATE = "3/m"

    statuses = [page(client, "ZZZZZZZZZZZZ").status_code for _ in range(3)]
    assert statuses == [404, 404, 404]
    assert page(client, certificate.code).status_code == 429
    assert api(client, certificate.code).status_code == 429
    assert "Too many requests" in api(client, certificate.code).json()["error"]


def upload(client, data: bytes, name="certificate.pdf"):
    return client.post(
        reverse("verify_pdf"), {"pdf": SimpleUploadedFile(name, data, "application/pdf")}
    )


def test_an_uploaded_pdf_is_authentic_altered_or_not_ours(client, certificate):
    issued = certificate.pdf.read()
    altered = bytearray(issued)
    altered[len(altered) // 2] ^= 0x01

    assert "Authentic" in upload(client, issued).content.decode()
    assert "Altered" in upload(client, bytes(altered)).content.decode()
    assert "Not ours" in upload(client, b"%PDF-1.7\n" + b"0" * 500).content.decode()


def test_the_pdf_api_gives_the_verdict(client, certificate):
    issued = certificate.pdf.read()
    url = reverse("api_verify_pdf")

    body = client.post(url, {"pdf": SimpleUploadedFile("c.pdf", issued)}).json()
    assert body["verdict"] == "authentic"
    assert body["certificate"]["serial"] == certificate.serial
    assert client.post(url, {}).status_code == 400


def test_an_oversized_upload_is_refused_with_a_clear_message(client, certificate):
    response = upload(client, b"%PDF-" + b"0" * (5 * 1024 * 1024 + 1))

    assert response.status_code == 400
    assert "larger than 5 MB" in response.content.decode()


def test_pdf_checks_are_throttled(client, certificate, settings):
    settings.CERTIFICATE_UPLOAD_RATE = "2/m"
    data = certificate.pdf.read()
    assert [upload(client, data).status_code for _ in range(3)] == [200, 200, 429]


def test_checking_without_a_file_asks_for_one(client):
    response = client.post(reverse("verify_pdf"), {})

    assert response.status_code == 400
    assert "Choose the certificate&#x27;s PDF file to check." in response.content.decode()
