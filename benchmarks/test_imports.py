"""4. Imports: 10,000 hour entries and 10,000 roster rows through PeerCert's import (all
validation on, all or nothing), against a plain django-import-export ModelResource for the
same model in the same run."""

import time
from datetime import date, timedelta

import pytest
import tablib
from import_export import resources

from assessments import hours
from assessments.models import HoursEntry
from assessments.resources import HoursImportResource
from courses.models import Cohort, Enrolment
from courses.resources import RosterResource
from people.models import User
from tests.courses.builders import catalogue_under, course_under

from .data import users_bulk

ROWS = 10_000


class PlainHoursResource(resources.ModelResource):
    class Meta:
        model = HoursEntry
        fields = ("id", "trainee", "supervisor", "worked_on", "minutes", "activity", "setting",
                  "description", "status")  # fmt: skip


class PlainUserResource(resources.ModelResource):
    class Meta:
        model = User
        import_id_fields = ("email",)
        fields = ("email", "legal_name", "preferred_name")


def timed_import(resource, dataset) -> float:
    started = time.perf_counter()
    result = resource.import_data(
        dataset, dry_run=False, use_transactions=True, rollback_on_validation_errors=True
    )
    seconds = time.perf_counter() - started
    assert not result.has_errors()
    assert not result.has_validation_errors()
    return seconds


@pytest.mark.django_db
def test_importing_ten_thousand_hour_entries(record, home_page):
    trainee = users_bulk(1, prefix="hours")[0]
    supervisor = users_bulk(1, prefix="supervisor", role="Supervisor")[0]
    assigner = users_bulk(1, prefix="assigner", role="Trainer")[0]
    started_on = date.today() - timedelta(days=ROWS // 5 + 10)
    hours.supervision_assign(
        trainee=trainee, supervisor=supervisor, credential="CPRS",
        program_started_on=started_on, assigned_by=assigner,
    )  # fmt: skip
    dataset = tablib.Dataset(
        headers=["date", "minutes", "activity", "setting", "topics", "description"]
    )
    for number in range(ROWS):
        day = started_on + timedelta(days=number // 5)
        dataset.append((day.isoformat(), 60, "One-to-one peer support", "Community",
                        "recovery-wellness", f"Wellness planning session {number}."))  # fmt: skip

    ours = timed_import(HoursImportResource(trainee=trainee), dataset)
    assert HoursEntry.objects.count() == ROWS
    plain_rows = tablib.Dataset(
        headers=["trainee", "supervisor", "worked_on", "minutes", "activity", "setting",
                 "description", "status"],
    )  # fmt: skip
    for number in range(ROWS):
        day = started_on + timedelta(days=number // 5)
        plain_rows.append((trainee.pk, supervisor.pk, day.isoformat(), 60, "one_to_one",
                           "community", f"Plain session {number}.", "submitted"))  # fmt: skip
    plain = timed_import(PlainHoursResource(), plain_rows)

    record(
        f"Import {ROWS:,} hour entries", ROWS / ours, "rows/s", baseline=ROWS / plain,
        baseline_name="plain ModelResource", lower_is_better=False,
        target="≥ 6× the plain path", met=plain / ours >= 6,
        parameters={"rows": ROWS, "validation": "every rule of the hours form", "all_or_nothing": True},
    )  # fmt: skip


@pytest.mark.django_db
def test_importing_a_roster_of_ten_thousand_people(record, home_page):
    course = course_under(catalogue_under(home_page), slug="bench-roster")
    cohort = Cohort.objects.create(name="Benchmark cohort", course=course)
    trainer = users_bulk(1, prefix="trainer", role="Trainer")[0]
    dataset = tablib.Dataset(headers=["email", "legal_name", "preferred_name"])
    for number in range(ROWS):
        dataset.append(
            (f"roster-{number}@bench.peercert.test", f"Trainee Number {number}", "Trainee")
        )
    plain_rows = tablib.Dataset(headers=["email", "legal_name", "preferred_name"])
    for number in range(ROWS):
        plain_rows.append(
            (f"plain-{number}@bench.peercert.test", f"Plain Number {number}", "Plain")
        )

    ours = timed_import(RosterResource(cohort=cohort, enrolled_by=trainer), dataset)
    assert Enrolment.objects.filter(cohort=cohort).count() == ROWS
    plain = timed_import(PlainUserResource(), plain_rows)

    record(
        f"Import a roster of {ROWS:,} people (accounts and enrolments)", ROWS / ours, "rows/s",
        baseline=ROWS / plain, baseline_name="plain ModelResource (accounts only)",
        lower_is_better=False, target="≥ 6× the plain path", met=plain / ours >= 6,
        parameters={"rows": ROWS, "all_or_nothing": True},
    )  # fmt: skip
