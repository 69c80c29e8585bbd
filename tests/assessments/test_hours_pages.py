"""The hours pages: who may see what, and the forms people use."""

import io
from datetime import date, timedelta

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import hours
from assessments.models import HoursEntry
from tests.people.factories import UserFactory
from tests.people.helpers import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(home_page):
    trainee = UserFactory(role="Trainee", legal_name="Ana Rodríguez")
    supervisor = UserFactory(role="Supervisor", legal_name="Sam Whitehorse")
    hours.supervision_assign(
        trainee=trainee, supervisor=supervisor, credential="CPRS",
        program_started_on=date(2026, 1, 1), assigned_by=UserFactory(role="Trainer"),
    )  # fmt: skip
    return trainee, supervisor


def form_data(**overrides):
    data = {
        "worked_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "hours": "1",
        "extra_minutes": "30",
        "activity": "group",
        "setting": "recovery_center",
        "description": "Co-facilitated the evening wellness group.",
    }
    data.update(overrides)
    return data


def test_a_trainee_logs_hours_through_the_form_and_submits_them(client, people):
    trainee, supervisor = people
    sign_in(client, trainee)

    response = client.post(
        reverse("assessments:hours_new"), {**form_data(), "submit": "1"}, follow=True
    )

    assert "Submitted to your supervisor." in response.text
    entry = HoursEntry.objects.get()
    assert (entry.minutes, entry.status, entry.supervisor) == (90, "submitted", supervisor)
    assert "1 h 30 min" in response.text


def test_the_form_shows_service_errors_on_the_right_fields_and_saves_nothing(client, people):
    trainee, _ = people
    sign_in(client, trainee)

    response = client.post(
        reverse("assessments:hours_new"),
        form_data(description="Drove J. home, call 555-123-4567", worked_on="2030-01-01"),
    )

    assert response.status_code == 400
    assert "Remove a phone number" in response.text
    assert "future date" in response.text
    assert not HoursEntry.objects.exists()


def test_a_trainee_cannot_see_or_touch_another_trainees_entries(client, people):
    trainee, _ = people
    entry = hours.hours_entry_save(trainee=trainee, data={
        "worked_on": timezone.localdate(), "minutes": 60, "activity": "outreach",
        "setting": "community", "description": "Street outreach shift.",
    })  # fmt: skip
    other = UserFactory(role="Trainee")
    sign_in(client, other)

    assert client.get(reverse("assessments:hours_detail", args=[entry.pk])).status_code == 404
    assert client.get(reverse("assessments:hours_edit", args=[entry.pk])).status_code == 404
    assert client.post(reverse("assessments:hours_submit", args=[entry.pk])).status_code == 404
    assert "Street outreach shift." not in client.get(reverse("assessments:my_hours")).text
    entry.refresh_from_db()
    assert entry.status == "draft"


def test_the_supervisor_approves_selected_entries_and_returns_one(client, people):
    trainee, supervisor = people
    entries = [
        hours.hours_entry_save(
            trainee=trainee,
            submit=True,
            data={
                "worked_on": timezone.localdate(),
                "minutes": 60,
                "activity": "group",
                "setting": "community",
                "description": f"Group {n}.",
            },
        )  # fmt: skip
        for n in range(3)
    ]
    sign_in(client, supervisor)

    queue = client.get(reverse("assessments:supervise"))
    assert "3 submitted entries waiting for you" in queue.text
    approved = client.post(
        reverse("assessments:supervise"),
        {"action": "approve", "entries": [entries[0].pk, entries[1].pk]},
        follow=True,
    )
    assert "Approved 2 entries." in approved.text
    returned = client.post(
        reverse("assessments:supervise"),
        {"action": "return", "entry": entries[2].pk, "comment": "Add the setting details."},
        follow=True,
    )
    assert "Returned to the trainee" in returned.text
    assert list(HoursEntry.objects.order_by("pk").values_list("status", flat=True)) == [
        "approved",
        "approved",
        "returned",
    ]
    assert "Ana Rodríguez" in returned.text
    assert "2 h" in returned.text


def test_a_supervisor_cannot_act_on_someone_elses_supervisee(client, people):
    trainee, _ = people
    entry = hours.hours_entry_save(trainee=trainee, submit=True, data={
        "worked_on": timezone.localdate(), "minutes": 60, "activity": "group",
        "setting": "community", "description": "Group.",
    })  # fmt: skip
    stranger = UserFactory(role="Supervisor")
    sign_in(client, stranger)

    response = client.post(
        reverse("assessments:supervise"), {"action": "approve", "entries": [entry.pk]}, follow=True
    )

    assert "Nothing was changed" in response.text
    assert client.get(reverse("assessments:hours_detail", args=[entry.pk])).status_code == 404
    entry.refresh_from_db()
    assert entry.status == "submitted"


def test_trainees_cannot_open_the_supervisor_queue(client, people):
    trainee, _ = people
    sign_in(client, trainee)

    assert client.get(reverse("assessments:supervise")).status_code == 403


def test_hours_export_as_csv_and_xlsx(client, people):
    trainee, supervisor = people
    hours.hours_entry_save(trainee=trainee, submit=True, data={
        "worked_on": date(2026, 10, 1), "minutes": 45, "activity": "advocacy",
        "setting": "justice", "description": "Accompanied someone to a court hearing.",
    }, today=date(2026, 11, 1))  # fmt: skip
    sign_in(client, trainee)

    csv = client.get(reverse("assessments:my_hours_export", args=["csv"])).content.decode()
    assert csv.splitlines()[1].startswith("Ana Rodríguez,2026-10-01,45,Advocacy,Justice system")

    client.logout()
    sign_in(client, supervisor)
    xlsx = client.get(reverse("assessments:supervise_export", args=["xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert [cell.value for cell in sheet[2]][:3] == ["Ana Rodríguez", "2026-10-01", 45]


def test_a_trainer_assigns_a_supervisor_in_the_admin(client, home_page):
    from tests.people.helpers import TOTP_SECRET

    trainer = UserFactory(role="Trainer", totp_secret=TOTP_SECRET)
    trainee = UserFactory(role="Trainee")
    supervisor = UserFactory(role="Supervisor")
    not_a_supervisor = UserFactory(role="Trainee")
    sign_in(client, trainer, totp_secret=TOTP_SECRET)
    url = reverse("wagtailsnippets_assessments_supervision:add")
    data = {
        "trainee": trainee.pk,
        "supervisor": not_a_supervisor.pk,
        "supervisor_credential": "CPRS (Virginia)",
        "program_started_on": "2026-09-01",
    }

    refused = client.post(url, data)
    assert "does not have the Supervisor role" in refused.text
    client.post(url, {**data, "supervisor": supervisor.pk})

    supervision = hours.active_supervision(trainee)
    assert (supervision.supervisor, supervision.assigned_by) == (supervisor, trainer)
