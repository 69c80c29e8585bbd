"""Issuing: eligibility, the snapshot, idempotency under retries and races, renewal, lifecycle."""

import threading
from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from certificates import readiness, services, tasks
from certificates.codes import code_normalise
from certificates.models import Certificate, CertificateEvent, CertificateProgram
from courses.models import Enrolment, LessonProgress
from tests.people.factories import UserFactory

SITE = "http://testserver"
pytestmark = pytest.mark.django_db


def issue(program, holder, **kwargs):
    return services.certificate_issue(program=program, holder=holder, site_url=SITE, **kwargs)


def test_a_trainee_who_meets_the_training_hours_gets_a_certificate_with_a_frozen_snapshot(
    pa_program, pa_ready, credentials
):
    trainee = pa_ready(legal_name="Nguyễn Thị Minh Khai")

    certificate = issue(pa_program, trainee)

    assert certificate.serial == f"PC-{timezone.now():%Y}-{certificate.pk:06d}"
    assert code_normalise(certificate.code) == certificate.code
    printed = certificate.snapshot
    assert printed["legal_name"] == "Nguyễn Thị Minh Khai"
    assert printed["hours_total"] == "75"
    assert printed["requirement_set"]["credential"] == "PA-CPS"
    assert printed["requirement_set"]["version"] == "2"
    assert printed["expires_on"] == (certificate.expires_on.isoformat())
    assert printed["verify_url"] == f"{SITE}/v/{certificate.code}/"
    assert certificate.requirement_set == credentials["PA-CPS"]
    assert certificate.pdf.read()[:5] == b"%PDF-"
    assert list(certificate.events.values_list("action", flat=True)) == ["issued"]

    trainee.legal_name = "Someone Else"
    trainee.save()
    certificate.refresh_from_db()
    assert certificate.snapshot["legal_name"] == "Nguyễn Thị Minh Khai"


def test_a_trainee_short_of_the_hours_is_told_what_is_missing_and_nothing_is_written(
    pa_program, training
):
    trainee = UserFactory(role="Trainee")
    training(trainee, {"ethics": 74 * 60})

    with pytest.raises(services.CertificateNotEligible) as refusal:
        issue(pa_program, trainee)

    assert refusal.value.reasons == ["Training hours in total: 74 of 75 hours; 1 to go"]
    assert not Certificate.objects.exists()


def test_icrc_training_short_in_ethics_is_not_issued(credentials, training):
    program = CertificateProgram.objects.create(
        slug="icrc", title="IC&RC training", attests="credential_training",
        credential=credentials["ICRC-PR"].credential,
    )  # fmt: skip
    trainee = UserFactory(role="Trainee")
    training(
        trainee,
        {"advocacy": 600, "mentoring-education": 600, "recovery-wellness": 600, "ethics": 960},
    )
    assert issue(program, trainee).snapshot["hours_by_domain"] == [
        {"label": "Advocacy", "hours": "10"},
        {"label": "Mentoring and education", "hours": "10"},
        {"label": "Recovery and wellness support", "hours": "10"},
        {"label": "Ethical responsibility", "hours": "16"},
    ]
    other = UserFactory(role="Trainee")
    training(
        other,
        {"advocacy": 600, "mentoring-education": 600, "recovery-wellness": 960, "ethics": 600},
    )
    with pytest.raises(services.CertificateNotEligible) as refusal:
        issue(program, other)
    assert refusal.value.reasons == ["Ethical responsibility: 10 of 16 hours; 6 to go"]


def test_a_retried_task_returns_the_same_certificate(pa_program, pa_ready):
    trainee = pa_ready()

    first = tasks.certificate_issue_task.apply(args=(pa_program.pk, trainee.pk)).get()
    second = tasks.certificate_issue_task.apply(args=(pa_program.pk, trainee.pk)).get()

    assert first == second
    assert Certificate.objects.count() == 1
    assert CertificateEvent.objects.count() == 1


def test_the_database_refuses_a_second_certificate_for_the_same_cycle(pa_program, pa_ready):
    certificate = issue(pa_program, pa_ready())

    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(
            program=pa_program, holder=certificate.holder, cycle=1, serial="PC-X", code="X",
            issued_at=timezone.now(), status_changed_at=timezone.now(), snapshot={},
        )  # fmt: skip


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_issues_make_one_certificate(pa_program, pa_ready):
    trainee = pa_ready()
    barrier = threading.Barrier(2)
    outcomes = []

    def race():
        try:
            barrier.wait()
            outcomes.append(issue(pa_program, trainee).pk)
        except Exception as error:  # noqa: BLE001 - the test reports whatever happened
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=race) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert Certificate.objects.count() == 1
    assert outcomes == [Certificate.objects.get().pk] * 2


def test_completing_the_last_lesson_issues_an_automatic_certificate_after_commit(
    pa_program, training, django_capture_on_commit_callbacks
):
    trainee = UserFactory(role="Trainee")
    training(trainee, {"ethics": 74 * 60})
    assert not Certificate.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        training(trainee, {"ethics": 60})

    assert Certificate.objects.get().holder == trainee


def test_a_program_awarded_on_approval_waits_for_a_trainer(pa_program, pa_ready):
    pa_program.issuing = CertificateProgram.Issuing.APPROVAL
    pa_program.save()
    trainee = pa_ready()

    with pytest.raises(services.CertificateNotEligible):
        issue(pa_program, trainee)
    trainer = UserFactory(role="Trainer")
    certificate = issue(pa_program, trainee, approved_by=trainer)

    assert certificate.approved_by == trainer
    assert certificate.events.get().actor == trainer


def test_a_course_certificate_needs_the_course_completed(training, home_page):
    trainee = UserFactory(role="Trainee")
    training(trainee, {"boundaries": 90})
    program = CertificateProgram.objects.create(
        slug="course", title="Certificate of Completion", attests="course", course=training.course
    )
    with pytest.raises(services.CertificateNotEligible):
        issue(program, trainee)

    Enrolment.objects.filter(user=trainee).update(completed_at=timezone.now())
    certificate = issue(program, trainee)

    assert certificate.snapshot["achievement"] == "has completed the course Training"
    assert certificate.snapshot["hours_total"] == "1.5"
    assert certificate.expires_on is None


@pytest.fixture
def icrc_certified(credentials, training):
    """A trainee certified against IC&RC's training requirements 700 days ago."""
    program = CertificateProgram.objects.create(
        slug="icrc", title="IC&RC training", attests="credential_training",
        credential=credentials["ICRC-PR"].credential, valid_for_months=24,
    )  # fmt: skip
    trainee = UserFactory(role="Trainee")
    long_ago = timezone.now() - timedelta(days=700)
    training(
        trainee,
        {"advocacy": 600, "mentoring-education": 600, "recovery-wellness": 600, "ethics": 960},
        when=long_ago,
    )
    first = issue(program, trainee)
    Certificate.objects.filter(pk=first.pk).update(issued_at=long_ago + timedelta(hours=1))
    return program, trainee, first


def test_renewal_needs_continuing_education_since_the_last_certificate(icrc_certified, training):
    program, trainee, first = icrc_certified

    training(trainee, {"recovery-wellness": 16 * 60, "boundaries": 3 * 60})
    with pytest.raises(services.CertificateNotEligible) as refusal:
        issue(program, trainee, cycle=2)
    assert refusal.value.reasons == [
        "Continuing education per renewal: 19 of 20 hours; 1 to go",
        "Ethics continuing education per renewal: 3 of 6 hours; 3 to go",
    ]

    training(trainee, {"confidentiality-privacy": 3 * 60})
    renewed = issue(program, trainee, cycle=2)
    assert renewed.cycle == 2
    assert "renew" in renewed.snapshot["achievement"]


def test_status_changes_need_a_reason_and_are_recorded(pa_program, pa_ready):
    certificate = issue(pa_program, pa_ready())
    administrator = UserFactory(role="Administrator")
    change = services.certificate_status_change

    with pytest.raises(ValidationError, match="Give a reason"):
        change(certificate=certificate, action="suspended", actor=administrator, reason=" ")
    change(certificate=certificate, action="suspended", actor=administrator, reason="Complaint")
    change(certificate=certificate, action="reinstated", actor=administrator, reason="Cleared")
    change(certificate=certificate, action="revoked", actor=administrator, reason="Fraud found")
    with pytest.raises(ValidationError, match="revoked certificate cannot be suspended"):
        change(certificate=certificate, action="suspended", actor=administrator, reason="Again")

    certificate.refresh_from_db()
    assert certificate.status == "revoked"
    assert certificate.status_reason == "Fraud found"
    assert [(e.action, e.actor, e.reason) for e in certificate.events.all()] == [
        ("issued", None, ""),
        ("suspended", administrator, "Complaint"),
        ("reinstated", administrator, "Cleared"),
        ("revoked", administrator, "Fraud found"),
    ]


def test_an_unrenewed_certificate_expires_by_date(pa_program, pa_ready):
    certificate = issue(pa_program, pa_ready())

    assert certificate.state_on(certificate.expires_on) == "active"
    assert certificate.state_on(certificate.expires_on + timedelta(days=1)) == "expired"


def test_a_trainee_without_a_legal_name_is_asked_for_one(pa_program, pa_ready):
    trainee = pa_ready(legal_name="  ", preferred_name="Sam")

    with pytest.raises(services.CertificateNotEligible, match="legal name"):
        issue(pa_program, trainee)


def test_codes_catch_a_mistyped_character():
    from certificates.codes import code_new

    code = code_new()
    typo = ("1" if code[3] != "1" else "2").join([code[:3], code[4:]])

    assert code_normalise(code.lower()[:4] + "-" + code[4:8] + " " + code[8:]) == code
    assert code_normalise(typo) is None
    assert code_normalise("not a code") is None


def test_a_renewal_is_issued_automatically_near_expiry_and_continues_the_validity(
    icrc_certified, training, django_capture_on_commit_callbacks
):
    program, trainee, first = icrc_certified
    expires_on = timezone.localdate() + timedelta(days=30)
    Certificate.objects.filter(pk=first.pk).update(expires_on=expires_on)

    with django_capture_on_commit_callbacks(execute=True):
        training(trainee, {"recovery-wellness": 14 * 60, "ethics": 6 * 60})

    renewal = Certificate.objects.get(cycle=2)
    assert renewal.expires_on == expires_on + relativedelta(months=24)
    assert renewal.snapshot["expires_on"] == renewal.expires_on.isoformat()


def test_no_renewal_is_issued_long_before_expiry(credentials, training, pa_program, pa_ready):
    trainee = pa_ready()
    issue(pa_program, trainee)

    assert services.certificates_due_enqueue(holder=trainee) == []


def test_a_program_no_longer_awarded_issues_nothing(pa_program, pa_ready):
    pa_program.active = False
    pa_program.save()

    with pytest.raises(services.CertificateNotEligible, match="not being awarded"):
        issue(pa_program, pa_ready())
    assert not Certificate.objects.exists()


def test_heartbeats_after_a_lesson_is_complete_queue_no_certificate_checks(
    training, django_capture_on_commit_callbacks
):
    from courses.services import lesson_heartbeat_record

    trainee = UserFactory(role="Trainee")
    training(trainee, {"ethics": 60})
    progress = LessonProgress.objects.get(enrolment__user=trainee)

    with django_capture_on_commit_callbacks() as queued:
        lesson_heartbeat_record(
            user=trainee, enrolment_id=progress.enrolment_id, lesson=progress.lesson,
            now=timezone.now(),
        )  # fmt: skip
    with django_capture_on_commit_callbacks() as completion:
        progress.completed_at = timezone.now()
        progress.save(update_fields=["completed_at"])

    assert queued == []
    assert len(completion) == 1


def test_opening_a_program_issues_it_to_everyone_who_already_qualifies(
    credentials, training, pa_ready, django_capture_on_commit_callbacks
):
    ready = [pa_ready() for _ in range(3)]
    short = UserFactory(role="Trainee")
    training(short, {"ethics": 74 * 60})
    nameless = pa_ready(legal_name="  ", preferred_name="Sam")

    with django_capture_on_commit_callbacks(execute=True):
        program = CertificateProgram.objects.create(
            slug="pa-cps-training", title="Certificate of Training",
            attests="credential_training", credential=credentials["PA-CPS"].credential,
        )  # fmt: skip

    holders = set(Certificate.objects.filter(program=program).values_list("holder", flat=True))
    assert holders == {trainee.pk for trainee in ready}
    assert short.pk not in holders
    assert nameless.pk not in holders
    # Saving it again finds nobody new and issues nothing twice.
    with django_capture_on_commit_callbacks(execute=True):
        program.save()
    assert Certificate.objects.filter(program=program).count() == 3


def test_a_program_is_swept_when_opened_or_rescoped_and_not_for_other_edits(
    credentials, pa_ready, django_capture_on_commit_callbacks
):
    pa_ready()
    with django_capture_on_commit_callbacks() as queued:
        program = CertificateProgram.objects.create(
            slug="pa", title="Closed for now", attests="credential_training",
            credential=credentials["PA-CPS"].credential, active=False,
        )  # fmt: skip
        approval = CertificateProgram.objects.create(
            slug="approval", title="On approval", attests="credential_training",
            credential=credentials["PA-CPS"].credential, issuing="approval",
        )  # fmt: skip
    assert queued == []
    with django_capture_on_commit_callbacks() as queued:
        program.title = "Renamed"
        program.save()
    assert queued == []

    with django_capture_on_commit_callbacks(execute=True) as queued:
        program.active = True
        program.save()
    assert len(queued) >= 1
    assert Certificate.objects.get().program == program

    with django_capture_on_commit_callbacks(execute=True) as queued:
        approval.issuing = "automatic"
        approval.save()
    assert Certificate.objects.filter(program=approval).count() == 1


def test_closed_accounts_are_not_swept_nor_issued(
    pa_program, pa_ready, django_capture_on_commit_callbacks
):
    closed = pa_ready(is_active=False)

    assert readiness.program_qualifiers(pa_program) == []
    with pytest.raises(services.CertificateNotEligible, match="closed"):
        issue(pa_program, closed)
    assert not Certificate.objects.exists()


def fail_storing_for(monkeypatch, holder, error: Exception):
    """Make storing the PDF of `holder`'s certificate raise `error`; others are stored."""
    store = services.certificate_pdf_store

    def failing(certificate):
        if certificate.holder_id == holder.pk:
            raise error
        store(certificate)

    monkeypatch.setattr(services, "certificate_pdf_store", failing)
    return store


def test_one_failure_in_a_batch_costs_no_other_certificate(pa_program, pa_ready, monkeypatch):
    first, broken, last = pa_ready(), pa_ready(legal_name="Broken Render"), pa_ready()
    fail_storing_for(monkeypatch, broken, RuntimeError("The renderer failed"))

    issued = services.certificates_issue_batch(
        program=pa_program, holder_ids=[first.pk, broken.pk, last.pk], site_url=SITE
    )

    assert [c.holder_id for c in issued] == [first.pk, last.pk]
    assert not Certificate.objects.filter(holder=broken).exists()


def test_a_database_outage_in_a_batch_issues_the_others_then_asks_for_a_retry(
    pa_program, pa_ready, monkeypatch
):
    first, unlucky, last = pa_ready(), pa_ready(), pa_ready()
    store = fail_storing_for(monkeypatch, unlucky, OperationalError("connection closed"))
    ids = [first.pk, unlucky.pk, last.pk]

    with pytest.raises(OperationalError):
        services.certificates_issue_batch(program=pa_program, holder_ids=ids, site_url=SITE)
    assert set(Certificate.objects.values_list("holder", flat=True)) == {first.pk, last.pk}

    # The retry issues the one left and returns the others as they were.
    monkeypatch.setattr(services, "certificate_pdf_store", store)
    retried = services.certificates_issue_batch(program=pa_program, holder_ids=ids, site_url=SITE)
    assert [c.holder_id for c in retried] == ids
    assert Certificate.objects.count() == 3


def test_a_course_program_opened_later_reaches_those_who_completed_the_course(
    training, django_capture_on_commit_callbacks
):
    finished, unfinished = UserFactory(role="Trainee"), UserFactory(role="Trainee")
    for trainee in (finished, unfinished):
        training(trainee, {"boundaries": 90})
    Enrolment.objects.filter(user=finished).update(completed_at=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        CertificateProgram.objects.create(
            slug="course", title="Completion", attests="course", course=training.course
        )

    assert list(Certificate.objects.values_list("holder", flat=True)) == [finished.pk]


def test_a_batch_issues_to_those_who_qualify_and_is_safe_to_repeat(pa_program, pa_ready, training):
    ready = [pa_ready() for _ in range(3)]
    short = UserFactory(role="Trainee")
    training(short, {"ethics": 60})
    ids = [short.pk, *(trainee.pk for trainee in ready)]

    issued = services.certificates_issue_batch(program=pa_program, holder_ids=ids, site_url=SITE)

    assert [c.holder_id for c in issued] == ids[1:]
    assert tasks.certificates_issue_batch_task.delay(pa_program.pk, ids).get() == [
        c.pk for c in issued
    ]
    assert Certificate.objects.count() == 3


def test_a_batch_reads_its_holders_evidence_once(pa_program, pa_ready):
    trainees = [pa_ready() for _ in range(7)]
    issue(pa_program, trainees[0])  # requirement sets and the static layer, as in a worker

    def queries(run) -> int:
        with CaptureQueriesContext(connection) as captured:
            run()
        return len(captured.captured_queries)

    def batch(people):
        return lambda: services.certificates_issue_batch(
            program=pa_program, holder_ids=[p.pk for p in people], site_url=SITE
        )

    alone = queries(lambda: issue(pa_program, trainees[1]))
    evidence = queries(lambda: readiness.evidence_for_users([trainees[1].pk]))
    one, three = queries(batch(trainees[2:3])), queries(batch(trainees[3:6]))

    # Each further holder in a batch costs only the writes of their certificate.
    assert three - one == 2 * (alone - evidence)
    assert queries(batch(trainees[6:7])) == one
