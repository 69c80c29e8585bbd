from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel

from assessments.models import Attestation, HoursEntry, Quiz
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
