from decimal import Decimal

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, Sum
from django.template.response import TemplateResponse
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.blocks import CharBlock
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from .blocks import LessonBodyBlock


class DeliveryMode(models.TextChoices):
    """How training was delivered. Boards count live and face-to-face hours apart from
    self-paced online study (Ohio: 40 of 56 hours live; NAADAC: half face to face)."""

    SELF_PACED = "self_paced", "Self-paced online"
    LIVE_ONLINE = "live_online", "Live online"
    FACE_TO_FACE = "face_to_face", "Face to face"


class Topic(models.Model):
    """One term of the shared vocabulary: lessons, live sessions and hour entries credit topics,
    and requirement sets say which topics count towards each of their domains."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class CourseCataloguePage(Page):
    intro = models.CharField(max_length=300, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["courses.CoursePage"]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["courses"] = CoursePage.objects.live().public().child_of(self).specific()
        return context


class CoursePage(Page):
    summary = models.CharField(max_length=300)
    audience = models.CharField(max_length=300, help_text="Who this course is for.")
    objectives = StreamField(
        [("objective", CharBlock(max_length=300))],
        blank=True,
        help_text="What a trainee can do by the end. One objective per item.",
    )
    description = RichTextField(blank=True, features=["h3", "bold", "italic", "link", "ol", "ul"])
    self_enrolment = models.BooleanField(
        default=True, help_text="Trainees may enrol themselves. Otherwise a trainer enrols them."
    )
    prerequisite = models.ForeignKey(
        "courses.CoursePage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A course to complete before this one can be started.",
    )
    seat_time_share = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.80"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text="Share of a lesson's credited minutes a trainee must spend on it (0.80 = 80%).",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("audience"),
        FieldPanel("objectives"),
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldPanel("self_enrolment"),
                FieldPanel("prerequisite"),
                FieldPanel("seat_time_share"),
            ],
            heading="Enrolment and completion",
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary")]
    parent_page_types = ["courses.CourseCataloguePage"]
    subpage_types = ["courses.ModulePage"]

    def clean(self):
        super().clean()
        if self.prerequisite_id and self.pk and self.prerequisite_id == self.pk:
            raise ValidationError({"prerequisite": "A course cannot require itself."})

    def get_context(self, request, *args, **kwargs):
        from . import selectors

        context = super().get_context(request, *args, **kwargs)
        user = request.user
        enrolment = (
            Enrolment.objects.filter(user=user, course=self).first()
            if user.is_authenticated
            else None
        )
        # A visitor who is not enrolled sees the outline through a stand-in enrolment.
        status = selectors.course_statuses(enrolments=[enrolment or Enrolment(course=self)])[0]
        context.update(
            enrolment=enrolment,
            status=status,
            credited_minutes=sum(lesson.credited_minutes for lesson in status.lessons),
            prerequisite_missing=(
                selectors.course_prerequisite_missing(user=user, course=self)
                if user.is_authenticated
                else self.prerequisite
            ),
        )
        return context

    def lessons(self):
        return LessonPage.objects.live().descendant_of(self)

    @property
    def credited_minutes(self) -> int:
        """The contact time this course credits: the sum of its live lessons' topic credits."""
        total = LessonTopicCredit.objects.filter(lesson__in=self.lessons().values("pk")).aggregate(
            total=Sum("minutes")
        )["total"]
        return total or 0


class ModulePage(Page):
    summary = models.CharField(max_length=300, blank=True)
    requires_previous = models.BooleanField(
        default=False, help_text="Trainees must complete the previous module first."
    )

    content_panels = [*Page.content_panels, FieldPanel("summary"), FieldPanel("requires_previous")]
    parent_page_types = ["courses.CoursePage"]
    subpage_types = ["courses.LessonPage"]

    def get_context(self, request, *args, **kwargs):
        from . import selectors

        context = super().get_context(request, *args, **kwargs)
        course = CoursePage.objects.parent_of(self).first()
        user = request.user
        enrolment = (
            Enrolment.objects.filter(user=user, course=course).first()
            if user.is_authenticated
            else None
        )
        status = selectors.course_statuses(enrolments=[enrolment or Enrolment(course=course)])[0]
        context.update(
            course=course,
            enrolment=enrolment,
            module_status=next((m for m in status.modules if m.module.pk == self.pk), None),
        )
        return context


class LessonPage(Page):
    summary = models.CharField(max_length=300, blank=True)
    body = StreamField(LessonBodyBlock(), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        InlinePanel(
            "topic_credits",
            heading="Credited minutes by topic",
            label="Topic credit",
            min_num=1,
            help_text="The contact time this lesson is worth, split across the topics it teaches.",
        ),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["courses.ModulePage"]
    subpage_types = []

    def get_context(self, request, *args, **kwargs):
        from .lesson_body import lesson_body_parts

        context = super().get_context(request, *args, **kwargs)
        context["body_parts"] = lesson_body_parts(self.body)
        return context

    def serve(self, request, *args, **kwargs):
        """Only enrolled trainees who have reached this lesson may open it; opening it starts the
        server's clock for its seat time. Previews in the admin show the content alone."""
        from . import selectors, services

        if getattr(request, "is_preview", False):
            return super().serve(request, *args, **kwargs)
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            progress = services.lesson_open(user=request.user, lesson=self)
        except selectors.LessonLocked as locked:
            return TemplateResponse(
                request,
                "courses/lesson_locked.html",
                {"page": self, "reason": str(locked), "course": locked.course},
                status=403,
            )
        context = self.get_context(request, *args, **kwargs)
        context.update(self.learning_context(progress))
        return TemplateResponse(request, self.get_template(request, *args, **kwargs), context)

    def learning_context(self, progress) -> dict:
        from . import knowledge_checks, services

        credits = list(self.topic_credits.select_related("topic"))
        credited = sum(credit.minutes for credit in credits)
        enrolment = progress.enrolment
        answers = dict(
            ReflectionAnswer.objects.filter(user_id=enrolment.user_id, lesson=self).values_list(
                "block_id", "text"
            )
        )
        return {
            "progress": progress,
            "enrolment": enrolment,
            "course": enrolment.course,
            "credits": credits,
            "credited_minutes": credited,
            "required_seconds": services.seconds_required(
                course=enrolment.course, credited_minutes=credited
            ),
            "heartbeat_seconds": services.heartbeat_seconds(),
            "reflections": {str(block_id): text for block_id, text in answers.items()},
            "knowledge_check": knowledge_checks.check_for_lesson(enrolment.user, self.pk),
        }


class LessonTopicCredit(Orderable):
    lesson = ParentalKey(LessonPage, on_delete=models.CASCADE, related_name="topic_credits")
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="+")
    minutes = models.PositiveIntegerField(validators=[MinValueValidator(1)])

    panels = [FieldPanel("topic"), FieldPanel("minutes")]

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(fields=["lesson", "topic"], name="courses_credit_topic_once"),
            models.CheckConstraint(
                condition=Q(minutes__gt=0), name="courses_credit_minutes_positive"
            ),
        ]

    def __str__(self):
        return f"{self.minutes} min of {self.topic}"


class Cohort(models.Model):
    """A group of trainees taking a course together, led by one or more trainers."""

    name = models.CharField(max_length=150)
    course = models.ForeignKey(CoursePage, on_delete=models.PROTECT, related_name="cohorts")
    trainers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="cohorts_led")
    starts_on = models.DateField(null=True, blank=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("course"),
        FieldPanel("trainers"),
        FieldPanel("starts_on"),
    ]

    class Meta:
        ordering = ["-starts_on", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "name"], name="courses_cohort_name_per_course"
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.course.title})"


class Enrolment(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="enrolments"
    )
    course = models.ForeignKey(CoursePage, on_delete=models.PROTECT, related_name="enrolments")
    cohort = models.ForeignKey(
        Cohort, null=True, blank=True, on_delete=models.SET_NULL, related_name="enrolments"
    )
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    enrolled_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-enrolled_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="courses_enrol_once_per_course")
        ]

    def __str__(self):
        return f"{self.user} in {self.course.title}"


class LessonProgress(models.Model):
    """Time a trainee has spent on a lesson, as measured by the server, and its completion."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="progress")
    lesson = models.ForeignKey(LessonPage, on_delete=models.PROTECT, related_name="+")
    engaged_seconds = models.PositiveIntegerField(default=0)
    first_opened_at = models.DateTimeField(auto_now_add=True)
    last_heartbeat_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "lesson"], name="courses_progress_once_per_lesson"
            )
        ]

    def __str__(self):
        return f"{self.enrolment.user} on {self.lesson.title}: {self.engaged_seconds}s"


class ReflectionAnswer(models.Model):
    """A trainee's private written answer to a reflection prompt. Only they can read it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reflections"
    )
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="+")
    block_id = models.UUIDField()
    text = models.TextField(max_length=10_000)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "lesson", "block_id"], name="courses_one_answer_per_prompt"
            )
        ]

    def __str__(self):
        return f"Reflection by {self.user} on {self.lesson.title}"


class LiveSession(ClusterableModel):
    class Mode(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        VIRTUAL = "virtual", "Virtual"

    course = models.ForeignKey(CoursePage, on_delete=models.PROTECT, related_name="live_sessions")
    cohort = models.ForeignKey(
        Cohort, null=True, blank=True, on_delete=models.SET_NULL, related_name="live_sessions"
    )
    title = models.CharField(max_length=200)
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="live_sessions_led"
    )
    mode = models.CharField(max_length=20, choices=Mode.choices)
    location = models.CharField(
        max_length=300, blank=True, help_text="The room and address, or the meeting link."
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    panels = [
        FieldPanel("course"),
        FieldPanel("cohort"),
        FieldPanel("title"),
        FieldPanel("trainer"),
        FieldPanel("mode"),
        FieldPanel("location"),
        FieldPanel("starts_at"),
        FieldPanel("ends_at"),
        InlinePanel("topic_credits", heading="Credited minutes by topic", min_num=1),
    ]

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="courses_session_ends_after_start",
            )
        ]

    def __str__(self):
        return f"{self.title} ({self.starts_at:%Y-%m-%d})"

    @property
    def delivery_mode(self) -> str:
        return DELIVERY_MODE_OF_SESSION[self.mode]

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    def clean(self):
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "A session must end after it starts."})
        if self.cohort_id and self.course_id and self.cohort.course_id != self.course_id:
            raise ValidationError({"cohort": "This cohort takes a different course."})


DELIVERY_MODE_OF_SESSION = {
    LiveSession.Mode.IN_PERSON: DeliveryMode.FACE_TO_FACE,
    LiveSession.Mode.VIRTUAL: DeliveryMode.LIVE_ONLINE,
}


class LiveSessionTopicCredit(models.Model):
    session = ParentalKey(LiveSession, on_delete=models.CASCADE, related_name="topic_credits")
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="+")
    minutes = models.PositiveIntegerField(validators=[MinValueValidator(1)])

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "topic"], name="courses_session_topic_once"),
        ]

    def __str__(self):
        return f"{self.minutes} min of {self.topic}"


class Attendance(models.Model):
    """Minutes a trainee attended a live session, recorded by a trainer. Credits the session's
    topics in proportion to the share of the session attended."""

    session = models.ForeignKey(LiveSession, on_delete=models.PROTECT, related_name="attendance")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="attendance"
    )
    minutes_attended = models.PositiveIntegerField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="courses_attend_once"),
        ]

    def __str__(self):
        return f"{self.user} attended {self.minutes_attended} min of {self.session}"

    def clean(self):
        super().clean()
        if self.session_id and self.minutes_attended > self.session.duration_minutes:
            raise ValidationError(
                {
                    "minutes_attended": (
                        f"The session lasted {self.session.duration_minutes} minutes; "
                        f"{self.minutes_attended} cannot have been attended."
                    )
                }
            )
