from django.db import migrations

ADMINISTRATOR = {
    "credential": ("add", "change", "view"),
    "requirementset": ("add", "change", "delete", "view"),
    "requirement": ("add", "change", "delete", "view"),
    "certificateprogram": ("add", "change", "view"),
    "certificate": ("view", "manage"),
    "certifierscope": ("add", "change", "delete", "view"),
}


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    administrators = Group.objects.get(name="Administrator")
    for model, actions in ADMINISTRATOR.items():
        content_type, _ = ContentType.objects.get_or_create(app_label="certificates", model=model)
        for action in actions:
            codename = "manage_certificates" if action == "manage" else f"{action}_{model}"
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type,
                codename=codename,
                defaults={"name": f"Can {action} {model}"},
            )
            administrators.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [("certificates", "0002_certificates"), ("people", "0002_roles")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
