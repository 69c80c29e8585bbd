from assessments.models import DrawRule, Option, Question, Quiz
from courses.models import Topic


def question(
    key, *, topic="ethics", type="single", correct=("Yes",), wrong=("No", "Maybe"), **fields
):
    q = Question.objects.create(
        key=key, topic=Topic.objects.get(slug=topic), type=type, text=f"Question {key}?", **fields
    )
    for order, text in enumerate([*correct, *wrong]):
        Option.objects.create(
            question=q, text=f"{text} ({key})", correct=text in correct, feedback=f"Because {text}",
            sort_order=order,
        )  # fmt: skip
    return q


def case(key, *, topic="crisis-de-escalation", parts=2):
    parent = Question.objects.create(
        key=key, topic=Topic.objects.get(slug=topic), type="case", text=f"Case {key}",
        vignette="A person arrives upset at the drop-in centre.",
    )  # fmt: skip
    for number in range(parts):
        part = question(f"{key}-p{number}", topic=topic)
        part.case = parent
        part.save()
    return parent


def short(key, *, topic="documentation", points=4):
    return Question.objects.create(
        key=key, topic=Topic.objects.get(slug=topic), type="short", text=f"Explain {key}.",
        points=points, rubric=["2: names the principle", "2: gives an example"],
    )  # fmt: skip


def quiz(course, *, slug="check", draws=None, **fields):
    q = Quiz.objects.create(title=f"Quiz {slug}", slug=slug, course=course, **fields)
    for topic, count in (draws or {"ethics": 3}).items():
        DrawRule.objects.create(quiz=q, topic=Topic.objects.get(slug=topic), count=count)
    return q
