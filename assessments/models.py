import uuid
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel

from courses.models import CoursePage, DeliveryMode, LessonPage, Topic


class Question(ClusterableModel):
    """A question in the bank. A case question holds a vignette and its parts, which are
    single-choice questions of their own."""

    class Type(models.TextChoices):
        SINGLE = "single", "Single choice"
        MULTIPLE = "multiple", "Multiple response"
        TRUE_FALSE = "true_false", "True or false"
        CASE = "case", "Case scenario"
        SHORT = "short", "Short written answer"

    key = models.SlugField(
        max_length=40, unique=True, help_text="A stable reference, e.g. ethics-007."
    )
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="questions")
    type = models.CharField(max_length=20, choices=Type.choices)
    text = models.TextField()
    vignette = models.TextField(blank=True, help_text="Case scenarios: the situation.")
    feedback = models.TextField(blank=True, help_text="Shown when the answers are reviewed.")
    points = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(1)],
        help_text="Short answers: the marks available.",
    )
    model_answer = models.TextField(blank=True)
    rubric = models.JSONField(
        default=list, blank=True, help_text="Short answers: grading criteria."
    )
    case = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="parts"
    )
    sort_order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    panels = [
        FieldPanel("key"),
        FieldPanel("topic"),
        FieldPanel("type"),
        FieldPanel("text"),
        FieldPanel("vignette"),
        InlinePanel("options", label="Option"),
        FieldPanel("feedback"),
        MultiFieldPanel(
            [FieldPanel("points"), FieldPanel("model_answer"), FieldPanel("rubric")],
            heading="Short written answers",
        ),
        FieldPanel("active"),
    ]

    class Meta:
        ordering = ["key"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(type="case") | Q(case__isnull=True), name="assessments_case_not_nested"
            )
        ]

    def __str__(self):
        return f"{self.key}: {self.text[:60]}"

    @property
    def is_choice(self) -> bool:
        return self.type in (self.Type.SINGLE, self.Type.MULTIPLE, self.Type.TRUE_FALSE)


class Option(models.Model):
    question = ParentalKey(Question, on_delete=models.CASCADE, related_name="options")
    text = models.CharField(max_length=500)
    correct = models.BooleanField(default=False)
    feedback = models.TextField(blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return self.text


class Quiz(ClusterableModel):
    """An assessment drawn from the bank: a lesson's knowledge check or a course's final
    assessment."""

    class Grading(models.TextChoices):
        HIGHEST = "highest", "Highest attempt counts"
        LATEST = "latest", "Latest attempt counts"
        FIRST = "first", "First attempt counts"

    class Review(models.TextChoices):
        AFTER_SUBMISSION = "after_submission", "Answers and feedback after each submission"
        AFTER_PASS = "after_pass", "Answers and feedback once passed"
        AFTER_LAST_ATTEMPT = "after_last_attempt", "Answers and feedback after the last attempt"
        SCORE_ONLY = "score_only", "Score only, never the answers"

    class MultipleResponse(models.TextChoices):
        ALL_OR_NOTHING = "all_or_nothing", "All correct options and no others, or nothing"
        RIGHT_MINUS_WRONG = "right_minus_wrong", "Partial: right choices minus wrong ones"

    class Late(models.TextChoices):
        SCORE_AS_USUAL = "score", "Recorded as late and scored as usual"
        SCORE_ZERO = "zero", "Recorded as late and scored zero"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    course = models.ForeignKey(CoursePage, on_delete=models.PROTECT, related_name="+")
    lesson = models.OneToOneField(
        LessonPage,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Makes this quiz the lesson's knowledge check. Leave empty for a final assessment.",
    )
    instructions = models.TextField(blank=True)
    pass_mark = models.PositiveSmallIntegerField(
        default=80, validators=[MinValueValidator(1), MaxValueValidator(100)], help_text="Percent."
    )
    max_attempts = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Leave empty for unlimited attempts."
    )
    wait_minutes = models.PositiveIntegerField(
        default=0, help_text="Minimum wait between attempts."
    )
    time_limit_minutes = models.PositiveIntegerField(null=True, blank=True)
    late_rule = models.CharField(max_length=10, choices=Late.choices, default=Late.SCORE_ZERO)
    grading = models.CharField(max_length=10, choices=Grading.choices, default=Grading.HIGHEST)
    review = models.CharField(
        max_length=20, choices=Review.choices, default=Review.AFTER_SUBMISSION
    )
    multiple_response = models.CharField(
        max_length=20, choices=MultipleResponse.choices, default=MultipleResponse.RIGHT_MINUS_WRONG
    )

    panels = [
        FieldPanel("title"),
        FieldPanel("slug"),
        FieldPanel("course"),
        FieldPanel("lesson"),
        FieldPanel("instructions"),
        InlinePanel("draw_rules", label="Questions drawn per topic", min_num=1),
        MultiFieldPanel(
            [
                FieldPanel("pass_mark"),
                FieldPanel("max_attempts"),
                FieldPanel("wait_minutes"),
                FieldPanel("time_limit_minutes"),
                FieldPanel("late_rule"),
                FieldPanel("grading"),
                FieldPanel("review"),
                FieldPanel("multiple_response"),
            ],
            heading="Rules",
        ),
    ]

    class Meta:
        verbose_name_plural = "quizzes"

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if (
            self.lesson_id
            and self.course_id
            and not self.lesson.get_ancestors().filter(pk=self.course_id).exists()
        ):
            raise ValidationError({"lesson": "That lesson is not part of the quiz's course."})


class DrawRule(models.Model):
    quiz = ParentalKey(Quiz, on_delete=models.CASCADE, related_name="draw_rules")
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="+")
    count = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["quiz", "topic"], name="assessments_draw_topic_once")
        ]

    def __str__(self):
        return f"{self.count} on {self.topic}"


class Attempt(models.Model):
    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        AWAITING_GRADING = "awaiting_grading", "Submitted, awaiting a trainer's grading"
        GRADED = "graded", "Graded"

    quiz = models.ForeignKey(Quiz, on_delete=models.PROTECT, related_name="attempts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="quiz_attempts"
    )
    number = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_PROGRESS)
    started_at = models.DateTimeField()
    deadline_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    late = models.BooleanField(default=False)
    points_awarded = models.DecimalField(max_digits=7, decimal_places=2, default=Decimal(0))
    points_possible = models.DecimalField(max_digits=7, decimal_places=2, default=Decimal(0))
    score = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True, help_text="Percent."
    )
    passed = models.BooleanField(null=True)

    class Meta:
        ordering = ["quiz", "user", "number"]
        permissions = [("grade_attempt", "Can grade written answers")]
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "user", "number"], name="assessments_attempt_number"
            ),
            models.UniqueConstraint(
                fields=["quiz", "user"],
                condition=Q(status="in_progress"),
                name="assessments_one_open_attempt",
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.quiz} #{self.number}"


class AttemptItem(models.Model):
    """One drawn question, in the position and with the option order the trainee saw."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="items")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    layout = models.JSONField(
        help_text="Option ids in the order shown; for a case, each part with its option ids."
    )

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "position"], name="assessments_item_position"
            )
        ]

    def __str__(self):
        return f"{self.attempt} Q{self.position}"


class Answer(models.Model):
    """The trainee's answer to one question (a case part is a question of its own)."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    selected = models.JSONField(default=list, blank=True, help_text="Option ids chosen.")
    text = models.TextField(blank=True, max_length=5000)
    points_awarded = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    grader_comment = models.TextField(blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    graded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="assessments_answer_once")
        ]

    def __str__(self):
        return f"{self.attempt}: {self.question.key}"


class Supervision(models.Model):
    """An administrator or trainer assigns a supervisor to a trainee. Only the assigned
    supervisor acts on the trainee's hour entries."""

    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="supervisions"
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="supervisees"
    )
    supervisor_credential = models.CharField(
        max_length=200,
        help_text="The supervisor's own credential, e.g. 'CPRS (Virginia), 4 years supervising peers'.",
    )
    program_started_on = models.DateField(
        help_text="The trainee's program start: no hours before this date count."
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["trainee"],
                condition=Q(active=True),
                name="assessments_one_active_supervisor",
            ),
            models.CheckConstraint(
                condition=~Q(trainee=models.F("supervisor")),
                name="assessments_no_self_supervision",
            ),
        ]

    def __str__(self):
        return f"{self.supervisor} supervises {self.trainee}"


class HoursEntry(models.Model):
    """Supervised peer work, described by activity and never by the people supported."""

    class Activity(models.TextChoices):
        ONE_TO_ONE = "one_to_one", "One-to-one peer support"
        GROUP = "group", "Group facilitation"
        ADVOCACY = "advocacy", "Advocacy"
        OUTREACH = "outreach", "Outreach"
        DOCUMENTATION = "documentation", "Documentation"
        SUPERVISION_RECEIVED = "supervision_received", "Supervision received"
        TRAINING_DELIVERED = "training_delivered", "Education or training delivered"
        COMMUNITY_LINKAGE = "community_linkage", "Linkage to resources"

    class Setting(models.TextChoices):
        COMMUNITY = "community", "Community"
        CLINIC = "clinic", "Clinic or outpatient"
        INPATIENT = "inpatient", "Inpatient or residential"
        CRISIS = "crisis", "Crisis service"
        RECOVERY_CENTER = "recovery_center", "Recovery community center"
        JUSTICE = "justice", "Justice system"
        VIRTUAL = "virtual", "Telephone or virtual"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        APPROVED = "approved", "Approved"
        RETURNED = "returned", "Returned"
        SUPERSEDED = "superseded", "Superseded by a correction"

    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="hours_entries"
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The supervisor the entry was submitted to.",
    )
    worked_on = models.DateField()
    minutes = models.PositiveIntegerField()
    activity = models.CharField(max_length=30, choices=Activity.choices)
    setting = models.CharField(max_length=30, choices=Setting.choices)
    topics = models.ManyToManyField(Topic, blank=True, related_name="+")
    description = models.CharField(
        max_length=500,
        help_text="What you did, without naming or identifying anyone you supported.",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    return_comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-worked_on", "-created_at"]
        verbose_name_plural = "hours entries"
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gt=0) & Q(minutes__lte=24 * 60),
                name="assessments_hours_minutes_in_a_day",
            ),
            models.UniqueConstraint(
                fields=["trainee", "worked_on", "activity", "setting", "minutes", "description"],
                condition=~Q(status="superseded"),
                name="assessments_hours_no_duplicates",
            ),
        ]
        indexes = [
            models.Index(fields=["trainee", "worked_on"]),
            models.Index(fields=["supervisor", "status"]),
        ]

    def __str__(self):
        return f"{self.trainee} {self.worked_on}: {self.minutes} min {self.get_activity_display()}"


class HoursEntryEvent(models.Model):
    """The history of an entry: who did what, when."""

    class Action(models.TextChoices):
        CREATED = "created", "Created"
        EDITED = "edited", "Edited"
        SUBMITTED = "submitted", "Submitted"
        APPROVED = "approved", "Approved"
        RETURNED = "returned", "Returned"
        RESUBMITTED = "resubmitted", "Resubmitted"
        SUPERSEDED = "superseded", "Superseded by a correction"
        IMPORTED = "imported", "Imported"

    entry = models.ForeignKey(HoursEntry, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=20, choices=Action.choices)
    comment = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_action_display()} by {self.actor} at {self.at:%Y-%m-%d %H:%M}"


def private_storage():
    """Files only PeerCert's own views serve, after checking who asks (never a public URL)."""
    from django.core.files.storage import FileSystemStorage

    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)


_private_storage = private_storage  # the name migration 0005 refers to


def _private_path(folder: str, instance, filename: str) -> str:
    """A trainee's file under an unguessable name that keeps only its extension."""
    return f"{folder}/{instance.trainee_id}/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


def _evidence_path(instance, filename):
    return _private_path("evidence", instance, filename)


class Attestation(models.Model):
    """A fact about a trainee that a person checks against evidence the trainee uploads."""

    class Kind(models.TextChoices):
        DIPLOMA = "diploma", "High-school diploma or equivalent"
        LIVED_EXPERIENCE = "lived_experience", "Lived-experience statement"
        CODE_OF_ETHICS = "code_of_ethics", "Signed code of ethics"
        EXTERNAL_EXAM = "external_exam", "External exam passed"
        BACKGROUND_CHECK = "background_check", "Background check"
        PROOF_OF_AGE = "proof_of_age", "Proof of age (date of birth)"
        WORK_EXPERIENCE = "work_experience", "Work or volunteer experience"
        COLLEGE_CREDITS = "college_credits", "College credits"
        CREDENTIAL_HELD = "credential_held", "A credential held elsewhere"

    # What each kind must state besides the file: a date (of birth, of completion, of award),
    # an amount (months of experience, college credits) or the credential's code.
    DATED_KINDS = frozenset(
        {Kind.PROOF_OF_AGE, Kind.WORK_EXPERIENCE, Kind.COLLEGE_CREDITS, Kind.CREDENTIAL_HELD}
    )
    AMOUNT_UNITS = {Kind.WORK_EXPERIENCE: "months", Kind.COLLEGE_CREDITS: "credits"}
    DATED_LABELS = {
        Kind.PROOF_OF_AGE: "Date of birth",
        Kind.WORK_EXPERIENCE: "Completed",
        Kind.COLLEGE_CREDITS: "Completed",
        Kind.CREDENTIAL_HELD: "Awarded",
    }

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for review"
        VERIFIED = "verified", "Verified"
        REJECTED = "rejected", "Rejected"

    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="attestations"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    detail = models.CharField(
        max_length=300, blank=True, help_text="e.g. the exam's name and the date you passed it."
    )
    dated = models.DateField(
        null=True,
        blank=True,
        help_text=(
            "Proof of age: the date of birth. Experience and college credits: the date they "
            "were completed. A credential held elsewhere: the date it was awarded."
        ),
    )
    amount = models.DecimalField(
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text="Experience: months. College credits: credits.",
    )
    credential_code = models.SlugField(
        max_length=40, blank=True, help_text="A credential held elsewhere: its code in PeerCert."
    )
    evidence = models.FileField(upload_to=_evidence_path, storage=private_storage, max_length=200)
    original_name = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-uploaded_at"]
        permissions = [
            ("review_attestation", "Can verify or reject attestation evidence"),
            ("review_proof_of_age", "Can see and review proof of age (a date of birth)"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.trainee}"

    def visible_to(self, user) -> bool:
        """Who may see this evidence, open its file and read what it states: its trainee, and
        reviewers; proof of age, which states a date of birth, only administrators."""
        if self.trainee_id == user.pk:
            return True
        if self.kind == self.Kind.PROOF_OF_AGE:
            return user.has_perm("assessments.review_proof_of_age")
        return user.has_perm("assessments.review_attestation")

    @property
    def stated(self) -> str:
        """What the trainee states besides the file, in words: the date, the amount and the
        credential. Show it only to those it is visible_to."""
        parts = []
        if self.dated:
            label = self.DATED_LABELS.get(self.kind, "Date")
            parts.append(f"{label}: {self.dated.day} {self.dated:%B %Y}")
        if self.amount is not None:
            parts.append(
                f"{self.amount.normalize():f} {self.AMOUNT_UNITS.get(self.kind, '')}".strip()
            )
        if self.credential_code:
            parts.append(f"Credential: {self.credential_code}")
        return " · ".join(parts)

    def clean(self):
        super().clean()
        errors = {}
        if self.kind in self.DATED_KINDS and self.dated is None:
            errors["dated"] = "Give the date this evidence shows."
        elif self.dated and self.dated > timezone.localdate():
            errors["dated"] = "That date is in the future."
        unit = self.AMOUNT_UNITS.get(self.kind)
        if unit and self.amount is None:
            errors["amount"] = f"Give the number of {unit}."
        elif not unit and self.amount is not None:
            errors["amount"] = "Only experience and college credits have an amount."
        if self.kind == self.Kind.CREDENTIAL_HELD and not self.credential_code:
            errors["credential_code"] = "Name the credential you hold."
        if errors:
            raise ValidationError(errors)


def _external_certificate_path(instance, filename):
    return _private_path("external", instance, filename)


def _day_in_words(day) -> str:
    return f"{day.day} {day:%B %Y}"


def _minutes_in_words(minutes: int) -> str:
    hours = f"{minutes / 60:.2f}".rstrip("0").rstrip(".")
    return f"{minutes} minutes ({hours} hour{'' if hours == '1' else 's'})"


class ExternalTraining(models.Model):
    """Training a trainee completed with another provider, credited to topics. It counts only
    once a trainer or administrator has verified it against the certificate of completion, or
    when a trainer imported it for their cohort (and so verified it themselves)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for review"
        VERIFIED = "verified", "Verified"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"

    # A board credits at most this much training for each calendar day a course ran, both
    # the first and the last day included: a two-day workshop credits at most 24 hours.
    MAX_MINUTES_PER_DAY = 12 * 60

    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="external_trainings"
    )
    provider = models.CharField(max_length=200, help_text="Who gave the training.")
    title = models.CharField(max_length=200, help_text="The course's title on the certificate.")
    started_on = models.DateField()
    completed_on = models.DateField()
    mode = models.CharField(max_length=20, choices=DeliveryMode.choices)
    certificate = models.FileField(
        upload_to=_external_certificate_path, storage=private_storage, max_length=200, blank=True
    )
    original_name = models.CharField(max_length=200, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The trainer who imported this record for their cohort (no certificate file).",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # The credits this record will have, {topic_id: minutes}, for clean() to judge before
    # they are saved. None: judge the credits already saved.
    minutes_by_topic: dict[int, int] | None = None

    class Meta:
        ordering = ["-completed_on", "-created_at"]
        verbose_name = "training done elsewhere"
        verbose_name_plural = "training done elsewhere"
        permissions = [("review_externaltraining", "Can verify or reject training done elsewhere")]
        constraints = [
            # "Not in the future" and the hours the dates allow depend on today and on the
            # credit rows: clean() checks those.
            models.CheckConstraint(
                condition=Q(started_on__lte=models.F("completed_on")),
                name="assessments_external_dates_in_order",
            ),
            models.CheckConstraint(
                condition=Q(mode__in=DeliveryMode.values), name="assessments_external_mode"
            ),
            models.CheckConstraint(
                condition=~Q(certificate="") | Q(imported_by__isnull=False),
                name="assessments_external_certificate_or_import",
                violation_error_code="required",
                violation_error_message="Upload the certificate of completion.",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["verified", "rejected"])
                | Q(reviewed_by__isnull=False, reviewed_at__isnull=False),
                name="assessments_external_reviewed_by_someone",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(review_note=""),
                name="assessments_external_rejection_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(trainee=models.F("reviewed_by")),
                name="assessments_external_not_self_reviewed",
            ),
            models.UniqueConstraint(
                "trainee",
                Lower("provider"),
                Lower("title"),
                "started_on",
                "completed_on",
                condition=Q(status__in=["pending", "verified"]),
                name="assessments_external_recorded_once",
                violation_error_message=(
                    "This training (same provider, title and dates) is already recorded."
                ),
            ),
        ]
        indexes = [models.Index(fields=["trainee", "status"]), models.Index(fields=["status"])]

    def __str__(self):
        return f"{self.title} ({self.provider}) for {self.trainee}"

    @property
    def days(self) -> int:
        """Calendar days the training ran, the first and the last included."""
        return (self.completed_on - self.started_on).days + 1

    @property
    def max_minutes(self) -> int:
        return self.MAX_MINUTES_PER_DAY * self.days

    def clean(self):
        super().clean()
        errors = {}
        today = timezone.localdate()
        for name in ("started_on", "completed_on"):
            day = getattr(self, name)
            if day is not None and day > today:
                errors[name] = f"{_day_in_words(day)} is in the future."
        dates_known = self.started_on is not None and self.completed_on is not None
        if dates_known and self.started_on > self.completed_on:
            errors["completed_on"] = (
                f"The training cannot end ({_day_in_words(self.completed_on)}) before it "
                f"started ({_day_in_words(self.started_on)})."
            )
        if self.minutes_by_topic is not None:
            total = sum(self.minutes_by_topic.values())
        elif self.pk is not None:
            total = self.credits.aggregate(total=models.Sum("minutes"))["total"] or 0
        else:
            total = 0
        if total <= 0:
            errors["credits"] = "Give the hours for at least one topic."
        elif dates_known and "completed_on" not in errors and total > self.max_minutes:
            errors["credits"] = (
                f"Training from {_day_in_words(self.started_on)} to "
                f"{_day_in_words(self.completed_on)} ({self.days} "
                f"day{'' if self.days == 1 else 's'}) can credit at most "
                f"{_minutes_in_words(self.max_minutes)}, at {self.MAX_MINUTES_PER_DAY // 60} "
                f"hours a day; these credits add up to {_minutes_in_words(total)}."
            )
        if errors:
            raise ValidationError(errors)


class ExternalTrainingCredit(models.Model):
    """Minutes of a training done elsewhere credited to one topic."""

    training = models.ForeignKey(ExternalTraining, on_delete=models.CASCADE, related_name="credits")
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="+")
    minutes = models.PositiveIntegerField(validators=[MinValueValidator(1)])

    class Meta:
        ordering = ["training_id", "topic__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["training", "topic"], name="assessments_external_topic_once"
            ),
            models.CheckConstraint(
                condition=Q(minutes__gt=0), name="assessments_external_minutes_positive"
            ),
        ]

    def __str__(self):
        return f"{self.minutes} min of {self.topic}"
