"""Every number the reference publishes for a credential's training by domain or renewal by
topic is either a rule PeerCert enforces, or listed among what PeerCert does not check, with
its reason; and every credential's own renewal period and prerequisites decide its
evaluation, case by case."""

import re
from datetime import date
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta

from certificates import readiness
from certificates.readiness.evidence import AttestedFact, Evidence
from courses.models import Topic
from courses.selectors import TrainingCredit

from .test_credential_fixtures import BY_CODE, CODES, numbers_in, research

TODAY = date(2026, 12, 2)


def figures(code: str) -> set[Decimal]:
    """The numbers a credential's rules enforce: hours, amounts, ages, shares and windows (in
    years and months), the renewal period and the deadline of conditions."""
    (requirement_set,) = BY_CODE[code]["sets"]
    found = set()
    for item in requirement_set["requirements"]:
        for key in ("hours", "amount", "min_age", "share_percent", "window_months"):
            if key in item:
                found.add(Decimal(str(item[key])))
        if "window_months" in item:
            found.add(Decimal(item["window_months"]) / 12)
    for key in ("renewal_months", "conditions_within_months"):
        if key in requirement_set:
            found |= {Decimal(requirement_set[key]), Decimal(requirement_set[key]) / 12}
    return found


def unknown_figures(code: str) -> set[Decimal]:
    return {
        Decimal(figure)
        for entry in BY_CODE[code]["unknown"]
        for figure in re.findall(r"\d+(?:\.\d+)?", entry)
    }


@pytest.mark.parametrize("code", CODES)
def test_every_published_number_by_domain_or_topic_is_a_rule_or_an_unknown(code):
    published = research(code)
    missing = []
    for key in ("training_hours_by_domain", "renewal_ceu_by_topic"):
        for name, value in (published.get(key) or {}).items():
            for number in numbers_in(value):
                if number and number not in figures(code) | unknown_figures(code):
                    missing.append(f"{key}.{name}: {number}")

    assert missing == []


def renewal_cases():
    return [
        (entry["code"], entry["sets"][0]["renewal_months"])
        for entry in BY_CODE.values()
        if entry["sets"][0].get("renewal_months")
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(("code", "months"), renewal_cases())
def test_each_renewal_counts_the_hours_of_its_own_period_inside_the_cycle(
    credentials, code, months
):
    """The credential's continuing-education total, met to the minute inside the cycle, not
    one minute short, and not by hours dated before the cycle began."""
    requirement_set = credentials[code]
    total = next(
        r
        for r in requirement_set.requirement_list
        if r.stage == "renewal" and r.kind == "training_total" and not r.parent_key
    )
    required = total.hours * 60 * (Decimal(months) / 12 if total.per_year else 1)
    started = TODAY - relativedelta(months=months)
    topic = Topic.objects.get(slug="recovery-wellness").pk

    def renewal(minutes, day):
        evidence = Evidence(training=[TrainingCredit(topic, minutes, day, "self_paced")])
        occasion = readiness.Occasion(stage="renewal", on=TODAY, since=started)
        result = readiness.readiness(
            evidence=evidence, requirement_set=requirement_set, occasion=occasion
        )
        return next(r for r in result.results if r.requirement == total)

    inside = started + relativedelta(days=1)
    assert renewal(required, inside).met
    assert not renewal(required - 1, inside).met
    assert not renewal(required, started - relativedelta(days=1)).met


def age_cases():
    return [code for code in CODES if research(code)["min_age"]]


@pytest.mark.django_db
@pytest.mark.parametrize("code", age_cases())
def test_each_minimum_age_is_met_on_the_birthday_and_not_the_day_before(credentials, code):
    requirement = next(r for r in credentials[code].requirement_list if r.kind == "minimum_age")

    def aged(born):
        evidence = Evidence(attested=[AttestedFact("proof_of_age", born, None, "")])
        result = readiness.readiness(
            evidence=evidence,
            requirement_set=credentials[code],
            occasion=readiness.Occasion(on=TODAY),
        )
        return next(r for r in result.results if r.requirement == requirement).met

    eighteen = TODAY - relativedelta(years=research(code)["min_age"])
    assert aged(eighteen)
    assert not aged(eighteen + relativedelta(days=1))
    assert not readiness.readiness(
        evidence=Evidence(),
        requirement_set=credentials[code],
        occasion=readiness.Occasion(on=TODAY),
    ).met
