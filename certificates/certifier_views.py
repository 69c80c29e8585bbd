"""The certifier portal: a board's staff look up certificates for their own credentials,
verify codes in batches and export rosters. Administrators see every jurisdiction."""

import tablib
from django import forms
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from . import selectors
from .codes import code_normalise
from .models import Certificate, CertifierScope, Credential

MANAGE = "certificates.manage_certificates"
BATCH_MAX = 200


def credentials_in_scope(user):
    if user.has_perm(MANAGE):
        return Credential.objects.all()
    return Credential.objects.filter(
        pk__in=CertifierScope.objects.filter(certifier=user).values("credential_id")
    )


def certificates_in_scope(user):
    return Certificate.objects.filter(
        program__credential__in=credentials_in_scope(user)
    ).select_related("program__credential", "holder")


def certificates_search(user, query: str):
    query = query.strip()
    if not query:
        return Certificate.objects.none()
    match = Q(holder__legal_name__icontains=query) | Q(serial__iexact=query)
    code = code_normalise(query)
    if code:
        match |= Q(code=code)
    return certificates_in_scope(user).filter(match).order_by("holder__legal_name", "-issued_at")


class SearchForm(forms.Form):
    q = forms.CharField(label="Name, serial number or code", max_length=100, required=False)


class BatchForm(forms.Form):
    codes = forms.CharField(
        label="Verification codes",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=f"One per line, or separated by commas; up to {BATCH_MAX}.",
    )

    def clean_codes(self):
        codes = [c for c in self.cleaned_data["codes"].replace(",", "\n").splitlines() if c.strip()]
        if len(codes) > BATCH_MAX:
            raise forms.ValidationError(
                f"Up to {BATCH_MAX} codes at a time; you gave {len(codes)}."
            )
        return [c.strip() for c in codes]


portal_required = permission_required("people.verify_credentials", raise_exception=True)


@login_required
@portal_required
@require_GET
def portal(request):
    form = SearchForm(request.GET or None)
    results = None
    if form.is_valid() and form.cleaned_data["q"]:
        results = certificates_search(request.user, form.cleaned_data["q"])[:100]
    return render(
        request,
        "certificates/portal.html",
        {
            "form": form,
            "results": results,
            "today": selectors.today(),
            "credentials": credentials_in_scope(request.user),
            "batch_form": BatchForm(),
        },
    )


@login_required
@portal_required
@require_http_methods(["POST"])
def batch_verify(request):
    form = BatchForm(request.POST)
    rows = []
    if form.is_valid():
        for code in form.cleaned_data["codes"]:
            certificate = selectors.certificate_by_code(code)
            rows.append(
                {
                    "code": code,
                    "public": selectors.certificate_public(certificate) if certificate else None,
                }
            )
    return render(
        request,
        "certificates/portal_batch.html",
        {"form": form, "rows": rows},
        status=200 if form.is_valid() else 400,
    )


ROSTER_HEADERS = (
    "serial", "code", "legal_name", "certificate", "credential", "jurisdiction",
    "issued_on", "expires_on", "status",
)  # fmt: skip


@login_required
@portal_required
@require_GET
def roster_export(request, file_format):
    today = selectors.today()
    dataset = tablib.Dataset(headers=ROSTER_HEADERS, title="Roster")
    for certificate in certificates_in_scope(request.user).order_by("holder__legal_name", "serial"):
        credential = certificate.program.credential
        dataset.append(
            (
                certificate.serial,
                certificate.code_display,
                certificate.snapshot["legal_name"],
                certificate.program.title,
                credential.code,
                credential.jurisdiction,
                certificate.snapshot["issued_on"],
                certificate.snapshot["expires_on"] or "",
                certificate.state_on(today),
            )
        )
    content_types = {
        "csv": "text/csv",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    response = HttpResponse(dataset.export(file_format), content_type=content_types[file_format])
    response["Content-Disposition"] = (
        f'attachment; filename="peercert-roster-{today}.{file_format}"'
    )
    return response
