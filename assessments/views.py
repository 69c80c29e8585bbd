from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from . import selectors, services
from .models import Answer, Attempt, Option, Question, Quiz


def _own_attempt(request, attempt_id) -> Attempt:
    attempt = get_object_or_404(
        Attempt.objects.select_related("quiz", "quiz__course"), pk=attempt_id
    )
    if attempt.user_id != request.user.pk:
        raise Http404("No such attempt.")
    return attempt


@login_required
def quiz_detail(request, slug):
    quiz = get_object_or_404(Quiz.objects.select_related("course", "lesson"), slug=slug)
    attempts = list(selectors.attempts_for(user=request.user, quiz=quiz))
    return render(
        request,
        "assessments/quiz_detail.html",
        {
            "quiz": quiz,
            "attempts": attempts,
            "question_count": sum(rule.count for rule in quiz.draw_rules.all()),
            "counting": selectors.counting_attempt(user=request.user, quiz=quiz),
            "next_attempt_at": selectors.next_attempt_at(user=request.user, quiz=quiz),
            "open_attempt": next((a for a in attempts if a.status == "in_progress"), None),
        },
    )


@login_required
@require_POST
def quiz_start(request, slug):
    quiz = get_object_or_404(Quiz, slug=slug)
    try:
        attempt = services.attempt_start(user=request.user, quiz=quiz)
    except services.AssessmentError as error:
        messages.error(request, str(error))
        return redirect("assessments:quiz", slug=quiz.slug)
    return redirect("assessments:attempt", attempt_id=attempt.pk)


def _items_for_display(attempt: Attempt) -> list[dict]:
    """The attempt's questions in the stored order, with options in the stored order. Carries
    no correct answers or feedback: this is what goes to the browser before submission."""
    items = list(attempt.items.select_related("question"))
    part_ids = [part["question"] for item in items for part in item.layout.get("parts", [])]
    parts = Question.objects.in_bulk(part_ids)
    option_ids = [
        option_id
        for item in items
        for group in (item.layout.get("parts") or [item.layout])
        for option_id in group.get("options", [])
    ]
    options = Option.objects.in_bulk(option_ids)

    def shown(question, ids):
        return {
            "id": question.pk,
            "text": question.text,
            "multiple": question.type == Question.Type.MULTIPLE,
            "written": question.type == Question.Type.SHORT,
            "points": question.points,
            "options": [{"id": pk, "text": options[pk].text} for pk in ids],
        }

    display = []
    for item in items:
        question = item.question
        entry = {"position": item.position, "case": question.type == Question.Type.CASE}
        if entry["case"]:
            entry.update(
                title=question.text,
                vignette=question.vignette,
                parts=[shown(parts[p["question"]], p["options"]) for p in item.layout["parts"]],
            )
        else:
            entry["question"] = shown(question, item.layout.get("options", []))
        display.append(entry)
    return display


@login_required
def attempt_take(request, attempt_id):
    attempt = _own_attempt(request, attempt_id)
    if attempt.status != Attempt.Status.IN_PROGRESS:
        return redirect("assessments:result", attempt_id=attempt.pk)
    return render(
        request,
        "assessments/attempt_take.html",
        {"attempt": attempt, "quiz": attempt.quiz, "items": _items_for_display(attempt)},
    )


def _responses_from(post) -> dict[int, list[int] | str]:
    responses: dict[int, list[int] | str] = {}
    for name in post:
        if name.startswith("q-"):
            question_id = int(name.removeprefix("q-"))
            responses[question_id] = [int(value) for value in post.getlist(name)]
        elif name.startswith("text-"):
            responses[int(name.removeprefix("text-"))] = post.get(name, "")
    return responses


@login_required
@require_POST
def attempt_submit(request, attempt_id):
    try:
        responses = _responses_from(request.POST)
    except ValueError:
        messages.error(request, "The answers could not be read. Nothing was submitted; try again.")
        return redirect("assessments:attempt", attempt_id=attempt_id)
    try:
        attempt = services.attempt_submit(
            user=request.user, attempt_id=attempt_id, responses=responses
        )
    except services.AlreadySubmitted as error:
        messages.info(request, str(error))
        return redirect("assessments:result", attempt_id=attempt_id)
    except services.AssessmentError as error:
        messages.error(request, f"{error} Nothing was submitted.")
        if Attempt.objects.filter(pk=attempt_id, user=request.user).exists():
            return redirect("assessments:attempt", attempt_id=attempt_id)
        raise Http404("No such attempt.") from error
    if attempt.late:
        messages.warning(request, "This attempt was submitted after its time limit.")
    return redirect("assessments:result", attempt_id=attempt.pk)


def _review_in_order_shown(attempt: Attempt) -> list[dict]:
    """Each question the trainee answered, in the order shown, with its options in the order
    shown, what they chose, and the correct answers and feedback."""
    answers = {
        answer.question_id: answer
        for answer in Answer.objects.filter(attempt=attempt).select_related("question")
    }
    items = list(attempt.items.all())
    groups = [
        group
        for item in items
        for group in (item.layout.get("parts") or [{"question": item.question_id, **item.layout}])
    ]
    options = Option.objects.in_bulk([pk for group in groups for pk in group.get("options", [])])
    reviewed = []
    for group in groups:
        answer = answers.get(group["question"])
        if answer is None:
            continue
        reviewed.append(
            {
                "question": answer.question,
                "answer": answer,
                "options": [
                    {"option": options[pk], "chosen": pk in answer.selected}
                    for pk in group.get("options", [])
                    if pk in options
                ],
            }
        )
    return reviewed


@login_required
def attempt_result(request, attempt_id):
    attempt = _own_attempt(request, attempt_id)
    if attempt.status == Attempt.Status.IN_PROGRESS:
        return redirect("assessments:attempt", attempt_id=attempt.pk)
    review = selectors.review_allowed(attempt=attempt)
    reviewed = _review_in_order_shown(attempt) if review else []
    return render(
        request,
        "assessments/attempt_result.html",
        {"attempt": attempt, "quiz": attempt.quiz, "review": review, "reviewed": reviewed},
    )


@login_required
def grading(request):
    """Trainers grade written answers against each question's rubric."""
    if not request.user.has_perm("assessments.grade_attempt"):
        raise PermissionDenied("Only trainers grade written answers.")
    to_grade = selectors.answers_to_grade(grader=request.user)
    if request.method == "POST":
        answer_id = request.POST.get("answer", "")
        if not answer_id.isdigit() or not to_grade.filter(pk=answer_id).exists():
            raise Http404("No such answer waiting for you.")
        try:
            services.answer_grade(
                grader=request.user,
                answer_id=int(answer_id),
                points=request.POST.get("points", ""),
                comment=request.POST.get("comment", ""),
            )
        except (services.AssessmentError, ArithmeticError, ValueError) as error:
            messages.error(request, f"Not graded: {error}")
        else:
            messages.success(request, "Graded.")
        return redirect("assessments:grading")
    return render(request, "assessments/grading.html", {"answers": to_grade})
