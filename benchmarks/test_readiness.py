"""5. Readiness at scale: 5,000 trainees against every credential in the fixtures, against the
same evaluation done one trainee at a time."""

import random
import time
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import Attestation, HoursEntry
from certificates import readiness
from people.models import User

from .data import complete_lessons, pa_program, training_course, users_bulk

TRAINEES = 5000
ONE_BY_ONE = 250


@pytest.mark.django_db
def test_readiness_of_five_thousand_trainees(record, home_page):
    pa_program()
    course, lessons = training_course(home_page)
    trainees = users_bulk(TRAINEES, prefix="ready")
    complete_lessons(trainees[: TRAINEES // 2], course, lessons)
    complete_lessons(trainees[TRAINEES // 2 :], course, lessons[:1])
    supervisor = users_bulk(1, prefix="supervisor", role="Supervisor")[0]
    randomly = random.Random(5000)
    HoursEntry.objects.bulk_create(
        HoursEntry(
            trainee=trainee, supervisor=supervisor, worked_on=date(2026, 1, 1) + timedelta(days=day),
            minutes=randomly.choice((60, 120, 240)), activity="one_to_one", setting="community",
            description="Peer support session.", status=HoursEntry.Status.APPROVED,
        )
        for trainee in trainees[:1000]
        for day in range(20)
    )  # fmt: skip
    Attestation.objects.bulk_create(
        Attestation(trainee=trainee, kind="diploma", evidence="evidence/x.pdf",
                    original_name="x.pdf", status=Attestation.Status.VERIFIED)
        for trainee in trainees[::3]
    )  # fmt: skip
    trainees_query = User.objects.filter(email__startswith="ready-").order_by("pk")
    everyone = list(trainees_query)
    fifty = User.objects.filter(pk__in=[user.pk for user in everyone[:50]]).order_by("pk")
    readiness.readiness_for_users(fifty)  # warm the database's caches

    with CaptureQueriesContext(connection) as few:
        readiness.readiness_for_users(fifty)
    with CaptureQueriesContext(connection) as many:
        started = time.perf_counter()
        standings = readiness.readiness_for_users(trainees_query)
        seconds = time.perf_counter() - started
    started = time.perf_counter()
    for trainee in everyone[:ONE_BY_ONE]:
        readiness.readiness_across_credentials(user=trainee)
    one_by_one = (time.perf_counter() - started) * TRAINEES / ONE_BY_ONE

    credentials = len(standings[0].comparison.standings)
    assert len(standings) == TRAINEES
    record(
        f"Readiness of {TRAINEES:,} trainees against all {credentials} credentials",
        seconds, "s", baseline=one_by_one,
        baseline_name=f"one trainee at a time, timed on {ONE_BY_ONE} and scaled",
        lower_is_better=True, target="< 2 s; queries do not grow with trainees",
        met=seconds < 2 and len(many) == len(few),
        parameters={"trainees": TRAINEES, "credentials": credentials,
                    "queries_for_50": len(few), "queries_for_5000": len(many)},
    )  # fmt: skip
