"""Training done elsewhere: a trainee records it with the certificate of completion, and a
trainer or administrator verifies or rejects it. Only verified records count."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .attestations import evidence_check
from .external_training_selectors import REVIEW_PERMISSION, external_trainings_reviewable
from .models import ExternalTraining, ExternalTrainingCredit


def _credits_check(credits: dict) -> dict[int, int]:
    """{topic_id: minutes} with whole, positive minutes, or a ValidationError on "credits"."""
    checked = {}
    for topic_id, minutes in credits.items():
        credit = ExternalTrainingCredit(topic_id=topic_id, minutes=minutes)
        try:
            credit.full_clean(exclude=["training"], validate_unique=False)
        except ValidationError as error:
            if "topic" in error.message_dict:
                raise ValidationError({"credits": "Choose topics from the list."}) from error
            raise ValidationError(
                {"credits": "Give each topic's hours as a positive number."}
            ) from error
        checked[credit.topic_id] = credit.minutes
    return checked


@transaction.atomic
def external_training_record(
    *,
    trainee,
    provider: str,
    title: str,
    started_on,
    completed_on,
    mode: str,
    credits: dict[int, int],
    upload,
) -> ExternalTraining:
    """Keep a trainee's training done elsewhere, waiting for review. `credits` maps topic ids
    to minutes. The certificate must be a PDF, PNG or JPEG (by its first bytes) of at most
    10 MB. Raises ValidationError (keyed by field, "credits" for the hours) and stores
    nothing, neither row nor file, when anything is wrong."""
    try:
        evidence_check(upload)
    except ValidationError as error:
        raise ValidationError({"certificate": error.message_dict["evidence"]}) from error
    training = ExternalTraining(
        trainee=trainee,
        provider=" ".join(provider.split()),
        title=" ".join(title.split()),
        started_on=started_on,
        completed_on=completed_on,
        mode=mode,
        original_name=Path(upload.name).name[:200],
    )
    training.minutes_by_topic = _credits_check(credits)
    training.full_clean(exclude=["certificate"])
    training.certificate.save(upload.name, upload, save=False)
    try:
        training.full_clean()
        training.save()
        ExternalTrainingCredit.objects.bulk_create(
            ExternalTrainingCredit(training=training, topic_id=topic_id, minutes=minutes)
            for topic_id, minutes in training.minutes_by_topic.items()
        )
    except Exception:
        training.certificate.delete(save=False)
        raise
    return training


@transaction.atomic
def external_training_withdraw(*, trainee, training_id: int) -> ExternalTraining:
    """The trainee takes back a record waiting for review or verified: a withdrawn record
    never counts, and cannot be restored (record it again instead). Raises
    ExternalTraining.DoesNotExist for another person's record and ValidationError when the
    record is already rejected or withdrawn."""
    training = ExternalTraining.objects.select_for_update().get(pk=training_id, trainee=trainee)
    if training.status not in (ExternalTraining.Status.PENDING, ExternalTraining.Status.VERIFIED):
        raise ValidationError(
            f"This record is {training.get_status_display().lower()}; only records waiting "
            "for review or verified can be withdrawn."
        )
    training.status = ExternalTraining.Status.WITHDRAWN
    training.full_clean()
    training.save(update_fields=["status"])
    return training


@transaction.atomic
def external_training_review(
    *, reviewer, training_id: int, verified: bool, note: str = ""
) -> ExternalTraining:
    """Verify or reject a record waiting for review. A rejection says why. Only holders of
    the review permission decide, never on their own training, and a trainer only for
    trainees in a cohort they lead (external_trainings_reviewable). Raises
    ValidationError and changes nothing otherwise, or when the record was already decided
    or withdrawn (two reviewers at once: the second is refused)."""
    if not reviewer.has_perm(REVIEW_PERMISSION):
        raise ValidationError("Only trainers and administrators review training done elsewhere.")
    training = ExternalTraining.objects.select_for_update().get(pk=training_id)
    if training.trainee_id == reviewer.pk:
        raise ValidationError("Nobody reviews their own training.")
    if not external_trainings_reviewable(reviewer=reviewer).filter(pk=training.pk).exists():
        raise ValidationError(
            "You review the training of trainees in the cohorts you lead; this trainee is not "
            "in one."
        )
    if training.status != ExternalTraining.Status.PENDING:
        raise ValidationError(
            f"This record is already {training.get_status_display().lower()}; only records "
            "waiting for review can be decided."
        )
    note = note.strip()
    if not verified and not note:
        raise ValidationError(
            {"note": "Say why the training is rejected, so the trainee can fix it."}
        )
    training.status = (
        ExternalTraining.Status.VERIFIED if verified else ExternalTraining.Status.REJECTED
    )
    training.reviewed_by = reviewer
    training.reviewed_at = timezone.now()
    training.review_note = note
    training.full_clean()
    training.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
    return training
