"""Proof of age carries a date of birth: only the trainee and administrators see it, open its
file or review it. Trainers and lead trainers review every other kind of evidence."""

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.attestations import attestation_upload
from assessments.models import Attestation
from tests.people.factories import UserFactory
from tests.people.helpers import TOTP_SECRET, sign_in

from .builders import PDF

pytestmark = pytest.mark.django_db

QUEUE = reverse("assessments:review_evidence")


def signed_in(client, *roles):
    client.logout()
    person = UserFactory(role=roles[0], totp_secret=TOTP_SECRET)
    for role in roles[1:]:
        person.groups.add(Group.objects.get(name=role))
    sign_in(client, person, totp_secret=TOTP_SECRET)
    return person


@pytest.fixture
def trainee(home_page):
    return UserFactory(role="Trainee", legal_name="Ana Rodríguez")


@pytest.fixture
def proof_of_age(trainee):
    return attestation_upload(
        trainee=trainee, kind="proof_of_age", detail="Driving licence",
        upload=SimpleUploadedFile("licence.pdf", PDF), dated="1990-05-17",
    )  # fmt: skip


@pytest.fixture
def experience(trainee):
    return attestation_upload(
        trainee=trainee, kind="work_experience", detail="Letter from the recovery center",
        upload=SimpleUploadedFile("letter.pdf", PDF), dated="2026-06-30", amount=12,
    )  # fmt: skip


TRAINERS = [("Trainer",), ("Trainer", "Lead trainer")]


@pytest.mark.parametrize("roles", TRAINERS, ids=["trainer", "lead-trainer"])
def test_trainers_do_not_see_proof_of_age_in_the_queue_but_see_other_evidence_with_its_date(
    client, proof_of_age, experience, roles
):
    signed_in(client, *roles)

    queue = client.get(QUEUE).text

    assert "Proof of age" not in queue
    assert "licence.pdf" not in queue
    assert "1990" not in queue
    assert "Work or volunteer experience" in queue
    assert "30 June 2026" in queue
    assert "12 months" in queue


@pytest.mark.parametrize("roles", TRAINERS, ids=["trainer", "lead-trainer"])
def test_trainers_cannot_open_or_review_proof_of_age(client, proof_of_age, roles):
    signed_in(client, *roles)

    assert (
        client.get(reverse("assessments:evidence_file", args=[proof_of_age.pk])).status_code == 404
    )
    response = client.post(
        QUEUE, {"attestation": proof_of_age.pk, "decision": "verify"}, follow=True
    )

    assert "Nothing was changed" in response.text
    assert "1990" not in response.text
    proof_of_age.refresh_from_db()
    assert (proof_of_age.status, proof_of_age.reviewed_by) == ("pending", None)


def test_an_administrator_sees_the_date_of_birth_opens_the_file_and_verifies_it(
    client, proof_of_age
):
    administrator = signed_in(client, "Administrator")

    queue = client.get(QUEUE).text
    assert "Ana Rodríguez: Proof of age (date of birth)" in queue
    assert "Date of birth: 17 May 1990" in queue
    download = client.get(reverse("assessments:evidence_file", args=[proof_of_age.pk]))
    assert b"".join(download.streaming_content) == PDF
    client.post(QUEUE, {"attestation": proof_of_age.pk, "decision": "verify"})

    proof_of_age.refresh_from_db()
    assert (proof_of_age.status, proof_of_age.reviewed_by) == ("verified", administrator)


def test_the_trainee_sees_their_own_date_of_birth_and_other_trainees_see_nothing(
    client, trainee, proof_of_age
):
    sign_in(client, trainee)
    mine = client.get(reverse("assessments:my_evidence")).text
    assert "Date of birth: 17 May 1990" in mine
    assert "seen only by you and administrators" in mine

    signed_other = UserFactory(role="Trainee")
    client.logout()
    sign_in(client, signed_other)
    assert "1990" not in client.get(reverse("assessments:my_evidence")).text
    assert (
        client.get(reverse("assessments:evidence_file", args=[proof_of_age.pk])).status_code == 404
    )


def test_only_administrators_hold_the_proof_of_age_permission():
    holders = Group.objects.filter(permissions__codename="review_proof_of_age")

    assert list(holders.values_list("name", flat=True)) == ["Administrator"]


def test_the_review_service_refuses_proof_of_age_to_a_trainer(proof_of_age):
    from django.core.exceptions import ValidationError

    from assessments.attestations import attestation_review

    with pytest.raises(ValidationError, match="Only administrators review proof of age"):
        attestation_review(
            reviewer=UserFactory(role="Trainer"), attestation_id=proof_of_age.pk, verified=True
        )
    assert Attestation.objects.get().status == "pending"
