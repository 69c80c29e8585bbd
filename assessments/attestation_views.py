from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from . import attestations
from .models import Attestation
from .private_files import private_file_response


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(choices=Attestation.Kind.choices, label="What this evidence shows")
    detail = forms.CharField(
        max_length=300,
        required=False,
        label="Details (optional)",
        help_text="For example the exam's name and the date you passed it.",
    )
    dated = forms.DateField(
        required=False,
        label="Date (when the evidence asks for one)",
        help_text=(
            "Proof of age: your date of birth, seen only by you and administrators and never "
            "printed. Experience or college credits: when completed. A credential held "
            "elsewhere: when it was awarded."
        ),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    amount = forms.DecimalField(
        required=False,
        min_value=0.01,
        max_digits=7,
        decimal_places=2,
        label="Months of experience, or college credits",
    )
    credential_code = forms.SlugField(
        required=False, max_length=40, label="A credential held elsewhere: its code"
    )
    evidence = forms.FileField(label="File (PDF, PNG or JPEG, up to 10 MB)")


@login_required
def my_evidence(request):
    if not request.user.has_perm("people.study"):
        raise PermissionDenied("This page is for trainees.")
    form = EvidenceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            attestations.attestation_upload(
                trainee=request.user,
                kind=form.cleaned_data["kind"],
                detail=form.cleaned_data["detail"],
                upload=form.cleaned_data["evidence"],
                dated=form.cleaned_data["dated"],
                amount=form.cleaned_data["amount"],
                credential_code=form.cleaned_data["credential_code"],
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, "Uploaded. A trainer or administrator will review it.")
            return redirect("assessments:my_evidence")
    return render(
        request,
        "assessments/evidence.html",
        {"form": form, "attestations": Attestation.objects.filter(trainee=request.user)},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def evidence_file(request, attestation_id):
    attestation = get_object_or_404(Attestation, pk=attestation_id)
    if not attestation.visible_to(request.user):
        raise Http404("No such file.")
    return private_file_response(attestation.evidence, filename=attestation.original_name)


@login_required
def review_evidence(request):
    if not request.user.has_perm(attestations.REVIEW_PERMISSION):
        raise PermissionDenied("Only trainers and administrators review evidence.")
    if request.method == "POST":
        try:
            attestations.attestation_review(
                reviewer=request.user,
                attestation_id=int(request.POST.get("attestation", 0)),
                verified=request.POST.get("decision") == "verify",
                note=request.POST.get("note", ""),
            )
        except (ValidationError, ValueError, Attestation.DoesNotExist) as error:
            text = " ".join(getattr(error, "messages", [str(error)]))
            messages.error(request, f"Nothing was changed: {text}")
        else:
            messages.success(request, "Decision recorded.")
        return redirect("assessments:review_evidence")
    pending = attestations.attestations_pending_for_reviewer(reviewer=request.user)
    return render(request, "assessments/evidence_review.html", {"pending": pending})
