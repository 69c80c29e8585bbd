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


PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def certificate_file(name="certificate.pdf", content=PDF):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def external_training(trainee, *, credits=None, upload=None, **fields):
    """A training done elsewhere, recorded by the trainee through the service: by default two
    days last week with 6 hours of ethics and 4 of boundaries."""
    from datetime import timedelta

    from django.utils import timezone

    from assessments.external_training import external_training_record

    last_week = timezone.localdate() - timedelta(days=7)
    values = {
        "provider": "Mountain Recovery Institute",
        "title": "Ethics in peer work",
        "started_on": last_week,
        "completed_on": last_week + timedelta(days=1),
        "mode": "live_online",
        **fields,
    }
    if credits is None:
        credits = {"ethics": 360, "boundaries": 240}
    topics = dict(Topic.objects.filter(slug__in=credits).values_list("slug", "pk"))
    return external_training_record(
        trainee=trainee,
        credits={topics[slug]: minutes for slug, minutes in credits.items()},
        upload=upload or certificate_file(),
        **values,
    )
