"""Course content is reviewed before it is published: trainers submit, lead trainers approve.

Adds the Lead trainer group (trainers who may approve and publish), the "Course review"
workflow on the whole page tree, and course permissions for trainers and administrators.
Wagtail's sample groups (Editors, Moderators) and their default workflow are retired: PeerCert's
roles replace them.
"""

from django.db import migrations

LEAD_TRAINER = "Lead trainer"
MODEL_PERMISSIONS = {
    "Trainer": [
        ("courses", "livesession", "add_livesession"),
        ("courses", "livesession", "change_livesession"),
        ("courses", "livesession", "view_livesession"),
        ("courses", "cohort", "view_cohort"),
        ("courses", "topic", "view_topic"),
    ],
    LEAD_TRAINER: [
        ("wagtailadmin", "admin", "access_admin"),
        ("courses", "livesession", "add_livesession"),
        ("courses", "livesession", "change_livesession"),
        ("courses", "livesession", "view_livesession"),
        ("courses", "cohort", "add_cohort"),
        ("courses", "cohort", "change_cohort"),
        ("courses", "cohort", "view_cohort"),
        ("courses", "topic", "view_topic"),
    ],
    "Administrator": [
        ("courses", "livesession", "add_livesession"),
        ("courses", "livesession", "change_livesession"),
        ("courses", "livesession", "view_livesession"),
        ("courses", "cohort", "add_cohort"),
        ("courses", "cohort", "change_cohort"),
        ("courses", "cohort", "view_cohort"),
        ("courses", "topic", "add_topic"),
        ("courses", "topic", "change_topic"),
        ("courses", "topic", "view_topic"),
    ],
}
LEAD_PAGE_ACTIONS = ["add", "change", "publish", "lock", "unlock"]
LEAD_COLLECTION_ACTIONS = ["add", "change", "choose"]


def _permission(apps, app_label, model, codename):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename=codename,
        defaults={"name": f"Can {codename.replace('_', ' ')}"},
    )
    return permission


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")

    lead, _ = Group.objects.get_or_create(name=LEAD_TRAINER)
    for group_name, permissions in MODEL_PERMISSIONS.items():
        group = Group.objects.get(name=group_name)
        for app_label, model, codename in permissions:
            group.permissions.add(_permission(apps, app_label, model, codename))

    root_page = Page.objects.get(depth=1)
    root_collection = Collection.objects.get(depth=1)
    for action in LEAD_PAGE_ACTIONS:
        GroupPagePermission.objects.get_or_create(
            group=lead, page=root_page, permission=_permission(apps, "wagtailcore", "page", f"{action}_page")
        )
    for action in LEAD_COLLECTION_ACTIONS:
        for app_label, model in (("wagtailimages", "image"), ("wagtaildocs", "document")):
            GroupCollectionPermission.objects.get_or_create(
                group=lead,
                collection=root_collection,
                permission=_permission(apps, app_label, model, f"{action}_{model}"),
            )

    Workflow.objects.exclude(name="Course review").update(active=False)
    Group.objects.filter(name__in=["Editors", "Moderators"]).delete()

    task_type, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="groupapprovaltask")
    task, _ = GroupApprovalTask.objects.get_or_create(
        name="Lead trainer approval", defaults={"content_type": task_type, "active": True}
    )
    task.groups.set([lead])
    workflow, _ = Workflow.objects.get_or_create(name="Course review", defaults={"active": True})
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=root_page, defaults={"workflow": workflow})


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0002_topics"),
        ("people", "0002_roles"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
