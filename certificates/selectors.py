"""Readiness: a trainee's evidence measured against a credential's requirements.

Evidence is read once per trainee in a fixed number of queries; evaluating it against any
number of requirement sets adds none.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch, Q, Sum
from django.utils import timezone

from assessments import selectors as assessment_selectors
from assessments.models import Attestation, HoursEntry
from courses import selectors as course_selectors

from .models import Credential, Requirement, RequirementSet

HOUR = Decimal(60)


@dataclass
class Evidence:
    training_minutes_by_topic: dict[int, Decimal] = field(default_factory=dict)
    supervised_minutes_by_activity: dict[str, int] = field(default_factory=dict)
    verified_attestations: set[str] = field(default_factory=set)
    quiz_scores: dict[int, Decimal] = field(default_factory=dict)

    @property
    def training_minutes(self) -> Decimal:
        return sum(self.training_minutes_by_topic.values(), Decimal(0))


def evidence_for(*, user) -> Evidence:
    """Everything readiness counts for one trainee: credited training by topic, approved
    supervised hours by activity, verified attestations and the quiz results that count."""
    by_topic = {
        topic.pk: minutes
        for topic, minutes in course_selectors.credited_minutes_by_topic(user=user).items()
    }
    supervised = dict(
        HoursEntry.objects.filter(trainee=user, status=HoursEntry.Status.APPROVED)
        .values_list("activity")
        .annotate(total=Sum("minutes"))
    )
    attestations = set(
        Attestation.objects.filter(trainee=user, status=Attestation.Status.VERIFIED).values_list(
            "kind", flat=True
        )
    )
    scores = assessment_selectors.counting_scores(user=user)
    return Evidence(by_topic, supervised, attestations, scores)


@dataclass
class RequirementResult:
    requirement: Requirement
    met: bool
    counted: Decimal | None = None
    required: Decimal | None = None

    @property
    def missing(self) -> Decimal | None:
        if self.required is None or self.counted is None:
            return None
        return max(self.required - self.counted, Decimal(0))

    @property
    def summary(self) -> str:
        """For example 'Ethical responsibility: 11 of 16 hours; 5 to go'."""
        label = self.requirement.label
        if self.required is None:
            return f"{label}: {'done' if self.met else 'not yet'}"
        counted, required = _hours(self.counted), _hours(self.required)
        if self.met:
            return f"{label}: {counted} of {required} hours; met"
        return f"{label}: {counted} of {required} hours; {_hours(self.missing)} to go"


def _hours(value: Decimal) -> str:
    value = value.quantize(Decimal("0.1"))
    return f"{value:f}".removesuffix(".0")


def requirement_evaluate(requirement: Requirement, evidence: Evidence) -> RequirementResult:
    kind = requirement.kind
    kinds = Requirement.Kind
    if kind == kinds.TRAINING_TOTAL:
        counted = evidence.training_minutes / HOUR
    elif kind == kinds.TRAINING_DOMAIN:
        topic_ids = [topic.pk for topic in requirement.topics.all()]
        counted = (
            sum((evidence.training_minutes_by_topic.get(pk, 0) for pk in topic_ids), Decimal(0))
            / HOUR
        )
    elif kind == kinds.SUPERVISED_WORK:
        activities = requirement.activities or [
            a for a in HoursEntry.Activity.values if a != HoursEntry.Activity.SUPERVISION_RECEIVED
        ]
        counted = (
            Decimal(sum(evidence.supervised_minutes_by_activity.get(a, 0) for a in activities))
            / HOUR
        )
    elif kind == kinds.SUPERVISION_RECEIVED:
        counted = (
            Decimal(
                evidence.supervised_minutes_by_activity.get(
                    HoursEntry.Activity.SUPERVISION_RECEIVED, 0
                )
            )
            / HOUR
        )
    elif kind == kinds.ATTESTATION:
        return RequirementResult(
            requirement, requirement.attestation_kind in evidence.verified_attestations
        )
    elif kind == kinds.ASSESSMENT:
        score = evidence.quiz_scores.get(requirement.quiz_id)
        needed = (
            requirement.min_score
            if requirement.min_score is not None
            else requirement.quiz.pass_mark
        )
        return RequirementResult(requirement, score is not None and score >= needed)
    else:
        # Continuing education is counted for renewals, against a certificate's cycle.
        return RequirementResult(requirement, False)
    return RequirementResult(requirement, counted >= requirement.hours, counted, requirement.hours)


@dataclass
class Readiness:
    requirement_set: RequirementSet
    results: list[RequirementResult]

    @property
    def initial_results(self) -> list[RequirementResult]:
        renewal = {
            Requirement.Kind.CONTINUING_EDUCATION,
            Requirement.Kind.CONTINUING_EDUCATION_TOPIC,
        }
        return [result for result in self.results if result.requirement.kind not in renewal]

    @property
    def training_results(self) -> list[RequirementResult]:
        training = {Requirement.Kind.TRAINING_TOTAL, Requirement.Kind.TRAINING_DOMAIN}
        return [result for result in self.results if result.requirement.kind in training]

    @property
    def training_met(self) -> bool:
        results = self.training_results
        return bool(results) and all(result.met for result in results)

    @property
    def met(self) -> bool:
        results = self.initial_results
        return bool(results) and all(result.met for result in results)


def requirement_sets_current(*, on: date | None = None):
    """Each credential's requirement set in force on a date, with its requirements and their
    topics, in three queries."""
    on = on or timezone.localdate()
    sets = (
        RequirementSet.objects.filter(effective_from__lte=on)
        .filter(Q(effective_until__isnull=True) | Q(effective_until__gt=on))
        .select_related("credential")
        .prefetch_related(
            Prefetch(
                "requirements",
                queryset=Requirement.objects.select_related("quiz").prefetch_related("topics"),
            )
        )
        .order_by("credential__jurisdiction", "credential__name", "-version")
    )
    current: dict[int, RequirementSet] = {}
    for requirement_set in sets:
        current.setdefault(requirement_set.credential_id, requirement_set)
    return list(current.values())


def readiness(*, evidence: Evidence, requirement_set: RequirementSet) -> Readiness:
    return Readiness(
        requirement_set,
        [
            requirement_evaluate(requirement, evidence)
            for requirement in requirement_set.requirements.all()
        ],
    )


def readiness_across_credentials(*, user, on: date | None = None) -> list[Readiness]:
    evidence = evidence_for(user=user)
    return [
        readiness(evidence=evidence, requirement_set=s) for s in requirement_sets_current(on=on)
    ]


def credentials_with_requirements():
    return Credential.objects.filter(requirement_sets__isnull=False).distinct()
