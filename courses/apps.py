from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class CoursesConfig(AppConfig):
    name = "courses"

    def ready(self):
        from wagtail.documents import get_document_model
        from wagtail.images import get_image_model
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from .lesson_body import lesson_body_changed

        # Lesson bodies show images, documents and links to pages by reference.
        for model in (get_image_model(), get_document_model()):
            post_save.connect(lesson_body_changed, sender=model, dispatch_uid=f"lesson-{model}")
            post_delete.connect(lesson_body_changed, sender=model, dispatch_uid=f"lesson-d-{model}")
        page_published.connect(lesson_body_changed, dispatch_uid="lesson-published")
        page_unpublished.connect(lesson_body_changed, dispatch_uid="lesson-unpublished")
        post_page_move.connect(lesson_body_changed, dispatch_uid="lesson-moved")
