"""Evidence: everything readiness counts, read for many people at once in a fixed number of
queries. Each piece keeps its date (for windows and renewal cycles) and, for training, how it
was delivered (for boards that ask for live or face-to-face hours)."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property

from django.db.models import QuerySet
from django.utils import timezone

from assessments import selectors as assessment_selectors
from assessments.external_training_selectors import verified_external_credits_for_users
from assessments.models import Attestation, HoursEntry
from courses import selectors as course_selectors
from courses.selectors import TrainingCredit

from ..models import Certificate, CertificateProgram


@dataclass(frozen=True, slots=True)
class WorkCredit:
    """Approved supervised minutes of one activity on one day."""

    activity: str
    minutes: int
    on: date


@dataclass(frozen=True, slots=True)
class AttestedFact:
    """A verified attestation: its kind, date and amount (see Attestation)."""

    kind: str
    dated: date | None
    amount: Decimal | None
    credential_code: str


@dataclass
class Evidence:
    training: list[TrainingCredit] = field(default_factory=list)
    work: list[WorkCredit] = field(default_factory=list)
    attested: list[AttestedFact] = field(default_factory=list)
    quiz_scores: dict[int, Decimal] = field(default_factory=dict)
    # Codes of the credentials held: certificates PeerCert issued and is still standing by,
    # and credentials held elsewhere that a reviewer verified.
    held_credentials: set[str] = field(default_factory=set)

    @cached_property
    def training_minutes_by_topic(self) -> dict[int, Decimal]:
        """All training, whenever and however delivered: the common case, read once."""
        totals: dict[int, Decimal] = defaultdict(Decimal)
        for credit in self.training:
            totals[credit.topic_id] += credit.minutes
        return dict(totals)

    @cached_property
    def training_minutes(self) -> Decimal:
        return sum(self.training_minutes_by_topic.values(), Decimal(0))

    @cached_property
    def work_minutes_by_activity(self) -> dict[str, int]:
        totals: dict[str, int] = defaultdict(int)
        for credit in self.work:
            totals[credit.activity] += credit.minutes
        return dict(totals)

    def training_minutes_in(
        self,
        topic_ids: frozenset[int] | None,
        *,
        modes: frozenset[str] | None = None,
        since: date | None = None,
        until: date | None = None,
    ) -> Decimal:
        """Minutes in these topics (None: every topic), delivered in these modes (None: any),
        completed from `since` to `until` inclusive (None: no bound)."""
        if modes is None and since is None and until is None:
            by_topic = self.training_minutes_by_topic
            if topic_ids is None:
                return self.training_minutes
            return sum((by_topic[pk] for pk in topic_ids if pk in by_topic), Decimal(0))
        return sum(
            (
                credit.minutes
                for credit in self.training
                if (topic_ids is None or credit.topic_id in topic_ids)
                and (modes is None or credit.mode in modes)
                and (since is None or credit.on >= since)
                and (until is None or credit.on <= until)
            ),
            Decimal(0),
        )

    def work_minutes_in(
        self, activities: tuple[str, ...], *, since: date | None = None, until: date | None = None
    ) -> int:
        if since is None and until is None:
            by_activity = self.work_minutes_by_activity
            return sum(by_activity.get(activity, 0) for activity in activities)
        return sum(
            credit.minutes
            for credit in self.work
            if credit.activity in activities
            and (since is None or credit.on >= since)
            and (until is None or credit.on <= until)
        )


def evidence_for_users(users, *, on: date | None = None) -> dict[int, Evidence]:
    """Everything readiness counts, by user id: credited training, approved supervised hours,
    verified attestations, the quiz results that count and the credentials held on `on`.
    `users` is a list of ids, or a queryset of users (filtered by subquery, which thousands of
    ids are not). Ten queries, or eleven for a queryset, whatever the number of users or their
    records."""
    on = on or timezone.localdate()
    if isinstance(users, QuerySet):
        user_ids = users.values("pk")
        evidence = {pk: Evidence() for pk in users.values_list("pk", flat=True)}
    else:
        user_ids = list(users)
        evidence = {user_id: Evidence() for user_id in user_ids}
    for user_id, credits in course_selectors.training_credits_for_users(user_ids).items():
        evidence[user_id].training = credits
    for user_id, credits in verified_external_credits_for_users(user_ids).items():
        # Verified training done elsewhere counts like PeerCert's, with its date and mode;
        # certificates list it apart (external_trainings_for_snapshot).
        evidence[user_id].training = [
            *evidence[user_id].training,
            *(TrainingCredit(c.topic_id, c.minutes, c.completed_on, c.mode) for c in credits),
        ]
    for user_id, activity, minutes, worked_on in HoursEntry.objects.filter(
        trainee_id__in=user_ids, status=HoursEntry.Status.APPROVED
    ).values_list("trainee_id", "activity", "minutes", "worked_on"):
        evidence[user_id].work.append(WorkCredit(activity, minutes, worked_on))
    for user_id, kind, dated, amount, code in Attestation.objects.filter(
        trainee_id__in=user_ids, status=Attestation.Status.VERIFIED
    ).values_list("trainee_id", "kind", "dated", "amount", "credential_code"):
        evidence[user_id].attested.append(AttestedFact(kind, dated, amount, code))
        if kind == Attestation.Kind.CREDENTIAL_HELD and code:
            evidence[user_id].held_credentials.add(code)
    for user_id, scores in assessment_selectors.counting_scores_for_users(user_ids).items():
        evidence[user_id].quiz_scores = scores
    standing = Certificate.objects.filter(
        holder_id__in=user_ids,
        status=Certificate.Status.ACTIVE,
        program__attests=CertificateProgram.Attests.CREDENTIAL,
    ).exclude(expires_on__lt=on)
    for user_id, code in standing.values_list("holder_id", "program__credential__code"):
        evidence[user_id].held_credentials.add(code)
    return evidence


def evidence_for(*, user, on: date | None = None) -> Evidence:
    return evidence_for_users([user.pk], on=on)[user.pk]
