"""Reads for certificates awarded after a trainer approves (CertificateProgram.Issuing.APPROVAL):
who is waiting for an approval, and who may give it.

Who sees whom (the approvals list, and so who may approve):

- A trainer sees the trainees enrolled in a cohort they lead. For a course's certificate that
  is the trainee's enrolment in that course; for a credential's training certificate, any of
  the trainee's enrolments (all of their training counts towards it).
- Lead trainers and administrators, who may change any cohort (`courses.change_cohort`), see
  every trainee waiting, in a cohort or not. A trainee outside any cohort with a trainer
  (self-enrolled, or in a cohort nobody leads) waits for them alone.
- A trainer sees nobody else: not a self-enrolled trainee of a course their cohort takes, not
  another trainer's cohort, and is refused when they try to approve such a trainee.

The trainee's dashboard names the same people (ApprovalWaiting.awaited_text), so whoever it
names has the trainee on their list. Only a first award (cycle 1) waits for approval.
"""

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model

from courses.models import Cohort, Enrolment

from . import readiness
from .models import Certificate, CertificateProgram

if TYPE_CHECKING:
    from people.models import User

APPROVES_EVERYONE = "courses.change_cohort"


@dataclass(frozen=True)
class ApprovalWaiting:
    """A trainee who qualifies for a program's certificate and waits for someone to approve
    it. `cohorts` are the trainee's cohorts that bear on the program, with their trainers."""

    program: CertificateProgram
    trainee: "User"
    cohorts: tuple[Cohort, ...]

    @property
    def cohorts_with_trainers(self) -> list[Cohort]:
        return [cohort for cohort in self.cohorts if cohort.trainers.all()]

    def may_be_approved_by(self, approver) -> bool:
        if approver.has_perm(APPROVES_EVERYONE):
            return True
        return any(
            trainer.pk == approver.pk
            for cohort in self.cohorts
            for trainer in cohort.trainers.all()
        )

    @property
    def awaited_text(self) -> str:
        """What the trainee reads: what is waiting, and for whom."""
        program = self.program
        subject = program.credential.code if program.credential_id else program.course.title
        waiting = f"Your {program.title} for {subject} is waiting for approval by"
        cohorts = self.cohorts_with_trainers
        if not cohorts:
            return (
                f"{waiting} a lead trainer or an administrator: you are not in a cohort led "
                "by a trainer."
            )
        named = [
            f"{cohort.name} ({', '.join(t.get_full_name() for t in cohort.trainers.all())})"
            for cohort in cohorts
        ]
        if len(named) == 1:
            return f"{waiting} a trainer of your cohort {named[0]}."
        return f"{waiting} a trainer of one of your cohorts: {'; '.join(named)}."


def _programs() -> list[CertificateProgram]:
    return list(
        CertificateProgram.objects.filter(
            active=True, issuing=CertificateProgram.Issuing.APPROVAL
        ).select_related("course", "credential")
    )


def _bears_on(program: CertificateProgram, enrolment: Enrolment) -> bool:
    return program.course_id is None or program.course_id == enrolment.course_id


def _waiting(programs, candidates, *, evidence_by_user) -> list[ApprovalWaiting]:
    """Of the trainees with these enrolments (a queryset), those who qualify for a program and
    do not hold its certificate, with their cohorts that bear on it. Four queries."""
    by_user: dict[int, list[Enrolment]] = defaultdict(list)
    for enrolment in (
        Enrolment.objects.filter(user__in=candidates.values("user"), user__is_active=True)
        .select_related("user", "cohort__course")
        .prefetch_related("cohort__trainers")
    ):
        by_user[enrolment.user_id].append(enrolment)
    held = set(
        Certificate.objects.filter(
            program__in=programs, holder__in=candidates.values("user")
        ).values_list("program_id", "holder_id")
    )
    waiting = []
    for user_id, own in by_user.items():
        trainee = own[0].user
        for program in programs:
            if (program.pk, user_id) in held:
                continue
            bearing = [enrolment for enrolment in own if _bears_on(program, enrolment)]
            if program.course_id is not None:
                # A course's certificate: the course is completed (as program_eligibility asks).
                qualifies = any(enrolment.completed_at for enrolment in bearing)
            else:
                qualifies = readiness.program_eligibility(
                    program=program, holder=trainee, evidence=evidence_by_user[user_id]
                ).eligible
            if qualifies:
                cohorts = {e.cohort_id: e.cohort for e in bearing if e.cohort_id is not None}
                waiting.append(ApprovalWaiting(program, trainee, tuple(cohorts.values())))
    return sorted(waiting, key=lambda w: (w.trainee.legal_name, w.trainee.pk, w.program.title))


def approvals_waiting_for(*, approver, trainee=None) -> list[ApprovalWaiting]:
    """The trainees waiting for an approval that `approver` may give (see the module's
    docstring for who sees whom), or only `trainee` if given. A fixed number of queries,
    whatever the number of trainees."""
    programs = _programs()
    if not programs:
        return []
    candidates = Enrolment.objects.all()
    if trainee is not None:
        candidates = candidates.filter(user=trainee)
    if not approver.has_perm(APPROVES_EVERYONE):
        candidates = candidates.filter(cohort__trainers=approver)
    evidence_by_user = {}
    if any(program.credential_id for program in programs):
        evidence_by_user = readiness.evidence_for_users(
            get_user_model().objects.filter(is_active=True, pk__in=candidates.values("user"))
        )
    waiting = _waiting(programs, candidates, evidence_by_user=evidence_by_user)
    return [approval for approval in waiting if approval.may_be_approved_by(approver)]


def approvals_awaited(
    *, trainee, evidence: readiness.Evidence | None = None
) -> list[ApprovalWaiting]:
    """The certificates `trainee` qualifies for and waits to have approved, each with whom it
    waits for. `evidence` is the trainee's, if already read. A fixed number of queries."""
    programs = _programs()
    if not programs:
        return []
    if evidence is None and any(program.credential_id for program in programs):
        evidence = readiness.evidence_for(user=trainee)
    candidates = Enrolment.objects.filter(user=trainee)
    return _waiting(programs, candidates, evidence_by_user={trainee.pk: evidence})
