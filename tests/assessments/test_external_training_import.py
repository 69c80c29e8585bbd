"""A trainer imports a cohort's training done elsewhere: preview then confirm, all or nothing,
each row's problem named, records verified by the trainer who imports them."""

import io
from datetime import timedelta

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from assessments.external_training_selectors import verified_external_credits_for_users
from assessments.models import ExternalTraining, ExternalTrainingCredit
from courses import services as course_services
from courses.models import Cohort
from people.models import User
from tests.people.factories import UserFactory
from tests.people.helpers import TOTP_SECRET, sign_in

from .builders import external_training

pytestmark = pytest.mark.django_db

HEADER = "email,provider,title,started_on,completed_on,mode,topic,hours\n"
TODAY = timezone.localdate()


def day(days_ago):
    return (TODAY - timedelta(days=days_ago)).isoformat()


def signed_in(client, role, **fields):
    client.logout()
    person = UserFactory(role=role, totp_secret=TOTP_SECRET, **fields)
    sign_in(client, person, totp_secret=TOTP_SECRET)
    return person


@pytest.fixture
def cohort(home_page):
    from tests.courses.builders import catalogue_under, two_module_course

    course, _ = two_module_course(catalogue_under(home_page))
    cohort = Cohort.objects.create(name="Spring 2027", course=course)
    for email, name in (("ana@example.org", "Ana Rodríguez"), ("minh@example.org", "Minh Nguyen")):
        course_services.enrolment_create(
            user=UserFactory(role="Trainee", email=email, legal_name=name),
            course=course, cohort=cohort, enrolled_by=UserFactory(),
        )  # fmt: skip
    return cohort


@pytest.fixture
def trainer(client, cohort):
    person = signed_in(client, "Trainer", legal_name="Grace Okafor")
    cohort.trainers.add(person)
    return person


def url(cohort):
    return reverse("assessments:external_training_import", args=[cohort.pk])


def post(client, cohort, text, name="external.csv"):
    return client.post(url(cohort), {"spreadsheet": SimpleUploadedFile(name, text.encode())})


def confirm(client, cohort):
    return client.post(url(cohort), {"action": "confirm"}, follow=True)


GOOD = HEADER + (
    f"ana@example.org,Mountain Recovery Institute,Ethics in peer work,{day(9)},{day(8)},live_online,ethics,6\n"
    f"ANA@example.org,Mountain Recovery Institute,Ethics in peer work,{day(9)},{day(8)},Live online,Boundaries,1.5\n"
    f"minh@example.org,State Peer Network,Suicide prevention,{day(20)},{day(20)},face_to_face,suicide-prevention,4\n"
)


def test_a_trainer_previews_then_imports_records_verified_by_them(client, cohort, trainer):
    page = client.get(url(cohort))
    assert "Imported records are created as" in page.text
    assert "verified by you" in page.text
    assert "Imported by Grace Okafor" in page.text

    preview = post(client, cohort, GOOD)

    assert preview.status_code == 200
    assert (
        "Ana Rodríguez: 6 hours of Ethics from “Ethics in peer work” (Mountain Recovery "
        "Institute, live online), recorded as verified by you" in preview.text
    )
    assert "Ana Rodríguez: 1.5 hours of Boundaries" in preview.text
    assert "Minh Nguyen: 4 hours of Suicide prevention" in preview.text
    assert not ExternalTraining.objects.exists()

    confirmed = confirm(client, cohort)

    assert (
        "Recorded 2 trainings done elsewhere for 2 trainees of Spring 2027, verified by you "
        "(“Imported by Grace Okafor”)." in confirmed.text
    )
    ana, minh = ExternalTraining.objects.order_by("trainee__email")
    assert (ana.status, ana.reviewed_by, ana.imported_by) == ("verified", trainer, trainer)
    assert ana.review_note == "Imported by Grace Okafor"
    assert (ana.mode, ana.started_on.isoformat(), ana.completed_on.isoformat()) == (
        "live_online",
        day(9),
        day(8),
    )
    assert sorted(ana.credits.values_list("topic__slug", "minutes")) == [
        ("boundaries", 90),
        ("ethics", 360),
    ]
    assert list(minh.credits.values_list("topic__slug", "minutes")) == [("suicide-prevention", 240)]
    assert not ana.certificate
    assert set(verified_external_credits_for_users([ana.trainee_id, minh.trainee_id])) == {
        ana.trainee_id,
        minh.trainee_id,
    }


def test_the_trainee_sees_the_imported_record_with_its_note_and_no_file(client, cohort, trainer):
    post(client, cohort, GOOD)
    confirm(client, cohort)
    client.logout()
    sign_in(client, ExternalTraining.objects.get(trainee__email="minh@example.org").trainee)

    page = client.get(reverse("assessments:my_external_training")).text

    assert "Suicide prevention" in page
    assert "Verified" in page
    assert "“Imported by Grace Okafor”" in page
    assert "/file/" not in page


def test_an_xlsx_file_imports_like_a_csv(client, cohort, trainer):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER.strip().split(","))
    started = TODAY - timedelta(days=3)
    sheet.append(["ana@example.org", "P", "T", started, started, "Face to face", "Advocacy", 2.25])
    content = io.BytesIO()
    workbook.save(content)

    preview = client.post(
        url(cohort), {"spreadsheet": SimpleUploadedFile("external.xlsx", content.getvalue())}
    )
    assert preview.status_code == 200, preview.text
    confirm(client, cohort)

    assert ExternalTrainingCredit.objects.get().minutes == 135


def test_every_bad_row_is_named_and_nothing_is_imported(client, cohort, trainer):
    outsider = UserFactory(role="Trainee", email="outsider@example.org")
    external_training(
        User.objects.get(email="minh@example.org"),
        provider="State Peer Network", title="Already here",
        started_on=TODAY - timedelta(days=30), completed_on=TODAY - timedelta(days=30),
    )  # fmt: skip
    rows = [
        f"ana@example.org,P,Good row,{day(5)},{day(5)},live_online,ethics,2",
        f"nobody@example.org,P,T,{day(5)},{day(5)},live_online,ethics,2",
        f"{outsider.email},P,T,{day(5)},{day(5)},live_online,ethics,2",
        f"ana@example.org,P,T,{day(5)},{day(5)},by_post,ethics,2",
        f"ana@example.org,P,T,{day(5)},{day(5)},live_online,juggling,2",
        f"ana@example.org,P,T,{day(-1)},{day(-2)},live_online,ethics,2",
        f"ana@example.org,P,T,{day(3)},{day(5)},live_online,ethics,2",
        f"ana@example.org,P,T,31/31/2026,{day(5)},live_online,ethics,2",
        f"ana@example.org,P,T,{day(5)},{day(5)},live_online,ethics,0",
        f"ana@example.org,P,T,{day(5)},{day(5)},live_online,ethics,two",
        f"ana@example.org,P,Long day,{day(5)},{day(5)},live_online,ethics,8",
        f"ana@example.org,P,Long day,{day(5)},{day(5)},live_online,boundaries,5",
        f"ana@example.org,P,Long day,{day(5)},{day(5)},live_online,advocacy,1",
        f"ana@example.org,P,Long day,{day(5)},{day(5)},face_to_face,documentation,1",
        f"ana@example.org,P,Long day,{day(5)},{day(5)},live_online,Ethics,1",
        f"minh@example.org,State Peer Network,ALREADY HERE,{day(30)},{day(30)},self_paced,ethics,1",
        f"ana@example.org,,T,{day(5)},{day(5)},live_online,ethics,2",
    ]

    preview = post(client, cohort, HEADER + "\n".join(rows) + "\n")

    assert preview.status_code == 400
    text = preview.text
    assert "Problems found: nothing was saved" in text
    assert "Confirm" not in text.split("Problems found")[1]
    for message in [
        "No account uses nobody@example.org.",
        "outsider@example.org is not enrolled in Spring 2027.",
        "Unknown mode “by_post”: use self_paced, live_online, face_to_face.",
        "Unknown topic “juggling”.",
        f"{(TODAY + timedelta(days=2)).day} {TODAY + timedelta(days=2):%B %Y} is in the future.",
        "The training cannot end",
        "“31/31/2026” is not a date; write it as 2026-10-31.",
        "“0” is not a number of hours above 0, e.g. 1.5.",
        "“two” is not a number of hours above 0, e.g. 1.5.",
        "(1 day) can credit at most 720 minutes (12 hours), at 12 hours a day; these credits "
        "add up to 780 minutes (13 hours).",
        "Row 11 gives this training as live online; one training has one mode.",
        "Ethics is already on row 11 for this training.",
        "minh@example.org already has this training recorded (same provider, title and dates).",
        "provider: This field cannot be blank.",
    ]:
        assert message in text, message
    assert "Ana Rodríguez: 2 hours of Ethics from “Good row”" in text
    assert "Ana Rodríguez: 1 hour of Advocacy from “Long day”" in text  # the day still has room

    assert confirm(client, cohort).status_code == 400  # nothing kept to confirm
    assert ExternalTraining.objects.count() == 1  # only the record made before the import


def test_a_file_without_a_column_is_refused_as_a_whole(client, cohort, trainer):
    response = post(client, cohort, "email,provider,title,started_on,completed_on,mode,hours\n")

    assert response.status_code == 400
    assert "The file needs a column headed topic" in response.text
    assert not ExternalTraining.objects.exists()


def test_a_trainer_cannot_import_their_own_training(client, cohort, trainer):
    course_services.enrolment_create(
        user=trainer, course=cohort.course, cohort=cohort, enrolled_by=UserFactory()
    )

    response = post(
        client, cohort, HEADER + f"{trainer.email},P,T,{day(5)},{day(5)},live_online,ethics,2\n"
    )

    assert response.status_code == 400
    assert "Your own training is reviewed by another trainer or an administrator" in response.text


def test_a_trainer_of_another_cohort_cannot_import_into_this_one(client, cohort):
    signed_in(client, "Trainer")

    assert client.get(url(cohort)).status_code == 404
    assert post(client, cohort, GOOD).status_code == 404
    assert confirm(client, cohort).status_code == 404
    assert not ExternalTraining.objects.exists()


@pytest.mark.parametrize("role", ["Trainee", "Supervisor", "Certifier"])
def test_people_who_are_not_trainers_cannot_import(client, cohort, role):
    client.logout()
    person = UserFactory(role=role, totp_secret=TOTP_SECRET if role == "Certifier" else None)
    sign_in(client, person, totp_secret=TOTP_SECRET if role == "Certifier" else None)

    assert client.get(url(cohort)).status_code == 403
    assert post(client, cohort, GOOD).status_code == 403
    assert not ExternalTraining.objects.exists()


def test_an_administrator_imports_into_any_cohort(client, cohort):
    administrator = signed_in(client, "Administrator", legal_name="Pat Admin")

    assert post(client, cohort, GOOD).status_code == 200
    confirm(client, cohort)

    assert set(ExternalTraining.objects.values_list("reviewed_by", "review_note")) == {
        (administrator.pk, "Imported by Pat Admin")
    }


def test_importing_the_same_file_twice_records_nothing_the_second_time(client, cohort, trainer):
    post(client, cohort, GOOD)
    confirm(client, cohort)

    again = post(client, cohort, GOOD)

    assert again.status_code == 400
    assert "ana@example.org already has this training recorded" in again.text
    assert ExternalTraining.objects.count() == 2
