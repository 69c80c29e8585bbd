"""Rules: a requirement set evaluated against a person's evidence, for the award, for the
conditions of an initial award, or for a renewal. Arithmetic is in minutes; hours are only
how results are shown, and "met" is said only of what is met."""

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from functools import cached_property

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from assessments.models import Attestation, HoursEntry
from courses.models import DeliveryMode

from ..models import Requirement, RequirementSet, requirement_hours
from .evidence import Evidence

MINUTES_PER_HOUR = Decimal(60)
TENTH = Decimal("0.1")
Kind, Stage = Requirement.Kind, Requirement.Stage
# Plain strings, compared many thousand times in a cohort report.
TRAINING_TOTAL = Kind.TRAINING_TOTAL.value
TRAINING_DOMAIN = Kind.TRAINING_DOMAIN.value
TRAINING_KINDS = frozenset({TRAINING_TOTAL, TRAINING_DOMAIN})
SUPERVISION = HoursEntry.Activity.SUPERVISION_RECEIVED.value
# Supervised work counts every activity but supervision received, unless a requirement names some.
WORK_ACTIVITIES = tuple(a for a in HoursEntry.Activity.values if a != SUPERVISION)
MODE_WORDS = {
    frozenset({DeliveryMode.LIVE_ONLINE, DeliveryMode.FACE_TO_FACE}): "live",
    frozenset({DeliveryMode.FACE_TO_FACE}): "face to face",
    frozenset({DeliveryMode.LIVE_ONLINE}): "live online",
    frozenset({DeliveryMode.SELF_PACED}): "self-paced online",
}


def hours_text(value: Decimal, rounding=ROUND_FLOOR) -> str:
    """Hours to one decimal, rounded so that what is shown never overstates: counted hours
    round down and hours to go round up (959 of 960 minutes: "15.9 of 16; 0.1 to go")."""
    value = value.quantize(TENTH, rounding=rounding)
    return f"{value:f}".removesuffix(".0")


def window_words(months: int) -> str:
    if months % 12 == 0:
        years = months // 12
        return f"{years}-year" if years != 1 else "1-year"
    return f"{months}-month"


def modes_words(modes) -> str:
    modes = frozenset(modes)
    return MODE_WORDS.get(modes) or " or ".join(
        DeliveryMode(mode).label.lower() for mode in sorted(modes)
    )


@dataclass(slots=True)
class RequirementResult:
    requirement: Requirement
    met: bool
    counted_minutes: Decimal | None = None
    required_minutes: Decimal | None = None
    # What did not count and why, in words a trainee can act on.
    notes: list[str] = field(default_factory=list)
    # How the requirement was met otherwise, e.g. by holding a credential (reciprocity).
    met_by: str = ""

    @property
    def counted(self) -> Decimal | None:
        if self.counted_minutes is None:
            return None
        return self.counted_minutes / MINUTES_PER_HOUR

    @property
    def required(self) -> Decimal | None:
        if self.required_minutes is None:
            return None
        return self.required_minutes / MINUTES_PER_HOUR

    @property
    def missing_minutes(self) -> Decimal:
        if self.met or self.required_minutes is None or self.counted_minutes is None:
            return Decimal(0)
        return max(self.required_minutes - self.counted_minutes, Decimal(0))

    @property
    def missing(self) -> Decimal | None:
        if self.required_minutes is None:
            return None
        return self.missing_minutes / MINUTES_PER_HOUR

    @property
    def summary(self) -> str:
        """For example 'Ethical responsibility: 11 of 16 hours; 5 to go'."""
        label = self.requirement.label
        if self.met_by:
            return f"{label}: met by {self.met_by}"
        if self.required_minutes is None:
            return f"{label}: {'done' if self.met else 'not yet'}"
        counted, required = hours_text(self.counted), hours_text(self.required, ROUND_CEILING)
        if self.met:
            return f"{label}: {counted} of {required} hours; met"
        to_go = hours_text(self.missing, ROUND_CEILING)
        return f"{label}: {counted} of {required} hours; {to_go} to go"


@dataclass(frozen=True)
class Occasion:
    """What is evaluated and when: the stage, the day, the first day evidence counts from (the
    start of the cycle being renewed, or the initial award whose conditions are evaluated) and
    the length of the certification period in months (for hours asked per year)."""

    stage: str = Stage.AWARD.value
    on: date | None = None
    since: date | None = None
    period_months: int | None = None
    # The last day evidence counts on (an initial award's deadline); None: any day.
    until: date | None = None


def _since(requirement: Requirement, occasion: Occasion) -> date | None:
    """A window of its own counts back from the day of evaluation (Washington's suicide
    prevention every 6 years, whatever the cycle); otherwise the cycle or phase start."""
    if requirement.window_months:
        return occasion.on - relativedelta(months=requirement.window_months)
    return occasion.since


def _required_minutes(requirement, parent, occasion: Occasion) -> Decimal | None:
    hours = requirement_hours(requirement, parent)
    if hours is None:
        return None
    if requirement.per_year and occasion.period_months:
        hours = hours * occasion.period_months / 12
    return hours * MINUTES_PER_HOUR


def _training(requirement, parent, evidence: Evidence, occasion, set_name) -> RequirementResult:
    topics = requirement.topic_ids if requirement.kind == TRAINING_DOMAIN else None
    modes = frozenset(requirement.modes) if requirement.modes else None
    since = _since(requirement, occasion)
    required = _required_minutes(requirement, parent, occasion)
    until = occasion.until
    counted = evidence.training_minutes_in(topics, modes=modes, since=since, until=until)
    result = RequirementResult(requirement, counted >= required, counted, required)
    if result.met:
        return result
    what = requirement.label.lower() if topics is not None else "training"
    if requirement.window_months:
        older = (
            evidence.training_minutes_in(topics, modes=modes, since=occasion.since, until=until)
            - counted
        )
        if older > 0:
            result.notes.append(
                f"{hours_text(older / MINUTES_PER_HOUR)} h of your {what} is older than "
                f"{set_name}'s {window_words(requirement.window_months)} window."
            )
    if modes is not None:
        words = modes_words(modes)
        otherwise = evidence.training_minutes_in(topics, since=since, until=until) - counted
        result.notes.append(
            f"{set_name} asks {hours_text(required / MINUTES_PER_HOUR, ROUND_CEILING)} h "
            f"{words}: you have {hours_text(counted / MINUTES_PER_HOUR)} h {words}"
            + (
                f"; {hours_text(otherwise / MINUTES_PER_HOUR)} h of yours was delivered otherwise."
                if otherwise > 0
                else "."
            )
        )
    return result


def _attested(requirement, evidence: Evidence, occasion) -> RequirementResult:
    kind = requirement.attestation_kind
    since = _since(requirement, occasion) if requirement.window_months else None
    facts = [
        fact
        for fact in evidence.attested
        if fact.kind == kind and (since is None or (fact.dated and fact.dated >= since))
    ]
    if requirement.amount is None:
        result = RequirementResult(requirement, bool(facts))
    else:
        amount = sum((fact.amount or Decimal(0) for fact in facts), Decimal(0))
        result = RequirementResult(requirement, amount >= requirement.amount)
        if not result.met:
            unit = Attestation.AMOUNT_UNITS.get(kind, "")
            result.notes.append(f"Verified so far: {amount:g} of {requirement.amount:g} {unit}.")
    if not result.met and since is not None:
        older = [f for f in evidence.attested if f.kind == kind and f not in facts]
        if older:
            result.notes.append(
                f"Evidence dated before {since:%Y-%m-%d} is outside the "
                f"{window_words(requirement.window_months)} window."
            )
    return result


def _age(requirement, evidence: Evidence, occasion) -> RequirementResult:
    births = [f.dated for f in evidence.attested if f.kind == Attestation.Kind.PROOF_OF_AGE]
    if not births or births[0] is None:
        result = RequirementResult(requirement, False)
        result.notes.append("Upload proof of age; a reviewer checks it. It is never printed.")
        return result
    age = relativedelta(occasion.on, births[0]).years
    return RequirementResult(requirement, age >= requirement.min_age)


def requirement_evaluate(
    requirement: Requirement,
    evidence: Evidence,
    *,
    occasion: Occasion,
    parent: Requirement | None = None,
    set_name: str = "The board",
) -> RequirementResult:
    held = requirement.satisfied_by_codes & evidence.held_credentials
    if held:
        return RequirementResult(
            requirement, True, met_by=f"holding {', '.join(sorted(held))} (reciprocity)"
        )
    kind = requirement.kind
    if kind in TRAINING_KINDS:
        return _training(requirement, parent, evidence, occasion, set_name)
    if kind in (Kind.SUPERVISED_WORK, Kind.SUPERVISION_RECEIVED):
        if kind == Kind.SUPERVISION_RECEIVED:
            activities = (SUPERVISION,)
        else:
            activities = tuple(requirement.activities) or WORK_ACTIVITIES
        counted = Decimal(
            evidence.work_minutes_in(
                activities, since=_since(requirement, occasion), until=occasion.until
            )
        )
        required = _required_minutes(requirement, parent, occasion)
        return RequirementResult(requirement, counted >= required, counted, required)
    if kind == Kind.ATTESTATION:
        return _attested(requirement, evidence, occasion)
    if kind == Kind.MINIMUM_AGE:
        return _age(requirement, evidence, occasion)
    if kind == Kind.ASSESSMENT:
        score = evidence.quiz_scores.get(requirement.quiz_id)
        needed = (
            requirement.min_score
            if requirement.min_score is not None
            else requirement.quiz.pass_mark
        )
        return RequirementResult(requirement, score is not None and score >= needed)
    raise ValueError(f"Unknown kind of requirement: {kind}")


@dataclass
class TrackResult:
    track: str
    results: list[RequirementResult]

    @cached_property
    def met(self) -> bool:
        return bool(self.results) and groups_met(self.results)

    @cached_property
    def training_results(self) -> list[RequirementResult]:
        return [r for r in self.results if r.requirement.kind in TRAINING_KINDS]

    @cached_property
    def training_met(self) -> bool:
        return bool(self.training_results) and groups_met(self.training_results)

    @cached_property
    def training_minutes_to_go(self) -> Decimal:
        return minutes_to_go(self.training_results)


def groups_met(results: list[RequirementResult]) -> bool:
    """Every requirement met, where a group of alternatives is met by any one of them."""
    groups: dict[str, bool] = {}
    for result in results:
        group = result.requirement.group
        if group:
            groups[group] = groups.get(group, False) or result.met
        elif not result.met:
            return False
    return all(groups.values())


def minutes_to_go(results: list[RequirementResult]) -> Decimal:
    """The fewest further minutes that could meet every hour requirement: a nested minimum
    counts inside its parent, so a parent lacks the larger of its own gap and what its
    children lack; minimums side by side lack the sum of their gaps."""
    by_key = {r.requirement.key: r for r in results if r.requirement.key}
    children: dict[str, list[RequirementResult]] = {}
    roots = []
    for result in results:
        if result.required_minutes is None:
            continue
        parent_key = result.requirement.parent_key
        if parent_key and parent_key in by_key:
            children.setdefault(parent_key, []).append(result)
        else:
            roots.append(result)

    def gap(result: RequirementResult) -> Decimal:
        kids = children.get(result.requirement.key, []) if result.requirement.key else []
        side_by_side = sum((gap(kid) for kid in kids if not kid.requirement.modes), Decimal(0))
        by_mode = max((gap(kid) for kid in kids if kid.requirement.modes), default=Decimal(0))
        return max(result.missing_minutes, side_by_side, by_mode)

    totals = [gap(r) for r in roots if r.requirement.kind != TRAINING_DOMAIN or r.requirement.modes]
    domains = sum(
        (
            gap(r)
            for r in roots
            if r.requirement.kind == TRAINING_DOMAIN and not r.requirement.modes
        ),
        Decimal(0),
    )
    return max([domains, *totals])


@dataclass
class Readiness:
    requirement_set: RequirementSet
    results: list[RequirementResult]
    evidence: Evidence
    occasion: Occasion = field(default_factory=Occasion)
    # False when only the training requirements were evaluated (a cohort report).
    complete: bool = True

    @cached_property
    def tracks(self) -> list[TrackResult]:
        names = self.requirement_set.tracks or [""]
        return [
            TrackResult(
                name,
                [r for r in self.results if not r.requirement.track or r.requirement.track == name],
            )
            for name in names
        ]

    @cached_property
    def track(self) -> TrackResult:
        """The track the person is closest to: the first met, else the fewest hours to go."""
        return min(
            self.tracks,
            key=lambda t: (not t.met, not t.training_met, t.training_minutes_to_go),
        )

    @property
    def initial_results(self) -> list[RequirementResult]:
        """The results of the track shown (kept for the templates' sake)."""
        return self.track.results

    @property
    def training_results(self) -> list[RequirementResult]:
        return self.track.training_results

    @property
    def training_met(self) -> bool:
        return any(track.training_met for track in self.tracks)

    @property
    def met(self) -> bool:
        if not self.complete:
            raise ValueError("Only the training requirements were evaluated.")
        return any(track.met for track in self.tracks)

    @property
    def training_hours_to_go(self) -> Decimal | None:
        """None where the credential publishes no training hours."""
        if not self.track.training_results:
            return None
        return self.track.training_minutes_to_go / MINUTES_PER_HOUR


def readiness(
    *,
    evidence: Evidence,
    requirement_set: RequirementSet,
    occasion: Occasion | None = None,
    training_only: bool = False,
) -> Readiness:
    """The set's requirements of one stage (the award unless said otherwise) measured against
    the evidence. The same function serves the award, an initial award's conditions and a
    renewal; only the occasion differs."""
    occasion = occasion or Occasion()
    if occasion.on is None:
        occasion = replace(occasion, on=timezone.localdate())
    if occasion.period_months is None and requirement_set.renewal_months:
        occasion = replace(occasion, period_months=requirement_set.renewal_months)
    by_key = requirement_set.requirements_by_key
    set_name = requirement_set.credential.code
    results = []
    for requirement in requirement_set.requirement_list:
        if requirement.stage != occasion.stage:
            continue
        if training_only and requirement.kind not in TRAINING_KINDS:
            continue
        parent = by_key.get(requirement.parent_key) if requirement.parent_key else None
        results.append(
            requirement_evaluate(
                requirement, evidence, occasion=occasion, parent=parent, set_name=set_name
            )
        )
    return Readiness(requirement_set, results, evidence, occasion, complete=not training_only)
