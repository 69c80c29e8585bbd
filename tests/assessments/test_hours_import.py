"""Importing a paper timesheet: all or nothing, every rule applied, row-level errors."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from assessments import hours
from assessments.models import HoursEntry
from tests.people.factories import UserFactory
from tests.people.helpers import sign_in

pytestmark = pytest.mark.django_db

HEADER = "date,minutes,activity,setting,topics,description\n"


@pytest.fixture
def trainee(client, home_page):
    user = UserFactory(role="Trainee")
    supervisor = UserFactory(role="Supervisor")
    hours.supervision_assign(
        trainee=user, supervisor=supervisor, credential="CPRS",
        program_started_on=date(2026, 1, 1), assigned_by=UserFactory(role="Trainer"),
    )  # fmt: skip
    sign_in(client, user)
    return user


def post(client, text, name="timesheet.csv"):
    return client.post(
        reverse("assessments:hours_import"), {"timesheet": SimpleUploadedFile(name, text.encode())}
    )


def yesterday():
    return (timezone.localdate() - timedelta(days=1)).isoformat()


def test_a_clean_timesheet_is_previewed_then_imported_as_submitted(client, trainee):
    day = yesterday()
    sheet = HEADER + (
        f"{day},90,One-to-one peer support,Community,recovery-wellness;Advocacy,Wellness planning.\n"
        f"{day},60,group,recovery_center,,Evening group.\n"
    )

    preview = post(client, sheet)
    assert preview.status_code == 200
    assert preview.text.count("Will be submitted") == 2
    assert not HoursEntry.objects.exists()

    confirmed = client.post(reverse("assessments:hours_import"), {"action": "confirm"}, follow=True)

    assert "Imported 2 entries" in confirmed.text
    entries = HoursEntry.objects.order_by("minutes")
    assert [(e.minutes, e.activity, e.status) for e in entries] == [
        (60, "group", "submitted"),
        (90, "one_to_one", "submitted"),
    ]
    assert sorted(entries[1].topics.values_list("slug", flat=True)) == [
        "advocacy",
        "recovery-wellness",
    ]
    assert entries[1].events.get().action == "imported"


def test_a_timesheet_with_bad_rows_writes_nothing_and_names_each_problem(client, trainee):
    day = yesterday()
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    sheet = HEADER + (
        f"{day},60,group,community,,Evening group.\n"
        f"{future},60,group,community,,Next week.\n"
        f"31/31/2026,60,group,community,,Bad date.\n"
        f"{day},0,group,community,,Nothing.\n"
        f"{day},60,juggling,community,,Circus.\n"
        f"{day},60,group,community,,Evening group.\n"
        f"{day},60,outreach,community,,Called 555-201-3344 back.\n"
        f"2025-12-31,60,group,community,,Before the program.\n"
        f"{day},1400,advocacy,community,,Too long a day.\n"
    )

    response = post(client, sheet)

    assert response.status_code == 400
    text = response.text
    for message in (
        "future date",
        "is not a date",
        "at least one minute",
        "Unknown activity “juggling”",
        "The same entry as row 1",
        "Remove a phone number",
        "Your program started on 01 January 2026",
        "past 24 hours",
    ):
        assert message in text, message
    assert "Confirm and import" not in text
    assert not HoursEntry.objects.exists()


def test_rows_that_repeat_existing_entries_are_refused(client, trainee):
    hours.hours_entry_save(trainee=trainee, data={
        "worked_on": timezone.localdate() - timedelta(days=1), "minutes": 60, "activity": "group",
        "setting": "community", "description": "Evening group.",
    })  # fmt: skip

    response = post(client, HEADER + f"{yesterday()},60,group,community,,Evening group.\n")

    assert "an entry you logged before" in response.text
    assert HoursEntry.objects.count() == 1


def test_an_import_needs_a_supervisor_and_the_right_columns(client, home_page):
    loner = UserFactory(role="Trainee")
    sign_in(client, loner)

    no_supervisor = post(client, HEADER + f"{yesterday()},60,group,community,,Group.\n")
    wrong_columns = post(client, "when,what\nyesterday,group\n")

    assert "no supervisor yet" in no_supervisor.text
    assert "needs a column headed date" in wrong_columns.text
    assert not HoursEntry.objects.exists()


def test_supervisors_cannot_import_hours(client, home_page):
    sign_in(client, UserFactory(role="Supervisor"))

    assert client.get(reverse("assessments:hours_import")).status_code == 403
