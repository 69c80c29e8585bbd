"""Readiness: a trainee's evidence measured against a credential's requirements.

Evidence is read once per trainee in a fixed number of queries; evaluating it against any
number of requirement sets adds none.
"""

import time
import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from assessments import selectors as assessment_selectors
from assessments.models import Attestation, HoursEntry
from courses import selectors as course_selectors
from courses.models import Attendance, Enrolment, LessonProgress, LessonTopicCredit

from .codes import code_normalise
from .models import Certificate, CertificateProgram, Credential, Requirement, RequirementSet

HOUR = Decimal(60)


@dataclass
class Evidence:
    training_minutes_by_topic: dict[int, Decimal] = field(default_factory=dict)
    supervised_minutes_by_activity: dict[str, int] = field(default_factory=dict)
    verified_attestations: set[str] = field(default_factory=set)
    quiz_scores: dict[int, Decimal] = field(default_factory=dict)

    @cached_property
    def training_minutes(self) -> Decimal:
        return sum(self.training_minutes_by_topic.values(), Decimal(0))


def evidence_for_users(users) -> dict[int, Evidence]:
    """Everything readiness counts, by user id: credited training by topic, approved supervised
    hours by activity, verified attestations and the quiz results that count. `users` is a list
    of ids, or a queryset of users (filtered by subquery, which thousands of ids are not).
    Seven queries, or eight for a queryset, whatever the number of users or their records."""
    if isinstance(users, QuerySet):
        user_ids = users.values("pk")
        evidence = {pk: Evidence() for pk in users.values_list("pk", flat=True)}
    else:
        user_ids = list(users)
        evidence = {user_id: Evidence() for user_id in user_ids}
    training = course_selectors.credited_minutes_by_topic_for_users(user_ids)
    for user_id, by_topic in training.items():
        evidence[user_id].training_minutes_by_topic = by_topic
    for user_id, activity, total in (
        HoursEntry.objects.filter(trainee_id__in=user_ids, status=HoursEntry.Status.APPROVED)
        .values_list("trainee_id", "activity")
        .annotate(total=Sum("minutes"))
        .order_by()
    ):
        evidence[user_id].supervised_minutes_by_activity[activity] = total
    for user_id, kind in Attestation.objects.filter(
        trainee_id__in=user_ids, status=Attestation.Status.VERIFIED
    ).values_list("trainee_id", "kind"):
        evidence[user_id].verified_attestations.add(kind)
    for user_id, scores in assessment_selectors.counting_scores_for_users(user_ids).items():
        evidence[user_id].quiz_scores = scores
    return evidence


def evidence_for(*, user) -> Evidence:
    return evidence_for_users([user.pk])[user.pk]


@dataclass(slots=True)
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
        counted, required = hours_text(self.counted), hours_text(self.required)
        if self.met:
            return f"{label}: {counted} of {required} hours; met"
        return f"{label}: {counted} of {required} hours; {hours_text(self.missing)} to go"


def hours_text(value: Decimal) -> str:
    value = value.quantize(Decimal("0.1"))
    return f"{value:f}".removesuffix(".0")


def _minutes_in_topics(evidence: Evidence, requirement: Requirement) -> Decimal:
    by_topic = evidence.training_minutes_by_topic
    return sum((by_topic[pk] for pk in requirement.topic_ids if pk in by_topic), Decimal(0))


# Plain strings, compared many thousand times in a cohort report.
TRAINING_TOTAL = Requirement.Kind.TRAINING_TOTAL.value
TRAINING_DOMAIN = Requirement.Kind.TRAINING_DOMAIN.value
SUPERVISED_WORK = Requirement.Kind.SUPERVISED_WORK.value
SUPERVISION_RECEIVED = Requirement.Kind.SUPERVISION_RECEIVED.value
ATTESTATION = Requirement.Kind.ATTESTATION.value
ASSESSMENT = Requirement.Kind.ASSESSMENT.value
SUPERVISION = HoursEntry.Activity.SUPERVISION_RECEIVED.value
TRAINING_KINDS = frozenset({TRAINING_TOTAL, TRAINING_DOMAIN})
# Supervised work counts every activity but supervision received, unless a requirement names some.
WORK_ACTIVITIES = tuple(a for a in HoursEntry.Activity.values if a != SUPERVISION)


def requirement_evaluate(requirement: Requirement, evidence: Evidence) -> RequirementResult:
    kind = requirement.kind
    if kind == TRAINING_TOTAL:
        counted = evidence.training_minutes / HOUR
    elif kind == TRAINING_DOMAIN:
        counted = _minutes_in_topics(evidence, requirement) / HOUR
    elif kind == SUPERVISED_WORK:
        by_activity = evidence.supervised_minutes_by_activity
        activities = requirement.activities or WORK_ACTIVITIES
        counted = Decimal(sum(by_activity.get(a, 0) for a in activities)) / HOUR
    elif kind == SUPERVISION_RECEIVED:
        counted = Decimal(evidence.supervised_minutes_by_activity.get(SUPERVISION, 0)) / HOUR
    elif kind == ATTESTATION:
        return RequirementResult(
            requirement, requirement.attestation_kind in evidence.verified_attestations
        )
    elif kind == ASSESSMENT:
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
    evidence: Evidence
    # False when only the training requirements were evaluated (a cohort report).
    complete: bool = True

    @cached_property
    def initial_results(self) -> list[RequirementResult]:
        renewal = {
            Requirement.Kind.CONTINUING_EDUCATION,
            Requirement.Kind.CONTINUING_EDUCATION_TOPIC,
        }
        return [result for result in self.results if result.requirement.kind not in renewal]

    @cached_property
    def training_results(self) -> list[RequirementResult]:
        if not self.complete:  # only training requirements were evaluated
            return self.results
        return [result for result in self.results if result.requirement.kind in TRAINING_KINDS]

    @property
    def training_met(self) -> bool:
        results = self.training_results
        return bool(results) and all(result.met for result in results)

    @property
    def met(self) -> bool:
        if not self.complete:
            raise ValueError("Only the training requirements were evaluated.")
        results = self.initial_results
        return bool(results) and all(result.met for result in results)


REQUIREMENTS_VERSION_KEY = "certificates:requirements-version"
# Requirement sets change a few times a year and are read on every dashboard: each process
# keeps the current ones, and any change to a credential, set or requirement (signals.py)
# gives them a new version in the shared cache, which every process sees. Without a shared
# cache (development, no REDIS_URL) a process reads them again after KEPT_SECONDS at most.
KEPT_SECONDS = 60
_current_sets: dict[tuple[str, date], tuple[float, list[RequirementSet]]] = {}


def requirements_version() -> str:
    version = cache.get(REQUIREMENTS_VERSION_KEY)
    if version is None:
        cache.add(REQUIREMENTS_VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(REQUIREMENTS_VERSION_KEY)
    return version


def requirements_changed() -> None:
    cache.set(REQUIREMENTS_VERSION_KEY, uuid.uuid4().hex, None)


def requirement_sets_current(*, on: date | None = None, credential_id: int | None = None):
    """Each credential's requirement set in force on a date (or only the one credential's),
    with its requirements and their topics: three queries when they have changed, none
    otherwise."""
    on = on or timezone.localdate()
    key = (requirements_version(), on)
    read_at, sets = _current_sets.get(key, (0.0, None))
    if sets is None or time.monotonic() - read_at > KEPT_SECONDS:
        sets = _requirement_sets_in_force(on)
        _current_sets.clear()
        _current_sets[key] = (time.monotonic(), sets)
    if credential_id is not None:
        return [s for s in sets if s.credential_id == credential_id]
    return list(sets)


def _requirement_sets_in_force(on: date) -> list[RequirementSet]:
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
    for requirement_set in current.values():
        for requirement in requirement_set.requirement_list:
            requirement.topic_ids  # noqa: B018 - computed once, shared by every reader
    return list(current.values())


def readiness(
    *, evidence: Evidence, requirement_set: RequirementSet, training_only: bool = False
) -> Readiness:
    requirements = requirement_set.requirement_list
    if training_only:
        requirements = [r for r in requirements if r.kind in TRAINING_KINDS]
    return Readiness(
        requirement_set,
        [requirement_evaluate(requirement, evidence) for requirement in requirements],
        evidence,
        complete=not training_only,
    )


def readiness_across_credentials(*, user, on: date | None = None) -> list[Readiness]:
    evidence = evidence_for(user=user)
    return [
        readiness(evidence=evidence, requirement_set=s) for s in requirement_sets_current(on=on)
    ]


@dataclass
class Eligibility:
    """Whether a holder may be issued a program's certificate for a cycle, and why not."""

    eligible: bool
    reasons: list[str]
    requirement_set: RequirementSet | None = None
    readiness: Readiness | None = None
    hours_by_domain: list[tuple[str, Decimal]] = field(default_factory=list)
    hours_total: Decimal = Decimal(0)


def certificate_previous(*, program: CertificateProgram, holder, cycle: int) -> Certificate | None:
    if cycle <= 1:
        return None
    return Certificate.objects.filter(program=program, holder=holder, cycle=cycle - 1).first()


def program_eligibility(
    *, program: CertificateProgram, holder, cycle: int = 1, evidence: Evidence | None = None
) -> Eligibility:
    """The first award (cycle 1) asks for what the program attests; a renewal (cycle 2 and on)
    asks for the previous cycle's certificate in good standing and the continuing education
    its requirement set asks for, completed since that certificate was issued.

    `evidence` is the holder's, read beforehand with many others' (evidence_for_users) when
    issuing in bulk; it serves a first award of a credential's training."""
    if program.attests == CertificateProgram.Attests.COURSE:
        return _course_eligibility(program=program, holder=holder, cycle=cycle)
    requirement_set = next(
        iter(requirement_sets_current(credential_id=program.credential_id)), None
    )
    if requirement_set is None:
        return Eligibility(False, [f"{program.credential.name} has no requirements in force."])
    if cycle == 1:
        if evidence is None:
            evidence = evidence_for(user=holder)
        result = readiness(evidence=evidence, requirement_set=requirement_set)
        missing = [r.summary for r in result.training_results if not r.met]
        if not result.training_results:
            missing = [f"{program.credential.name} publishes no training hours to check."]
        return Eligibility(
            not missing,
            missing,
            requirement_set,
            result,
            [
                (r.requirement.label, r.counted)
                for r in result.training_results
                if r.requirement.kind == Requirement.Kind.TRAINING_DOMAIN
            ],
            result.evidence.training_minutes / HOUR,
        )
    return _renewal_eligibility(
        program=program, holder=holder, cycle=cycle, requirement_set=requirement_set
    )


def program_qualifiers(program: CertificateProgram) -> list[int]:
    """The ids of everyone with an open account who qualifies now for the program's first award
    and does not hold it: whoever completed its course, or whose training meets its
    credential's requirements.
    A fixed number of queries, whatever the number of people."""
    holders = Certificate.objects.filter(program=program, holder=OuterRef("pk"))
    people = (
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(legal_name__regex=r"^\s*$")
        .filter(~Exists(holders))
        .order_by("pk")
    )
    if program.attests == CertificateProgram.Attests.COURSE:
        completed = Enrolment.objects.filter(
            user=OuterRef("pk"), course_id=program.course_id, completed_at__isnull=False
        )
        return list(people.filter(Exists(completed)).values_list("pk", flat=True))
    requirement_set = next(
        iter(requirement_sets_current(credential_id=program.credential_id)), None
    )
    if requirement_set is None:
        return []
    trained = people.filter(
        Exists(
            LessonProgress.objects.filter(
                enrolment__user=OuterRef("pk"), completed_at__isnull=False
            )
        )
        | Exists(Attendance.objects.filter(user=OuterRef("pk"), minutes_attended__gt=0))
    )
    return [
        user_id
        for user_id, evidence in evidence_for_users(trained).items()
        # A first award of a credential's training reads only the evidence, not the holder.
        if program_eligibility(program=program, holder=None, evidence=evidence).eligible
    ]


def _course_eligibility(*, program, holder, cycle) -> Eligibility:
    enrolment = Enrolment.objects.filter(user=holder, course=program.course).first()
    if enrolment is None or enrolment.completed_at is None:
        return Eligibility(False, [f"{program.course.title} is not completed yet."])
    if cycle > 1:
        return Eligibility(False, ["A course certificate is awarded once."])
    completed = LessonProgress.objects.filter(enrolment=enrolment, completed_at__isnull=False)
    by_topic: dict[str, Decimal] = {}
    for name, minutes in LessonTopicCredit.objects.filter(
        lesson_id__in=completed.values("lesson_id")
    ).values_list("topic__name", "minutes"):
        by_topic[name] = by_topic.get(name, Decimal(0)) + Decimal(minutes) / HOUR
    return Eligibility(
        True,
        [],
        hours_by_domain=sorted(by_topic.items()),
        hours_total=sum(by_topic.values(), Decimal(0)),
    )


def _renewal_eligibility(*, program, holder, cycle, requirement_set) -> Eligibility:
    previous = certificate_previous(program=program, holder=holder, cycle=cycle)
    if previous is None:
        return Eligibility(False, ["There is no certificate from the previous cycle to renew."])
    if previous.status != Certificate.Status.ACTIVE:
        return Eligibility(
            False, [f"The previous certificate is {previous.get_status_display().lower()}."]
        )
    renewal = [
        r
        for r in requirement_set.requirement_list
        if r.kind
        in (Requirement.Kind.CONTINUING_EDUCATION, Requirement.Kind.CONTINUING_EDUCATION_TOPIC)
    ]
    if not renewal:
        return Eligibility(
            False, [f"{program.credential.name} publishes no continuing-education requirement."]
        )
    by_topic = {
        topic.pk: minutes
        for topic, minutes in course_selectors.credited_minutes_by_topic(
            user=holder, since=previous.issued_at
        ).items()
    }
    evidence = Evidence(training_minutes_by_topic=by_topic)
    results = []
    for requirement in renewal:
        if requirement.kind == Requirement.Kind.CONTINUING_EDUCATION:
            counted = evidence.training_minutes / HOUR
        else:
            counted = _minutes_in_topics(evidence, requirement) / HOUR
        results.append(
            RequirementResult(requirement, counted >= requirement.hours, counted, requirement.hours)
        )
    missing = [r.summary for r in results if not r.met]
    return Eligibility(
        not missing,
        missing,
        requirement_set,
        Readiness(requirement_set, results, evidence),
        [(r.requirement.label, r.counted) for r in results],
        evidence.training_minutes / HOUR,
    )


def certificate_by_code(code: str) -> Certificate | None:
    """The certificate with a code, with what its verification page shows, or None."""
    normalised = code_normalise(code)
    if normalised is None:
        return None
    return Certificate.objects.filter(code=normalised).first()


def today() -> date:
    return timezone.localdate()


def training_hours_to_go(result: Readiness) -> Decimal:
    """Hours of training still needed: the larger of what the total and the domains lack,
    since hours in a domain count towards the total too."""
    total = Decimal(0)
    domains = Decimal(0)
    for requirement_result in result.training_results:
        if requirement_result.requirement.kind == Requirement.Kind.TRAINING_TOTAL:
            total = max(total, requirement_result.missing)
        else:
            domains += requirement_result.missing
    return max(total, domains)


@dataclass
class CredentialStanding:
    readiness: Readiness
    hours_to_go: Decimal | None  # None: the credential publishes no training hours

    @property
    def credential(self) -> Credential:
        return self.readiness.requirement_set.credential


@dataclass
class Comparison:
    standings: list[CredentialStanding]

    @property
    def met(self) -> list[CredentialStanding]:
        return [s for s in self.standings if s.readiness.training_met]

    @property
    def measurable(self) -> list[CredentialStanding]:
        return [s for s in self.standings if s.hours_to_go is not None]

    @property
    def closest(self) -> CredentialStanding | None:
        short = [s for s in self.measurable if not s.readiness.training_met]
        return min(short, key=lambda s: s.hours_to_go, default=None)


def readiness_comparison(all_readiness: list[Readiness]) -> Comparison:
    standings = [
        CredentialStanding(r, training_hours_to_go(r) if r.training_results else None)
        for r in all_readiness
    ]
    return Comparison(standings)


@dataclass
class TraineeStanding:
    user: object
    comparison: Comparison


def readiness_for_users(users) -> list[TraineeStanding]:
    """Every trainee against every credential's current requirements: a cohort report. The
    number of queries does not grow with the number of trainees."""
    evidence = evidence_for_users(users if isinstance(users, QuerySet) else [u.pk for u in users])
    users = list(users)
    sets = requirement_sets_current()
    return [
        TraineeStanding(
            user,
            readiness_comparison(
                [
                    readiness(evidence=evidence[user.pk], requirement_set=s, training_only=True)
                    for s in sets
                ]
            ),
        )
        for user in users
    ]


def certificate_public(certificate: Certificate) -> dict:
    """What a verifier sees: the printed fields and the status, with its date and reason."""
    today = timezone.localdate()
    state = certificate.state_on(today)
    if state == "expired":
        status_on, reason = certificate.expires_on, ""
    elif state == Certificate.Status.ACTIVE:
        # Only a reinstatement leaves an active certificate with a reason.
        status_on = timezone.localdate(certificate.status_changed_at)
        reason = certificate.status_reason
    else:
        status_on = timezone.localdate(certificate.status_changed_at)
        reason = certificate.status_reason
    return {
        "certificate": certificate.snapshot,
        "status": {
            "state": state,
            "since": status_on.isoformat() if status_on else None,
            "reason": reason,
        },
    }
