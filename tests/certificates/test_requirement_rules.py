"""The evaluator against hand-calculated cases for every published credential: thresholds to
the minute, windows, delivery modes, nesting, prerequisites, alternatives, tracks, an initial
award's conditions and renewals over each credential's own period. Evidence is built as the
evaluator receives it, so each case states exactly what the person has done."""

from datetime import date
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta

from certificates import readiness
from certificates.readiness.evidence import AttestedFact, Evidence, WorkCredit
from courses.models import Topic
from courses.selectors import TrainingCredit

from .conftest import FIXTURE

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 2)
SELF_PACED, LIVE, IN_PERSON = "self_paced", "live_online", "face_to_face"


@pytest.fixture
def sets(credentials):
    return credentials


@pytest.fixture
def topic():
    ids = dict(Topic.objects.values_list("slug", "pk"))
    return ids.__getitem__


def evaluate(requirement_set, evidence, **occasion):
    occasion.setdefault("on", TODAY)
    return readiness.readiness(
        evidence=evidence, requirement_set=requirement_set, occasion=readiness.Occasion(**occasion)
    )


def result(readiness_result, label):
    return next(r for r in readiness_result.results if r.requirement.label == label)


def trained(*credits) -> Evidence:
    """credits: (topic id, minutes, mode, day)."""
    return Evidence(
        training=[TrainingCredit(t, Decimal(m), on or TODAY, mode) for t, m, mode, on in credits]
    )


def training_requirements():
    """Every training requirement of every credential's award, by credential and label."""
    import tomllib

    with FIXTURE.open("rb") as handle:
        data = tomllib.load(handle)
    return [
        (entry["code"], item["label"])
        for entry in data["credentials"]
        for item in entry["sets"][0]["requirements"]
        if item["kind"] in ("training_total", "training_domain")
        and item.get("stage", "award") == "award"
        and "share_percent" not in item
    ]


@pytest.mark.parametrize(("code", "label"), training_requirements())
def test_each_training_minimum_is_met_at_its_minute_and_not_one_minute_short(sets, code, label):
    requirement_set = sets[code]
    requirement = next(r for r in requirement_set.requirement_list if r.label == label)
    required = requirement.hours * 60
    topic_id = min(requirement.topic_ids) if requirement.topic_ids else Topic.objects.first().pk
    mode = requirement.modes[0] if requirement.modes else SELF_PACED

    exactly = result(evaluate(requirement_set, trained((topic_id, required, mode, None))), label)
    short = result(evaluate(requirement_set, trained((topic_id, required - 1, mode, None))), label)

    assert exactly.met
    assert exactly.summary.endswith("; met")
    assert not short.met
    assert short.summary.endswith("; 0.1 to go")


def test_959_of_960_minutes_is_never_shown_as_16_hours(sets, topic):
    ethics = result(
        evaluate(sets["ICRC-PR"], trained((topic("ethics"), 959, SELF_PACED, None))),
        "Ethical responsibility",
    )

    assert ethics.summary == "Ethical responsibility: 15.9 of 16 hours; 0.1 to go"


def test_naadac_counts_only_training_within_6_years_and_says_what_is_too_old(sets, topic):
    evidence = trained(
        (topic("ethics"), 3 * 60, IN_PERSON, TODAY - relativedelta(years=7)),
        (topic("ethics"), 3 * 60, IN_PERSON, TODAY - relativedelta(years=5)),
    )

    ethics = result(evaluate(sets["NAADAC-NCPRSS"], evidence), "Ethics")

    assert ethics.counted == 3
    assert not ethics.met
    assert ethics.notes == ("3 h of your ethics is older than NAADAC-NCPRSS's 6-year window.",)


def test_naadac_asks_half_of_its_60_hours_face_to_face(sets, topic):
    online = trained((topic("peer-support-foundations"), 60 * 60, SELF_PACED, None))
    half = trained(
        (topic("peer-support-foundations"), 30 * 60, SELF_PACED, None),
        (topic("recovery-wellness"), 30 * 60, IN_PERSON, None),
    )
    label = "Face-to-face training (at least half)"

    refused = result(evaluate(sets["NAADAC-NCPRSS"], online), label)
    assert not refused.met
    assert refused.notes == (
        "NAADAC-NCPRSS asks 30 h face to face: you have 0 h face to face; "
        "60 h of yours was delivered otherwise.",
    )
    assert result(evaluate(sets["NAADAC-NCPRSS"], half), label).met


def test_ohio_asks_40_of_its_56_hours_live(sets, topic):
    evidence = trained(
        (topic("recovery-wellness"), 44 * 60, SELF_PACED, None),
        (topic("ethics"), 12 * 60, LIVE, None),
    )

    ohio = evaluate(sets["OH-CPRS"], evidence)

    assert result(ohio, "Training hours in total").met
    live = result(ohio, "Live, interactive training")
    assert not live.met
    assert live.notes[0].startswith("OH-CPRS asks 40 h live: you have 12 h live")
    assert not ohio.training_met


def test_a_nested_minimum_counts_inside_its_parent_and_the_gap_is_not_counted_twice(sets, topic):
    crpa = sets["NY-CRPA"]
    nothing = evaluate(crpa, Evidence())
    assert nothing.training_hours_to_go == 50

    evidence = trained(
        (topic("medication-supported-recovery"), 4 * 60, SELF_PACED, None),
        (topic("recovery-wellness"), 6 * 60, SELF_PACED, None),
    )
    some = evaluate(crpa, evidence)

    assert result(some, "Recovery and wellness support").met
    assert result(some, "Medication supported recovery").met
    assert some.training_hours_to_go == 40


def test_kentucky_needs_51_hours_by_topic_beside_40_classroom_hours(sets, topic):
    by_topic = [
        ("ethics", 16), ("domestic-violence", 3), ("hiv-bloodborne-pathogens", 2),
        ("advocacy", 10), ("mentoring-education", 10), ("recovery-wellness", 10),
    ]  # fmt: skip
    online = trained(*[(topic(slug), h * 60, SELF_PACED, None) for slug, h in by_topic])
    classroom = trained(*[(topic(slug), h * 60, IN_PERSON, None) for slug, h in by_topic])

    assert evaluate(sets["KY-TADPSS"], Evidence()).training_hours_to_go == 51
    assert not evaluate(sets["KY-TADPSS"], online).training_met
    assert evaluate(sets["KY-TADPSS"], classroom).training_met


def adult(born=date(1990, 5, 17)):
    return AttestedFact("proof_of_age", born, None, "")


def test_pennsylvania_asks_18_years_and_12_months_of_work_or_24_credits_within_3_years(sets):
    pa = sets["PA-CPS"]

    def prerequisites(*facts):
        met = evaluate(pa, Evidence(attested=list(facts)))
        return {
            r.requirement.label: r.met
            for r in met.results
            if r.requirement.kind != "training_total"
        }

    age = "At least 18 years old"
    work = "12 months of work or volunteer experience within the last 3 years"
    credits = "24 college credits within the last 3 years"
    assert prerequisites(adult(TODAY - relativedelta(years=17)))[age] is False
    assert prerequisites(adult(TODAY - relativedelta(years=18)))[age] is True
    assert prerequisites()[age] is False
    recent = AttestedFact("college_credits", TODAY - relativedelta(years=2), Decimal(24), "")
    stale = AttestedFact("college_credits", TODAY - relativedelta(years=4), Decimal(24), "")
    assert prerequisites(recent)[credits] is True
    assert prerequisites(stale)[credits] is False
    months = AttestedFact("work_experience", TODAY - relativedelta(months=1), Decimal(11), "")
    assert prerequisites(months)[work] is False


def test_an_alternative_meets_its_group(sets, topic):
    everything_but = [
        AttestedFact(kind, TODAY, None, "")
        for kind in ("external_exam", "lived_experience", "diploma")
    ] + [adult()]
    training = [
        TrainingCredit(topic("peer-support-foundations"), Decimal(75 * 60), TODAY, SELF_PACED)
    ]
    credits = AttestedFact("college_credits", TODAY, Decimal(24), "")

    without = evaluate(sets["PA-CPS"], Evidence(training=training, attested=everything_but))
    with_credits = evaluate(
        sets["PA-CPS"], Evidence(training=training, attested=[*everything_but, credits])
    )

    assert not without.met
    assert with_credits.met


def test_texas_awards_on_either_track_and_asks_its_250_hours_after_the_award(sets, topic):
    texas = sets["TX-PS"]
    facts = [
        AttestedFact(kind, TODAY, None, "")
        for kind in ("external_exam", "lived_experience", "diploma")
    ] + [adult()]
    mhps = Evidence(
        training=[
            TrainingCredit(topic("peer-support-foundations"), Decimal(3570), TODAY, SELF_PACED)
        ],
        attested=facts,
    )
    short = Evidence(
        training=[
            TrainingCredit(topic("peer-support-foundations"), Decimal(3569), TODAY, SELF_PACED)
        ],
        attested=facts,
    )

    award = evaluate(texas, mhps)
    assert award.met
    assert award.track.track == "MHPS"
    assert not evaluate(texas, short).met
    assert "supervised_work" not in {r.requirement.kind for r in award.results}


def test_an_initial_awards_conditions_are_met_pending_or_lapsed(sets):
    texas = sets["TX-PS"]
    awarded = date(2026, 3, 1)
    deadline = date(2026, 9, 1)

    def standing(hours_by_day, on):
        work = [WorkCredit("one_to_one", h * 60, day) for day, h in hours_by_day]
        return readiness.conditions_standing(
            requirement_set=texas, evidence=Evidence(work=work), awarded_on=awarded, on=on
        )

    met = standing([(date(2026, 8, 31), 250)], on=TODAY)
    assert (met.state, met.deadline) == ("met", deadline)
    assert standing([(date(2026, 5, 1), 249)], on=date(2026, 6, 1)).state == "pending"
    lapsed = standing([(date(2026, 5, 1), 200), (date(2026, 9, 2), 50)], on=TODAY)
    assert lapsed.state == "lapsed"
    assert standing([(date(2026, 2, 28), 250)], on=TODAY).state == "lapsed"


def test_a_three_year_new_york_renewal_asks_30_hours_not_10(sets, topic):
    nycps = sets["NY-NYCPS"]
    ten = trained((topic("recovery-wellness"), 10 * 60, SELF_PACED, date(2026, 6, 1)))
    thirty = trained((topic("recovery-wellness"), 30 * 60, SELF_PACED, date(2026, 6, 1)))
    renewal = {"stage": "renewal", "since": date(2024, 1, 1)}

    assert evaluate(nycps, ten, period_months=12, **renewal).met
    assert not evaluate(nycps, ten, period_months=36, **renewal).met
    assert evaluate(nycps, thirty, period_months=36, **renewal).met


def test_washington_suicide_prevention_counts_over_6_years_not_one_cycle(sets, topic):
    wa = sets["WA-CPS"]
    label = "Suicide prevention training every 6 years"
    renewal = {"stage": "renewal", "since": date(2025, 1, 1)}

    five_years_ago = trained((topic("suicide-prevention"), 180, SELF_PACED, date(2021, 12, 3)))
    seven_years_ago = trained((topic("suicide-prevention"), 180, SELF_PACED, date(2019, 12, 1)))

    assert result(evaluate(wa, five_years_ago, **renewal), label).met
    assert not result(evaluate(wa, seven_years_ago, **renewal), label).met


def test_continuing_education_counts_only_inside_the_cycle(sets, topic):
    before = trained((topic("ethics"), 20 * 60, SELF_PACED, date(2024, 12, 1)))
    inside = trained((topic("ethics"), 20 * 60, SELF_PACED, date(2025, 2, 1)))
    renewal = {"stage": "renewal", "since": date(2025, 1, 1)}

    assert not evaluate(sets["ICRC-PR"], before, **renewal).met
    assert evaluate(sets["ICRC-PR"], inside, **renewal).met


def test_holding_washingtons_credential_meets_oregons_training_by_reciprocity(sets):
    held = Evidence(
        attested=[AttestedFact("credential_held", TODAY, None, "WA-CPS")],
        held_credentials={"WA-CPS"},
    )

    total = result(evaluate(sets["OR-THW-PSS"], held), "Training hours in total")

    assert total.met
    assert total.summary == "Training hours in total: met by holding WA-CPS (reciprocity)"
