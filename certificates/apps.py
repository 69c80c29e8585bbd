from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_init, post_save


class CertificatesConfig(AppConfig):
    name = "certificates"

    def ready(self):
        from wagtail import hooks

        from assessments.models import Attestation, ExternalTraining, HoursEntry
        from assessments.signals import external_training_imported
        from courses.models import Attendance, Enrolment, LessonProgress

        from . import holder_views, signals
        from .models import CertificateProgram, Credential, Requirement, RequirementSet

        hooks.register("learner_dashboard_panels", holder_views.readiness_panel_for_trainees)

        post_save.connect(signals.lesson_progress_saved, sender=LessonProgress)
        post_save.connect(signals.enrolment_saved, sender=Enrolment)
        post_save.connect(signals.attendance_saved, sender=Attendance)
        post_save.connect(signals.hours_entry_saved, sender=HoursEntry)
        post_save.connect(signals.attestation_saved, sender=Attestation)
        post_save.connect(signals.external_training_saved, sender=ExternalTraining)
        external_training_imported.connect(signals.external_training_imported)
        post_init.connect(signals.program_loaded, sender=CertificateProgram)
        post_save.connect(signals.program_saved, sender=CertificateProgram)
        for model in (Credential, RequirementSet, Requirement):
            post_save.connect(signals.requirements_saved, sender=model)
            post_delete.connect(signals.requirements_saved, sender=model)
        m2m_changed.connect(signals.requirements_saved, sender=Requirement.topics.through)
