"""Trainers see and export their own cohorts' progress, and enrol trainees from a roster."""

import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses import services
from courses.models import Cohort, Enrolment
from people.models import User
from tests.people.factories import UserFactory
from tests.people.helpers import TOTP_SECRET, sign_in

from .test_progress import complete, spend

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainer(client, home_page):
    user = UserFactory(role="Trainer", totp_secret=TOTP_SECRET)
    sign_in(client, user, totp_secret=TOTP_SECRET)
    return user


@pytest.fixture
def cohort(course_and_lessons, trainer):
    course, _ = course_and_lessons
    cohort = Cohort.objects.create(name="Spring 2027", course=course)
    cohort.trainers.add(trainer)
    return cohort


def roster(text: str, name="roster.csv"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_a_trainer_sees_each_trainees_progress_in_their_cohort(client, cohort, course_and_lessons):
    _, (a, *_) = course_and_lessons
    ana = UserFactory(role="Trainee", legal_name="Ana María Rodríguez")
    enrolment = services.enrolment_create(user=ana, course=cohort.course, cohort=cohort)
    spend(ana, enrolment, a, 60 * 60)
    complete(ana, enrolment, a)

    response = client.get(reverse("courses:cohort_detail", args=[cohort.pk]))

    assert "Ana María Rodríguez" in response.text
    assert "1 of 3" in response.text
    assert "33%" in response.text


def test_a_trainer_cannot_see_a_cohort_they_do_not_lead(client, trainer, course_and_lessons):
    course, _ = course_and_lessons
    theirs = Cohort.objects.create(name="Someone else's", course=course)

    assert client.get(reverse("courses:cohort_detail", args=[theirs.pk])).status_code == 404
    assert "Someone else" not in client.get(reverse("courses:cohort_list")).text


def test_trainees_cannot_open_cohort_pages(client, home_page, cohort):
    trainee = UserFactory(role="Trainee")
    client.logout()
    sign_in(client, trainee)

    assert client.get(reverse("courses:cohort_list")).status_code == 403
    assert client.get(reverse("courses:cohort_detail", args=[cohort.pk])).status_code == 403


def test_progress_exports_as_csv_and_xlsx(client, cohort):
    ana = UserFactory(role="Trainee", legal_name="Ana Rodríguez", email="ana@example.org")
    services.enrolment_create(user=ana, course=cohort.course, cohort=cohort)

    csv = client.get(reverse("courses:cohort_export", args=[cohort.pk, "csv"]))
    xlsx = client.get(reverse("courses:cohort_export", args=[cohort.pk, "xlsx"]))

    assert csv["Content-Disposition"].endswith('progress.csv"')
    lines = csv.content.decode().splitlines()
    assert lines[0].startswith("Legal name,Email,Lessons completed,Lessons in course")
    assert lines[1].startswith("Ana Rodríguez,ana@example.org,0,3,0,")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert [cell.value for cell in sheet[2]][:4] == ["Ana Rodríguez", "ana@example.org", 0, 3]


def test_a_valid_roster_is_previewed_then_enrolled_on_confirmation(client, cohort):
    existing = UserFactory(role="Trainee", email="existing@example.org")
    url = reverse("courses:cohort_import", args=[cohort.pk])
    file = (
        "email,legal_name,preferred_name\n"
        "existing@example.org,,\n"
        "new.person@example.org,Nguyễn Thị Hoa,Hoa\n"
    )

    preview = client.post(url, {"roster": roster(file)})

    assert preview.status_code == 200
    assert "Has an account: will be enrolled in this cohort" in preview.text
    assert not Enrolment.objects.exists()
    assert not User.objects.filter(email="new.person@example.org").exists()

    confirmed = client.post(url, {"action": "confirm"}, follow=True)

    assert "Enrolled 2 trainees in Spring 2027" in confirmed.text
    new_person = User.objects.get(email="new.person@example.org")
    assert new_person.legal_name == "Nguyễn Thị Hoa"
    assert list(new_person.groups.values_list("name", flat=True)) == ["Trainee"]
    # No one can sign in to an imported account until they set a password.
    assert not new_person.has_usable_password()
    assert len(new_person.password) > 30
    assert set(Enrolment.objects.filter(cohort=cohort).values_list("user_id", flat=True)) == {
        existing.pk,
        new_person.pk,
    }


def test_a_roster_moves_people_already_on_the_course_into_the_cohort_and_repeats_are_harmless(
    client, cohort, trainer
):
    enrolled = UserFactory(role="Trainee", email="Enrolled@Example.org")
    services.enrolment_create(user=enrolled, course=cohort.course, enrolled_by=trainer)
    url = reverse("courses:cohort_import", args=[cohort.pk])
    file = "email,legal_name,preferred_name\nenrolled@example.org,,\nnew@example.org,Ada Obi,Ada\n"

    for _ in range(2):
        client.post(url, {"roster": roster(file)})
        confirmed = client.post(url, {"action": "confirm"}, follow=True)
        assert confirmed.status_code == 200

    assert Enrolment.objects.get(user=enrolled).cohort == cohort
    assert Enrolment.objects.filter(course=cohort.course).count() == 2
    assert User.objects.filter(email__iexact="new@example.org").count() == 1


def test_a_roster_with_bad_rows_writes_nothing_and_names_each_problem(client, cohort):
    url = reverse("courses:cohort_import", args=[cohort.pk])
    file = (
        "email,legal_name\n"
        "good@example.org,Good Person\n"
        "not-an-email,Someone\n"
        "unknown@example.org,\n"
        "good@example.org,Good Person\n"
        f"long@example.org,{'A' * 201}\n"
    )

    response = client.post(url, {"roster": roster(file)})

    assert response.status_code == 400
    assert "nothing was saved" in response.text
    assert "“not-an-email” is not an email address." in response.text
    assert "No account uses unknown@example.org: give a legal name" in response.text
    assert "good@example.org is already on row 1 of this file." in response.text
    assert "at most 200 characters (it has 201)" in response.text
    assert "Confirm and enrol" not in response.text
    assert not Enrolment.objects.exists()
    assert not User.objects.filter(email="good@example.org").exists()
    assert client.post(url, {"action": "confirm"}).status_code == 400


def test_files_that_are_not_spreadsheets_are_refused(client, cohort):
    url = reverse("courses:cohort_import", args=[cohort.pk])

    wrong_type = client.post(url, {"roster": roster("hello", name="roster.pdf")})
    garbage = client.post(
        url, {"roster": SimpleUploadedFile("roster.xlsx", b"\x00\x01 not a workbook")}
    )
    no_email_column = client.post(url, {"roster": roster("name\nAna\n")})

    assert "Upload a .csv, .xlsx or .json file." in wrong_type.text
    assert "could not be read as a spreadsheet" in garbage.text
    assert "needs a column headed email" in no_email_column.text
    assert not Enrolment.objects.exists()


def test_an_xlsx_roster_imports_like_a_csv(client, cohort):
    workbook = openpyxl.Workbook()
    workbook.active.append(["Email", "Legal name"])
    workbook.active.append(["xlsx.person@example.org", "Amina Yusuf"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    url = reverse("courses:cohort_import", args=[cohort.pk])

    client.post(url, {"roster": SimpleUploadedFile("roster.xlsx", buffer.getvalue())})
    client.post(url, {"action": "confirm"})

    assert Enrolment.objects.get(cohort=cohort).user.legal_name == "Amina Yusuf"


def test_the_cohort_page_runs_the_same_queries_for_few_or_many_trainees(
    client, cohort, django_assert_max_num_queries
):
    url = reverse("courses:cohort_detail", args=[cohort.pk])
    services.enrolment_create(user=UserFactory(role="Trainee"), course=cohort.course, cohort=cohort)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(30):
        services.enrolment_create(
            user=UserFactory(role="Trainee"), course=cohort.course, cohort=cohort
        )
    with django_assert_max_num_queries(len(one)):
        client.get(url)


def preview_outcomes(html: str) -> dict[str, str]:
    """Each previewed row's outcome, by the email it names."""
    return {
        email: " ".join(outcome.split())
        for email, outcome in re.findall(
            r"<td>\d+</td>\s*<td>([^<]*)</td>\s*<td>(.*?)</td>", html, flags=re.S
        )
    }


def test_the_roster_preview_says_what_confirming_does_to_each_person(client, cohort, trainer):
    course = cohort.course
    other = Cohort.objects.create(name="Fall 2026", course=course)
    staying = UserFactory(role="Trainee", email="staying@example.org")
    services.enrolment_create(user=staying, course=course, cohort=cohort, enrolled_by=trainer)
    moving = UserFactory(role="Trainee", email="moving@example.org")
    services.enrolment_create(user=moving, course=course, cohort=other, enrolled_by=trainer)
    joining = UserFactory(role="Trainee", email="joining@example.org")
    services.enrolment_create(user=joining, course=course, enrolled_by=trainer)
    UserFactory(role="Trainee", email="has.account@example.org")
    before = {e.user_id: e.pk for e in Enrolment.objects.all()}
    url = reverse("courses:cohort_import", args=[cohort.pk])
    file = (
        "email,legal_name,preferred_name\n"
        "staying@example.org,,\n"
        "moving@example.org,,\n"
        "joining@example.org,,\n"
        "has.account@example.org,,\n"
        "brand.new@example.org,Ama Mensah,Ama\n"
    )

    preview = client.post(url, {"roster": roster(file)})

    assert preview_outcomes(preview.text) == {
        "staying@example.org": "Already in this cohort: stays as is",
        "moving@example.org": "Already in the cohort “Fall 2026”: moves to this cohort",
        "joining@example.org": "Already enrolled in the course: joins this cohort",
        "has.account@example.org": "Has an account: will be enrolled in this cohort",
        "brand.new@example.org": (
            "No account yet: a trainee account will be created and enrolled in this cohort"
        ),
    }
    assert {e.user_id: e.pk for e in Enrolment.objects.all()} == before

    confirmed = client.post(url, {"action": "confirm"}, follow=True)

    assert (
        "Enrolled 2 trainees in Spring 2027; 1 already enrolled in the course joined it; "
        "1 moved from another cohort; 1 already in it stayed as is." in confirmed.text
    )
    enrolments = {e.user.email: e for e in Enrolment.objects.select_related("user")}
    assert {email: e.cohort for email, e in enrolments.items()} == {
        "staying@example.org": cohort,
        "moving@example.org": cohort,
        "joining@example.org": cohort,
        "has.account@example.org": cohort,
        "brand.new@example.org": cohort,
    }
    # Those already enrolled keep their enrolment (and its progress); the others are new.
    for email in ("staying@example.org", "moving@example.org", "joining@example.org"):
        assert enrolments[email].pk == before[enrolments[email].user_id]
    for email in ("has.account@example.org", "brand.new@example.org"):
        assert enrolments[email].enrolled_by == trainer
    assert not other.enrolments.exists()
    assert User.objects.get(email="brand.new@example.org").groups.get().name == "Trainee"

    again = client.post(url, {"roster": roster(file)})

    assert set(preview_outcomes(again.text).values()) == {"Already in this cohort: stays as is"}
