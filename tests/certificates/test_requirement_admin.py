"""Credentials and requirement sets in the Wagtail admin, and requirement sets in and out of
spreadsheets (preview, then confirm; one bad row saves nothing)."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from certificates import resources
from certificates.models import Credential, Requirement, RequirementSet
from courses.models import Topic
from tests.people.factories import UserFactory
from tests.people.helpers import TOTP_SECRET, sign_in

pytestmark = pytest.mark.django_db

SPREADSHEET = "certificates_admin:requirements_spreadsheet"
COLUMNS = list(resources.REQUIREMENT_COLUMNS)


def grant_certification(group_name: str, *actions: str) -> None:
    """What a data migration would give the role (certificates has none yet)."""
    Group.objects.get(name=group_name).permissions.add(
        *Permission.objects.filter(
            content_type__app_label="certificates",
            codename__in=[
                f"{action}_{model}"
                for action in actions
                for model in ("credential", "requirementset", "requirement")
            ],
        )
    )


@pytest.fixture
def administrator(client, home_page):
    grant_certification("Administrator", "add", "change", "delete", "view")
    user = UserFactory(role="Administrator", totp_secret=TOTP_SECRET)
    sign_in(client, user, totp_secret=TOTP_SECRET)
    return user


def credential(code="PA-CPS", **extra) -> Credential:
    return Credential.objects.create(
        code=code,
        name=extra.pop("name", "Certified Peer Specialist (CPS)"),
        jurisdiction=extra.pop("jurisdiction", "Pennsylvania"),
        issuing_body="Pennsylvania Certification Board (PCB)",
        sources=extra.pop("sources", ["https://www.pacertboard.org/cps"]),
        confidence=extra.pop("confidence", "medium"),
        notes=extra.pop("notes", "Must live or work in PA."),
        unknown=extra.pop("unknown", ["supervised experience hours", "exam passing score"]),
        details=extra.pop("details", {"exam": "PCB exam: 50 multiple-choice questions"}),
        **extra,
    )


def requirement_set(owner: Credential, version=1, **dates) -> RequirementSet:
    made = RequirementSet.objects.create(
        credential=owner,
        version=version,
        effective_from=dates.get("effective_from", date(2026, 1, 1)),
        effective_until=dates.get("effective_until"),
        renewal_months=24,
    )
    topics = {topic.slug: topic for topic in Topic.objects.all()}
    rows = [
        {"kind": "training_total", "label": "Training hours in total", "hours": Decimal(75)},
        {
            "kind": "training_domain",
            "label": "Ethical responsibility",
            "hours": Decimal("19.5"),
            "topics": ["ethics", "boundaries"],
        },
        {
            "kind": "supervised_work",
            "label": "Supervised one-to-one work",
            "hours": Decimal(500),
            "activities": ["one_to_one", "group"],
        },
        {"kind": "attestation", "label": "Exam passed", "attestation_kind": "external_exam"},
        {
            "stage": "renewal",
            "kind": "training_total",
            "label": "Continuing education per renewal",
            "hours": Decimal(36),
        },
    ]
    for order, row in enumerate(rows):
        slugs = row.pop("topics", [])
        requirement = Requirement(requirement_set=made, sort_order=order, **row)
        requirement.topics = [topics[slug] for slug in slugs]
        requirement.full_clean()
        requirement.save()
    return made


def snapshot():
    """Every requirement set and requirement, as comparable values."""
    return sorted(
        (
            s.credential.code,
            s.version,
            s.effective_from,
            s.effective_until,
            s.renewal_months,
            tuple(
                (
                    r.kind,
                    r.label,
                    r.hours,
                    tuple(sorted(t.slug for t in r.topics.all())),
                    tuple(r.activities),
                    r.attestation_kind,
                    r.stage,
                    r.window_months,
                    r.min_score,
                    r.quiz_id,
                )
                for r in s.requirements.all()
            ),
        )
        for s in RequirementSet.objects.select_related("credential")
    )


def as_csv(*rows: dict) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow({column: row.get(column, "") for column in COLUMNS})
    return out.getvalue()


def row(**values) -> dict:
    return {
        "credential": "PA-CPS",
        "version": "2",
        "effective_from": "2027-01-01",
        "renewal_months": "24",
        **values,
    }


def total_row(hours: str, **values) -> dict:
    return row(kind="training_total", label="Training hours in total", hours=hours, **values)


def upload(client, content: str | bytes, name="requirements.csv"):
    data = content.encode() if isinstance(content, str) else content
    return client.post(reverse(SPREADSHEET), {"requirements": SimpleUploadedFile(name, data)})


def confirm(client):
    return client.post(reverse(SPREADSHEET), {"action": "confirm"}, follow=True)


def test_an_administrator_sees_a_credentials_sources_confidence_and_unknowns(client, administrator):
    pa = credential()

    listing = client.get(reverse("wagtailsnippets_certificates_credential:list"))
    inspect = client.get(reverse("wagtailsnippets_certificates_credential:inspect", args=[pa.pk]))

    assert listing.status_code == 200
    assert "Certified Peer Specialist (CPS)" in listing.text
    assert "Medium" in listing.text
    assert inspect.status_code == 200
    assert 'href="https://www.pacertboard.org/cps"' in inspect.text
    assert "<li>supervised experience hours</li>" in inspect.text
    assert "<li>exam passing score</li>" in inspect.text
    assert "Must live or work in PA." in inspect.text
    assert "PCB exam: 50 multiple-choice questions" in inspect.text


def test_the_certification_menu_groups_credentials_sets_and_the_spreadsheet(client, administrator):
    response = client.get(reverse("wagtailadmin_home"))

    assert "Certification" in response.text
    assert reverse("wagtailsnippets_certificates_credential:list") in response.text
    assert reverse("wagtailsnippets_certificates_requirementset:list") in response.text
    assert reverse(SPREADSHEET) in response.text


def test_a_requirement_set_is_edited_with_its_requirements_inline(client, administrator):
    made = requirement_set(credential())

    listing = client.get(reverse("wagtailsnippets_certificates_requirementset:list"))
    edit = client.get(reverse("wagtailsnippets_certificates_requirementset:edit", args=[made.pk]))

    assert listing.status_code == 200
    assert reverse(SPREADSHEET) in listing.text
    assert edit.status_code == 200
    assert "Ethical responsibility" in edit.text
    assert "Continuing education per renewal" in edit.text


@pytest.mark.parametrize(
    "url",
    [
        lambda pa, made: reverse("wagtailsnippets_certificates_credential:list"),
        lambda pa, made: reverse("wagtailsnippets_certificates_credential:inspect", args=[pa.pk]),
        lambda pa, made: reverse(
            "wagtailsnippets_certificates_requirementset:edit", args=[made.pk]
        ),
        lambda pa, made: reverse(SPREADSHEET),
        lambda pa, made: reverse("certificates_admin:requirements_export", args=["csv"]),
    ],
)
def test_a_trainer_without_certification_permissions_is_turned_away(client, home_page, url):
    made = requirement_set(credential())
    trainer = UserFactory(role="Trainer", totp_secret=TOTP_SECRET)
    sign_in(client, trainer, totp_secret=TOTP_SECRET)

    response = client.get(url(made.credential, made))

    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_home")
    assert "Sources" not in response.text


def test_a_trainer_cannot_import_and_nothing_changes(client, home_page):
    requirement_set(credential())
    before = snapshot()
    trainer = UserFactory(role="Trainer", totp_secret=TOTP_SECRET)
    sign_in(client, trainer, totp_secret=TOTP_SECRET)

    response = upload(client, as_csv(row(kind="training_total", label="Total", hours="10")))

    assert response.status_code == 302
    assert snapshot() == before


def test_someone_who_may_only_view_can_export_but_not_import(client, home_page):
    requirement_set(credential())
    grant_certification("Trainer", "view")
    viewer = UserFactory(role="Trainer", totp_secret=TOTP_SECRET)
    sign_in(client, viewer, totp_secret=TOTP_SECRET)
    before = snapshot()

    page = client.get(reverse(SPREADSHEET))
    exported = client.get(reverse("certificates_admin:requirements_export", args=["csv"]))
    refused = upload(client, as_csv(row(kind="training_total", label="Total", hours="10")))

    assert page.status_code == 200
    assert 'name="requirements"' not in page.text
    assert exported.status_code == 200
    assert refused.status_code == 302
    assert snapshot() == before


def test_a_signed_out_visitor_is_sent_to_sign_in(client, home_page):
    response = client.get(reverse("certificates_admin:requirements_export", args=["csv"]))

    assert response.status_code == 302
    assert "login" in response.url


def test_the_export_has_one_row_per_requirement_in_the_documented_columns(client, administrator):
    requirement_set(credential())

    response = client.get(reverse("certificates_admin:requirements_export", args=["csv"]))

    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert response["Content-Disposition"] == 'attachment; filename="requirement-sets.csv"'
    assert list(rows[0]) == COLUMNS
    assert [r["label"] for r in rows] == [
        "Training hours in total",
        "Ethical responsibility",
        "Supervised one-to-one work",
        "Exam passed",
        "Continuing education per renewal",
    ]
    assert rows[1] == {
        "credential": "PA-CPS",
        "version": "1",
        "effective_from": "2026-01-01",
        "effective_until": "",
        "renewal_months": "24",
        "conditions_within_months": "",
        "stage": "award",
        "kind": "training_domain",
        "label": "Ethical responsibility",
        "key": "",
        "parent": "",
        "hours": "19.5",
        "share_percent": "",
        "per_year": "",
        "topics": "boundaries, ethics",
        "modes": "",
        "window_months": "",
        "activities": "",
        "attestation_kind": "",
        "amount": "",
        "min_age": "",
        "min_score": "",
        "quiz": "",
        "group": "",
        "track": "",
        "satisfied_by": "",
    }
    assert rows[0]["hours"] == "75"
    assert rows[2]["activities"] == "one_to_one, group"


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_exported_requirement_sets_import_back_unchanged(client, administrator, file_format):
    pa = credential()
    requirement_set(pa)
    requirement_set(pa, version=2, effective_from=date(2027, 1, 1))
    requirement_set(
        credential("CA-MCPSS", name="CMPSS", jurisdiction="California"),
        effective_until=date(2027, 6, 30),
    )
    exported = client.get(
        reverse("certificates_admin:requirements_export", args=[file_format])
    ).content
    before = snapshot()
    Requirement.objects.all().delete()
    RequirementSet.objects.all().delete()

    preview = upload(client, exported, name=f"requirements.{file_format}")
    done = confirm(client)

    assert preview.status_code == 200, preview.text
    assert "PA-CPS v2: new requirement set" in preview.text
    assert "Imported 15 requirements into CA-MCPSS v1, PA-CPS v1, PA-CPS v2." in done.text
    assert snapshot() == before


def test_the_preview_saves_nothing_until_confirmed(client, administrator):
    credential()

    preview = upload(client, as_csv(total_row("80")))

    assert preview.status_code == 200
    assert "Confirm the import" in preview.text
    assert not RequirementSet.objects.exists()


def test_an_import_creates_a_new_version_with_its_requirements_in_order(client, administrator):
    pa = credential()
    requirement_set(pa)
    version_one = snapshot()

    upload(
        client,
        as_csv(
            total_row("80"),
            row(kind="training_domain", label="Ethics", hours="6", topics="ethics, boundaries"),
            row(kind="supervision_received", label="Supervision", hours="25"),
            row(kind="attestation", label="Diploma", attestation_kind="diploma"),
            row(
                stage="renewal",
                kind="training_domain",
                label="Ethics per renewal",
                hours="3",
                topics="ethics",
            ),
        ),
    )
    done = confirm(client)

    assert "Imported 5 requirements into PA-CPS v2." in done.text
    new = RequirementSet.objects.get(credential=pa, version=2)
    assert new.effective_from == date(2027, 1, 1)
    assert [(r.kind, r.label, r.hours) for r in new.requirements.all()] == [
        ("training_total", "Training hours in total", Decimal(80)),
        ("training_domain", "Ethics", Decimal(6)),
        ("supervision_received", "Supervision", Decimal(25)),
        ("attestation", "Diploma", None),
        ("training_domain", "Ethics per renewal", Decimal(3)),
    ]
    assert new.requirements.get(label="Ethics per renewal").stage == "renewal"
    assert new.renewal_months == 24
    ethics = new.requirements.get(label="Ethics")
    assert sorted(ethics.topics.values_list("slug", flat=True)) == ["boundaries", "ethics"]
    assert [s for s in snapshot() if s[1] == 1] == version_one


def test_an_import_replaces_the_requirements_of_the_sets_it_names(client, administrator):
    made = requirement_set(credential())

    preview = upload(
        client,
        as_csv(total_row("78", version="1", effective_from="2026-01-01")),
    )
    confirm(client)

    assert "PA-CPS v1: replaces its 5 requirements" in preview.text
    assert [(r.label, r.hours) for r in made.requirements.all()] == [
        ("Training hours in total", Decimal(78))
    ]


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"kind": "training_hours"}, "“training_hours” is not a kind of requirement"),
        ({"topics": "ethics, ethicz"}, "Unknown topic “ethicz”."),
        ({"hours": ""}, "A training_domain requirement needs its hours."),
        ({"hours": "lots"}, "hours must be a number above 0"),
        ({"credential": "XX-NOPE"}, "No credential has the code “XX-NOPE”."),
        ({"activities": "gardening"}, "Unknown activity “gardening”"),
        ({"effective_until": "2026-06-01"}, "effective_until must be after effective_from."),
        ({"quiz": "999999"}, "No quiz has the id 999999."),
        ({"kind": "assessment", "hours": ""}, "An assessment requirement names its quiz by id."),
        (
            {"kind": "attestation", "hours": ""},
            "An attestation requirement names its attestation_kind.",
        ),
        ({"version": "0"}, "version must be a whole number, 1 or more (not “0”)."),
        ({"effective_from": "next year"}, "effective_from must be a date written YYYY-MM-DD"),
    ],
)
def test_a_bad_row_saves_nothing_and_the_error_names_the_row(client, administrator, bad, message):
    requirement_set(credential())
    before = snapshot()
    good = total_row("80")
    domain = row(kind="training_domain", label="Ethics", hours="6", topics="ethics")

    response = upload(client, as_csv(good, {**domain, **bad}, good))

    assert response.status_code == 400
    assert "Problems found: nothing was saved" in response.text
    problems = response.text.split("data-import-problems>")[1].split("</ul>")[0]
    assert "Row 2 (" in problems
    assert message in problems
    assert "Row 1 (" not in problems
    assert "Confirm the import" not in response.text
    assert snapshot() == before
    assert "Upload the file again: the preview has expired." in confirm(client).text
    assert snapshot() == before


def test_rows_of_one_set_must_agree_on_its_dates(client, administrator):
    credential()

    response = upload(
        client,
        as_csv(
            row(kind="training_total", label="Total", hours="80"),
            row(
                kind="training_total", label="Total again", hours="80", effective_from="2027-02-01"
            ),
        ),
    )

    assert response.status_code == 400
    assert "Row 2 (PA-CPS v2 Total again): Row 1 gives PA-CPS v2 other values" in response.text
    assert not RequirementSet.objects.exists()


def test_a_file_without_the_needed_columns_is_refused_whole(client, administrator):
    response = upload(client, "credential,label\nPA-CPS,Total\n")

    assert "The file needs a column headed version, effective_from, kind" in response.text
    assert not RequirementSet.objects.exists()


def test_a_set_a_certificate_was_evaluated_against_cannot_be_imported_over(
    client, administrator, monkeypatch
):
    made = requirement_set(credential())
    before = snapshot()
    monkeypatch.setattr(resources, "requirement_set_is_locked", lambda s: s.pk == made.pk)

    response = upload(
        client,
        as_csv(total_row("60", version="1", effective_from="2026-01-01")),
    )

    assert response.status_code == 400
    assert "PA-CPS v1 has been used to evaluate certificates, so it cannot change" in response.text
    assert snapshot() == before


def test_a_set_a_certificate_was_evaluated_against_cannot_be_edited_in_the_admin(
    client, administrator, monkeypatch
):
    made = requirement_set(credential())
    before = snapshot()
    monkeypatch.setattr(resources, "requirement_set_is_locked", lambda s: s.pk == made.pk)
    edit_url = reverse("wagtailsnippets_certificates_requirementset:edit", args=[made.pk])

    response = client.post(edit_url, {"version": "1"}, follow=True)

    assert "A certificate was evaluated against this requirement set" in response.text
    assert snapshot() == before


def test_requirement_sets_are_not_locked_while_there_are_no_certificates():
    made = requirement_set(credential())

    assert resources.requirement_set_is_locked(made) is False


def inline_data(made: RequirementSet, requirements: list[dict], **set_values) -> dict:
    """The admin's edit form as a browser posts it, with the requirements inline."""
    data = {
        "credential": made.credential_id,
        "version": made.version,
        "effective_from": made.effective_from.isoformat(),
        "effective_until": "",
        "summary": "",
        "renewal_months": set_values.get("renewal_months", ""),
        "conditions_within_months": set_values.get("conditions_within_months", ""),
        "requirements-TOTAL_FORMS": str(len(requirements)),
        "requirements-INITIAL_FORMS": "0",
        "requirements-MIN_NUM_FORMS": "0",
        "requirements-MAX_NUM_FORMS": "1000",
    }
    for index, values in enumerate(requirements):
        row = {"stage": "award", "ORDER": str(index + 1), "modes": "[]", "activities": "[]"}
        row.update(values)
        for name, value in row.items():
            if name == "topics":
                data[f"requirements-{index}-topics"] = [
                    Topic.objects.get(slug=slug).pk for slug in value
                ]
            else:
                data[f"requirements-{index}-{name}"] = value
    return data


@pytest.mark.parametrize(
    ("requirements", "set_values", "message"),
    [
        (
            [
                {"kind": "training_total", "label": "Total", "key": "total", "hours": "10"},
                {"kind": "training_domain", "label": "Ethics", "parent_key": "total",
                 "hours": "12", "topics": ["ethics"]},
            ],
            {},
            "Nested minimum larger than its parent",
        ),
        (
            [
                {"kind": "training_total", "label": "Total", "key": "total", "hours": "20"},
                {"kind": "training_domain", "label": "Ethics", "parent_key": "total",
                 "hours": "12", "topics": ["ethics"]},
                {"kind": "training_domain", "label": "Advocacy", "parent_key": "total",
                 "hours": "12", "topics": ["advocacy"]},
            ],
            {},
            "Sub-minimums over the total",
        ),
        (
            [{"kind": "supervised_work", "label": "Work", "hours": "250", "stage": "condition"}],
            {},
            "A phase without a deadline",
        ),
    ],
)  # fmt: skip
def test_the_admin_refuses_a_set_that_contradicts_itself_and_saves_nothing(
    client, administrator, requirements, set_values, message
):
    made = requirement_set(credential())
    before = snapshot()

    response = client.post(
        reverse("wagtailsnippets_certificates_requirementset:edit", args=[made.pk]),
        inline_data(made, requirements, **set_values),
    )

    assert response.status_code == 200
    assert message in response.text
    assert snapshot() == before


def test_the_admin_saves_a_set_whose_rules_agree(client, administrator):
    made = requirement_set(credential())

    response = client.post(
        reverse("wagtailsnippets_certificates_requirementset:edit", args=[made.pk]),
        inline_data(
            made,
            [
                {"kind": "training_total", "label": "Total", "key": "total", "hours": "20"},
                {"kind": "training_domain", "label": "Ethics", "parent_key": "total",
                 "hours": "12", "topics": ["ethics"]},
            ],
        ),
    )  # fmt: skip

    assert response.status_code == 302
    saved = made.requirements.filter(label__in=["Total", "Ethics"])
    assert sorted(saved.values_list("label", "parent_key")) == [("Ethics", "total"), ("Total", "")]


def test_an_import_whose_set_contradicts_itself_is_refused_and_saves_nothing(client, administrator):
    requirement_set(credential())
    before = snapshot()

    response = upload(
        client,
        as_csv(
            total_row("10", key="total"),
            row(kind="training_domain", label="Ethics", hours="12", topics="ethics",
                parent="total"),
        ),
    )  # fmt: skip
    done = confirm(client)

    assert "Nested minimum larger than its parent" in response.text + done.text
    assert "Imported" not in done.text
    assert snapshot() == before


def test_a_window_of_zero_months_is_refused_in_the_admin(client, administrator):
    made = requirement_set(credential())
    before = snapshot()

    response = client.post(
        reverse("wagtailsnippets_certificates_requirementset:edit", args=[made.pk]),
        inline_data(
            made,
            [{"kind": "training_total", "label": "Total", "hours": "20", "window_months": "0"}],
        ),
    )

    assert response.status_code == 200
    assert "Ensure this value is greater than or equal to 1." in response.text
    assert snapshot() == before


def test_an_import_takes_a_share_of_the_parents_hours_instead_of_hours(client, administrator):
    credential()

    upload(
        client,
        as_csv(
            total_row("60", key="total"),
            row(kind="training_total", label="Face to face", parent="total",
                share_percent="50", modes="face_to_face"),
        ),
    )  # fmt: skip
    done = confirm(client)

    assert "Imported 2 requirements into PA-CPS v2." in done.text
    share = Requirement.objects.get(label="Face to face")
    assert (share.hours, share.share_percent, share.modes) == (None, 50, ["face_to_face"])
