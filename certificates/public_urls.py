"""Verification URLs, kept short: the QR code on every certificate points at /v/<code>/."""

from django.urls import path

from . import verify_views

urlpatterns = [
    path("v/<str:code>/", verify_views.certificate_verify, name="certificate_verify"),
    path("verify/", verify_views.verify_start, name="verify_start"),
    path("verify/pdf/", verify_views.verify_pdf, name="verify_pdf"),
    path("api/v1/certificates/verify-pdf", verify_views.verify_pdf_api, name="api_verify_pdf"),
    path("api/v1/certificates/<str:code>", verify_views.certificate_api, name="api_certificate"),
    path(".well-known/jwks.json", verify_views.jwks, name="jwks"),
    path("programs/<slug:slug>/", verify_views.program_detail, name="program_detail"),
]
