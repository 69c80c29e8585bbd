from django.db import migrations


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _ = ContentType.objects.get_or_create(app_label="assessments", model="supervision")
    permissions = [
        Permission.objects.get_or_create(
            content_type=content_type,
            codename=f"{action}_supervision",
            defaults={"name": f"Can {action} supervision"},
        )[0]
        for action in ("add", "change", "view")
    ]
    for name in ("Trainer", "Lead trainer", "Administrator"):
        Group.objects.get(name=name).permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0003_hours")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
