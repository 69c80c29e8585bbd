"""Rules: a requirement set evaluated against a person's evidence, for the award, for the
conditions of an initial award, or for a renewal. Arithmetic is in minutes; hours are only
how results are shown, and "met" is said only of what is met."""

from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from functools import lru_cache

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
    notes: tuple[str, ...] = ()
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
        return _months_before(occasion.on, requirement.window_months)
    return occasion.since


@lru_cache(maxsize=256)
def _months_before(day: date, months: int) -> date:
    return day - relativedelta(months=months)


def _required_minutes(requirement, parent, period_months: int | None) -> Decimal | None:
    hours = requirement_hours(requirement, parent)
    if hours is None:
        return None
    if requirement.per_year and period_months:
        hours = hours * period_months / 12
    return hours * MINUTES_PER_HOUR


def _training(
    requirement, parent, evidence: Evidence, occasion, set_name, period_months
) -> RequirementResult:
    topics = requirement.topic_ids if requirement.kind == TRAINING_DOMAIN else None
    modes = frozenset(requirement.modes) if requirement.modes else None
    since = _since(requirement, occasion)
    required = _required_minutes(requirement, parent, period_months)
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
            result.notes += (
                f"{hours_text(older / MINUTES_PER_HOUR)} h of your {what} is older than "
                f"{set_name}'s {window_words(requirement.window_months)} window.",
            )
    if modes is not None:
        words = modes_words(modes)
        otherwise = evidence.training_minutes_in(topics, since=since, until=until) - counted
        result.notes += (
            f"{set_name} asks {hours_text(required / MINUTES_PER_HOUR, ROUND_CEILING)} h "
            f"{words}: you have {hours_text(counted / MINUTES_PER_HOUR)} h {words}"
            + (
                f"; {hours_text(otherwise / MINUTES_PER_HOUR)} h of yours was delivered otherwise."
                if otherwise > 0
                else "."
            ),
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
            result.notes += (f"Verified so far: {amount:g} of {requirement.amount:g} {unit}.",)
    if not result.met and since is not None:
        older = [f for f in evidence.attested if f.kind == kind and f not in facts]
        if older:
            result.notes += (
                f"Evidence dated before {since:%Y-%m-%d} is outside the "
                f"{window_words(requirement.window_months)} window.",
            )
    return result


def _age(requirement, evidence: Evidence, occasion) -> RequirementResult:
    births = [f.dated for f in evidence.attested if f.kind == Attestation.Kind.PROOF_OF_AGE]
    if not births or births[0] is None:
        result = RequirementResult(requirement, False)
        result.notes += ("Upload proof of age; a reviewer checks it. It is never printed.",)
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
    period_months: int | None = None,
) -> RequirementResult:
    held = requirement.satisfied_by_codes & evidence.held_credentials
    if held:
        return RequirementResult(
            requirement, True, met_by=f"holding {', '.join(sorted(held))} (reciprocity)"
        )
    kind = requirement.kind
    if kind in TRAINING_KINDS:
        return _training(requirement, parent, evidence, occasion, set_name, period_months)
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
        required = _required_minutes(requirement, parent, period_months)
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


class TrackResult:
    """The requirements of one track (all of them, where the set has no tracks), judged
    together: met when every requirement is, a group of alternatives by any one."""

    __slots__ = (
        "track", "results", "_training", "_gaps", "_all", "_met", "_training_met", "_to_go",
    )  # fmt: skip

    def __init__(self, track: str, results: list, training: list, gaps: tuple, all_results):
        self.track, self.results, self._training, self._gaps = track, results, training, gaps
        # Every result of the evaluation: the tree of minimums names them by position.
        self._all = all_results
        self._met = self._training_met = self._to_go = None

    @property
    def met(self) -> bool:
        if self._met is None:
            self._met = bool(self.results) and groups_met(self.results)
        return self._met

    @property
    def training_results(self) -> list[RequirementResult]:
        return self._training

    @property
    def training_met(self) -> bool:
        if self._training_met is None:
            self._training_met = bool(self._training) and groups_met(self._training)
        return self._training_met

    @property
    def training_minutes_to_go(self) -> Decimal:
        if self._to_go is None:
            self._to_go = minutes_to_go(self._gaps, self._all)
        return self._to_go


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


ZERO = Decimal(0)


def _gap(node, results) -> Decimal:
    index, side_by_side, by_mode = node
    result = results[index]
    gap = ZERO if result.met else result.required_minutes - result.counted_minutes
    if side_by_side:
        total = ZERO
        for child in side_by_side:
            total += _gap(child, results)
        if total > gap:
            gap = total
    for child in by_mode:
        child_gap = _gap(child, results)
        if child_gap > gap:
            gap = child_gap
    return gap


def minutes_to_go(gaps: tuple, results: list[RequirementResult]) -> Decimal:
    """The fewest further minutes that could meet every hour requirement: a nested minimum
    counts inside its parent, so a parent lacks the larger of its own gap and what its
    children lack; minimums side by side lack the sum of their gaps. `gaps` is the plan's
    tree (see _plan): totals and limits by mode, and the minimums that stand alone."""
    totals, alone = gaps
    most = ZERO
    for node in alone:
        most += _gap(node, results)
    for node in totals:
        gap = _gap(node, results)
        if gap > most:
            most = gap
    return most


@dataclass(frozen=True)
class Plan:
    """What evaluating a set for one stage involves, worked out once per set: the
    requirements with their parents (and, for plain training minimums, the topics and minutes
    that decide them), and per track the results' positions and the tree of training
    minimums."""

    items: list
    tracks: list


def _plain_training(requirement, parent) -> tuple | None:
    """(topic ids or None for every topic, required minutes) for a training minimum that
    needs no date, mode, period or reciprocity to decide; None otherwise."""
    if (
        requirement.kind not in TRAINING_KINDS
        or requirement.modes
        or requirement.window_months
        or requirement.per_year
        or requirement.satisfied_by_codes
    ):
        return None
    required = _required_minutes(requirement, parent, None)
    if required is None:
        return None
    topics = requirement.topic_ids if requirement.kind == TRAINING_DOMAIN else None
    return topics, required


def _stands_alone(requirement) -> bool:
    return requirement.kind == TRAINING_DOMAIN and not requirement.modes


def _node(i: int, children: dict, items: list) -> tuple:
    kids = children.get(i, [])
    return (
        i,
        tuple(_node(k, children, items) for k in kids if not items[k][0].modes),
        tuple(_node(k, children, items) for k in kids if items[k][0].modes),
    )


def _plan(requirement_set: RequirementSet, stage: str, training_only: bool) -> Plan:
    plans = requirement_set.__dict__.setdefault("_readiness_plans", {})
    key = (stage, training_only)
    if key in plans:
        return plans[key]
    by_key = requirement_set.requirements_by_key
    items = []
    for r in requirement_set.requirement_list:
        if r.stage != stage or (training_only and r.kind not in TRAINING_KINDS):
            continue
        parent = by_key.get(r.parent_key) if r.parent_key else None
        items.append((r, parent, _plain_training(r, parent)))
    tracks = []
    for name in requirement_set.tracks or [""]:
        indices = [i for i, (r, _, _) in enumerate(items) if not r.track or r.track == name]
        training = [i for i in indices if items[i][0].kind in TRAINING_KINDS]
        position = {items[i][0].key: i for i in training if items[i][0].key}
        children: dict[int, list[int]] = {}
        roots = []
        for i in training:
            parent_key = items[i][0].parent_key
            if parent_key and parent_key in position:
                children.setdefault(position[parent_key], []).append(i)
            else:
                roots.append(i)

        alone = [i for i in roots if _stands_alone(items[i][0])]
        gaps = (
            tuple(_node(i, children, items) for i in roots if i not in alone),
            tuple(_node(i, children, items) for i in alone),
        )
        tracks.append((name, indices, training, gaps))
    plans[key] = Plan(items, tracks)
    return plans[key]


class Readiness:
    """A set's requirements of one stage measured against one person's evidence."""

    def __init__(self, requirement_set, results, evidence, occasion, *, complete=True, plan):
        self.requirement_set = requirement_set
        self.results = results
        self.evidence = evidence
        self.occasion = occasion
        # False when only the training requirements were evaluated (a cohort report).
        self.complete = complete
        self._plan = plan
        self._tracks = None
        self._track = None

    @property
    def tracks(self) -> list[TrackResult]:
        if self._tracks is None:
            results = self.results
            self._tracks = []
            whole = len(results)
            for name, indices, training, gaps in self._plan.tracks:
                self._tracks.append(
                    TrackResult(
                        name,
                        results if len(indices) == whole else [results[i] for i in indices],
                        results if len(training) == whole else [results[i] for i in training],
                        gaps,
                        results,
                    )
                )
        return self._tracks

    @property
    def track(self) -> TrackResult:
        """The track the person is closest to: the first met, else the fewest hours to go."""
        if self._track is None:
            tracks = self.tracks
            if len(tracks) == 1:
                self._track = tracks[0]
            else:
                self._track = min(
                    tracks,
                    key=lambda t: (not t.met, not t.training_met, t.training_minutes_to_go),
                )
        return self._track

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
    renewal; only the occasion differs. Callers evaluating many sets pass one occasion with
    its day, so that the day is read once."""
    if occasion is None or occasion.on is None:
        occasion = replace(occasion or Occasion(), on=timezone.localdate())
    plan = _plan(requirement_set, occasion.stage, training_only)
    period = occasion.period_months or requirement_set.renewal_months
    set_name = requirement_set.credential.code
    # Plain minimums are decided from all-time totals by topic, the common case, inline.
    plain_ok = occasion.since is None and occasion.until is None
    by_topic = evidence.training_minutes_by_topic
    results = []
    for requirement, parent, plain in plan.items:
        if plain is not None and plain_ok:
            topics, required = plain
            if topics is None:
                counted = evidence.training_minutes
            else:
                counted = sum(
                    (minutes for pk, minutes in by_topic.items() if pk in topics), Decimal(0)
                )
            results.append(RequirementResult(requirement, counted >= required, counted, required))
            continue
        results.append(
            requirement_evaluate(
                requirement,
                evidence,
                occasion=occasion,
                parent=parent,
                set_name=set_name,
                period_months=period,
            )
        )
    return Readiness(
        requirement_set, results, evidence, occasion, complete=not training_only, plan=plan
    )
