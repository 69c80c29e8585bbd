"""Administrators change a certificate's status; trainers, lead trainers and administrators approve
certificates that wait for them (certificates.approvals says who sees whom)."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from courses import selectors as course_selectors

from . import approvals, selectors, services
from .models import Certificate, CertificateEvent


class StatusForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            (CertificateEvent.Action.SUSPENDED, "Suspend"),
            (CertificateEvent.Action.REVOKED, "Revoke"),
            (CertificateEvent.Action.REINSTATED, "Reinstate"),
        ]
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text="Shown on the public verification page.",
    )


@login_required
@permission_required("certificates.manage_certificates", raise_exception=True)
@require_http_methods(["GET", "POST"])
def certificate_manage(request, certificate_id):
    certificate = get_object_or_404(
        Certificate.objects.select_related("program", "holder"), pk=certificate_id
    )
    form = StatusForm(request.POST) if request.method == "POST" else StatusForm()
    if request.method == "POST" and form.is_valid():
        try:
            services.certificate_status_change(
                certificate=certificate,
                action=form.cleaned_data["action"],
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{certificate.serial} is now {form.cleaned_data['action']}.")
            return redirect("certificates:manage", certificate_id=certificate.pk)
    return render(
        request,
        "certificates/manage.html",
        {
            "certificate": certificate,
            "form": form,
            "events": certificate.events.select_related("actor"),
            "state": certificate.state_on(selectors.today()),
        },
        status=400 if form.errors else 200,
    )


@login_required
@permission_required("courses.view_cohort", raise_exception=True)
def approvals_list(request):
    return render(
        request,
        "certificates/approvals.html",
        {
            "waiting": approvals.approvals_waiting_for(approver=request.user),
            "approves_everyone": request.user.has_perm(approvals.APPROVES_EVERYONE),
            "cohorts": course_selectors.cohorts_for_trainer(user=request.user),
        },
    )


@login_required
@permission_required("courses.view_cohort", raise_exception=True)
@require_POST
def approve(request, program_id, user_id):
    """Approve a certificate for a trainee on the approver's list (certificates.approvals);
    anyone else, or no one, is refused alike."""
    trainee = get_user_model().objects.filter(pk=user_id).first()
    waiting = (
        approvals.approvals_waiting_for(approver=request.user, trainee=trainee) if trainee else []
    )
    match = next((approval for approval in waiting if approval.program.pk == program_id), None)
    if match is None:
        raise PermissionDenied("That trainee is not waiting for your approval.")
    program = match.program
    services.certificate_issue_enqueue(program=program, holder=trainee, approved_by=request.user)
    messages.success(
        request, f"Approved: {trainee.legal_name} will receive {program.title} shortly."
    )
    return redirect("certificates:approvals")
