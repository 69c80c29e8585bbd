from django.urls import path, register_converter

from . import certifier_views, holder_views, manage_views, report_views


class RosterFormat:
    regex = "csv|xlsx"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(RosterFormat, "roster_format")

app_name = "certificates"

urlpatterns = [
    path("", holder_views.my_certificates, name="mine"),
    path("goal/", holder_views.goal_choose, name="goal_choose"),
    path("<int:certificate_id>/pdf/", holder_views.certificate_pdf_download, name="pdf"),
    path("<int:certificate_id>/badge/", holder_views.certificate_badge_download, name="badge"),
    path("<int:certificate_id>/manage/", manage_views.certificate_manage, name="manage"),
    path("approvals/", manage_views.approvals_list, name="approvals"),
    path("approvals/<int:program_id>/<int:user_id>/", manage_views.approve, name="approve"),
    path(
        "cohorts/<int:cohort_id>/readiness/",
        report_views.cohort_readiness,
        name="cohort_readiness",
    ),
    path("certify/", certifier_views.portal, name="portal"),
    path("certify/batch/", certifier_views.batch_verify, name="batch_verify"),
    path(
        "certify/roster.<roster_format:file_format>",
        certifier_views.roster_export,
        name="roster",
    ),
]
