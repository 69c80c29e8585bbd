"""The question bank in and out of spreadsheets through django-import-export."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.models import Question
from tests.people.factories import UserFactory
from tests.people.helpers import TOTP_SECRET, sign_in

from .builders import case, question, short

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainer(client, home_page):
    user = UserFactory(role="Trainer", totp_secret=TOTP_SECRET)
    sign_in(client, user, totp_secret=TOTP_SECRET)
    return user


def upload(client, name, content, **extra):
    return client.post(
        reverse("assessments:question_bank"),
        {"bank": SimpleUploadedFile(name, content.encode()), **extra},
    )


def confirm(client):
    return client.post(reverse("assessments:question_bank"), {"action": "confirm"}, follow=True)


def test_an_exported_bank_imports_back_unchanged(client, trainer):
    question("ethics-001")
    case("crisis-case", parts=2)
    short("doc-1")
    exported = client.get(
        reverse("assessments:question_bank_export", args=["csv"])
    ).content.decode()
    before = sorted(
        (
            q.key,
            q.type,
            q.text,
            q.case.key if q.case else "",
            tuple(q.options.values_list("text", "correct")),
        )
        for q in Question.objects.all()
    )
    Question.objects.all().delete()

    upload(client, "bank.csv", exported)
    done = confirm(client)

    assert "Added 5 and updated 0 questions." in done.text
    after = sorted(
        (
            q.key,
            q.type,
            q.text,
            q.case.key if q.case else "",
            tuple(q.options.values_list("text", "correct")),
        )
        for q in Question.objects.all()
    )
    assert after == before


def test_json_exports_and_imports(client, trainer):
    question("ethics-001")
    exported = client.get(
        reverse("assessments:question_bank_export", args=["json"])
    ).content.decode()
    rows = json.loads(exported)
    rows[0]["text"] = "A reworded question?"

    upload(client, "bank.json", json.dumps(rows))
    done = confirm(client)

    assert "updated 1 questions" in done.text
    assert Question.objects.get(key="ethics-001").text == "A reworded question?"


def test_a_file_with_bad_rows_changes_nothing_and_names_each_problem(client, trainer):
    header = "key,case,topic,type,text,option_1,option_1_correct,option_2,option_2_correct\n"
    content = header + (
        "ok-1,,ethics,single,Fine?,Yes,yes,No,no\n"
        "bad-topic,,astrology,single,Stars?,Yes,yes,No,no\n"
        "two-right,,ethics,single,Both?,Yes,yes,Also,yes\n"
        "orphan,missing-case,ethics,single,Part?,Yes,yes,No,no\n"
        ",,ethics,single,No key?,Yes,yes,No,no\n"
    )

    response = upload(client, "bank.csv", content)

    assert response.status_code == 400
    for message in (
        "Unknown topic “astrology”",
        "Mark exactly one option correct.",
        "No case “missing-case”",
        "Every question needs a key.",
    ):
        assert message in response.text
    assert not Question.objects.exists()


def test_trainees_cannot_see_or_change_the_bank(client, home_page):
    sign_in(client, UserFactory(role="Trainee"))

    assert client.get(reverse("assessments:question_bank")).status_code == 403
    assert client.get(reverse("assessments:question_bank_export", args=["csv"])).status_code == 403
