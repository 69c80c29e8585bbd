from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import OperationalError

from . import services
from .models import CertificateProgram


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def certificate_issue_task(
    program_id: int, holder_id: int, cycle: int = 1, approved_by_id: int | None = None
) -> int | None:
    """Issue one certificate; safe to run twice. Returns its id, or None if not eligible."""
    users = get_user_model().objects
    try:
        certificate = services.certificate_issue(
            program=CertificateProgram.objects.select_related("credential", "course").get(
                pk=program_id
            ),
            holder=users.get(pk=holder_id),
            cycle=cycle,
            approved_by=users.get(pk=approved_by_id) if approved_by_id else None,
            site_url=settings.SITE_URL,
        )
    except services.CertificateNotEligible as refusal:
        services.logger.info("Certificate not issued to user %s: %s", holder_id, refusal)
        return None
    return certificate.pk


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def certificates_issue_batch_task(
    program_id: int, holder_ids: list[int], cycle: int = 1
) -> list[int]:
    """Issue one program's certificate to many holders; safe to run twice. Returns the ids of
    their certificates."""
    program = CertificateProgram.objects.select_related("credential", "course").get(pk=program_id)
    return [
        certificate.pk
        for certificate in services.certificates_issue_batch(
            program=program, holder_ids=holder_ids, cycle=cycle, site_url=settings.SITE_URL
        )
    ]


@shared_task
def certificates_program_sweep_task(program_id: int) -> int:
    program = CertificateProgram.objects.select_related("credential", "course").get(pk=program_id)
    return len(services.certificates_program_sweep(program=program))


@shared_task
def certificates_due_task(holder_id: int) -> list[int]:
    holder = get_user_model().objects.get(pk=holder_id)
    return [program.pk for program in services.certificates_due_enqueue(holder=holder)]


@shared_task
def certificates_conditions_sweep_task() -> int:
    """Daily: initial certifications become full or are recorded as lapsed."""
    return len(services.certificates_conditions_sweep())
