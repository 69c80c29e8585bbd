"""When a trainee's evidence changes, check after commit whether a certificate is now due.

The handlers only enqueue, by id; certificates_due_task decides, and issuing is idempotent,
so a burst of changes costs a few evaluations and never a second certificate."""

from django.db import transaction


def _due_check(user_id: int) -> None:
    from .tasks import certificates_due_task

    transaction.on_commit(lambda: certificates_due_task.delay(user_id))


def _saved(kwargs, field: str) -> bool:
    """Whether this save may have written `field` (a save naming other fields did not: a
    lesson's heartbeats after its completion, for example)."""
    update_fields = kwargs.get("update_fields")
    return update_fields is None or field in update_fields


def lesson_progress_saved(sender, instance, **kwargs):
    if instance.completed_at is not None and _saved(kwargs, "completed_at"):
        _due_check(instance.enrolment.user_id)


def enrolment_saved(sender, instance, **kwargs):
    if instance.completed_at is not None and _saved(kwargs, "completed_at"):
        _due_check(instance.user_id)


def attendance_saved(sender, instance, **kwargs):
    if instance.minutes_attended and _saved(kwargs, "minutes_attended"):
        _due_check(instance.user_id)


def hours_entry_saved(sender, instance, **kwargs):
    if instance.status == "approved" and _saved(kwargs, "status"):
        _due_check(instance.trainee_id)


def attestation_saved(sender, instance, **kwargs):
    if instance.status == "verified" and _saved(kwargs, "status"):
        _due_check(instance.trainee_id)


def external_training_saved(sender, instance, **kwargs):
    if instance.status == "verified" and _saved(kwargs, "status"):
        _due_check(instance.trainee_id)


def external_training_imported(sender, trainee_ids, **kwargs):
    for trainee_id in trainee_ids:
        _due_check(trainee_id)


# The fields that decide who a program is for; an edit of its title or validity sweeps nobody.
PROGRAM_SCOPE_FIELDS = ("active", "issuing", "attests", "credential_id", "course_id")


def program_loaded(sender, instance, **kwargs):
    instance._scope_as_loaded = tuple(instance.__dict__.get(name) for name in PROGRAM_SCOPE_FIELDS)


def program_saved(sender, instance, created, raw=False, **kwargs):
    """An automatic program was opened, re-opened or given a new scope: whoever already
    qualifies and does not hold it is issued it (certificates_program_sweep)."""
    scope = tuple(getattr(instance, name) for name in PROGRAM_SCOPE_FIELDS)
    unchanged = not created and scope == getattr(instance, "_scope_as_loaded", None)
    instance._scope_as_loaded = scope
    if raw or unchanged:
        return
    if instance.active and instance.issuing == "automatic":
        from .tasks import certificates_program_sweep_task

        program_id = instance.pk
        transaction.on_commit(lambda: certificates_program_sweep_task.delay(program_id))


def requirements_saved(sender, **kwargs):
    """A credential, set or requirement changed: every process reads them again. Now, for this
    process inside its transaction; after commit, for the others (which may have read the old
    rows again in between)."""
    from .readiness.sets import requirements_changed

    requirements_changed()
    transaction.on_commit(requirements_changed)
