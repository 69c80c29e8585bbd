"""Evidence a trainee uploads for facts a person must check, and that person's decision."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .models import Attestation

REVIEW_PERMISSION = "assessments.review_attestation"
PROOF_OF_AGE_PERMISSION = "assessments.review_proof_of_age"
MAX_BYTES = 10 * 1024 * 1024
# What a file claims to be by its name must match what its first bytes say it is.
SIGNATURES = {
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
}


def evidence_check(upload) -> None:
    """Refuse files that are too large, of the wrong type, or not what their name says."""
    if upload is None:
        raise ValidationError({"evidence": "Choose a file to upload."})
    suffix = Path(upload.name).suffix.lower()
    if suffix not in SIGNATURES:
        raise ValidationError({"evidence": "Upload a PDF, PNG or JPEG file."})
    if upload.size > MAX_BYTES:
        raise ValidationError({"evidence": "That file is larger than 10 MB."})
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(signature) for signature in SIGNATURES[suffix]):
        raise ValidationError(
            {"evidence": f"That file is not a real {suffix.lstrip('.').upper()} file."}
        )


@transaction.atomic
def attestation_upload(
    *, trainee, kind: str, detail: str, upload, dated=None, amount=None, credential_code=""
) -> Attestation:
    """Keep the evidence for review. Kinds that state a date, an amount or a credential
    (Attestation.clean) are refused without it, and nothing is stored."""
    evidence_check(upload)
    attestation = Attestation(
        trainee=trainee,
        kind=kind,
        detail=detail.strip(),
        dated=dated,
        amount=amount,
        credential_code=credential_code or "",
        original_name=Path(upload.name).name[:200],
    )
    attestation.full_clean(exclude=["evidence", "original_name"])
    attestation.evidence.save(upload.name, upload, save=False)
    attestation.full_clean()
    attestation.save()
    return attestation


@transaction.atomic
def attestation_review(
    *, reviewer, attestation_id: int, verified: bool, note: str = ""
) -> Attestation:
    """Verify or reject evidence. A rejection says why. A decision can be revised later by
    another review; the latest decision stands. Proof of age states a date of birth: only
    administrators review it."""
    if not reviewer.has_perm(REVIEW_PERMISSION):
        raise ValidationError("Only trainers and administrators review evidence.")
    attestation = Attestation.objects.select_for_update().get(pk=attestation_id)
    if attestation.trainee_id == reviewer.pk:
        raise ValidationError("Nobody reviews their own evidence.")
    if not attestation.visible_to(reviewer):
        raise ValidationError("Only administrators review proof of age.")
    if not verified and not note.strip():
        raise ValidationError(
            {"note": "Say why the evidence is rejected, so the trainee can fix it."}
        )
    attestation.status = Attestation.Status.VERIFIED if verified else Attestation.Status.REJECTED
    attestation.reviewed_by = reviewer
    attestation.reviewed_at = timezone.now()
    attestation.review_note = note.strip()
    attestation.save()
    return attestation


def attestations_pending_for_reviewer(*, reviewer):
    """Evidence waiting for review that this reviewer may see (Attestation.visible_to): proof
    of age only for administrators, never the reviewer's own."""
    pending = (
        Attestation.objects.filter(status=Attestation.Status.PENDING)
        .exclude(trainee=reviewer)
        .select_related("trainee")
    )
    if not reviewer.has_perm(PROOF_OF_AGE_PERMISSION):
        pending = pending.exclude(kind=Attestation.Kind.PROOF_OF_AGE)
    return pending
