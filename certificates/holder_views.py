"""A trainee's side: readiness for credentials, their certificates and the files they download."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET, require_POST

from . import approvals, readiness, selectors
from .badges import certificate_badge_jwt
from .models import Certificate, Credential, CredentialGoal


class GoalForm(forms.Form):
    credential = forms.ModelChoiceField(
        queryset=Credential.objects.filter(requirement_sets__isnull=False).distinct(),
        label="The credential you are working towards",
        empty_label="Choose a credential",
    )


def readiness_panel(request) -> str:
    """The dashboard's certification panel: certificates waiting for someone's approval and
    whose, the chosen credential requirement by requirement, and how the trainee stands
    against every credential. A fixed number of queries."""
    user = request.user
    goal = CredentialGoal.objects.filter(user=user).select_related("credential").first()
    all_readiness = readiness.readiness_across_credentials(user=user)
    chosen = None
    if goal is not None:
        chosen = next(
            (r for r in all_readiness if r.requirement_set.credential_id == goal.credential_id),
            None,
        )
    comparison = readiness.readiness_comparison(all_readiness)
    # Every Readiness holds the one Evidence read for the trainee: it is not read again.
    awaited = approvals.approvals_awaited(
        trainee=user, evidence=all_readiness[0].evidence if all_readiness else None
    )
    return render_to_string(
        "certificates/readiness_panel.html",
        {
            "goal": goal,
            "awaited": awaited,
            "chosen": chosen,
            "comparison": comparison,
            "form": GoalForm(initial={"credential": goal.credential_id if goal else None}),
        },
        request=request,
    )


def readiness_panel_for_trainees(request) -> str:
    if not request.user.has_perm("people.study"):
        return ""
    return readiness_panel(request)


@login_required
@require_POST
def goal_choose(request):
    form = GoalForm(request.POST)
    if form.is_valid():
        CredentialGoal.objects.update_or_create(
            user=request.user, defaults={"credential": form.cleaned_data["credential"]}
        )
        messages.success(
            request, f"You are working towards {form.cleaned_data['credential'].name}."
        )
    else:
        messages.error(request, "Choose one of the credentials in the list.")
    return redirect("courses:dashboard")


@login_required
@require_GET
def my_certificates(request):
    certificates = (
        Certificate.objects.filter(holder=request.user)
        .select_related("program")
        .order_by("-issued_at")
    )
    return render(
        request,
        "certificates/my_certificates.html",
        {"certificates": certificates, "today": selectors.today()},
    )


def _own_certificate(request, certificate_id) -> Certificate:
    certificate = get_object_or_404(Certificate, pk=certificate_id)
    if certificate.holder_id != request.user.pk:
        # Someone else's certificate is as absent as one that does not exist.
        raise Http404("No such certificate.")
    return certificate


@login_required
@require_GET
def certificate_pdf_download(request, certificate_id):
    certificate = _own_certificate(request, certificate_id)
    if not certificate.pdf:
        raise Http404("This certificate's file is being prepared.")
    return FileResponse(
        certificate.pdf.open("rb"),
        as_attachment=True,
        filename=f"{certificate.serial}.pdf",
        content_type="application/pdf",
    )


@login_required
@require_GET
def certificate_badge_download(request, certificate_id):
    certificate = _own_certificate(request, certificate_id)
    response = HttpResponse(certificate_badge_jwt(certificate), content_type="application/jwt")
    response["Content-Disposition"] = f'attachment; filename="{certificate.serial}-badge.jwt"'
    return response
