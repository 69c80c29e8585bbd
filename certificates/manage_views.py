"""Administrators change a certificate's status; trainers approve certificates that wait for them."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from courses import selectors as course_selectors
from courses.models import Enrolment

from . import readiness, selectors, services
from .models import Certificate, CertificateEvent, CertificateProgram


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


def approvals_waiting(trainer) -> list[tuple[CertificateProgram, Enrolment]]:
    """Trainees in the trainer's cohorts who qualify for a certificate awarded on approval."""
    cohorts = course_selectors.cohorts_for_trainer(user=trainer)
    programs = list(
        CertificateProgram.objects.filter(
            active=True, issuing=CertificateProgram.Issuing.APPROVAL
        ).select_related("course", "credential")
    )
    if not programs:
        return []
    enrolments = Enrolment.objects.filter(cohort__in=cohorts).select_related("user", "course")
    held = set(
        Certificate.objects.filter(
            program__in=programs, cycle=1, holder__in=enrolments.values("user")
        ).values_list("program_id", "holder_id")
    )
    waiting, seen = [], set()
    for enrolment in enrolments:
        for program in programs:
            key = (program.pk, enrolment.user_id)
            if key in held or key in seen:
                continue
            if program.course_id and program.course_id != enrolment.course_id:
                continue
            if readiness.program_eligibility(program=program, holder=enrolment.user).eligible:
                waiting.append((program, enrolment))
                seen.add(key)
    return waiting


@login_required
@permission_required("courses.view_cohort", raise_exception=True)
def approvals(request):
    return render(
        request,
        "certificates/approvals.html",
        {
            "waiting": approvals_waiting(request.user),
            "cohorts": course_selectors.cohorts_for_trainer(user=request.user),
        },
    )


@login_required
@permission_required("courses.view_cohort", raise_exception=True)
@require_POST
def approve(request, program_id, user_id):
    match = next(
        (
            (program, enrolment)
            for program, enrolment in approvals_waiting(request.user)
            if program.pk == program_id and enrolment.user_id == user_id
        ),
        None,
    )
    if match is None:
        raise PermissionDenied("That trainee is not waiting for your approval.")
    program, enrolment = match
    services.certificate_issue_enqueue(
        program=program, holder=enrolment.user, approved_by=request.user
    )
    messages.success(
        request, f"Approved: {enrolment.user.legal_name} will receive {program.title} shortly."
    )
    return redirect("certificates:approvals")
