"""Admin pages for certification: requirement sets in and out of spreadsheets."""

from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.auth import permission_denied
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from courses.spreadsheets import spreadsheet_import

from .models import Requirement, RequirementSet
from .resources import KEY_COLUMN, REQUIRED_COLUMNS, REQUIREMENT_COLUMNS, RequirementResource

SESSION_KEY = "certificates_requirements_upload"
EXPORTS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def requirements_may_export(user) -> bool:
    return user.has_perm("certificates.view_requirementset") or user.has_perm(
        "certificates.change_requirementset"
    )


def requirements_may_import(user) -> bool:
    return user.has_perms(["certificates.add_requirementset", "certificates.change_requirementset"])


class RequirementSpreadsheetView(WagtailAdminTemplateMixin, TemplateView):
    """Export every requirement set, or import a file of them: a preview first (a dry run
    that saves nothing), then a confirmation that imports it."""

    template_name = "certificates/admin/requirements_spreadsheet.html"
    page_title = "Requirement sets as a spreadsheet"
    header_icon = "table"

    def dispatch(self, request, *args, **kwargs):
        if not requirements_may_export(request.user):
            return permission_denied(request)
        if request.method == "POST" and not requirements_may_import(request.user):
            return permission_denied(request)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {
                "url": reverse("wagtailsnippets_certificates_requirementset:list"),
                "label": "Requirement sets",
            },
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            sets=RequirementSet.objects.count(),
            requirements=Requirement.objects.count(),
            columns=REQUIREMENT_COLUMNS,
            kinds=Requirement.Kind.values,
            may_import=requirements_may_import(self.request.user),
        )
        return context

    def post(self, request, *args, **kwargs):
        outcome = spreadsheet_import(
            request,
            session_key=SESSION_KEY,
            upload_field="requirements",
            required=REQUIRED_COLUMNS,
            columns=REQUIREMENT_COLUMNS,
            make_resource=RequirementResource,
            key_column=KEY_COLUMN,
        )
        for error in outcome.errors:
            messages.error(request, error)
        if outcome.confirmed:
            count = outcome.result.totals.get("new", 0)
            names = ", ".join(
                f"{code} v{version}" for code, version in outcome.resource.set_changes
            )
            messages.success(
                request, f"Imported {count} requirement{'s' if count != 1 else ''} into {names}."
            )
            return redirect("certificates_admin:requirements_spreadsheet")
        changes = outcome.resource.set_changes if outcome.resource else {}
        context = self.get_context_data(
            failed=outcome.failed,
            preview=outcome.preview,
            problems=[row for row in outcome.preview if row["messages"]],
            set_changes=[
                f"{code} v{version}: {change}" for (code, version), change in changes.items()
            ],
        )
        return self.render_to_response(context, status=400 if outcome.failed else 200)


def requirements_export(request, file_format):
    if not requirements_may_export(request.user):
        return permission_denied(request)
    if file_format not in EXPORTS:
        raise Http404("Export as csv or xlsx.")
    dataset = RequirementResource().export()
    response = HttpResponse(dataset.export(file_format), content_type=EXPORTS[file_format])
    response["Content-Disposition"] = f'attachment; filename="requirement-sets.{file_format}"'
    return response
