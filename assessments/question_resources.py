"""The question bank as a spreadsheet (CSV, XLSX or JSON): one row per question, a case's
parts as rows naming their case, and up to six options per row."""

from django.core.exceptions import ValidationError
from import_export import fields, resources

from courses.models import Topic

from .models import Option, Question

MAX_OPTIONS = 6
QUESTION_COLUMNS = (
    "key", "case", "topic", "type", "text", "vignette", "feedback", "points", "model_answer", "rubric",
    *[f"option_{n}{suffix}" for n in range(1, MAX_OPTIONS + 1) for suffix in ("", "_correct", "_feedback")],
)  # fmt: skip
TRUE_WORDS = {"yes", "y", "true", "1", "x", "correct"}


class QuestionResource(resources.ModelResource):
    key = fields.Field(attribute="key", column_name="key")
    case = fields.Field(column_name="case")
    topic = fields.Field(column_name="topic")
    type = fields.Field(attribute="type", column_name="type")
    text = fields.Field(attribute="text", column_name="text")
    vignette = fields.Field(attribute="vignette", column_name="vignette")
    feedback = fields.Field(attribute="feedback", column_name="feedback")
    points = fields.Field(attribute="points", column_name="points")
    model_answer = fields.Field(attribute="model_answer", column_name="model_answer")
    rubric = fields.Field(column_name="rubric")

    class Meta:
        model = Question
        import_id_fields = ["key"]
        fields = QUESTION_COLUMNS
        export_order = QUESTION_COLUMNS
        skip_diff = True
        use_transactions = True
        store_row_values = True

    def __init__(self):
        super().__init__()
        for n in range(1, MAX_OPTIONS + 1):
            for suffix in ("", "_correct", "_feedback"):
                name = f"option_{n}{suffix}"
                self.fields[name] = fields.Field(column_name=name)

    def get_export_queryset(self, request=None):
        return (
            Question.objects.select_related("topic", "case")
            .prefetch_related("options")
            .order_by("case__key", "key")
        )

    def export_resource(self, question, **kwargs):
        row = super().export_resource(question, **kwargs)
        options = list(question.options.all())
        values = dict(zip(self.get_export_headers(), row, strict=False))
        values["case"] = question.case.key if question.case else ""
        values["topic"] = question.topic.slug
        values["rubric"] = " | ".join(question.rubric)
        for n in range(1, MAX_OPTIONS + 1):
            option = options[n - 1] if n <= len(options) else None
            values[f"option_{n}"] = option.text if option else ""
            values[f"option_{n}_correct"] = ("yes" if option.correct else "no") if option else ""
            values[f"option_{n}_feedback"] = option.feedback if option else ""
        return [values[name] for name in self.get_export_headers()]

    def before_import(self, dataset, **kwargs):
        self.topics = {topic.slug: topic for topic in Topic.objects.all()}
        self.cases = {q.key: q for q in Question.objects.filter(type=Question.Type.CASE)}

    def before_import_row(self, row, row_number=None, **kwargs):
        errors: dict[str, list[str]] = {}
        kind = str(row.get("type") or "").strip()
        if kind not in Question.Type.values:
            errors["type"] = [f"Type must be one of {', '.join(Question.Type.values)}."]
        if str(row.get("topic") or "").strip() not in self.topics:
            errors["topic"] = [f"Unknown topic “{row.get('topic') or ''}”."]
        if not str(row.get("key") or "").strip():
            errors["key"] = ["Every question needs a key."]
        if not str(row.get("text") or "").strip():
            errors["text"] = ["Every question needs its text."]
        case_key = str(row.get("case") or "").strip()
        if case_key and case_key not in self.cases:
            errors["case"] = [f"No case “{case_key}” above this row or in the bank."]
        options = [
            (
                str(row.get(f"option_{n}") or "").strip(),
                str(row.get(f"option_{n}_correct") or "").strip().lower() in TRUE_WORDS,
                str(row.get(f"option_{n}_feedback") or "").strip(),
            )
            for n in range(1, MAX_OPTIONS + 1)
        ]
        options = [option for option in options if option[0]]
        correct = sum(1 for option in options if option[1])
        if kind in ("single", "true_false") and correct != 1:
            errors.setdefault("options", []).append("Mark exactly one option correct.")
        if kind == "multiple" and correct < 2:
            errors.setdefault("options", []).append("Mark at least two options correct.")
        if kind in ("single", "multiple", "true_false") and len(options) < 2:
            errors.setdefault("options", []).append("Give at least two options.")
        if errors:
            raise ValidationError(errors)
        row["_options"] = options
        row["_case"] = self.cases.get(case_key)

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        instance.topic = self.topics[str(row["topic"]).strip()]
        instance.case = row["_case"]
        instance.rubric = [
            part.strip() for part in str(row.get("rubric") or "").split("|") if part.strip()
        ]
        instance.points = int(row.get("points") or 1)

    def after_save_instance(self, instance, row, **kwargs):
        instance.options.all().delete()
        Option.objects.bulk_create(
            Option(question=instance, text=text, correct=correct, feedback=feedback, sort_order=n)
            for n, (text, correct, feedback) in enumerate(row["_options"])
        )
        if instance.type == Question.Type.CASE:
            self.cases[instance.key] = instance
