"""Readiness: evidence measured against IC&RC, Pennsylvania CPS and California requirements."""

from datetime import date

import pytest

from assessments.models import Attestation
from certificates import readiness as selectors
from certificates.models import Credential, RequirementSet
from certificates.requirements_load import credentials_load
from tests.people.factories import UserFactory

from .conftest import FIXTURE, approved_hours, verify, verify_adult

pytestmark = pytest.mark.django_db


def results(trainee, requirement_set):
    evidence = selectors.evidence_for(user=trainee)
    return selectors.readiness(evidence=evidence, requirement_set=requirement_set)


def test_the_fixture_keeps_sources_and_never_invents_unknown_numbers(credentials):
    pa = Credential.objects.get(code="PA-CPS")

    assert pa.sources[0] == "https://www.pacertboard.org/cps"
    assert "supervised experience hours" in pa.unknown
    kinds = {r.kind for r in credentials["PA-CPS"].requirement_list if r.stage == "award"}
    assert "supervised_work" not in kinds
    assert "training_domain" not in kinds


def test_icrc_training_is_short_in_ethics_with_a_clear_message(credentials, training):
    trainee = UserFactory(role="Trainee")
    training(
        trainee,
        {"advocacy": 600, "mentoring-education": 600, "recovery-wellness": 600, "ethics": 660},
    )

    readiness = results(trainee, credentials["ICRC-PR"])

    by_label = {result.requirement.label: result for result in readiness.results}
    assert (
        by_label["Ethical responsibility"].summary
        == "Ethical responsibility: 11 of 16 hours; 5 to go"
    )
    assert by_label["Advocacy"].met
    assert (
        by_label["Training hours in total"].summary
        == "Training hours in total: 41 of 46 hours; 5 to go"
    )
    assert not readiness.training_met
    assert not readiness.met


def test_icrc_is_met_with_training_supervised_hours_and_attestations(credentials, training):
    trainee = UserFactory(role="Trainee")
    training(
        trainee,
        {"advocacy": 600, "communication-skills": 600, "whole-health": 600, "boundaries": 960},
    )
    approved_hours(
        trainee, {"one_to_one": 400 * 60, "group": 100 * 60, "supervision_received": 25 * 60}
    )
    verify(trainee, "external_exam", "diploma", "code_of_ethics")

    readiness = results(trainee, credentials["ICRC-PR"])

    assert readiness.training_met
    assert readiness.met, [r.summary for r in readiness.results if not r.met]


def test_supervision_received_does_not_count_as_supervised_work(credentials, training):
    trainee = UserFactory(role="Trainee")
    approved_hours(trainee, {"one_to_one": 475 * 60, "supervision_received": 50 * 60})

    by_label = {r.requirement.label: r for r in results(trainee, credentials["ICRC-PR"]).results}

    assert by_label["Supervised peer work (paid or volunteer)"].missing == 25


def test_pennsylvania_cps_needs_75_hours_and_three_attestations(credentials, training):
    trainee = UserFactory(role="Trainee")
    training(trainee, {"peer-support-foundations": 74 * 60})
    verify(trainee, "external_exam", "lived_experience", "diploma")
    verify_adult(trainee)
    verify(trainee, "work_experience", dated=date(2026, 6, 30), amount=12)

    short = results(trainee, credentials["PA-CPS"])
    assert not short.met
    assert [r.summary for r in short.results if not r.met and r.required] == [
        "Training hours in total: 74 of 75 hours; 1 to go"
    ]

    training(trainee, {"ethics": 60})
    assert results(trainee, credentials["PA-CPS"]).met


def test_california_needs_the_code_of_ethics_agreement(credentials, training):
    trainee = UserFactory(role="Trainee")
    training(trainee, {"recovery-wellness": 80 * 60})
    verify(trainee, "external_exam", "lived_experience", "diploma")
    verify_adult(trainee)

    readiness = results(trainee, credentials["CA-MCPSS"])
    assert readiness.training_met
    assert not readiness.met
    verify(trainee, "code_of_ethics")
    assert results(trainee, credentials["CA-MCPSS"]).met


def test_only_verified_attestations_count(credentials, training):
    trainee = UserFactory(role="Trainee")
    training(trainee, {"recovery-wellness": 80 * 60})
    Attestation.objects.create(
        trainee=trainee, kind="code_of_ethics", evidence="evidence/x.pdf", original_name="x.pdf"
    )

    by_label = {r.requirement.label: r for r in results(trainee, credentials["CA-MCPSS"]).results}

    assert not by_label["Code of Ethics agreement"].met


def test_evaluation_reads_evidence_in_a_fixed_number_of_queries(
    credentials, training, django_assert_max_num_queries
):
    small, large = UserFactory(role="Trainee"), UserFactory(role="Trainee")
    training(small, {"ethics": 60})
    for _ in range(20):
        training(large, {"ethics": 60, "advocacy": 30})
    approved_hours(large, {"one_to_one": 300 * 60, "group": 200 * 60})
    sets = selectors.requirement_sets_current()

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        [
            selectors.readiness(evidence=selectors.evidence_for(user=small), requirement_set=s)
            for s in sets
        ]
    with django_assert_max_num_queries(len(few)):
        [
            selectors.readiness(evidence=selectors.evidence_for(user=large), requirement_set=s)
            for s in sets
        ]


def test_loading_the_credentials_twice_changes_nothing(credentials):
    before = RequirementSet.objects.count(), Credential.objects.count()

    assert credentials_load(FIXTURE) == []
    assert (RequirementSet.objects.count(), Credential.objects.count()) == before


def test_an_edited_requirement_is_used_at_once_though_sets_are_kept_between_reads(
    credentials, django_assert_num_queries
):
    with django_assert_num_queries(0):
        selectors.requirement_sets_current()
    pa = next(s for s in selectors.requirement_sets_current() if s.credential.code == "PA-CPS")
    total = next(r for r in pa.requirement_list if r.kind == "training_total")
    total.hours = 80
    total.save()

    pa = next(s for s in selectors.requirement_sets_current() if s.credential.code == "PA-CPS")
    assert next(r.hours for r in pa.requirement_list if r.kind == "training_total") == 80
