"""Supervised hours: the rules an entry keeps, and the supervisor's workflow."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from assessments import hours
from assessments.models import HoursEntry
from courses.models import Topic
from tests.people.factories import UserFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 20)


@pytest.fixture
def people():
    trainee = UserFactory(role="Trainee")
    supervisor = UserFactory(role="Supervisor")
    trainer = UserFactory(role="Trainer")
    hours.supervision_assign(
        trainee=trainee,
        supervisor=supervisor,
        credential="CPRS, 4 years supervising peers",
        program_started_on=date(2026, 9, 1),
        assigned_by=trainer,
    )
    return trainee, supervisor, trainer


def entry_data(**overrides):
    data = {
        "worked_on": TODAY - timedelta(days=1),
        "minutes": 90,
        "activity": "one_to_one",
        "setting": "community",
        "description": "Met at the recovery centre to work on a wellness plan.",
        "topics": [Topic.objects.get(slug="recovery-wellness")],
    }
    data.update(overrides)
    return data


def log(trainee, *, submit=False, **overrides):
    return hours.hours_entry_save(
        trainee=trainee, data=entry_data(**overrides), submit=submit, today=TODAY
    )


def refused(trainee, field, **overrides):
    with pytest.raises(ValidationError) as error:
        log(trainee, **overrides)
    return " ".join(error.value.message_dict.get(field, []))


def test_a_trainee_logs_and_submits_an_entry_to_their_supervisor(people):
    trainee, supervisor, _ = people

    entry = log(trainee, submit=True)

    assert entry.status == "submitted"
    assert entry.supervisor == supervisor
    assert [event.action for event in entry.events.all()] == ["created", "submitted"]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"worked_on": TODAY + timedelta(days=1)}, "worked_on", "future date"),
        (
            {"worked_on": date(2026, 8, 31)},
            "worked_on",
            "Your program started on 01 September 2026",
        ),
        ({"minutes": 0}, "minutes", "at least one minute"),
        ({"minutes": -30}, "minutes", "at least one minute"),
        ({"minutes": 25 * 60}, "minutes", "longer than 24 hours"),
        (
            {"description": "Called her on 555-867-5309 after group."},
            "description",
            "a phone number",
        ),
        ({"description": "Emailed jo@example.org the flyer."}, "description", "an email address"),
        ({"description": "Client DOB 04/12/1990 was noted."}, "description", "a date of birth"),
        ({"description": "Reviewed MRN 4829301 goals."}, "description", "a record number"),
    ],
)
def test_bad_entries_are_refused_with_a_clear_message_and_nothing_is_saved(
    people, overrides, field, message
):
    trainee, *_ = people

    assert message in refused(trainee, field, **overrides)
    assert not HoursEntry.objects.exists()


def test_no_more_than_a_day_of_hours_on_one_date(people):
    trainee, *_ = people
    log(trainee, minutes=20 * 60, description="Staffed the warm line.")

    message = refused(trainee, "minutes", minutes=5 * 60, description="Group in the evening.")

    assert "already have 20 h 0 min logged" in message
    assert HoursEntry.objects.count() == 1


def test_the_same_entry_cannot_be_logged_twice(people):
    trainee, *_ = people
    log(trainee)

    with pytest.raises(ValidationError, match="already logged this exact entry"):
        log(trainee)
    assert HoursEntry.objects.count() == 1


def test_submitting_needs_a_supervisor(people):
    loner = UserFactory(role="Trainee")

    with pytest.raises(ValidationError, match="no supervisor yet"):
        log(loner, submit=True)


def test_the_supervisor_approves_in_bulk_and_approved_entries_are_locked(people):
    trainee, supervisor, _ = people
    entries = [log(trainee, submit=True, description=f"Group session {n}.") for n in range(3)]

    assert (
        hours.hours_entries_approve(supervisor=supervisor, entry_ids=[e.pk for e in entries]) == 3
    )

    assert set(HoursEntry.objects.values_list("status", flat=True)) == {"approved"}
    with pytest.raises(ValidationError, match="locked"):
        hours.hours_entry_save(trainee=trainee, entry=entries[0], data={"minutes": 60}, today=TODAY)


def test_a_returned_entry_carries_the_comment_and_can_be_fixed_and_resubmitted(people):
    trainee, supervisor, _ = people
    entry = log(trainee, submit=True)

    hours.hours_entry_return(
        supervisor=supervisor, entry_id=entry.pk, comment="Which group was it?"
    )
    entry.refresh_from_db()
    assert (entry.status, entry.return_comment) == ("returned", "Which group was it?")

    hours.hours_entry_save(
        trainee=trainee,
        entry=entry,
        data={"description": "Led the Tuesday evening group."},
        submit=True,
        today=TODAY,
    )
    entry.refresh_from_db()
    assert entry.status == "submitted"
    assert [e.action for e in entry.events.all()] == [
        "created",
        "submitted",
        "returned",
        "edited",
        "resubmitted",
    ]


def test_a_return_needs_a_comment(people):
    trainee, supervisor, _ = people
    entry = log(trainee, submit=True)

    with pytest.raises(ValidationError):
        hours.hours_entry_return(supervisor=supervisor, entry_id=entry.pk, comment="  ")
    entry.refresh_from_db()
    assert entry.status == "submitted"


def test_only_the_assigned_supervisor_can_act_and_a_mixed_batch_changes_nothing(people):
    trainee, supervisor, _ = people
    mine = log(trainee, submit=True)
    other_trainee = UserFactory(role="Trainee")
    other_supervisor = UserFactory(role="Supervisor")
    hours.supervision_assign(
        trainee=other_trainee, supervisor=other_supervisor, credential="CPS",
        program_started_on=date(2026, 1, 1), assigned_by=UserFactory(role="Trainer"),
    )  # fmt: skip
    theirs = log(other_trainee, submit=True)

    with pytest.raises(ValidationError, match="people you supervise"):
        hours.hours_entries_approve(supervisor=supervisor, entry_ids=[mine.pk, theirs.pk])
    with pytest.raises(ValidationError, match="people you supervise"):
        hours.hours_entry_return(supervisor=other_supervisor, entry_id=mine.pk, comment="No")

    assert set(HoursEntry.objects.values_list("status", flat=True)) == {"submitted"}


def test_a_correction_supersedes_the_approved_entry_once_approved(people):
    trainee, supervisor, _ = people
    original = log(trainee, submit=True, minutes=60)
    hours.hours_entries_approve(supervisor=supervisor, entry_ids=[original.pk])

    correction = hours.hours_entry_save(
        trainee=trainee, data=entry_data(minutes=75), supersedes=original, submit=True, today=TODAY
    )
    original.refresh_from_db()
    assert original.status == "approved"  # until the correction is approved

    hours.hours_entries_approve(supervisor=supervisor, entry_ids=[correction.pk])

    original.refresh_from_db()
    assert original.status == "superseded"
    assert original.superseded_by == correction
    assert original.events.last().action == "superseded"


def test_only_trainers_assign_supervisors_and_only_to_supervisors(people):
    trainee, supervisor, trainer = people

    with pytest.raises(ValidationError, match="Only trainers and administrators"):
        hours.supervision_assign(
            trainee=trainee, supervisor=supervisor, credential="CPS",
            program_started_on=date(2026, 1, 1), assigned_by=UserFactory(role="Trainee"),
        )  # fmt: skip
    with pytest.raises(ValidationError, match="does not have the Supervisor role"):
        hours.supervision_assign(
            trainee=trainee, supervisor=UserFactory(role="Trainee"), credential="CPS",
            program_started_on=date(2026, 1, 1), assigned_by=trainer,
        )  # fmt: skip
