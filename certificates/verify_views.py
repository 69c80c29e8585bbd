"""Public verification: a page per code, a JSON API, and checking an uploaded PDF.

Anyone may use these, so they show only what the certificate itself prints, and they are
throttled per address so that codes cannot be enumerated."""

from django import forms
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.decorators import ratelimit

from . import selectors
from .codes import code_display
from .models import CertificateProgram


def _lookup_rate(group, request):
    return settings.CERTIFICATE_LOOKUP_RATE


def _upload_rate(group, request):
    return settings.CERTIFICATE_UPLOAD_RATE


PDF_MAX_BYTES = 5 * 1024 * 1024


STATE_SENTENCES = {
    "active": "This certificate is genuine and current.",
    "expired": "This certificate was genuine but has expired.",
    "suspended": "This certificate is suspended: it is not valid while suspended.",
    "revoked": "This certificate has been revoked: it is no longer valid.",
    "lapsed": (
        "This was a genuine initial certification, but it has lapsed: its conditions were not "
        "met by the deadline, so it is no longer valid."
    ),
}


@require_GET
@ratelimit(group="certificate-lookup", key="ip", rate=_lookup_rate, block=True)
def certificate_verify(request, code):
    certificate = selectors.certificate_by_code(code)
    if certificate is None:
        return render(request, "certificates/verify_unknown.html", {"code": code}, status=404)
    public = selectors.certificate_public(certificate)
    return render(
        request,
        "certificates/verify.html",
        {
            **public,
            "sentence": STATE_SENTENCES[public["status"]["state"]],
            "code": code_display(certificate.code),
        },
    )


@require_GET
def verify_start(request):
    """Where a certifier types a code, or chooses to check a PDF instead."""
    code = "".join(request.GET.get("code", "").split()).replace("-", "").upper()
    if not code:
        return render(request, "certificates/verify_start.html")
    return redirect("certificate_verify", code=code)


@require_GET
@ratelimit(group="certificate-lookup", key="ip", rate=_lookup_rate, block=True)
def certificate_api(request, code):
    certificate = selectors.certificate_by_code(code)
    if certificate is None:
        return JsonResponse({"error": "No certificate with this code."}, status=404)
    return JsonResponse(selectors.certificate_public(certificate))


class PdfUploadForm(forms.Form):
    pdf = forms.FileField(
        label="Certificate PDF",
        help_text="The file exactly as you received it; up to 5 MB.",
        error_messages={
            "required": "Choose the certificate's PDF file to check.",
            "empty": "That file is empty: choose the certificate's PDF file.",
        },
    )

    def clean_pdf(self):
        upload = self.cleaned_data["pdf"]
        if upload.size > PDF_MAX_BYTES:
            raise forms.ValidationError(
                "That file is larger than 5 MB: it is not a PeerCert certificate."
            )
        return upload


VERDICTS = {
    "authentic": "Authentic: this is exactly the file PeerCert issued, and its signature is valid.",
    "altered": "Altered: this file names a PeerCert certificate, but it is not the file we issued. Do not rely on what it shows; check the certificate's page instead.",
    "not_ours": "Not ours: this file was not issued by PeerCert.",
}


def pdf_verdict(data: bytes):
    from .pdf_check import pdf_check

    def stored_hash(code: str) -> str | None:
        certificate = selectors.certificate_by_code(code)
        if certificate is None:
            return None
        # The file issued now, and any it replaced (an initial certification's, once full).
        return [certificate.pdf_sha256, *certificate.superseded_pdf_sha256]

    return pdf_check(data, lookup=stored_hash)


@require_http_methods(["GET", "POST"])
@ratelimit(group="certificate-pdf", key="ip", rate=_upload_rate, method="POST", block=True)
def verify_pdf(request):
    result = certificate = None
    # Bound on every POST, an empty one included, so that a missing file is named.
    form = (
        PdfUploadForm(request.POST, request.FILES) if request.method == "POST" else PdfUploadForm()
    )
    if request.method == "POST" and form.is_valid():
        result = pdf_verdict(form.cleaned_data["pdf"].read())
        if result.code:
            certificate = selectors.certificate_by_code(result.code)
    return render(
        request,
        "certificates/verify_pdf.html",
        {
            "form": form,
            "result": result,
            "verdict": VERDICTS[result.verdict] if result else None,
            "certificate": certificate,
        },
        status=400 if request.method == "POST" and not form.is_valid() else 200,
    )


@require_http_methods(["POST"])
@ratelimit(group="certificate-pdf", key="ip", rate=_upload_rate, block=True)
def verify_pdf_api(request):
    upload = request.FILES.get("pdf")
    if upload is None:
        return JsonResponse(
            {"error": "Send the certificate as a file field named 'pdf'."}, status=400
        )
    if upload.size > PDF_MAX_BYTES:
        return JsonResponse({"error": "That file is larger than 5 MB."}, status=400)
    result = pdf_verdict(upload.read())
    body = {"verdict": result.verdict}
    if result.verdict == "authentic":
        certificate = selectors.certificate_by_code(result.code)
        body.update(selectors.certificate_public(certificate))
    elif result.code:
        body["code"] = result.code
    return JsonResponse(body)


def throttled(request, exception):
    """django-ratelimit sends refusals here (RATELIMIT_VIEW)."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"error": "Too many requests; wait a minute and try again."}, status=429
        )
    return render(request, "certificates/throttled.html", status=429)


@require_GET
def jwks(request):
    """The issuer's public key, for verifying Open Badges JWTs."""
    from .signing import issuer_public_jwk

    response = JsonResponse({"keys": [issuer_public_jwk()]})
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_GET
def program_detail(request, slug):
    """What a certificate program attests: the achievement an Open Badge points to."""
    program = get_object_or_404(
        CertificateProgram.objects.select_related("course", "credential"), slug=slug
    )
    return render(request, "certificates/program_detail.html", {"program": program})
