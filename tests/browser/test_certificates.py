"""From a trainee meeting Pennsylvania's training requirements to a certifier verifying the
certificate by its code, in a real browser."""

from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from certificates.models import (
    Certificate,
    CertificateProgram,
    CertifierScope,
    Credential,
    CredentialGoal,
)
from certificates.requirements_load import credentials_load
from courses.models import Enrolment, LessonProgress
from tests.courses.builders import catalogue_under, course_under, lesson_under, module_under
from tests.people.factories import UserFactory
from tests.people.helpers import TOTP_SECRET

from .conftest import axe_violations, sign_in, sign_out

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
CREDENTIALS = Path(__file__).resolve().parents[2] / "fixtures" / "credentials.toml"


def test_a_trainee_earns_a_certificate_and_a_certifier_verifies_it_by_its_code(page, home_page):
    credentials_load(CREDENTIALS)
    catalogue = catalogue_under(home_page)
    catalogue.save_revision().publish()
    course = course_under(catalogue, slug="ethics", title="Ethics in practice", seat_time_share="0")
    module = module_under(course, slug="confidentiality", title="Confidentiality")
    earlier = lesson_under(
        module, slug="earlier", title="Earlier work", credits={"ethics": 74 * 60}
    )
    last = lesson_under(module, slug="consent", title="Consent", credits={"ethics": 60})
    program = CertificateProgram.objects.create(
        slug="pa-cps-training", title="Certificate of Training", attests="credential_training",
        credential=Credential.objects.get(code="PA-CPS"),
        valid_for_months=24,
    )  # fmt: skip
    trainee = UserFactory(role="Trainee", legal_name="Trần Thị Hoa", preferred_name="Hoa")
    enrolment = Enrolment.objects.create(user=trainee, course=course)
    LessonProgress.objects.create(
        enrolment=enrolment, lesson=earlier, engaged_seconds=0, completed_at=timezone.now()
    )
    CredentialGoal.objects.create(user=trainee, credential=program.credential)
    certifier = UserFactory(role="Certifier", legal_name="Lena Kowalski", totp_secret=TOTP_SECRET)
    CertifierScope.objects.create(certifier=certifier, credential=program.credential)
    visited = []

    def check(name):
        visited.append(name)
        assert axe_violations(page) == [], name

    sign_in(page, trainee)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My learning").click()
    expect(
        page.get_by_role("progressbar", name="Training hours in total: 74 of 75 hours; 1 to go")
    ).to_be_visible()
    check("dashboard, one hour short")

    page.goto(last.url)
    page.get_by_role("button", name="Mark this lesson complete").click()
    expect(page.get_by_text("Lesson complete: “Consent”.")).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My learning").click()
    expect(page.get_by_text("You meet the training requirements.")).to_be_visible()
    check("dashboard, requirements met")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="My certificates").click()
    expect(page.get_by_role("heading", name="Certificate of Training")).to_be_visible()
    check("my certificates")
    certificate = Certificate.objects.get(holder=trainee)
    expect(page.get_by_text(certificate.code_display)).to_be_visible()
    sign_out(page)

    sign_in(page, certifier, totp_secret=TOTP_SECRET)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Certifier portal").click()
    check("certifier portal")
    page.get_by_label("Name, serial number or code").fill(certificate.code_display.lower())
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("cell", name="Trần Thị Hoa")).to_be_visible()
    check("portal search")

    page.get_by_role("link", name=certificate.serial).click()
    expect(page.get_by_text("This certificate is genuine and current.")).to_be_visible()
    expect(page.get_by_text("Trần Thị Hoa").first).to_be_visible()
    check("verification page")

    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Verify a certificate"
    ).click()
    page.get_by_label("Verification code").fill("ZZZZ-ZZZZ-ZZZZ")
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", name="No certificate with this code")).to_be_visible()
    check("unknown code")
    assert visited == [
        "dashboard, one hour short", "dashboard, requirements met", "my certificates",
        "certifier portal", "portal search", "verification page", "unknown code",
    ]  # fmt: skip
