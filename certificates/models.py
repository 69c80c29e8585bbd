from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel

from assessments.models import Attestation, HoursEntry, Quiz, private_storage
from courses.models import Topic


class Credential(models.Model):
    """A credential a state or national board awards, with where its requirements were read."""

    class Confidence(models.TextChoices):
        HIGH = "high", "High"
        MEDIUM = "medium", "Medium"
        LOW = "low", "Low"

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    jurisdiction = models.CharField(max_length=200)
    issuing_body = models.CharField(max_length=300)
    sources = models.JSONField(
        default=list, help_text="The public pages the requirements were read on."
    )
    confidence = models.CharField(max_length=10, choices=Confidence.choices)
    notes = models.TextField(blank=True)
    unknown = models.JSONField(
        default=list,
        blank=True,
        help_text="Requirements the sources do not give a number for. PeerCert never invents one.",
    )
    details = models.JSONField(
        default=dict, blank=True, help_text="Published facts kept as text: exam, education, fees."
    )

    class Meta:
        ordering = ["jurisdiction", "name"]

    def __str__(self):
        return f"{self.name} ({self.jurisdiction})"


class RequirementSet(ClusterableModel):
    """One version of a credential's requirements, in force from a date. A certificate names
    the version it was evaluated against."""

    credential = models.ForeignKey(
        Credential, on_delete=models.PROTECT, related_name="requirement_sets"
    )
    version = models.PositiveIntegerField()
    effective_from = models.DateField()
    effective_until = models.DateField(null=True, blank=True)
    summary = models.TextField(blank=True)

    panels = [
        FieldPanel("credential"),
        FieldPanel("version"),
        FieldPanel("effective_from"),
        FieldPanel("effective_until"),
        FieldPanel("summary"),
        InlinePanel("requirements", label="Requirement"),
    ]

    class Meta:
        ordering = ["credential", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["credential", "version"], name="certificates_set_version_once"
            ),
            models.CheckConstraint(
                condition=Q(effective_until__isnull=True)
                | Q(effective_until__gt=models.F("effective_from")),
                name="certificates_set_dates_in_order",
            ),
        ]

    def __str__(self):
        return f"{self.credential.code} v{self.version} (from {self.effective_from:%Y-%m-%d})"

    @cached_property
    def requirement_list(self) -> list["Requirement"]:
        """The requirements, read once: readiness evaluates them for many trainees."""
        return list(self.requirements.all())


class Requirement(ClusterableModel):
    class Kind(models.TextChoices):
        TRAINING_TOTAL = "training_total", "Training hours in total"
        TRAINING_DOMAIN = "training_domain", "Training hours in a domain"
        SUPERVISED_WORK = "supervised_work", "Supervised work hours"
        SUPERVISION_RECEIVED = "supervision_received", "Supervision received"
        ASSESSMENT = "assessment", "Assessment passed"
        ATTESTATION = "attestation", "Attestation verified"
        CONTINUING_EDUCATION = "continuing_education", "Continuing education per renewal period"
        CONTINUING_EDUCATION_TOPIC = "continuing_education_topic", "Continuing education in a topic"

    requirement_set = ParentalKey(
        RequirementSet, on_delete=models.CASCADE, related_name="requirements"
    )
    kind = models.CharField(max_length=40, choices=Kind.choices)
    label = models.CharField(max_length=200)
    hours = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    topics = ParentalManyToManyField(
        Topic,
        blank=True,
        related_name="+",
        help_text="Domains and topic minimums: the topics that count.",
    )
    activities = models.JSONField(
        default=list,
        blank=True,
        help_text="Supervised work: the activities that count (empty: all work).",
    )
    attestation_kind = models.CharField(max_length=30, choices=Attestation.Kind.choices, blank=True)
    quiz = models.ForeignKey(
        Quiz, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    min_score = models.PositiveSmallIntegerField(null=True, blank=True)
    period_years = models.PositiveSmallIntegerField(null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    panels = [
        FieldPanel("kind"),
        FieldPanel("label"),
        FieldPanel("hours"),
        FieldPanel("topics"),
        FieldPanel("activities"),
        FieldPanel("attestation_kind"),
        FieldPanel("quiz"),
        FieldPanel("min_score"),
        FieldPanel("period_years"),
    ]

    HOUR_KINDS = {
        Kind.TRAINING_TOTAL,
        Kind.TRAINING_DOMAIN,
        Kind.SUPERVISED_WORK,
        Kind.SUPERVISION_RECEIVED,
        Kind.CONTINUING_EDUCATION,
        Kind.CONTINUING_EDUCATION_TOPIC,
    }

    class Meta:
        ordering = ["sort_order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__isnull=True) | Q(hours__gt=0), name="certificates_hours_positive"
            )
        ]

    def __str__(self):
        return self.label

    @cached_property
    def topic_ids(self) -> frozenset[int]:
        return frozenset(topic.pk for topic in self.topics.all())

    def clean(self):
        super().clean()
        if self.kind in self.HOUR_KINDS and not self.hours:
            raise ValidationError({"hours": "Give the hours this requirement asks for."})
        if self.kind == self.Kind.ATTESTATION and not self.attestation_kind:
            raise ValidationError({"attestation_kind": "Say which attestation is required."})
        unknown = set(self.activities) - set(HoursEntry.Activity.values)
        if unknown:
            raise ValidationError(
                {"activities": f"Unknown activities: {', '.join(sorted(unknown))}."}
            )


class CertificateProgram(models.Model):
    """What a certificate attests, how it is issued and how long it is valid."""

    class Attests(models.TextChoices):
        COURSE = "course", "Completion of a course"
        CREDENTIAL_TRAINING = "credential_training", "Training requirements of a credential met"

    class Issuing(models.TextChoices):
        AUTOMATIC = "automatic", "Automatically, when the trainee becomes eligible"
        APPROVAL = "approval", "After a trainer approves"

    slug = models.SlugField(max_length=60, unique=True)
    title = models.CharField(max_length=120, help_text="Printed at the top of the certificate.")
    attests = models.CharField(max_length=30, choices=Attests.choices)
    course = models.ForeignKey(
        "courses.CoursePage", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    credential = models.ForeignKey(
        Credential, null=True, blank=True, on_delete=models.PROTECT, related_name="programs"
    )
    issuing = models.CharField(max_length=20, choices=Issuing.choices, default=Issuing.AUTOMATIC)
    valid_for_months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Empty: the certificate does not expire."
    )
    active = models.BooleanField(default=True)

    panels = [
        FieldPanel("title"),
        FieldPanel("slug"),
        FieldPanel("attests"),
        FieldPanel("course"),
        FieldPanel("credential"),
        FieldPanel("issuing"),
        FieldPanel("valid_for_months"),
        FieldPanel("active"),
    ]

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(attests="course", course__isnull=False, credential__isnull=True))
                | Q(attests="credential_training", credential__isnull=False, course__isnull=True),
                name="certificates_program_attests_one_thing",
            ),
            models.CheckConstraint(
                condition=Q(valid_for_months__isnull=True) | Q(valid_for_months__gt=0),
                name="certificates_program_validity_positive",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.attests == self.Attests.COURSE and (not self.course_id or self.credential_id):
            raise ValidationError({"course": "A course certificate names its course, and only it."})
        if self.attests == self.Attests.CREDENTIAL_TRAINING and (
            not self.credential_id or self.course_id
        ):
            raise ValidationError(
                {"credential": "A credential certificate names its credential, and only it."}
            )


def _certificate_pdf_path(instance, filename):
    return f"certificates/{instance.issued_at:%Y}/{instance.serial}.pdf"


class Certificate(models.Model):
    """One certificate: one per holder, program and cycle (1 is the first award, 2 the first
    renewal). What it prints is frozen in `snapshot` when it is issued."""

    # Certificates are written by the issuing task, thousands at a time, and never edited in
    # the admin: Wagtail's reference index ("usage" of a program or requirement set) would
    # cost a query batch per save and add nothing, since those foreign keys PROTECT anyway.
    wagtail_reference_index_ignore = True

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"
        REVOKED = "revoked", "Revoked"

    program = models.ForeignKey(
        CertificateProgram, on_delete=models.PROTECT, related_name="certificates"
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certificates"
    )
    cycle = models.PositiveSmallIntegerField(default=1)
    serial = models.CharField(max_length=20, unique=True)
    code = models.CharField(max_length=12, unique=True)
    requirement_set = models.ForeignKey(
        RequirementSet, null=True, blank=True, on_delete=models.PROTECT, related_name="certificates"
    )
    issued_at = models.DateTimeField()
    expires_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    status_changed_at = models.DateTimeField()
    status_reason = models.TextField(blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    snapshot = models.JSONField()
    pdf = models.FileField(
        upload_to=_certificate_pdf_path, storage=private_storage, max_length=200, blank=True
    )
    pdf_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["holder", "program", "cycle"], name="certificates_once_per_cycle"
            ),
            models.CheckConstraint(condition=Q(cycle__gte=1), name="certificates_cycle_from_one"),
        ]
        permissions = [("manage_certificates", "Can suspend, revoke and reinstate certificates")]

    def __str__(self):
        return f"{self.serial} {self.program.title} for {self.holder}"

    @property
    def code_display(self) -> str:
        from .codes import code_display

        return code_display(self.code)

    def state_on(self, day) -> str:
        """active, expired, suspended or revoked: a suspension or revocation outranks expiry."""
        if self.status != self.Status.ACTIVE:
            return self.status
        if self.expires_on and self.expires_on < day:
            return "expired"
        return self.Status.ACTIVE


class CertificateEvent(models.Model):
    """The status history: who changed what, when and why."""

    class Action(models.TextChoices):
        ISSUED = "issued", "Issued"
        SUSPENDED = "suspended", "Suspended"
        REVOKED = "revoked", "Revoked"
        REINSTATED = "reinstated", "Reinstated"

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_action_display()} at {self.at:%Y-%m-%d %H:%M}"


class CredentialGoal(models.Model):
    """The credential a trainee is working towards, shown on their dashboard."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="credential_goal"
    )
    credential = models.ForeignKey(Credential, on_delete=models.CASCADE, related_name="+")
    chosen_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.user} towards {self.credential.code}"


class CertifierScope(models.Model):
    """A certifier works for a board: they look people up only for that board's credentials."""

    certifier = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certifier_scopes"
    )
    credential = models.ForeignKey(Credential, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["certifier", "credential"], name="certificates_scope_once"
            )
        ]

    def __str__(self):
        return f"{self.certifier} for {self.credential.code}"
