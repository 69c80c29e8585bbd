"""Reads of certificates: by code, the previous cycle's, and what a verifier sees. Readiness
(evidence against requirements) lives in certificates.readiness."""

from datetime import date

from django.utils import timezone

from .codes import code_normalise
from .models import Certificate, CertificateProgram


def certificate_previous(*, program: CertificateProgram, holder, cycle: int) -> Certificate | None:
    if cycle <= 1:
        return None
    return Certificate.objects.filter(program=program, holder=holder, cycle=cycle - 1).first()


def certificate_by_code(code: str) -> Certificate | None:
    """The certificate with a code, with what its verification page shows, or None."""
    normalised = code_normalise(code)
    if normalised is None:
        return None
    return Certificate.objects.filter(code=normalised).first()


def today() -> date:
    return timezone.localdate()


def certificate_public(certificate: Certificate) -> dict:
    """What a verifier sees: the printed fields and the status, with its date and reason."""
    today = timezone.localdate()
    state = certificate.state_on(today)
    if state == "lapsed":
        status_on = certificate.conditions_due_on
        reason = (
            "The conditions of the initial certification were not met by "
            f"{certificate.conditions_due_on:%Y-%m-%d}."
        )
    elif state == "expired":
        status_on, reason = certificate.expires_on, ""
    elif state == Certificate.Status.ACTIVE:
        # Only a reinstatement leaves an active certificate with a reason.
        status_on = timezone.localdate(certificate.status_changed_at)
        reason = certificate.status_reason
    else:
        status_on = timezone.localdate(certificate.status_changed_at)
        reason = certificate.status_reason
    return {
        "certificate": certificate.snapshot,
        "status": {
            "state": state,
            "since": status_on.isoformat() if status_on else None,
            "reason": reason,
        },
        "phase": {
            "phase": certificate.phase,
            "label": certificate.get_phase_display() if certificate.phase else "",
            "since": timezone.localdate(certificate.phase_changed_at).isoformat()
            if certificate.phase_changed_at
            else None,
            "conditions_due_on": certificate.conditions_due_on.isoformat()
            if certificate.is_initial
            else None,
        },
    }
