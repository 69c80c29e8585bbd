"""Course trees for tests, built through Wagtail's own page API."""

from courses.models import (
    CourseCataloguePage,
    CoursePage,
    LessonPage,
    LessonTopicCredit,
    ModulePage,
    Topic,
)


def topic(slug: str) -> Topic:
    return Topic.objects.get(slug=slug)


def catalogue_under(home) -> CourseCataloguePage:
    existing = CourseCataloguePage.objects.first()
    if existing:
        return existing
    return home.add_child(instance=CourseCataloguePage(title="Courses", slug="courses"))


def course_under(catalogue, *, slug="foundations", title="Foundations", **fields) -> CoursePage:
    fields.setdefault("summary", "What peer support is.")
    fields.setdefault("audience", "New peer specialists.")
    return catalogue.add_child(instance=CoursePage(title=title, slug=slug, **fields))


def module_under(course, *, slug, title=None, requires_previous=False) -> ModulePage:
    return course.add_child(
        instance=ModulePage(
            title=title or slug.replace("-", " ").title(),
            slug=slug,
            requires_previous=requires_previous,
        )
    )


def lesson_under(module, *, slug, credits=None, body=None, title=None) -> LessonPage:
    credits = credits or {"ethics": 30}
    return module.add_child(
        instance=LessonPage(
            title=title or slug.replace("-", " ").title(),
            slug=slug,
            body=body or [("text", "<p>Peer support is mutual.</p>")],
            topic_credits=[
                LessonTopicCredit(topic=topic(name), minutes=minutes)
                for name, minutes in credits.items()
            ],
        )
    )


def two_module_course(catalogue, *, slug="foundations", title="Foundations", **fields):
    """Module 1 (lessons a, b) and module 2 (lesson c), which requires module 1."""
    course = course_under(catalogue, slug=slug, title=title, **fields)
    first = module_under(course, slug="module-1", title="Module one")
    second = module_under(course, slug="module-2", title="Module two", requires_previous=True)
    lessons = [
        lesson_under(first, slug="lesson-a", credits={"ethics": 30, "boundaries": 15}),
        lesson_under(first, slug="lesson-b", credits={"advocacy": 20}),
        lesson_under(second, slug="lesson-c", credits={"crisis-de-escalation": 60}),
    ]
    return course, lessons
