"""Certificates, programs and certifiers' credentials in the Wagtail admin, with the
Administrator role exactly as the migrations grant it."""

import pytest
from django.urls import reverse

from certificates import services
from certificates.models import CertifierScope
from tests.people.factories import UserFactory
from tests.people.helpers import TOTP_SECRET, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(pa_program, pa_ready):
    return services.certificate_issue(
        program=pa_program, holder=pa_ready(legal_name="Grace Ndlovu"), site_url="http://testserver"
    )


@pytest.fixture
def administrator(client, home_page):
    user = UserFactory(role="Administrator", totp_secret=TOTP_SECRET)
    sign_in(client, user, totp_secret=TOTP_SECRET)
    return user


def test_an_administrator_finds_a_certificate_and_reaches_its_status_page(
    client, administrator, certificate
):
    listing = client.get(
        reverse("wagtailsnippets_certificates_certificate:list"), {"q": certificate.serial}
    )
    inspect = client.get(
        reverse("wagtailsnippets_certificates_certificate:inspect", args=[certificate.pk])
    )

    assert listing.status_code == 200
    assert "Grace Ndlovu" in listing.text
    assert inspect.status_code == 200
    assert reverse("certificates:manage", args=[certificate.pk]) in inspect.text


def test_certificates_cannot_be_typed_in_or_edited_in_the_admin(client, administrator, certificate):
    add = client.get(reverse("wagtailsnippets_certificates_certificate:add"))
    edit = client.get(
        reverse("wagtailsnippets_certificates_certificate:edit", args=[certificate.pk])
    )

    assert add.status_code in (302, 403)
    assert edit.status_code in (302, 403)


def test_an_administrator_gives_a_certifier_a_credential(client, administrator, credentials):
    certifier = UserFactory(role="Certifier")
    pa = credentials["PA-CPS"].credential

    response = client.post(
        reverse("wagtailsnippets_certificates_certifierscope:add"),
        {"certifier": certifier.pk, "credential": pa.pk},
    )

    assert response.status_code == 302
    assert CertifierScope.objects.get().credential == pa


def test_programs_are_listed_for_administrators_and_refused_to_trainers(
    client, administrator, pa_program
):
    assert (
        "Certificate of Training"
        in client.get(reverse("wagtailsnippets_certificates_certificateprogram:list")).text
    )
    client.logout()
    sign_in(client, UserFactory(role="Trainer", totp_secret=TOTP_SECRET), totp_secret=TOTP_SECRET)
    response = client.get(reverse("wagtailsnippets_certificates_certificateprogram:list"))
    assert response.status_code in (302, 403)


@pytest.fixture
def superuser(client, home_page):
    """Administrators may not delete programs at all; a superuser may, within limits."""
    user = UserFactory(role="Administrator", is_superuser=True, totp_secret=TOTP_SECRET)
    sign_in(client, user, totp_secret=TOTP_SECRET)
    return user


def test_a_program_that_has_issued_certificates_cannot_be_deleted(client, superuser, certificate):
    program = certificate.program
    url = reverse("wagtailsnippets_certificates_certificateprogram:delete", args=[program.pk])

    response = client.post(url, follow=True)

    assert "has issued certificates, which name it, so it cannot be deleted" in response.text
    assert type(program).objects.filter(pk=program.pk).exists()


def test_a_program_that_never_issued_can_be_deleted(client, superuser, pa_program):
    url = reverse("wagtailsnippets_certificates_certificateprogram:delete", args=[pa_program.pk])

    client.post(url)

    assert not type(pa_program).objects.filter(pk=pa_program.pk).exists()
