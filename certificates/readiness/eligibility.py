"""Eligibility: whether a certificate program may be issued to a holder, and how people stand
against every credential (the dashboard, cohort reports, the issuing sweep)."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from courses.models import Attendance, Enrolment, LessonProgress, LessonTopicCredit

from ..models import Certificate, CertificateProgram, Credential, RequirementSet
from ..selectors import certificate_previous
from .evidence import Evidence, evidence_for, evidence_for_users
from .rules import MINUTES_PER_HOUR, Occasion, Readiness, Stage, readiness
from .sets import requirement_set_current, requirement_sets_current


@dataclass
class Eligibility:
    """Whether a holder may be issued a program's certificate for a cycle, and why not."""

    eligible: bool
    reasons: list[str]
    requirement_set: RequirementSet | None = None
    readiness: Readiness | None = None
    hours_by_domain: list[tuple[str, Decimal]] = field(default_factory=list)
    hours_total: Decimal = Decimal(0)


def program_eligibility(
    *, program: CertificateProgram, holder, cycle: int = 1, evidence: Evidence | None = None
) -> Eligibility:
    """The first award (cycle 1) asks for what the program attests: a completed course, a
    credential's training requirements, or every requirement of a credential's award. A
    renewal (cycle 2 and on) asks for the previous cycle's certificate in good standing and
    the continuing education its requirement set asks for, dated inside the cycle.

    `evidence` is the holder's, read beforehand with many others' (evidence_for_users) when
    issuing in bulk; it serves a first award of a credential."""
    if program.attests == CertificateProgram.Attests.COURSE:
        return _course_eligibility(program=program, holder=holder, cycle=cycle)
    requirement_set = requirement_set_current(credential_id=program.credential_id)
    if requirement_set is None:
        return Eligibility(False, [f"{program.credential.name} has no requirements in force."])
    if cycle > 1:
        return _renewal_eligibility(
            program=program, holder=holder, cycle=cycle, requirement_set=requirement_set
        )
    if evidence is None:
        evidence = evidence_for(user=holder)
    result = readiness(evidence=evidence, requirement_set=requirement_set)
    track = result.track
    if program.attests == CertificateProgram.Attests.CREDENTIAL:
        missing = [r.summary for r in track.results if not r.met]
        if not track.results:
            missing = [f"{program.credential.name} publishes no requirements to check."]
        eligible = result.met
    else:
        missing = [r.summary for r in track.training_results if not r.met]
        if not track.training_results:
            missing = [f"{program.credential.name} publishes no training hours to check."]
        eligible = result.training_met
    return Eligibility(
        eligible,
        [] if eligible else missing,
        requirement_set,
        result,
        [
            (r.requirement.label, r.counted)
            for r in track.training_results
            if r.requirement.kind != "training_total"
        ],
        evidence.training_minutes / MINUTES_PER_HOUR,
    )


def program_qualifiers(program: CertificateProgram) -> list[int]:
    """The ids of everyone with an open account who qualifies now for the program's first award
    and does not hold it: whoever completed its course, or whose evidence meets its
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
    if requirement_set_current(credential_id=program.credential_id) is None:
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
        # A first award of a credential reads only the evidence, not the holder.
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
        by_topic[name] = by_topic.get(name, Decimal(0)) + Decimal(minutes) / MINUTES_PER_HOUR
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
    # The cycle's continuing education counts from the day after the previous certificate was
    # issued: what was done on that day may have counted for it, and counts once.
    since = timezone.localdate(previous.issued_at) + timedelta(days=1)
    occasion = Occasion(
        stage=Stage.RENEWAL.value,
        on=timezone.localdate(),
        since=since,
        period_months=program.valid_for_months or requirement_set.renewal_months,
    )
    evidence = evidence_for(user=holder)
    result = readiness(evidence=evidence, requirement_set=requirement_set, occasion=occasion)
    if not result.results:
        return Eligibility(
            False, [f"{program.credential.name} publishes no continuing-education requirement."]
        )
    track = result.track
    missing = [r.summary for r in track.results if not r.met]
    return Eligibility(
        not missing,
        missing,
        requirement_set,
        result,
        [(r.requirement.label, r.counted) for r in track.results if r.counted is not None],
        evidence.training_minutes_in(None, since=since) / MINUTES_PER_HOUR,
    )


@dataclass
class ConditionsStanding:
    """Where an initial (provisional) award stands against its conditions: met, pending until
    its deadline, or lapsed on it."""

    readiness: Readiness
    deadline: date
    state: str  # "met", "pending" or "lapsed"


def conditions_standing(
    *, requirement_set: RequirementSet, evidence: Evidence, awarded_on: date, on: date
) -> ConditionsStanding:
    """The conditions of an initial award made on `awarded_on`, counting only evidence from
    that day to the deadline (Texas: 250 supervised hours within 6 months)."""
    deadline = awarded_on + relativedelta(months=requirement_set.conditions_within_months or 0)
    occasion = Occasion(
        stage=Stage.CONDITION.value, on=min(on, deadline), since=awarded_on, until=deadline
    )
    result = readiness(evidence=evidence, requirement_set=requirement_set, occasion=occasion)
    if result.met:
        state = "met"
    elif on > deadline:
        state = "lapsed"
    else:
        state = "pending"
    return ConditionsStanding(result, deadline, state)


def readiness_across_credentials(*, user, on=None) -> list[Readiness]:
    on = on or timezone.localdate()
    evidence = evidence_for(user=user, on=on)
    occasion = Occasion(on=on)
    return [
        readiness(evidence=evidence, requirement_set=s, occasion=occasion)
        for s in requirement_sets_current(on=on)
    ]


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
    return Comparison([CredentialStanding(r, r.training_hours_to_go) for r in all_readiness])


@dataclass
class TraineeStanding:
    user: object
    comparison: Comparison


def readiness_for_users(users) -> list[TraineeStanding]:
    """Every trainee against every credential's current training requirements: a cohort
    report. The number of queries does not grow with the number of trainees."""
    evidence = evidence_for_users(users if isinstance(users, QuerySet) else [u.pk for u in users])
    users = list(users)
    sets = requirement_sets_current()
    occasion = Occasion(on=timezone.localdate())
    return [
        TraineeStanding(
            user,
            readiness_comparison(
                [
                    readiness(
                        evidence=evidence[user.pk],
                        requirement_set=s,
                        occasion=occasion,
                        training_only=True,
                    )
                    for s in sets
                ]
            ),
        )
        for user in users
    ]
