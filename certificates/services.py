"""Writes for certificates: issuing, renewing and the status lifecycle."""

import hashlib
import logging
from datetime import timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, OperationalError, transaction
from django.urls import reverse
from django.utils import timezone

from assessments.external_training_selectors import external_trainings_verified

from . import readiness, selectors
from .codes import code_display, code_new
from .models import Certificate, CertificateEvent, CertificateProgram, Requirement

logger = logging.getLogger(__name__)


class CertificateNotEligible(Exception):
    def __init__(self, reasons: list[str]):
        super().__init__("; ".join(reasons))
        self.reasons = reasons


def certificate_snapshot(
    *, certificate: Certificate, eligibility: readiness.Eligibility, site_url: str
) -> dict:
    """Everything the certificate prints, frozen as it was on the day of issue."""
    program = certificate.program
    holder = certificate.holder
    requirement_set = eligibility.requirement_set
    credential = program.credential
    if program.attests == CertificateProgram.Attests.COURSE:
        achievement = f"has completed the course {program.course.title}"
    elif certificate.phase == Certificate.Phase.INITIAL:
        conditions = [
            r.label
            for r in requirement_set.requirement_list
            if r.stage == Requirement.Stage.CONDITION
        ]
        achievement = (
            f"has met the requirements for initial (provisional) certification as "
            f"{credential.name}, {credential.jurisdiction}; it becomes full once these "
            f"conditions are met within {requirement_set.conditions_within_months} months: "
            f"{'; '.join(conditions)}"
        )
    elif certificate.phase == Certificate.Phase.FULL:
        achievement = (
            f"has met the requirements for full certification as {credential.name}, "
            f"{credential.jurisdiction}, including the conditions of the initial certification"
        )
    elif program.attests == CertificateProgram.Attests.CREDENTIAL and certificate.cycle == 1:
        achievement = (
            f"has met every requirement PeerCert checks for the {credential.name} credential, "
            f"{credential.jurisdiction}"
        )
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
        "hours_total": readiness.hours_text(eligibility.hours_total),
        # Verified training done elsewhere, counted in the total and listed apart.
        "training_elsewhere": [
            {
                **{name: value for name, value in row.items() if name != "minutes"},
                "hours": readiness.hours_text(Decimal(row["minutes"]) / 60),
            }
            for row in (
                []
                if program.attests == CertificateProgram.Attests.COURSE
                else external_trainings_verified(
                    trainee=holder,
                    since=eligibility.readiness.occasion.since if eligibility.readiness else None,
                )
            )
        ],
        "hours_by_domain": [
            {"label": label, "hours": readiness.hours_text(hours)}
            for label, hours in eligibility.hours_by_domain
        ],
        "phase": certificate.phase,
        "issued_on": timezone.localdate(certificate.issued_at).isoformat(),
        "expires_on": certificate.expires_on.isoformat() if certificate.expires_on else None,
        "issuer": {"name": "PeerCert", "url": site_url},
        "verify_url": site_url + reverse("certificate_verify", args=[certificate.code]),
    }


def certificate_issue(
    *,
    program: CertificateProgram,
    holder,
    cycle: int = 1,
    approved_by=None,
    site_url: str,
    evidence: readiness.Evidence | None = None,
) -> Certificate:
    """Issue the program's certificate for a cycle, or return the one already issued.

    Idempotent: the database allows one certificate per holder, program and cycle, so a
    retried task or a second worker racing this one gets the same certificate back and writes
    nothing. Raises CertificateNotEligible when the holder does not qualify, or when the
    program is issued after approval and nobody approved. `evidence`, read in bulk, saves
    reading the holder's (see certificates_issue_batch)."""
    existing = Certificate.objects.filter(holder=holder, program=program, cycle=cycle).first()
    if existing is not None:
        return existing
    if not program.active:
        raise CertificateNotEligible([f"{program.title} is not being awarded at present."])
    if program.issuing == CertificateProgram.Issuing.APPROVAL and approved_by is None:
        raise CertificateNotEligible([f"{program.title} is awarded after a trainer approves."])
    if not holder.is_active:
        raise CertificateNotEligible(["This account is closed."])
    if not holder.legal_name.strip():
        raise CertificateNotEligible(
            ["Add your legal name to your profile: certificates print it."]
        )
    eligibility = readiness.program_eligibility(
        program=program, holder=holder, cycle=cycle, evidence=evidence
    )
    if not eligibility.eligible:
        raise CertificateNotEligible(eligibility.reasons)

    now = timezone.now()
    expires_on = _expiry(program=program, holder=holder, cycle=cycle, today=timezone.localdate(now))
    phase, conditions_due_on = _phase(
        program=program, eligibility=eligibility, cycle=cycle, now=now
    )
    if conditions_due_on is not None:
        # An initial certification lasts until its conditions fall due.
        expires_on = conditions_due_on
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
                expires_on=expires_on,
                phase=phase,
                conditions_due_on=conditions_due_on,
                phase_changed_at=now if phase else None,
                status_changed_at=now,
                approved_by=approved_by,
                snapshot={},
            )
            certificate.serial = f"PC-{now:%Y}-{certificate.pk:06d}"
            certificate.snapshot = certificate_snapshot(
                certificate=certificate, eligibility=eligibility, site_url=site_url
            )
            certificate_pdf_store(certificate)
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


def _phase(*, program, eligibility, cycle: int, now) -> tuple[str, object]:
    """A credential whose set has conditions is first awarded as initial, due by the set's
    deadline; its renewals follow the full certification."""
    requirement_set = eligibility.requirement_set
    if (
        program.attests != CertificateProgram.Attests.CREDENTIAL
        or cycle > 1
        or requirement_set is None
        or not requirement_set.conditions_within_months
    ):
        return "", None
    due = timezone.localdate(now) + relativedelta(months=requirement_set.conditions_within_months)
    return Certificate.Phase.INITIAL, due


@transaction.atomic
def certificate_conditions_check(*, certificate_id: int) -> Certificate:
    """Make an initial certification full once its conditions are met, counting evidence from
    the award to the deadline; record a lapse once the deadline has passed unmet. Idempotent:
    a full or lapsed certification, or one not active, is left as it is (a lapse is recorded
    once). Full certification runs for the program's validity from the day it is reached, and
    is printed on a new signed PDF; the initial PDF still checks as authentic."""
    certificate = (
        Certificate.objects.select_for_update(of=("self",))
        .select_related("program__credential", "holder", "requirement_set__credential")
        .get(pk=certificate_id)
    )
    today = timezone.localdate()
    if not certificate.is_initial or certificate.status != Certificate.Status.ACTIVE:
        return certificate
    # The conditions are those of the version the initial certification was awarded under.
    requirement_set = certificate.requirement_set
    standing = readiness.conditions_standing(
        requirement_set=requirement_set,
        evidence=readiness.evidence_for(user=certificate.holder),
        awarded_on=timezone.localdate(certificate.issued_at),
        on=today,
    )
    now = timezone.now()
    if standing.state == "lapsed":
        if not certificate.events.filter(action=CertificateEvent.Action.LAPSED).exists():
            CertificateEvent.objects.create(
                certificate=certificate,
                action=CertificateEvent.Action.LAPSED,
                reason=_lapse_reason(certificate),
                at=now,
            )
        return certificate
    if standing.state != "met":
        return certificate
    certificate.phase = Certificate.Phase.FULL
    certificate.phase_changed_at = now
    months = certificate.program.valid_for_months
    certificate.expires_on = today + relativedelta(months=months) if months else None
    certificate.superseded_pdf_sha256 = [*certificate.superseded_pdf_sha256, certificate.pdf_sha256]
    snapshot = dict(certificate.snapshot)
    snapshot["phase"] = certificate.phase
    snapshot["achievement"] = (
        f"has met the requirements for full certification as "
        f"{certificate.program.credential.name}, {certificate.program.credential.jurisdiction}, "
        "including the conditions of the initial certification"
    )
    snapshot["full_on"] = today.isoformat()
    snapshot["expires_on"] = certificate.expires_on.isoformat() if certificate.expires_on else None
    certificate.snapshot = snapshot
    certificate_pdf_store(certificate)
    certificate.save()
    CertificateEvent.objects.create(
        certificate=certificate,
        action=CertificateEvent.Action.FULL,
        reason="; ".join(r.summary for r in standing.readiness.results),
        at=now,
    )
    return certificate


def _lapse_reason(certificate: Certificate) -> str:
    return (
        "The conditions of the initial certification were not met by "
        f"{certificate.conditions_due_on:%Y-%m-%d}."
    )


def certificates_conditions_sweep(*, on=None) -> list[int]:
    """Check every active initial certification: promote those whose conditions are met,
    record the lapse of those past their deadline. Safe to run twice (beat runs it daily).
    Returns the ids checked."""
    ids = list(
        Certificate.objects.filter(
            phase=Certificate.Phase.INITIAL, status=Certificate.Status.ACTIVE
        ).values_list("pk", flat=True)
    )
    for certificate_id in ids:
        certificate_conditions_check(certificate_id=certificate_id)
    return ids


def _expiry(*, program: CertificateProgram, holder, cycle: int, today):
    """A renewal made before the previous certificate expires continues from its expiry date,
    so renewing early costs nothing; otherwise validity runs from the day of issue."""
    if not program.valid_for_months:
        return None
    starts = today
    previous = selectors.certificate_previous(program=program, holder=holder, cycle=cycle)
    if previous is not None and previous.expires_on and previous.expires_on >= today:
        starts = previous.expires_on
    return starts + relativedelta(months=program.valid_for_months)


def certificate_pdf_store(certificate: Certificate) -> None:
    """Render and sign the certificate's PDF from its snapshot and store it with its hash;
    the caller saves the certificate."""
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


# Issuing to many at once goes to the workers in batches: a batch reads its holders' evidence
# in one go and shares one task's overhead, and batches stay small enough for every worker
# process to take a share.
ISSUE_BATCH_SIZE = 20


def certificates_issue_batch(
    *, program: CertificateProgram, holder_ids: list[int], cycle: int = 1, site_url: str
) -> list[Certificate]:
    """Issue the program's certificate to each of these holders who qualifies, each as
    certificate_issue does (idempotent, in a transaction of its own, so one refusal or failure
    costs no other). Returns the certificates, those issued before included."""
    holders = get_user_model().objects.in_bulk(holder_ids)
    evidence = {}
    if program.attests == CertificateProgram.Attests.CREDENTIAL_TRAINING and cycle == 1:
        evidence = readiness.evidence_for_users(list(holders))
    certificates, unavailable = [], None
    for holder_id in holder_ids:
        if holder_id not in holders:
            continue
        try:
            certificates.append(
                certificate_issue(
                    program=program,
                    holder=holders[holder_id],
                    cycle=cycle,
                    site_url=site_url,
                    evidence=evidence.get(holder_id),
                )
            )
        except CertificateNotEligible as refusal:
            logger.info("Certificate not issued to user %s: %s", holder_id, refusal)
        except OperationalError as error:
            # The database is unavailable: the others are tried, then the batch is retried
            # (issuing is idempotent, so those already issued are returned, not redone).
            unavailable = error
        except Exception:
            logger.exception("Certificate for user %s failed; the batch goes on", holder_id)
    if unavailable is not None:
        raise unavailable
    return certificates


def certificates_issue_enqueue_many(
    *, program: CertificateProgram, holder_ids: list[int], cycle: int = 1
) -> None:
    """Ask the workers, once the current transaction commits, to issue the program's
    certificate to many holders, in batches."""
    from .tasks import certificates_issue_batch_task

    for start in range(0, len(holder_ids), ISSUE_BATCH_SIZE):
        batch = holder_ids[start : start + ISSUE_BATCH_SIZE]
        certificates_issue_batch_task.delay_on_commit(program.pk, batch, cycle)


def certificates_program_sweep(*, program: CertificateProgram) -> list[int]:
    """Send everyone who already qualifies for an automatic program, and does not hold it, to
    the workers: a program opened after people finished its training would otherwise wait
    for their next lesson. Returns their ids."""
    if not (program.active and program.issuing == CertificateProgram.Issuing.AUTOMATIC):
        return []
    holder_ids = readiness.program_qualifiers(program)
    certificates_issue_enqueue_many(program=program, holder_ids=holder_ids)
    return holder_ids


RENEWAL_WINDOW = timedelta(days=90)


def certificates_due_enqueue(*, holder) -> list[CertificateProgram]:
    """Enqueue every automatic certificate the holder now qualifies for and does not have:
    first awards, and renewals from 90 days before the current certificate expires."""
    latest: dict[int, Certificate] = {}
    for certificate in (
        Certificate.objects.filter(holder=holder).select_related("program").order_by("cycle")
    ):
        latest[certificate.program_id] = certificate
    held = set(latest)
    due = []
    today = timezone.localdate()
    for certificate in latest.values():
        program = certificate.program
        if certificate.is_initial:
            certificate_conditions_check(certificate_id=certificate.pk)
            continue
        if not (
            program.active
            and program.issuing == CertificateProgram.Issuing.AUTOMATIC
            and certificate.status == Certificate.Status.ACTIVE
            and certificate.expires_on
            and today >= certificate.expires_on - RENEWAL_WINDOW
        ):
            continue
        cycle = certificate.cycle + 1
        if readiness.program_eligibility(program=program, holder=holder, cycle=cycle).eligible:
            certificate_issue_enqueue(program=program, holder=holder, cycle=cycle)
            due.append(program)
    for program in CertificateProgram.objects.filter(
        active=True, issuing=CertificateProgram.Issuing.AUTOMATIC
    ).select_related("credential", "course"):
        if program.pk in held:
            continue
        if readiness.program_eligibility(program=program, holder=holder).eligible:
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
