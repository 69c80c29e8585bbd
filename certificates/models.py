from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel

from assessments.models import Attestation, HoursEntry, Quiz, private_storage
from courses.models import DeliveryMode, Topic


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
    the version it was evaluated against.

    Requirements belong to a stage: what is asked for the award; conditions a board lets a
    holder meet after an initial (provisional) award, within `conditions_within_months`; and
    what each renewal asks, every `renewal_months`."""

    credential = models.ForeignKey(
        Credential, on_delete=models.PROTECT, related_name="requirement_sets"
    )
    version = models.PositiveIntegerField()
    effective_from = models.DateField()
    effective_until = models.DateField(null=True, blank=True)
    summary = models.TextField(blank=True)
    renewal_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="How long each certification period lasts. Empty: not published.",
    )
    conditions_within_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=(
            "Where the board first awards an initial (provisional) credential: the months the "
            "holder has to meet its conditions before it lapses."
        ),
    )

    panels = [
        FieldPanel("credential"),
        FieldPanel("version"),
        FieldPanel("effective_from"),
        FieldPanel("effective_until"),
        FieldPanel("summary"),
        FieldPanel("renewal_months"),
        FieldPanel("conditions_within_months"),
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
            models.CheckConstraint(
                condition=Q(renewal_months__isnull=True) | Q(renewal_months__gt=0),
                name="certificates_set_renewal_positive",
            ),
            models.CheckConstraint(
                condition=Q(conditions_within_months__isnull=True)
                | Q(conditions_within_months__gt=0),
                name="certificates_set_conditions_deadline_positive",
            ),
        ]

    def __str__(self):
        return f"{self.credential.code} v{self.version} (from {self.effective_from:%Y-%m-%d})"

    @cached_property
    def requirement_list(self) -> list["Requirement"]:
        """The requirements, read once: readiness evaluates them for many trainees."""
        return list(self.requirements.all())

    @cached_property
    def requirements_by_key(self) -> dict[str, "Requirement"]:
        return {r.key: r for r in self.requirement_list if r.key}

    @cached_property
    def tracks(self) -> list[str]:
        """The tracks (endorsements) a board offers under this credential, in order."""
        return list(dict.fromkeys(r.track for r in self.requirement_list if r.track))

    def requirements_check(self, requirements: list["Requirement"] | None = None) -> None:
        """Refuse a set that contradicts itself or cannot be satisfied, naming the rule: the
        admin, the spreadsheet import and the fixture loader call this before saving.
        `requirements` are the set's requirements as they are about to be saved (each
        naming its parent by `parent_key`)."""
        if requirements is None:
            requirements = self.requirement_list
        errors = requirement_set_errors(self, requirements)
        if errors:
            raise ValidationError(errors)


class Requirement(ClusterableModel):
    """One rule of a requirement set.

    Hour requirements count training (lessons, live sessions, verified external training),
    supervised work or supervision received, in minutes. A requirement with a `parent_key` is a
    minimum inside its parent's hours, never on top of them (New York CRPA's 4 hours of
    medication-supported recovery inside its 10 of recovery and wellness). `modes` limits what
    counts to how it was delivered; `window_months` to what was completed within that many
    months of the evaluation. Requirements sharing a `group` are alternatives: any one meets
    the group (Pennsylvania: 12 months of work or 24 college credits). A requirement with a
    `track` applies only to that track (Texas: MHPS or RSPS). `satisfied_by` names credentials
    whose holders meet this requirement by reciprocity."""

    class Kind(models.TextChoices):
        TRAINING_TOTAL = "training_total", "Training hours in total"
        TRAINING_DOMAIN = "training_domain", "Training hours in a domain"
        SUPERVISED_WORK = "supervised_work", "Supervised work hours"
        SUPERVISION_RECEIVED = "supervision_received", "Supervision received"
        ASSESSMENT = "assessment", "Assessment passed"
        ATTESTATION = "attestation", "Attestation verified"
        MINIMUM_AGE = "minimum_age", "Minimum age"

    class Stage(models.TextChoices):
        AWARD = "award", "For the award"
        CONDITION = "condition", "After an initial award, within its deadline"
        RENEWAL = "renewal", "For each renewal"

    requirement_set = ParentalKey(
        RequirementSet, on_delete=models.CASCADE, related_name="requirements"
    )
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.AWARD)
    kind = models.CharField(max_length=40, choices=Kind.choices)
    label = models.CharField(max_length=200)
    key = models.SlugField(
        max_length=60,
        blank=True,
        help_text="A short name, unique in the set, that other requirements name as parent.",
    )
    parent_key = models.SlugField(
        "parent",
        max_length=60,
        blank=True,
        help_text="The key of the requirement whose hours this minimum counts inside.",
    )
    hours = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    share_percent = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="Instead of hours: this share of the parent's hours (NAADAC: 50% face to face).",
    )
    per_year = models.BooleanField(
        default=False,
        help_text="Renewal: the hours are per year of the certification period (New York CPS).",
    )
    topics = ParentalManyToManyField(
        Topic,
        blank=True,
        related_name="+",
        help_text="Domains and topic minimums: the topics that count.",
    )
    modes = models.JSONField(
        default=list,
        blank=True,
        help_text="Only training delivered this way counts (empty: any way).",
    )
    window_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Only evidence completed within this many months of the evaluation counts.",
    )
    activities = models.JSONField(
        default=list,
        blank=True,
        help_text="Supervised work: the activities that count (empty: all work).",
    )
    attestation_kind = models.CharField(max_length=30, choices=Attestation.Kind.choices, blank=True)
    amount = models.DecimalField(
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="An attestation with an amount: the months of experience or college credits.",
    )
    min_age = models.PositiveSmallIntegerField(null=True, blank=True)
    quiz = models.ForeignKey(
        Quiz, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    min_score = models.PositiveSmallIntegerField(null=True, blank=True)
    group = models.SlugField(
        max_length=60,
        blank=True,
        help_text="Alternatives: any one requirement of a group meets it.",
    )
    track = models.CharField(
        max_length=60, blank=True, help_text="Applies only to this track (endorsement)."
    )
    satisfied_by = ParentalManyToManyField(
        Credential,
        blank=True,
        related_name="+",
        help_text="Holding one of these credentials meets this requirement (reciprocity).",
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    panels = [
        FieldPanel("stage"),
        FieldPanel("kind"),
        FieldPanel("label"),
        FieldPanel("key"),
        FieldPanel("parent_key"),
        FieldPanel("hours"),
        FieldPanel("share_percent"),
        FieldPanel("per_year"),
        FieldPanel("topics"),
        FieldPanel("modes"),
        FieldPanel("window_months"),
        FieldPanel("activities"),
        FieldPanel("attestation_kind"),
        FieldPanel("amount"),
        FieldPanel("min_age"),
        FieldPanel("quiz"),
        FieldPanel("min_score"),
        FieldPanel("group"),
        FieldPanel("track"),
        FieldPanel("satisfied_by"),
    ]

    HOUR_KINDS = {
        Kind.TRAINING_TOTAL,
        Kind.TRAINING_DOMAIN,
        Kind.SUPERVISED_WORK,
        Kind.SUPERVISION_RECEIVED,
    }
    TRAINING_KINDS = {Kind.TRAINING_TOTAL, Kind.TRAINING_DOMAIN}

    class Meta:
        ordering = ["sort_order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__isnull=True) | Q(hours__gt=0), name="certificates_hours_positive"
            ),
            models.CheckConstraint(
                condition=Q(window_months__isnull=True) | Q(window_months__gt=0),
                name="certificates_window_positive",
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gt=0),
                name="certificates_amount_positive",
            ),
        ]

    def __str__(self):
        return self.label

    @cached_property
    def topic_ids(self) -> frozenset[int]:
        return frozenset(topic.pk for topic in self.topics.all())

    @cached_property
    def satisfied_by_codes(self) -> frozenset[str]:
        if self.pk is None:
            return frozenset()
        return frozenset(credential.code for credential in self.satisfied_by.all())

    def clean(self):
        """The rules of one requirement on its own; requirement_set_errors checks it against
        the others of its set (nesting, sums, tracks, groups)."""
        super().clean()
        errors = requirement_errors(self)
        if errors:
            raise ValidationError(errors)


def requirement_hours(requirement: Requirement, parent: Requirement | None) -> Decimal | None:
    """The hours a requirement asks: its own, or its share of its parent's."""
    if requirement.hours is not None:
        return requirement.hours
    if requirement.share_percent and parent is not None:
        parent_hours = requirement_hours(parent, None)
        if parent_hours is not None:
            return parent_hours * requirement.share_percent / 100
    return None


def requirement_errors(requirement: Requirement) -> dict[str, list[str]]:
    """What is wrong with one requirement on its own, by field."""
    kinds, stages = Requirement.Kind, Requirement.Stage
    kind, errors = requirement.kind, {}

    def refuse(field_name, message):
        errors.setdefault(field_name, []).append(message)

    kind_label = dict(kinds.choices).get(kind, kind)
    hour_kind = kind in Requirement.HOUR_KINDS
    if hour_kind:
        if requirement.hours is None and not requirement.share_percent:
            refuse("hours", f"A {kind} requirement needs its hours.")
        if requirement.hours is not None and requirement.share_percent:
            refuse("share_percent", "Give hours or a share of the parent's hours, not both.")
        if requirement.share_percent and not requirement.parent_key:
            refuse("share_percent", "A share is a share of a parent's hours: name the parent.")
    else:
        for name in ("hours", "share_percent"):
            if getattr(requirement, name) is not None:
                refuse(name, f"{kind_label}: no hours to give.")
    if kind == kinds.TRAINING_TOTAL and requirement.pk and requirement.topic_ids:
        refuse("topics", "A training total counts every topic; use a domain to name topics.")
    unknown_modes = set(requirement.modes or []) - set(DeliveryMode.values)
    if unknown_modes:
        refuse("modes", f"Unknown delivery modes: {', '.join(sorted(unknown_modes))}.")
    elif requirement.modes and kind not in Requirement.TRAINING_KINDS:
        refuse("modes", "Only training is delivered in a mode.")
    unknown = set(requirement.activities or []) - set(HoursEntry.Activity.values)
    if unknown:
        refuse("activities", f"Unknown activities: {', '.join(sorted(unknown))}.")
    if kind == kinds.ATTESTATION and not requirement.attestation_kind:
        refuse("attestation_kind", "Say which attestation is required.")
    if requirement.amount is not None and (
        kind != kinds.ATTESTATION or requirement.attestation_kind not in Attestation.AMOUNT_UNITS
    ):
        refuse("amount", "Only experience and college-credit attestations have an amount.")
    if kind == kinds.MINIMUM_AGE and not requirement.min_age:
        refuse("min_age", "Give the minimum age.")
    if requirement.min_age is not None and kind != kinds.MINIMUM_AGE:
        refuse("min_age", "Only a minimum-age requirement has an age.")
    if kind == kinds.ASSESSMENT and not requirement.quiz_id:
        refuse("quiz", "Say which quiz must be passed.")
    if requirement.window_months is not None and kind in (kinds.MINIMUM_AGE, kinds.ASSESSMENT):
        refuse("window_months", f"{kind_label}: no window applies.")
    if requirement.per_year and (requirement.stage != stages.RENEWAL or not hour_kind):
        refuse("per_year", "Only renewal hours are counted per year of the period.")
    if requirement.stage == stages.RENEWAL and kind not in Requirement.TRAINING_KINDS:
        refuse("stage", "A renewal asks for continuing education: training hours.")
    if requirement.key and requirement.key == requirement.parent_key:
        refuse("parent_key", "A requirement cannot count inside itself.")
    return errors


def requirement_set_errors(
    requirement_set: RequirementSet, requirements: list[Requirement]
) -> list[str]:
    """What makes a set contradict itself or impossible to satisfy, one message per rule
    broken, naming the requirements. Topics are read from `topic_ids` when the requirement is
    saved, or from `pending_topic_ids` (a set of ids) when it is not yet."""
    errors: list[str] = []
    by_key: dict[str, Requirement] = {}
    for requirement in requirements:
        if not requirement.key:
            continue
        if requirement.key in by_key:
            errors.append(f"Two requirements have the key “{requirement.key}”: keys are unique.")
        by_key[requirement.key] = requirement

    def topics(requirement) -> frozenset[int]:
        pending = getattr(requirement, "pending_topic_ids", None)
        if pending is not None:
            return frozenset(pending)
        return requirement.topic_ids if requirement.pk else frozenset()

    children: dict[str, list[Requirement]] = {}
    for requirement in requirements:
        if not requirement.parent_key:
            continue
        parent = by_key.get(requirement.parent_key)
        label = requirement.label
        if parent is None:
            errors.append(
                f"“{label}” counts inside “{requirement.parent_key}”, which no requirement has as key."
            )
            continue
        children.setdefault(parent.key, []).append(requirement)
        if parent.kind not in Requirement.HOUR_KINDS:
            errors.append(f"“{label}” counts inside “{parent.label}”, which asks for no hours.")
            continue
        same_family = (requirement.kind in Requirement.TRAINING_KINDS) == (
            parent.kind in Requirement.TRAINING_KINDS
        )
        if not same_family or parent.stage != requirement.stage:
            errors.append(f"“{label}” and its parent “{parent.label}” count different things.")
            continue
        if parent.track and requirement.track != parent.track:
            errors.append(f"“{label}” belongs to another track than its parent “{parent.label}”.")
        own = requirement_hours(requirement, parent)
        parent_hours = requirement_hours(parent, by_key.get(parent.parent_key))
        if own is not None and parent_hours is not None and own > parent_hours:
            errors.append(
                f"Nested minimum larger than its parent: “{label}” asks {own:g} hours inside "
                f"“{parent.label}”, which asks {parent_hours:g}."
            )
        if topics(parent) and not topics(requirement) <= topics(parent):
            errors.append(f"“{label}” counts topics its parent “{parent.label}” does not.")
    for requirement in requirements:
        seen, current = set(), requirement
        while current is not None and current.parent_key:
            if current.parent_key in seen:
                errors.append(f"“{requirement.label}” is nested inside itself.")
                break
            seen.add(current.parent_key)
            current = by_key.get(current.parent_key)
    # Minimums side by side must each be met by their own hours: their topics may not overlap,
    # and inside a parent they may not add up to more than it.
    siblings: dict[tuple, list[Requirement]] = {}
    for requirement in requirements:
        if requirement.kind == Requirement.Kind.TRAINING_DOMAIN and not requirement.modes:
            place = (
                requirement.stage,
                requirement.track,
                requirement.group,
                requirement.parent_key,
            )
            siblings.setdefault(place, []).append(requirement)
    for (_, _, _, parent_key), side_by_side in siblings.items():
        for index, first in enumerate(side_by_side):
            for second in side_by_side[index + 1 :]:
                if topics(first) & topics(second):
                    errors.append(
                        f"“{first.label}” and “{second.label}” share topics, so an hour would "
                        "count for both: nest one inside the other, or give each its own topics."
                    )
        parent = by_key.get(parent_key) if parent_key else None
        if parent is not None:
            parent_hours = requirement_hours(parent, by_key.get(parent.parent_key))
            total = sum(
                (requirement_hours(r, parent) or Decimal(0) for r in side_by_side), Decimal(0)
            )
            if parent_hours is not None and total > parent_hours:
                errors.append(
                    f"Sub-minimums over the total: the minimums inside “{parent.label}” add up "
                    f"to {total:g} hours, more than its {parent_hours:g}."
                )
    groups: dict[str, list[Requirement]] = {}
    for requirement in requirements:
        if requirement.group:
            groups.setdefault(requirement.group, []).append(requirement)
    for name, members in groups.items():
        if len(members) < 2:
            errors.append(f"The group “{name}” has one requirement: alternatives need two or more.")
        if len({member.stage for member in members}) > 1:
            errors.append(f"The alternatives of “{name}” belong to different stages.")
    tracks = {requirement.track for requirement in requirements if requirement.track}
    if len(tracks) == 1:
        errors.append(
            f"Only one track is named (“{tracks.pop()}”): a track is one of two or more; "
            "leave it empty for requirements everyone meets."
        )
    stages = {requirement.stage for requirement in requirements}
    if Requirement.Stage.CONDITION in stages and not requirement_set.conditions_within_months:
        errors.append(
            "A phase without a deadline: give the months within which an initial award's "
            "conditions must be met."
        )
    if requirement_set.conditions_within_months and Requirement.Stage.CONDITION not in stages:
        errors.append("A deadline for conditions, but no requirement is a condition.")
    if Requirement.Stage.RENEWAL in stages and not requirement_set.renewal_months:
        errors.append("Renewal requirements need the renewal period in months.")
    return errors


class CertificateProgram(models.Model):
    """What a certificate attests, how it is issued and how long it is valid."""

    class Attests(models.TextChoices):
        COURSE = "course", "Completion of a course"
        CREDENTIAL_TRAINING = "credential_training", "Training requirements of a credential met"
        CREDENTIAL = "credential", "A credential: every requirement of its set met"

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
                | Q(
                    attests__in=["credential_training", "credential"],
                    credential__isnull=False,
                    course__isnull=True,
                ),
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
        if self.attests != self.Attests.COURSE and (not self.credential_id or self.course_id):
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

    class Phase(models.TextChoices):
        INITIAL = "initial", "Initial (provisional) certification"
        FULL = "full", "Full certification"

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
    # A credential first awarded as initial (provisional) becomes full when its conditions are
    # met by `conditions_due_on`, and lapses if they are not. Blank: a program without phases.
    phase = models.CharField(max_length=10, choices=Phase.choices, blank=True)
    conditions_due_on = models.DateField(null=True, blank=True)
    phase_changed_at = models.DateTimeField(null=True, blank=True)
    # The hashes of PDFs issued before this one (an initial certification's, once it became
    # full), so a holder's earlier file still checks as authentic.
    superseded_pdf_sha256 = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["holder", "program", "cycle"], name="certificates_once_per_cycle"
            ),
            models.CheckConstraint(condition=Q(cycle__gte=1), name="certificates_cycle_from_one"),
            models.CheckConstraint(
                condition=~Q(phase="initial") | Q(conditions_due_on__isnull=False),
                name="certificates_initial_has_a_deadline",
            ),
        ]
        permissions = [("manage_certificates", "Can suspend, revoke and reinstate certificates")]

    def __str__(self):
        return f"{self.serial} {self.program.title} for {self.holder}"

    @property
    def code_display(self) -> str:
        from .codes import code_display

        return code_display(self.code)

    @property
    def is_initial(self) -> bool:
        return self.phase == self.Phase.INITIAL

    def state_on(self, day) -> str:
        """active, lapsed, expired, suspended or revoked: a suspension or revocation outranks
        the rest; an initial certification whose conditions were not met by their deadline has
        lapsed."""
        if self.status != self.Status.ACTIVE:
            return self.status
        if self.is_initial and self.conditions_due_on < day:
            return "lapsed"
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
        FULL = "full", "Conditions met: full certification"
        LAPSED = "lapsed", "Lapsed: conditions not met by the deadline"

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
