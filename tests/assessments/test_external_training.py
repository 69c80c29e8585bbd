"""Training done elsewhere: the rules for a record, who reviews it, withdrawal, and what counts."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from assessments import external_training as services
from assessments.external_training_selectors import verified_external_credits_for_users
from assessments.models import ExternalTraining, ExternalTrainingCredit
from courses import services as course_services
from courses.models import Cohort, Topic
from tests.people.factories import UserFactory

from .builders import PDF, certificate_file, external_training

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days_ago(days):
    return TODAY - timedelta(days=days)


@pytest.fixture
def trainee(db):
    return UserFactory(role="Trainee", legal_name="Ana Rodríguez")


def messages_of(error: ValidationError) -> list[str]:
    return [message for messages in error.message_dict.values() for message in messages]


def no_files_stored(settings) -> bool:
    folder = settings.PRIVATE_MEDIA_ROOT / "external"
    return not folder.exists() or not any(path.is_file() for path in folder.rglob("*"))


def test_a_trainee_records_training_with_its_certificate_and_it_waits_for_review(trainee):
    training = external_training(trainee, credits={"ethics": 360, "boundaries": 90})

    assert training.status == "pending"
    assert training.original_name == "certificate.pdf"
    assert training.certificate.read() == PDF
    assert sorted(training.credits.values_list("topic__slug", "minutes")) == [
        ("boundaries", 90),
        ("ethics", 360),
    ]


@pytest.mark.parametrize(
    ("fields", "credits", "upload", "message"),
    [
        (
            {"started_on": days_ago(-1), "completed_on": days_ago(-1)},
            {"ethics": 60},
            None,
            f"{days_ago(-1).day} {days_ago(-1):%B %Y} is in the future.",
        ),
        (
            {"started_on": days_ago(3), "completed_on": days_ago(-2)},
            {"ethics": 60},
            None,
            "is in the future.",
        ),
        (
            {"started_on": days_ago(3), "completed_on": days_ago(5)},
            {"ethics": 60},
            None,
            "The training cannot end",
        ),
        (
            {"started_on": days_ago(5), "completed_on": days_ago(5)},
            {"ethics": 600, "boundaries": 121},
            None,
            "(1 day) can credit at most 720 minutes (12 hours)",
        ),
        (
            {"started_on": days_ago(5), "completed_on": days_ago(4)},
            {"ethics": 1441},
            None,
            "(2 days) can credit at most 1440 minutes (24 hours), at 12 hours a day; these "
            "credits add up to 1441 minutes (24.02 hours).",
        ),
        ({}, {}, None, "Give the hours for at least one topic."),
        ({}, {"ethics": 0}, None, "Give each topic's hours as a positive number."),
        ({}, {"ethics": -30}, None, "Give each topic's hours as a positive number."),
        ({}, {"ethics": 60}, certificate_file("certificate.docx", b"PK\x03\x04"), "Upload a PDF, PNG or JPEG file."),
        ({}, {"ethics": 60}, certificate_file("certificate.pdf", b"<html>"), "not a real PDF file"),
        ({}, {"ethics": 60}, certificate_file("scan.jpg", PDF), "not a real JPG file"),
        ({"mode": "correspondence"}, {"ethics": 60}, None, "is not a valid choice"),
        ({"provider": "  "}, {"ethics": 60}, None, "This field cannot be blank."),
    ],
    ids=[
        "starts-and-ends-in-the-future",
        "ends-in-the-future",
        "ends-before-it-starts",
        "more-than-12-hours-in-one-day",
        "more-than-24-hours-in-two-days",
        "no-hours",
        "zero-hours",
        "negative-hours",
        "a-word-file",
        "not-really-a-pdf",
        "a-pdf-named-jpg",
        "unknown-mode",
        "no-provider",
    ],
)  # fmt: skip
def test_a_record_that_breaks_a_rule_is_refused_with_a_reason_and_nothing_is_stored(
    trainee, settings, fields, credits, upload, message
):
    with pytest.raises(ValidationError) as refused:
        external_training(trainee, credits=credits, upload=upload, **fields)

    assert any(message in text for text in messages_of(refused.value)), refused.value
    assert not ExternalTraining.objects.exists()
    assert not ExternalTrainingCredit.objects.exists()
    assert no_files_stored(settings)


def test_twelve_hours_a_day_both_ends_included_is_exactly_allowed(trainee):
    training = external_training(
        trainee,
        started_on=days_ago(6),
        completed_on=days_ago(4),
        credits={"ethics": 3 * 720 - 60, "boundaries": 60},
    )

    assert training.days == 3
    assert sum(training.credits.values_list("minutes", flat=True)) == 2160


def test_the_same_training_cannot_be_recorded_twice_while_it_counts_or_waits(trainee):
    first = external_training(trainee)

    with pytest.raises(ValidationError) as refused:
        external_training(trainee, title="ETHICS IN PEER WORK")
    assert "already recorded" in str(refused.value)

    services.external_training_withdraw(trainee=trainee, training_id=first.pk)
    again = external_training(trainee)
    assert again.status == "pending"


def test_an_unknown_topic_is_refused(trainee):
    with pytest.raises(ValidationError) as refused:
        services.external_training_record(
            trainee=trainee, provider="P", title="T", started_on=days_ago(2),
            completed_on=days_ago(2), mode="self_paced", credits={999_999: 60},
            upload=certificate_file(),
        )  # fmt: skip
    assert messages_of(refused.value) == ["Choose topics from the list."]
    assert not ExternalTraining.objects.exists()


@pytest.mark.parametrize(
    "change",
    [
        {"started_on": days_ago(1)},
        {"mode": "correspondence"},
        {"certificate": ""},
        {"status": "verified"},
        {"status": "rejected", "reviewed_at": timezone.now(), "reviewer": "administrator"},
        {"status": "verified", "reviewed_at": timezone.now(), "reviewer": "trainee"},
    ],
    ids=[
        "ends-before-it-starts",
        "unknown-mode",
        "no-certificate-and-not-imported",
        "verified-by-nobody",
        "rejected-without-a-reason",
        "verified-by-the-trainee",
    ],
)
def test_the_database_refuses_what_clean_refuses(trainee, change):
    training = external_training(trainee)
    people = {"trainee": trainee, "administrator": UserFactory(role="Administrator")}
    change = {
        ("reviewed_by" if name == "reviewer" else name): people[value]
        if name == "reviewer"
        else value
        for name, value in change.items()
    }

    with pytest.raises(IntegrityError), transaction.atomic():
        ExternalTraining.objects.filter(pk=training.pk).update(**change)


def test_the_database_refuses_a_credit_of_no_minutes(trainee):
    training = external_training(trainee)

    with pytest.raises(IntegrityError), transaction.atomic():
        ExternalTrainingCredit.objects.filter(training=training).update(minutes=0)


# Review


@pytest.fixture
def cohort(home_page, trainee):
    from tests.courses.builders import catalogue_under, two_module_course

    course, _ = two_module_course(catalogue_under(home_page))
    cohort = Cohort.objects.create(name="Spring 2027", course=course)
    course_services.enrolment_create(
        user=trainee, course=course, cohort=cohort, enrolled_by=UserFactory()
    )
    return cohort


@pytest.fixture
def their_trainer(cohort):
    trainer = UserFactory(role="Trainer")
    cohort.trainers.add(trainer)
    return trainer


def test_the_trainer_of_the_trainees_cohort_verifies_it(trainee, their_trainer):
    training = external_training(trainee)

    services.external_training_review(
        reviewer=their_trainer, training_id=training.pk, verified=True, note=""
    )

    training.refresh_from_db()
    assert (training.status, training.reviewed_by) == ("verified", their_trainer)
    assert training.reviewed_at is not None


def test_a_rejection_needs_a_reason_and_the_reason_reaches_the_trainee(trainee, their_trainer):
    training = external_training(trainee)

    with pytest.raises(ValidationError) as refused:
        services.external_training_review(
            reviewer=their_trainer, training_id=training.pk, verified=False, note="  "
        )
    assert refused.value.message_dict == {
        "note": ["Say why the training is rejected, so the trainee can fix it."]
    }
    training.refresh_from_db()
    assert training.status == "pending"

    services.external_training_review(
        reviewer=their_trainer,
        training_id=training.pk,
        verified=False,
        note="Certificate unsigned.",
    )
    training.refresh_from_db()
    assert (training.status, training.review_note) == ("rejected", "Certificate unsigned.")


@pytest.mark.parametrize(
    ("role", "message"),
    [
        ("Trainee", "Only trainers and administrators review training done elsewhere."),
        ("Supervisor", "Only trainers and administrators review training done elsewhere."),
        ("Certifier", "Only trainers and administrators review training done elsewhere."),
        ("Trainer", "this trainee is not in one"),
    ],
)
def test_only_the_trainees_trainers_and_lead_trainers_or_administrators_review(
    trainee, cohort, role, message
):
    training = external_training(trainee)

    with pytest.raises(ValidationError) as refused:
        services.external_training_review(
            reviewer=UserFactory(role=role), training_id=training.pk, verified=True
        )

    assert message in " ".join(refused.value.messages)
    training.refresh_from_db()
    assert training.status == "pending"


@pytest.mark.parametrize("role", ["Administrator", "Lead trainer"])
def test_administrators_and_lead_trainers_review_anyone(trainee, role):
    training = external_training(trainee)  # in no cohort at all
    reviewer = UserFactory(role=role)
    if role == "Lead trainer":
        reviewer.groups.add(*UserFactory(role="Trainer").groups.all())

    services.external_training_review(reviewer=reviewer, training_id=training.pk, verified=True)

    training.refresh_from_db()
    assert training.status == "verified"


def test_nobody_reviews_their_own_training(trainee, cohort, their_trainer):
    course_services.enrolment_create(
        user=their_trainer, course=cohort.course, cohort=cohort, enrolled_by=trainee
    )
    own = external_training(their_trainer)
    administrator = UserFactory(role="Administrator")
    administrator_own = external_training(administrator)

    for reviewer, training in ((their_trainer, own), (administrator, administrator_own)):
        with pytest.raises(ValidationError, match="Nobody reviews their own training."):
            services.external_training_review(
                reviewer=reviewer, training_id=training.pk, verified=True
            )
    assert set(ExternalTraining.objects.values_list("status", flat=True)) == {"pending"}


def test_a_decided_or_withdrawn_record_is_not_decided_again(trainee, their_trainer):
    training = external_training(trainee)
    services.external_training_review(
        reviewer=their_trainer, training_id=training.pk, verified=True
    )

    with pytest.raises(ValidationError, match="already verified"):
        services.external_training_review(
            reviewer=UserFactory(role="Administrator"), training_id=training.pk,
            verified=False, note="Second thoughts",
        )  # fmt: skip
    services.external_training_withdraw(trainee=trainee, training_id=training.pk)
    with pytest.raises(ValidationError, match="already withdrawn"):
        services.external_training_review(
            reviewer=their_trainer, training_id=training.pk, verified=True
        )


# Withdrawal


@pytest.mark.parametrize("decided", [None, "verified"])
def test_a_trainee_withdraws_a_pending_or_verified_record(trainee, decided):
    training = external_training(trainee)
    if decided:
        services.external_training_review(
            reviewer=UserFactory(role="Administrator"), training_id=training.pk, verified=True
        )

    services.external_training_withdraw(trainee=trainee, training_id=training.pk)

    training.refresh_from_db()
    assert training.status == "withdrawn"


def test_a_rejected_record_cannot_be_withdrawn_and_nobody_withdraws_anothers(trainee):
    training = external_training(trainee)
    services.external_training_review(
        reviewer=UserFactory(role="Administrator"), training_id=training.pk, verified=False,
        note="Not a peer support course.",
    )  # fmt: skip
    with pytest.raises(ValidationError, match="This record is rejected"):
        services.external_training_withdraw(trainee=trainee, training_id=training.pk)

    other = external_training(UserFactory(role="Trainee"))
    with pytest.raises(ExternalTraining.DoesNotExist):
        services.external_training_withdraw(trainee=trainee, training_id=other.pk)
    other.refresh_from_db()
    assert other.status == "pending"


# What counts


def test_only_verified_records_count_in_one_query(trainee, django_assert_num_queries):
    administrator = UserFactory(role="Administrator")
    other = UserFactory(role="Trainee")

    def recorded(person, title, *, decision=None, withdraw=False, **fields):
        training = external_training(person, title=title, **fields)
        if decision is not None:
            services.external_training_review(
                reviewer=administrator, training_id=training.pk, verified=decision,
                note="" if decision else "Unreadable.",
            )  # fmt: skip
        if withdraw:
            services.external_training_withdraw(trainee=person, training_id=training.pk)
        return training

    verified = recorded(
        trainee, "Counts", decision=True, mode="face_to_face",
        started_on=days_ago(10), completed_on=days_ago(9),
    )  # fmt: skip
    recorded(trainee, "Pending")
    recorded(trainee, "Rejected", decision=False)
    recorded(trainee, "Withdrawn", decision=True, withdraw=True)
    others = recorded(other, "Another trainee", decision=True, credits={"advocacy": 45})
    recorded(UserFactory(role="Trainee"), "Not asked for", decision=True)
    ethics, boundaries, advocacy = (
        Topic.objects.get(slug=slug).pk for slug in ("ethics", "boundaries", "advocacy")
    )

    with django_assert_num_queries(1):
        credits = verified_external_credits_for_users([trainee.pk, other.pk, administrator.pk])

    assert credits == {
        trainee.pk: sorted(
            [
                (ethics, Decimal(360), days_ago(9), "face_to_face", verified.pk),
                (boundaries, Decimal(240), days_ago(9), "face_to_face", verified.pk),
            ]
        ),
        other.pk: [(advocacy, Decimal(45), days_ago(6), "live_online", others.pk)],
    }
    assert credits[other.pk][0].minutes == Decimal(45)


def test_trainers_lead_trainers_and_administrators_hold_the_review_permission():
    from django.contrib.auth.models import Group

    holders = Group.objects.filter(
        permissions__codename="review_externaltraining",
        permissions__content_type__app_label="assessments",
    )
    assert set(holders.values_list("name", flat=True)) == {
        "Trainer",
        "Lead trainer",
        "Administrator",
    }
