"""A trainee records training done elsewhere; a trainer of their cohort verifies it. In a real
browser, with axe-core checks on each page."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import ExternalTraining
from certificates.models import Credential, CredentialGoal
from certificates.requirements_load import credentials_load
from courses.models import Cohort
from courses.services import enrolment_create
from tests.assessments.builders import PDF
from tests.courses.builders import catalogue_under, two_module_course
from tests.people.factories import UserFactory
from tests.people.helpers import TOTP_SECRET

from .conftest import axe_violations, sign_in, sign_out

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
CREDENTIALS = Path(__file__).resolve().parents[2] / "fixtures" / "credentials.toml"


def gap(page, label):
    """The progress bar of one requirement on the dashboard, by its label's start."""
    return page.get_by_role("progressbar", name=re.compile("^" + re.escape(label) + ": "))


def test_a_trainee_records_training_elsewhere_and_their_trainer_verifies_it(page, home_page):
    credentials_load(CREDENTIALS)
    course, _ = two_module_course(catalogue_under(home_page))
    cohort = Cohort.objects.create(name="Spring 2027", course=course)
    trainee = UserFactory(role="Trainee", legal_name="Minh Nguyen")
    enrolment_create(user=trainee, course=course, cohort=cohort, enrolled_by=UserFactory())
    trainer = UserFactory(role="Trainer", totp_secret=TOTP_SECRET)
    cohort.trainers.add(trainer)
    last_week = timezone.localdate() - timedelta(days=7)

    CredentialGoal.objects.create(user=trainee, credential=Credential.objects.get(code="OH-CPRS"))

    sign_in(page, trainee)
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="My learning").click()
    expect(gap(page, "Live, interactive training")).to_have_accessible_name(
        "Live, interactive training: 0 of 40 hours; 40 to go"
    )
    nav.get_by_role("link", name="Training elsewhere").click()
    assert axe_violations(page) == []
    page.get_by_label("Provider").fill("Mountain Recovery Institute")
    page.get_by_label("Course title").fill("Ethics in peer work")
    page.get_by_label("First day").fill(last_week.isoformat())
    page.get_by_label("Last day").fill(last_week.isoformat())
    page.get_by_label("How it was delivered").select_option("live_online")
    page.get_by_label("Topic 1", exact=True).select_option(label="Ethics")
    page.get_by_label("Hours for topic 1").fill("6")
    page.get_by_label("Topic 2", exact=True).select_option(label="Boundaries")
    page.get_by_label("Hours for topic 2").fill("1.5")
    page.get_by_label("Certificate of completion").set_input_files(
        {"name": "certificate.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Record").click()
    expect(page.get_by_text("Recorded. A trainer or administrator will check it")).to_be_visible()
    expect(page.get_by_role("cell", name="Waiting for review")).to_be_visible()
    assert axe_violations(page) == []
    sign_out(page)

    sign_in(page, trainer, totp_secret=TOTP_SECRET)
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Review training elsewhere"
    ).click()
    expect(page.get_by_role("heading", name="Minh Nguyen: Ethics in peer work")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Verify").click()

    expect(page.get_by_text("Verified: “Ethics in peer work” for Minh Nguyen.")).to_be_visible()
    assert ExternalTraining.objects.get().status == "verified"
    sign_out(page)

    # The gap shrinks by exactly the 7.5 hours verified: live online, in ethics and boundaries.
    sign_in(page, trainee)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My learning").click()
    expect(gap(page, "Live, interactive training")).to_have_accessible_name(
        "Live, interactive training: 7.5 of 40 hours; 32.5 to go"
    )
    expect(gap(page, "Training hours in total")).to_have_accessible_name(
        "Training hours in total: 7.5 of 56 hours; 48.5 to go"
    )
    page.get_by_label("The credential you are working towards").select_option(
        value=str(Credential.objects.get(code="ICRC-PR").pk)
    )
    page.get_by_role("button", name="Change").click()
    expect(gap(page, "Ethical responsibility")).to_have_accessible_name(
        "Ethical responsibility: 7.5 of 16 hours; 8.5 to go"
    )
    expect(gap(page, "Advocacy")).to_have_accessible_name("Advocacy: 0 of 10 hours; 10 to go")
    assert axe_violations(page) == []
