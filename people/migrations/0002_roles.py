"""The five PeerCert roles as groups, each with its permissions.

Later migrations that add models extend these groups with the new models' permissions.
"""

from django.db import migrations

PAGE_ACTIONS = {
    "Trainer": ["add", "change", "lock", "unlock"],
    "Administrator": ["add", "change", "publish", "bulk_delete", "lock", "unlock"],
}
COLLECTION_ACTIONS = {
    "Trainer": ["add", "change", "choose"],
    "Administrator": ["add", "change", "delete", "choose"],
}
PERMISSION_NAMES = {
    "study": "Can enrol in courses and record their own learning",
    "supervise": "Can review the hours logged by their supervisees",
    "verify_credentials": "Can look up and verify certificates",
}
MODEL_PERMISSIONS = {
    "Trainee": [("people", "user", "study")],
    "Supervisor": [("people", "user", "supervise")],
    "Certifier": [("people", "user", "verify_credentials")],
    "Trainer": [("wagtailadmin", "admin", "access_admin")],
    "Administrator": [
        ("wagtailadmin", "admin", "access_admin"),
        ("people", "user", "add_user"),
        ("people", "user", "change_user"),
        ("people", "user", "view_user"),
        ("people", "user", "verify_credentials"),
        ("auth", "group", "view_group"),
        ("wagtailcore", "collection", "add_collection"),
        ("wagtailcore", "collection", "change_collection"),
        ("wagtailredirects", "redirect", "add_redirect"),
        ("wagtailredirects", "redirect", "change_redirect"),
        ("wagtailredirects", "redirect", "delete_redirect"),
    ],
}


def _permission(apps, app_label, model, codename):
    # Permissions are normally created after all migrations run; make sure they exist now.
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename=codename,
        defaults={"name": PERMISSION_NAMES.get(codename, f"Can {codename.replace('_', ' ')}")},
    )
    return permission


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")

    root_page = Page.objects.filter(depth=1).first()
    root_collection = Collection.objects.filter(depth=1).first()

    for name in ("Trainee", "Trainer", "Supervisor", "Certifier", "Administrator"):
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, model, codename in MODEL_PERMISSIONS.get(name, []):
            group.permissions.add(_permission(apps, app_label, model, codename))
        for action in PAGE_ACTIONS.get(name, []):
            GroupPagePermission.objects.get_or_create(
                group=group,
                page=root_page,
                permission=_permission(apps, "wagtailcore", "page", f"{action}_page"),
            )
        for action in COLLECTION_ACTIONS.get(name, []):
            for app_label, model in (("wagtailimages", "image"), ("wagtaildocs", "document")):
                GroupCollectionPermission.objects.get_or_create(
                    group=group,
                    collection=root_collection,
                    permission=_permission(apps, app_label, model, f"{action}_{model}"),
                )


def remove_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(
        name__in=["Trainee", "Trainer", "Supervisor", "Certifier", "Administrator"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailredirects", "0008_add_verbose_name_plural"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
