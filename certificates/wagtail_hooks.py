from django.db.models import Count
from django.shortcuts import redirect
from django.urls import include, path, reverse_lazy
from django.utils.html import format_html, format_html_join
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets.button import HeaderButton
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import (
    DeleteView,
    EditView,
    IndexView,
    InspectView,
    SnippetViewSet,
    SnippetViewSetGroup,
)

from . import resources, views
from .admin_forms import RequirementSetForm
from .models import Certificate, CertificateProgram, CertifierScope, Credential, RequirementSet

LOCKED_MESSAGE = (
    "A certificate was evaluated against this requirement set, so it cannot change. "
    "Add a new version instead."
)


class CredentialInspectView(InspectView):
    """Where each requirement was read, how sure we are, and what no source publishes."""

    def get_field_label(self, field_name, field):
        if field_name == "unknown":
            return "Not published (PeerCert sets no number for these)"
        return super().get_field_label(field_name, field)

    def get_sources_display_value(self):
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{0}" rel="noreferrer">{0}</a></li>',
                ((s,) for s in self.object.sources),
            ),
        )

    def get_unknown_display_value(self):
        if not self.object.unknown:
            return "Nothing: every requirement has a published number."
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((u,) for u in self.object.unknown))
        )

    def get_details_display_value(self):
        return format_html(
            "<dl>{}</dl>",
            format_html_join(
                "",
                "<dt>{}</dt><dd>{}</dd>",
                (
                    (key.replace("_", " ").capitalize(), value)
                    for key, value in self.object.details.items()
                ),
            ),
        )


class CredentialViewSet(SnippetViewSet):
    model = Credential
    icon = "doc-full"
    menu_label = "Credentials"
    inspect_view_enabled = True
    inspect_view_class = CredentialInspectView
    inspect_view_fields = [
        "code", "name", "jurisdiction", "issuing_body", "confidence", "sources", "unknown",
        "notes", "details",
    ]  # fmt: skip
    list_display = [
        "name",
        "code",
        "jurisdiction",
        "confidence",
        Column("unknown", label="Not published", accessor=lambda c: len(c.unknown)),
        Column("sources", label="Sources", accessor=lambda c: len(c.sources)),
    ]
    list_filter = ["confidence"]
    search_fields = ["code", "name", "jurisdiction"]


class RequirementSetIndexView(IndexView):
    @property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if views.requirements_may_export(self.request.user):
            buttons.append(
                HeaderButton(
                    "Import or export",
                    url=reverse_lazy("certificates_admin:requirements_spreadsheet"),
                    icon_name="table",
                )
            )
        return buttons


class _RefusesLockedSets:
    """Edits and deletions of a set a certificate was evaluated against are refused."""

    def post(self, request, *args, **kwargs):
        requirement_set = getattr(self, "object", None) or self.get_object()
        if resources.requirement_set_is_locked(requirement_set):
            messages.error(request, LOCKED_MESSAGE)
            return redirect(request.path)
        return super().post(request, *args, **kwargs)


class RequirementSetEditView(_RefusesLockedSets, EditView):
    pass


class RequirementSetDeleteView(_RefusesLockedSets, DeleteView):
    pass


class RequirementSetViewSet(SnippetViewSet):
    model = RequirementSet
    icon = "list-ul"
    menu_label = "Requirement sets"
    index_view_class = RequirementSetIndexView
    edit_view_class = RequirementSetEditView
    delete_view_class = RequirementSetDeleteView
    edit_handler = ObjectList(RequirementSet.panels, base_form_class=RequirementSetForm)
    list_display = [
        "credential",
        "version",
        "effective_from",
        "effective_until",
        Column("requirement_count", label="Requirements"),
    ]
    list_filter = ["credential"]

    def get_queryset(self, request):
        return RequirementSet.objects.select_related("credential").annotate(
            requirement_count=Count("requirements")
        )


class CertificateProgramDeleteView(DeleteView):
    """A program that has issued certificates stays: they name it. Closing it (Active off)
    stops new awards."""

    def post(self, request, *args, **kwargs):
        program = getattr(self, "object", None) or self.get_object()
        if program.certificates.exists():
            messages.error(
                request,
                f"{program.title} has issued certificates, which name it, so it cannot be "
                "deleted. Untick Active to stop awarding it.",
            )
            return redirect(request.path)
        return super().post(request, *args, **kwargs)


class CertificateProgramViewSet(SnippetViewSet):
    model = CertificateProgram
    delete_view_class = CertificateProgramDeleteView
    icon = "tick-inverse"
    menu_label = "Certificate programs"
    list_display = ["title", "slug", "attests", "credential", "course", "issuing", "active"]
    list_filter = ["attests", "issuing", "active"]


class CertificateInspectView(InspectView):
    """A certificate as issued; its status is changed on its own page, with a reason."""

    @property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.request.user.has_perm("certificates.manage_certificates"):
            buttons.append(
                HeaderButton(
                    "Suspend, revoke or reinstate",
                    url=reverse_lazy("certificates:manage", args=[self.object.pk]),
                    icon_name="warning",
                )
            )
        return buttons


class CertificateViewSet(SnippetViewSet):
    """Certificates are issued by PeerCert, never typed in: administrators may look and
    change the status, and the Administrator role has no add or change permission."""

    model = Certificate
    icon = "doc-full-inverse"
    menu_label = "Certificates"
    inspect_view_enabled = True
    inspect_view_class = CertificateInspectView
    inspect_view_fields = [
        "serial", "program", "holder", "cycle", "requirement_set", "issued_at", "expires_on",
        "status", "status_changed_at", "status_reason", "approved_by", "pdf_sha256",
    ]  # fmt: skip
    list_display = [
        "serial",
        Column("holder", label="Name", accessor=lambda c: c.snapshot.get("legal_name", "")),
        "program",
        "issued_at",
        "expires_on",
        "status",
    ]
    list_filter = ["status", "program"]
    search_fields = ["serial", "code", "holder__legal_name"]

    def get_queryset(self, request):
        return Certificate.objects.select_related("program", "holder")


class CertifierScopeViewSet(SnippetViewSet):
    model = CertifierScope
    icon = "user"
    menu_label = "Certifiers' credentials"
    list_display = ["certifier", "credential"]
    list_filter = ["credential"]


class RequirementSpreadsheetMenuItem(MenuItem):
    def is_shown(self, request):
        return views.requirements_may_export(request.user)


class CertificationViewSetGroup(SnippetViewSetGroup):
    menu_label = "Certification"
    menu_icon = "pick"
    menu_order = 220
    items = (
        CredentialViewSet,
        RequirementSetViewSet,
        CertificateProgramViewSet,
        CertificateViewSet,
        CertifierScopeViewSet,
    )

    def get_submenu_items(self):
        return [
            *super().get_submenu_items(),
            RequirementSpreadsheetMenuItem(
                "Import or export requirements",
                reverse_lazy("certificates_admin:requirements_spreadsheet"),
                name="requirements-spreadsheet",
                icon_name="table",
                order=len(self.items) + 1,
            ),
        ]


register_snippet(CertificationViewSetGroup)


@hooks.register("register_admin_urls")
def register_certification_admin_urls():
    patterns = [
        path(
            "requirements/spreadsheet/",
            views.RequirementSpreadsheetView.as_view(),
            name="requirements_spreadsheet",
        ),
        path(
            "requirements/export/<str:file_format>/",
            views.requirements_export,
            name="requirements_export",
        ),
    ]
    return [path("certification/", include((patterns, "certificates_admin")))]
