"""Reads for training done elsewhere."""

from datetime import date
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Prefetch, QuerySet

from courses.models import Enrolment

from .models import ExternalTraining, ExternalTrainingCredit

REVIEW_PERMISSION = "assessments.review_externaltraining"
# Whoever sees every cohort (lead trainers and administrators) reviews anyone's training.
REVIEW_ANYONE_PERMISSION = "courses.change_cohort"


class ExternalCredit(NamedTuple):
    """Minutes of verified training done elsewhere credited to one topic, dated by the day
    the training was completed."""

    topic_id: int
    minutes: Decimal
    completed_on: date
    mode: str
    training_id: int


def verified_external_credits_for_users(user_ids) -> dict[int, list[ExternalCredit]]:
    """Each user's credits from VERIFIED training done elsewhere, by user id; pending,
    rejected and withdrawn records never count. Users with none are absent. Each credit is a
    tuple (topic_id, minutes, completed_on, mode, training_id), in order of completion.
    One query, whatever the number of users."""
    credits: dict[int, list[ExternalCredit]] = {}
    rows = (
        ExternalTrainingCredit.objects.filter(
            training__trainee_id__in=user_ids,
            training__status=ExternalTraining.Status.VERIFIED,
        )
        .order_by("training__completed_on", "training_id", "topic_id")
        .values_list(
            "training__trainee_id",
            "topic_id",
            "minutes",
            "training__completed_on",
            "training__mode",
            "training_id",
        )
    )
    for user_id, topic_id, minutes, completed_on, mode, training_id in rows:
        credits.setdefault(user_id, []).append(
            ExternalCredit(topic_id, Decimal(minutes), completed_on, mode, training_id)
        )
    return credits


def _with_credits(trainings: QuerySet) -> QuerySet:
    return trainings.select_related("trainee", "reviewed_by").prefetch_related(
        Prefetch("credits", ExternalTrainingCredit.objects.select_related("topic"))
    )


def external_trainings_for_trainee(*, trainee) -> QuerySet:
    """Everything the trainee recorded, newest training first, with its credits. Two queries."""
    return _with_credits(ExternalTraining.objects.filter(trainee=trainee))


def external_trainings_reviewable(*, reviewer) -> QuerySet:
    """The records the reviewer may review, whatever their status: lead trainers and
    administrators review anyone's, a trainer those of trainees enrolled in a cohort they lead,
    nobody their own, and nobody without the review permission."""
    trainings = ExternalTraining.objects.exclude(trainee=reviewer)
    if not reviewer.has_perm(REVIEW_PERMISSION):
        return trainings.none()
    if reviewer.has_perm(REVIEW_ANYONE_PERMISSION):
        return trainings
    return trainings.filter(
        trainee_id__in=Enrolment.objects.filter(cohort__trainers=reviewer).values("user_id")
    )


def external_trainings_pending_for_reviewer(*, reviewer) -> QuerySet:
    """The records waiting for this reviewer's decision, oldest first, with their credits.
    Two queries."""
    return _with_credits(
        external_trainings_reviewable(reviewer=reviewer).filter(
            status=ExternalTraining.Status.PENDING
        )
    ).order_by("created_at", "pk")


def external_trainings_verified(*, trainee, since: date | None = None) -> list[dict]:
    """The trainee's verified training done elsewhere, as a certificate lists it: provider,
    title, completion date, how it was delivered and its hours (completed on or after
    `since`, if given). Two queries."""
    trainings = _with_credits(
        ExternalTraining.objects.filter(trainee=trainee, status=ExternalTraining.Status.VERIFIED)
    ).order_by("completed_on", "pk")
    if since is not None:
        trainings = trainings.filter(completed_on__gte=since)
    return [
        {
            "provider": training.provider,
            "title": training.title,
            "completed_on": training.completed_on.isoformat(),
            "mode": training.get_mode_display(),
            "minutes": sum(credit.minutes for credit in training.credits.all()),
        }
        for training in trainings
    ]
