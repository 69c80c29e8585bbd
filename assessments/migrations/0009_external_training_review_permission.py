from django.db import migrations


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _ = ContentType.objects.get_or_create(
        app_label="assessments", model="externaltraining"
    )
    review, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="review_externaltraining",
        defaults={"name": "Can verify or reject training done elsewhere"},
    )
    for name in ("Trainer", "Lead trainer", "Administrator"):
        Group.objects.get(name=name).permissions.add(review)


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0008_external_training"),
        ("courses", "0003_lead_trainers_and_review_workflow"),
    ]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
