"""Loading question-bank files (fixtures/questions/*.toml, see FORMAT.md there)."""

import tomllib
from pathlib import Path

from django.db import transaction

from courses.models import Topic

from .models import Option, Question


class QuestionBankError(Exception):
    """A question file that cannot be loaded; the message names the question and the problem."""


def _check(entry: dict, where: str) -> None:
    kind = entry["type"]
    options = entry.get("options", [])
    correct = sum(1 for option in options if option.get("correct"))
    if kind in ("single", "true_false") and correct != 1:
        raise QuestionBankError(f"{where}: a {kind} question needs exactly one correct option.")
    if kind == "multiple" and correct < 2:
        raise QuestionBankError(f"{where}: a multiple-response question needs two correct options.")
    if kind == "case":
        if not entry.get("parts"):
            raise QuestionBankError(f"{where}: a case needs parts.")
        for number, part in enumerate(entry["parts"], start=1):
            _check({"type": "single", **part}, f"{where} part {number}")
    if kind == "short" and int(entry.get("points", 0)) < 1:
        raise QuestionBankError(f"{where}: a short answer needs points.")


def _create(entry: dict, topic: Topic, *, key: str, case: Question | None = None, order=0):
    question = Question.objects.create(
        key=key,
        topic=topic,
        type=entry.get("type", "single"),
        text=entry["text"].strip(),
        vignette=entry.get("vignette", "").strip(),
        feedback=entry.get("feedback", "").strip(),
        points=int(entry.get("points", 1)),
        model_answer=entry.get("model_answer", "").strip(),
        rubric=list(entry.get("rubric", [])),
        case=case,
        sort_order=order,
    )
    Option.objects.bulk_create(
        Option(
            question=question,
            text=option["text"].strip(),
            correct=bool(option.get("correct")),
            feedback=option.get("feedback", "").strip(),
            sort_order=number,
        )
        for number, option in enumerate(entry.get("options", []))
    )
    return question


@transaction.atomic
def questions_load(path: Path) -> int:
    """Add the file's questions to the bank. Idempotent: questions whose key exists already are
    left as they are. Returns how many were created. Raises QuestionBankError (nothing written)
    for a malformed question."""
    with path.open("rb") as handle:
        entries = tomllib.load(handle)["questions"]
    topics = {topic.slug: topic for topic in Topic.objects.all()}
    existing = set(Question.objects.values_list("key", flat=True))
    created = 0
    for entry in entries:
        where = f"{path.name}: {entry.get('key', '?')}"
        if entry["topic"] not in topics:
            raise QuestionBankError(f"{where}: unknown topic {entry['topic']!r}.")
        _check(entry, where)
        if entry["key"] in existing:
            continue
        topic = topics[entry["topic"]]
        question = _create(entry, topic, key=entry["key"])
        for number, part in enumerate(entry.get("parts", []), start=1):
            _create(
                {"type": "single", **part},
                topic,
                key=f"{entry['key']}-{number}",
                case=question,
                order=number,
            )
        created += 1
    return created
