import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.models import Attestation
from tests.people.factories import UserFactory
from tests.people.helpers import TOTP_SECRET, sign_in

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def upload(client, name="diploma.pdf", content=PDF, kind="diploma"):
    return client.post(
        reverse("assessments:my_evidence"),
        {"kind": kind, "detail": "Class of 2009", "evidence": SimpleUploadedFile(name, content)},
        follow=True,
    )


@pytest.fixture
def trainee(client, home_page):
    user = UserFactory(role="Trainee")
    sign_in(client, user)
    return user


def test_a_trainee_uploads_evidence_and_downloads_it_back(client, trainee):
    response = upload(client)

    assert "Uploaded. A trainer or administrator will review it." in response.text
    attestation = Attestation.objects.get()
    assert (attestation.trainee, attestation.status) == (trainee, "pending")
    download = client.get(reverse("assessments:evidence_file", args=[attestation.pk]))
    assert b"".join(download.streaming_content) == PDF
    assert download["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("diploma.exe", b"MZ...", "Upload a PDF, PNG or JPEG file."),
        ("diploma.pdf", b"<html>not a pdf</html>", "not a real PDF file"),
        ("photo.png", PDF, "not a real PNG file"),
        ("huge.pdf", PDF + b"0" * (10 * 1024 * 1024), "larger than 10 MB"),
    ],
)
def test_bad_uploads_are_refused_and_nothing_is_stored(client, trainee, name, content, message):
    response = upload(client, name=name, content=content)

    assert message in response.text
    assert not Attestation.objects.exists()


def test_evidence_is_private_to_its_trainee_and_reviewers(client, trainee):
    upload(client)
    attestation = Attestation.objects.get()
    url = reverse("assessments:evidence_file", args=[attestation.pk])

    client.logout()
    sign_in(client, UserFactory(role="Trainee"))
    assert client.get(url).status_code == 404
    client.logout()
    sign_in(client, UserFactory(role="Supervisor"))
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to sign in
    trainer = UserFactory(role="Trainer", totp_secret=TOTP_SECRET)
    sign_in(client, trainer, totp_secret=TOTP_SECRET)
    assert client.get(url).status_code == 200
    assert "/media/" not in attestation.evidence.path


def test_a_trainer_verifies_or_rejects_with_a_reason(client, trainee):
    upload(client)
    upload(client, name="ethics.pdf", kind="code_of_ethics")
    diploma, ethics = Attestation.objects.order_by("pk")
    client.logout()
    trainer = UserFactory(role="Trainer", totp_secret=TOTP_SECRET)
    sign_in(client, trainer, totp_secret=TOTP_SECRET)
    url = reverse("assessments:review_evidence")

    client.post(url, {"attestation": diploma.pk, "decision": "verify"})
    no_reason = client.post(url, {"attestation": ethics.pk, "decision": "reject"}, follow=True)
    assert "Say why the evidence is rejected" in no_reason.text
    client.post(url, {"attestation": ethics.pk, "decision": "reject", "note": "Unsigned page."})

    diploma.refresh_from_db()
    ethics.refresh_from_db()
    assert (diploma.status, diploma.reviewed_by) == ("verified", trainer)
    assert (ethics.status, ethics.review_note) == ("rejected", "Unsigned page.")


def test_trainees_cannot_review_evidence(client, trainee):
    upload(client)

    assert client.get(reverse("assessments:review_evidence")).status_code == 403
    response = client.post(
        reverse("assessments:review_evidence"),
        {"attestation": Attestation.objects.get().pk, "decision": "verify"},
    )
    assert response.status_code == 403
    assert Attestation.objects.get().status == "pending"


def test_proof_of_age_needs_the_date_of_birth_and_nothing_is_kept_without_it(client, trainee):
    refused = upload(client, kind="proof_of_age")

    assert refused.status_code == 400
    assert "Give the date this evidence shows." in refused.content.decode()
    assert not Attestation.objects.exists()

    client.post(
        reverse("assessments:my_evidence"),
        {
            "kind": "proof_of_age",
            "dated": "1990-05-17",
            "evidence": SimpleUploadedFile("licence.pdf", PDF),
        },
    )
    (kept,) = Attestation.objects.all()
    assert kept.dated.isoformat() == "1990-05-17"


def test_experience_needs_its_months_and_a_date_that_is_not_in_the_future(client, trainee):
    def experience(**values):
        return client.post(
            reverse("assessments:my_evidence"),
            {
                "kind": "work_experience",
                "evidence": SimpleUploadedFile("letter.pdf", PDF),
                **values,
            },
        ).content.decode()

    assert "Give the number of months." in experience(dated="2026-06-30")
    assert "That date is in the future." in experience(dated="2999-01-01", amount="12")
    assert not Attestation.objects.exists()
    experience(dated="2026-06-30", amount="12")
    assert Attestation.objects.get().amount == 12
