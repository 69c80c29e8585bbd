"""The rules a requirement set must keep, one case each: the admin, the spreadsheet import and
the fixture loader all ask these two functions."""

from decimal import Decimal

import pytest

from certificates.models import (
    Credential,
    Requirement,
    RequirementSet,
    requirement_errors,
    requirement_set_errors,
)


def requirement(kind="training_domain", topics=(), **values):
    made = Requirement(kind=kind, label=values.pop("label", kind), **values)
    made.pending_topic_ids = set(topics)
    return made


def total(**values):
    values = {"label": "Total", "key": "total", "hours": Decimal(40), **values}
    return requirement("training_total", **values)


def a_set(**values):
    return RequirementSet(credential=Credential(code="X"), version=1, **values)


@pytest.mark.parametrize(
    ("requirements", "set_values", "message"),
    [
        ([total(), requirement(label="Ethics", parent_key="total", hours=50, topics={1})], {},
         "Nested minimum larger than its parent: “Ethics” asks 50 hours inside “Total”"),
        ([total(), requirement(label="A", parent_key="total", hours=30, topics={1}),
          requirement(label="B", parent_key="total", hours=20, topics={2})], {},
         "Sub-minimums over the total: the minimums inside “Total” add up to 50 hours"),
        ([total(), requirement(label="A", parent_key="total", hours=5, topics={1, 2}),
          requirement(label="B", parent_key="total", hours=5, topics={2})], {},
         "“A” and “B” share topics, so an hour would count for both"),
        ([requirement(label="Ethics", key="ethics", hours=6, topics={1}),
          requirement(label="Law", parent_key="ethics", hours=2, topics={3})], {},
         "“Law” counts topics its parent “Ethics” does not."),
        ([requirement(label="Ethics", parent_key="nowhere", hours=6, topics={1})], {},
         "“Ethics” counts inside “nowhere”, which no requirement has as key."),
        ([requirement("attestation", label="Exam", key="exam", attestation_kind="external_exam"),
          requirement(label="Ethics", parent_key="exam", hours=6, topics={1})], {},
         "“Ethics” counts inside “Exam”, which asks for no hours."),
        ([total(), requirement("supervised_work", label="Work", parent_key="total", hours=5)], {},
         "“Work” and its parent “Total” count different things."),
        ([requirement(label="A", key="a", parent_key="b", hours=5, topics={1}),
          requirement(label="B", key="b", parent_key="a", hours=5, topics={1})], {},
         "“A” is nested inside itself."),
        ([total(), total(label="Again")], {}, "Two requirements have the key “total”"),
        ([requirement("attestation", label="Credits", attestation_kind="college_credits",
                      amount=24, group="either")], {},
         "The group “either” has one requirement: alternatives need two or more."),
        ([total(track="MHPS")], {}, "Only one track is named (“MHPS”)"),
        ([requirement("supervised_work", label="Work", hours=250, stage="condition")], {},
         "A phase without a deadline"),
        ([total()], {"conditions_within_months": 6},
         "A deadline for conditions, but no requirement is a condition."),
        ([total(stage="renewal")], {}, "Renewal requirements need the renewal period in months."),
    ],
)  # fmt: skip
def test_a_set_that_contradicts_itself_is_refused_naming_the_rule(
    requirements, set_values, message
):
    errors = requirement_set_errors(a_set(**set_values), requirements)

    assert any(error.startswith(message) for error in errors), errors


def test_a_set_whose_rules_agree_has_no_errors():
    requirements = [
        total(),
        requirement(label="Recovery", key="recovery", parent_key="total", hours=10, topics={1, 2}),
        requirement(label="Medication", parent_key="recovery", hours=4, topics={2}),
        requirement(label="Ethics", parent_key="total", hours=16, topics={3}),
        requirement("training_total", label="Live", parent_key="total", share_percent=50,
                    modes=["face_to_face"]),
        requirement("supervised_work", label="Work", hours=250, stage="condition"),
        total(label="Renewal", key="ce", hours=20, stage="renewal"),
    ]  # fmt: skip

    assert (
        requirement_set_errors(a_set(conditions_within_months=6, renewal_months=24), requirements)
        == []
    )


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"kind": "training_total"}, "hours", "A training_total requirement needs its hours."),
        ({"kind": "training_total", "hours": 10, "share_percent": 50, "parent_key": "x"},
         "share_percent", "Give hours or a share of the parent's hours, not both."),
        ({"kind": "training_total", "share_percent": 50}, "share_percent",
         "A share is a share of a parent's hours: name the parent."),
        ({"kind": "attestation", "attestation_kind": "diploma", "hours": 3}, "hours",
         "Attestation verified: no hours to give."),
        ({"kind": "training_total", "hours": 10, "modes": ["by_pigeon"]}, "modes",
         "Unknown delivery modes: by_pigeon."),
        ({"kind": "supervised_work", "hours": 10, "modes": ["face_to_face"]}, "modes",
         "Only training is delivered in a mode."),
        ({"kind": "attestation", "attestation_kind": "diploma", "amount": 2}, "amount",
         "Only experience and college-credit attestations have an amount."),
        ({"kind": "minimum_age"}, "min_age", "Give the minimum age."),
        ({"kind": "training_total", "hours": 10, "min_age": 18}, "min_age",
         "Only a minimum-age requirement has an age."),
        ({"kind": "training_total", "hours": 10, "per_year": True}, "per_year",
         "Only renewal hours are counted per year of the period."),
        ({"kind": "supervised_work", "hours": 10, "stage": "renewal"}, "stage",
         "A renewal asks for continuing education: training hours."),
        ({"kind": "training_total", "hours": 10, "key": "a", "parent_key": "a"}, "parent_key",
         "A requirement cannot count inside itself."),
        ({"kind": "minimum_age", "min_age": 18, "window_months": 12}, "window_months",
         "Minimum age: no window applies."),
    ],
)  # fmt: skip
def test_one_requirement_on_its_own_is_refused_with_the_field_and_reason(values, field, message):
    assert message in requirement_errors(Requirement(label="R", **values)).get(field, [])
