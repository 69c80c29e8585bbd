from django.db import migrations


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _ = ContentType.objects.get_or_create(app_label="assessments", model="attempt")
    grade, _ = Permission.objects.get_or_create(
        content_type=content_type, codename="grade_attempt", defaults={"name": "Can grade written answers"}
    )
    quiz_type, _ = ContentType.objects.get_or_create(app_label="assessments", model="quiz")
    question_type, _ = ContentType.objects.get_or_create(app_label="assessments", model="question")
    authoring = [
        Permission.objects.get_or_create(
            content_type=content_type_, codename=f"{action}_{model}",
            defaults={"name": f"Can {action} {model}"},
        )[0]
        for content_type_, model in ((quiz_type, "quiz"), (question_type, "question"))
        for action in ("add", "change", "view")
    ]  # fmt: skip
    for name in ("Trainer", "Lead trainer", "Administrator"):
        group = Group.objects.get(name=name)
        group.permissions.add(grade, *authoring)


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0001_initial"),
        ("courses", "0003_lead_trainers_and_review_workflow"),
    ]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
