"""Writes for certificates: issuing, renewing and the status lifecycle."""

import hashlib
import logging

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from . import selectors
from .codes import code_display, code_new
from .models import Certificate, CertificateEvent, CertificateProgram

logger = logging.getLogger(__name__)


class CertificateNotEligible(Exception):
    def __init__(self, reasons: list[str]):
        super().__init__("; ".join(reasons))
        self.reasons = reasons


def certificate_snapshot(
    *, certificate: Certificate, eligibility: selectors.Eligibility, site_url: str
) -> dict:
    """Everything the certificate prints, frozen as it was on the day of issue."""
    program = certificate.program
    holder = certificate.holder
    requirement_set = eligibility.requirement_set
    if program.attests == CertificateProgram.Attests.COURSE:
        achievement = f"has completed the course {program.course.title}"
    elif certificate.cycle > 1:
        achievement = (
            "has met the continuing-education requirements to renew the "
            f"{program.credential.name} credential, {program.credential.jurisdiction}"
        )
    else:
        achievement = (
            f"has met the training requirements of the {program.credential.name} credential, "
            f"{program.credential.jurisdiction}"
        )
    return {
        "serial": certificate.serial,
        "code": code_display(certificate.code),
        "legal_name": holder.legal_name,
        "title": program.title,
        "achievement": achievement,
        "cycle": str(certificate.cycle),
        "requirement_set": None
        if requirement_set is None
        else {
            "credential": requirement_set.credential.code,
            "name": requirement_set.credential.name,
            "jurisdiction": requirement_set.credential.jurisdiction,
            "version": str(requirement_set.version),
            "effective_from": requirement_set.effective_from.isoformat(),
        },
        "hours_total": selectors.hours_text(eligibility.hours_total),
        "hours_by_domain": [
            {"label": label, "hours": selectors.hours_text(hours)}
            for label, hours in eligibility.hours_by_domain
        ],
        "issued_on": timezone.localdate(certificate.issued_at).isoformat(),
        "expires_on": certificate.expires_on.isoformat() if certificate.expires_on else None,
        "issuer": {"name": "PeerCert", "url": site_url},
        "verify_url": site_url + reverse("certificate_verify", args=[certificate.code]),
    }


def certificate_issue(
    *, program: CertificateProgram, holder, cycle: int = 1, approved_by=None, site_url: str
) -> Certificate:
    """Issue the program's certificate for a cycle, or return the one already issued.

    Idempotent: the database allows one certificate per holder, program and cycle, so a
    retried task or a second worker racing this one gets the same certificate back and writes
    nothing. Raises CertificateNotEligible when the holder does not qualify, or when the
    program is issued after approval and nobody approved."""
    existing = Certificate.objects.filter(holder=holder, program=program, cycle=cycle).first()
    if existing is not None:
        return existing
    if not program.active:
        raise CertificateNotEligible([f"{program.title} is not being awarded at present."])
    if program.issuing == CertificateProgram.Issuing.APPROVAL and approved_by is None:
        raise CertificateNotEligible([f"{program.title} is awarded after a trainer approves."])
    if not holder.legal_name.strip():
        raise CertificateNotEligible(
            ["Add your legal name to your profile: certificates print it."]
        )
    eligibility = selectors.program_eligibility(program=program, holder=holder, cycle=cycle)
    if not eligibility.eligible:
        raise CertificateNotEligible(eligibility.reasons)

    now = timezone.now()
    code = code_new()
    try:
        with transaction.atomic():
            certificate = Certificate.objects.create(
                program=program,
                holder=holder,
                cycle=cycle,
                # The serial counts certificates, so it waits for the primary key below.
                serial=f"pending-{code}",
                code=code,
                requirement_set=eligibility.requirement_set,
                issued_at=now,
                expires_on=(
                    timezone.localdate(now) + relativedelta(months=program.valid_for_months)
                    if program.valid_for_months
                    else None
                ),
                status_changed_at=now,
                approved_by=approved_by,
                snapshot={},
            )
            certificate.serial = f"PC-{now:%Y}-{certificate.pk:06d}"
            certificate.snapshot = certificate_snapshot(
                certificate=certificate, eligibility=eligibility, site_url=site_url
            )
            _certificate_pdf_store(certificate)
            certificate.save()
            CertificateEvent.objects.create(
                certificate=certificate,
                action=CertificateEvent.Action.ISSUED,
                actor=approved_by,
                at=now,
            )
    except IntegrityError:
        existing = Certificate.objects.filter(holder=holder, program=program, cycle=cycle).first()
        if existing is None:
            raise
        return existing
    return certificate


def _certificate_pdf_store(certificate: Certificate) -> None:
    from .pdf import certificate_pdf

    data = certificate_pdf(certificate.snapshot)
    certificate.pdf_sha256 = hashlib.sha256(data).hexdigest()
    certificate.pdf.save(f"{certificate.serial}.pdf", ContentFile(data), save=False)


def certificate_issue_enqueue(
    *, program: CertificateProgram, holder, cycle: int = 1, approved_by=None
) -> None:
    """Ask a worker to issue the certificate once the current transaction commits."""
    from .tasks import certificate_issue_task

    certificate_issue_task.delay_on_commit(
        program.pk, holder.pk, cycle, approved_by.pk if approved_by else None
    )


def certificates_due_enqueue(*, holder) -> list[CertificateProgram]:
    """Enqueue every automatic certificate the holder now qualifies for and does not have."""
    held = set(
        Certificate.objects.filter(holder=holder, cycle=1).values_list("program_id", flat=True)
    )
    due = []
    for program in CertificateProgram.objects.filter(
        active=True, issuing=CertificateProgram.Issuing.AUTOMATIC
    ).select_related("credential", "course"):
        if program.pk in held:
            continue
        if selectors.program_eligibility(program=program, holder=holder).eligible:
            certificate_issue_enqueue(program=program, holder=holder)
            due.append(program)
    return due


_TRANSITIONS = {
    CertificateEvent.Action.SUSPENDED: (
        {Certificate.Status.ACTIVE},
        Certificate.Status.SUSPENDED,
    ),
    CertificateEvent.Action.REVOKED: (
        {Certificate.Status.ACTIVE, Certificate.Status.SUSPENDED},
        Certificate.Status.REVOKED,
    ),
    CertificateEvent.Action.REINSTATED: (
        {Certificate.Status.SUSPENDED, Certificate.Status.REVOKED},
        Certificate.Status.ACTIVE,
    ),
}


@transaction.atomic
def certificate_status_change(
    *, certificate: Certificate, action: str, actor, reason: str
) -> Certificate:
    """Suspend, revoke or reinstate, with a reason, recorded with who and when. Raises
    ValidationError for a missing reason or a change that does not apply to the status."""
    reason = reason.strip()
    if not reason:
        raise ValidationError("Give a reason: it is shown on the verification page.")
    allowed_from, status = _TRANSITIONS[action]
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.status not in allowed_from:
        raise ValidationError(
            f"A {certificate.get_status_display().lower()} certificate cannot be "
            f"{CertificateEvent.Action(action).label.lower()}."
        )
    now = timezone.now()
    certificate.status = status
    certificate.status_changed_at = now
    certificate.status_reason = reason
    certificate.save(update_fields=["status", "status_changed_at", "status_reason"])
    CertificateEvent.objects.create(
        certificate=certificate, action=action, actor=actor, reason=reason, at=now
    )
    return certificate
