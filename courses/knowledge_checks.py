"""The hook through which a lesson's knowledge check gates its completion.

courses/ never imports assessments/. Instead the assessments app registers a provider when it
loads (in its AppConfig.ready), and lesson completion asks every registered provider which of a
set of lessons have a knowledge check and which of those a trainee has passed. With no provider
registered, no lesson has a knowledge check.
"""

from collections.abc import Iterable
from typing import Protocol


class KnowledgeCheckProvider(Protocol):
    def lessons_with_checks(self, lesson_ids: Iterable[int]) -> set[int]:
        """The ids, among lesson_ids, of lessons that have a knowledge check."""

    def lessons_passed(self, user, lesson_ids: Iterable[int]) -> set[int]:
        """The ids, among lesson_ids, of lessons whose knowledge check the user has passed."""

    def check_for_lesson(self, user, lesson_id: int) -> dict | None:
        """For the lesson page: {"title", "url", "passed"} of its knowledge check, or None."""


_providers: list[KnowledgeCheckProvider] = []


def register(provider: KnowledgeCheckProvider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def unregister(provider: KnowledgeCheckProvider) -> None:
    if provider in _providers:
        _providers.remove(provider)


def lessons_with_checks(lesson_ids: Iterable[int]) -> set[int]:
    ids = list(lesson_ids)
    found: set[int] = set()
    for provider in _providers:
        found |= provider.lessons_with_checks(ids)
    return found


def lessons_with_unpassed_checks(user, lesson_ids: Iterable[int]) -> set[int]:
    """Lessons, among lesson_ids, whose knowledge check the user has yet to pass."""
    ids = list(lesson_ids)
    unpassed: set[int] = set()
    for provider in _providers:
        checked = provider.lessons_with_checks(ids)
        if checked:
            unpassed |= checked - provider.lessons_passed(user, checked)
    return unpassed


def check_for_lesson(user, lesson_id: int) -> dict | None:
    for provider in _providers:
        check = getattr(provider, "check_for_lesson", lambda *args: None)(user, lesson_id)
        if check is not None:
            return check
    return None
