"""A credential first awarded as initial (provisional): Texas awards its peer specialist
certification for 6 months, full once 250 supervised hours are done within them; the
initial certification lapses otherwise. Each phase is printed and shown on verification."""

from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone

from assessments.models import HoursEntry
from certificates import services
from certificates.models import Certificate, CertificateProgram
from certificates.verify_views import pdf_verdict
from tests.people.factories import UserFactory

from .conftest import approved_hours, verify, verify_adult

pytestmark = pytest.mark.django_db
SITE = "http://testserver"


@pytest.fixture
def texas(credentials):
    return CertificateProgram.objects.create(
        slug="tx-ps", title="Texas Peer Specialist certification",
        attests=CertificateProgram.Attests.CREDENTIAL,
        credential=credentials["TX-PS"].credential, valid_for_months=24,
    )  # fmt: skip


@pytest.fixture
def awarded(texas, training):
    """A trainee who met Texas's award on the MHPS track and holds the initial certification."""
    trainee = UserFactory(role="Trainee", legal_name="Rosa Delgado")
    training(trainee, {"peer-support-foundations": 3570})
    verify(trainee, "external_exam", "lived_experience", "diploma")
    verify_adult(trainee)
    certificate = services.certificate_issue(program=texas, holder=trainee, site_url=SITE)
    return certificate


def test_the_initial_certification_prints_its_conditions_and_deadline(client, awarded):
    due = timezone.localdate() + relativedelta(months=6)

    assert awarded.phase == "initial"
    assert awarded.conditions_due_on == due
    assert awarded.expires_on == due
    assert "initial (provisional) certification" in awarded.snapshot["achievement"]
    assert "250 hours of supervised peer work" in awarded.snapshot["achievement"]
    page = client.get(reverse("certificate_verify", args=[awarded.code])).content.decode()
    assert f"its conditions are due by {due.isoformat()}" in page
    assert "genuine and current" in page


def test_conditions_met_in_time_make_it_full_and_the_first_pdf_still_checks(awarded, client):
    first_pdf = awarded.pdf.read()
    approved_hours(awarded.holder, {"one_to_one": 249 * 60})
    HoursEntry.objects.filter(trainee=awarded.holder).update(worked_on=timezone.localdate())

    still = services.certificate_conditions_check(certificate_id=awarded.pk)
    assert still.phase == "initial"

    approved_hours(awarded.holder, {"group": 60})
    HoursEntry.objects.filter(trainee=awarded.holder).update(worked_on=timezone.localdate())
    full = services.certificate_conditions_check(certificate_id=awarded.pk)

    assert full.phase == "full"
    assert full.expires_on == timezone.localdate() + relativedelta(months=24)
    assert "full certification" in full.snapshot["achievement"]
    assert [e.action for e in full.events.all()] == ["issued", "full"]
    assert pdf_verdict(first_pdf).verdict == "authentic"
    full.pdf.open("rb")
    assert pdf_verdict(full.pdf.read()).verdict == "authentic"
    page = client.get(reverse("certificate_verify", args=[full.code])).content.decode()
    assert "Full certification since" in page
    assert services.certificate_conditions_check(certificate_id=awarded.pk).events.count() == 2


def test_hours_worked_before_the_award_do_not_meet_its_conditions(awarded):
    approved_hours(awarded.holder, {"one_to_one": 300 * 60})
    HoursEntry.objects.filter(trainee=awarded.holder).update(
        worked_on=timezone.localdate() - timedelta(days=1)
    )

    assert services.certificate_conditions_check(certificate_id=awarded.pk).phase == "initial"


def test_a_missed_deadline_lapses_it_visibly_and_once(awarded, client):
    seven_months_ago = timezone.now() - relativedelta(months=7)
    due = timezone.localdate(seven_months_ago) + relativedelta(months=6)
    Certificate.objects.filter(pk=awarded.pk).update(
        issued_at=seven_months_ago, conditions_due_on=due, expires_on=due
    )
    approved_hours(awarded.holder, {"one_to_one": 250 * 60})  # logged after the deadline
    HoursEntry.objects.filter(trainee=awarded.holder).update(worked_on=timezone.localdate())

    services.certificates_conditions_sweep()
    lapsed = services.certificate_conditions_check(certificate_id=awarded.pk)

    assert lapsed.phase == "initial"
    assert lapsed.state_on(timezone.localdate()) == "lapsed"
    assert [e.action for e in lapsed.events.all()] == ["issued", "lapsed"]
    page = client.get(reverse("certificate_verify", args=[awarded.code])).content.decode()
    assert "it has lapsed" in page
    assert f"were not met by {due.isoformat()}" in page
    api = client.get(reverse("api_certificate", args=[awarded.code])).json()
    assert api["status"]["state"] == "lapsed"
    assert api["phase"]["phase"] == "initial"


def test_an_initial_certification_is_not_renewed(awarded):
    Certificate.objects.filter(pk=awarded.pk).update(expires_on=date.today() + timedelta(days=10))

    assert services.certificates_due_enqueue(holder=awarded.holder) == []
    assert not Certificate.objects.filter(cycle=2).exists()
