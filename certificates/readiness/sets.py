"""The requirement sets in force, kept per process between reads."""

import time
import uuid
from datetime import date

from django.core.cache import cache
from django.db.models import Prefetch, Q
from django.utils import timezone

from ..models import Requirement, RequirementSet

REQUIREMENTS_VERSION_KEY = "certificates:requirements-version"
# Requirement sets change a few times a year and are read on every dashboard: each process
# keeps the current ones, and any change to a credential, set or requirement (signals.py)
# gives them a new version in the shared cache, which every process sees. Without a shared
# cache (development, no REDIS_URL) a process reads them again after KEPT_SECONDS at most.
KEPT_SECONDS = 60
_current_sets: dict[tuple[str, date], tuple[float, list[RequirementSet]]] = {}


def requirements_version() -> str:
    version = cache.get(REQUIREMENTS_VERSION_KEY)
    if version is None:
        cache.add(REQUIREMENTS_VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(REQUIREMENTS_VERSION_KEY)
    return version


def requirements_changed() -> None:
    cache.set(REQUIREMENTS_VERSION_KEY, uuid.uuid4().hex, None)


def requirement_sets_current(*, on: date | None = None, credential_id: int | None = None):
    """Each credential's requirement set in force on a date (or only the one credential's),
    with its requirements, their topics and reciprocal credentials: four queries when they
    have changed, none otherwise."""
    on = on or timezone.localdate()
    key = (requirements_version(), on)
    read_at, sets = _current_sets.get(key, (0.0, None))
    if sets is None or time.monotonic() - read_at > KEPT_SECONDS:
        sets = _requirement_sets_in_force(on)
        _current_sets.clear()
        _current_sets[key] = (time.monotonic(), sets)
    if credential_id is not None:
        return [s for s in sets if s.credential_id == credential_id]
    return list(sets)


def requirement_set_current(*, credential_id: int, on: date | None = None):
    return next(iter(requirement_sets_current(on=on, credential_id=credential_id)), None)


def _requirement_sets_in_force(on: date) -> list[RequirementSet]:
    sets = (
        RequirementSet.objects.filter(effective_from__lte=on)
        .filter(Q(effective_until__isnull=True) | Q(effective_until__gt=on))
        .select_related("credential")
        .prefetch_related(
            Prefetch(
                "requirements",
                queryset=Requirement.objects.select_related("quiz").prefetch_related(
                    "topics", "satisfied_by"
                ),
            )
        )
        .order_by("credential__jurisdiction", "credential__name", "-version")
    )
    current: dict[int, RequirementSet] = {}
    for requirement_set in sets:
        current.setdefault(requirement_set.credential_id, requirement_set)
    for requirement_set in current.values():
        requirement_set.requirements_by_key  # noqa: B018 - computed once, shared by every reader
        requirement_set.tracks  # noqa: B018
        for requirement in requirement_set.requirement_list:
            requirement.topic_ids  # noqa: B018
            requirement.satisfied_by_codes  # noqa: B018
    return list(current.values())
