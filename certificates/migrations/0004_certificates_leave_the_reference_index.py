"""Certificates are no longer recorded in Wagtail's reference index (see the model): remove
the rows recorded for those issued before."""

from django.db import migrations


def forwards(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ReferenceIndex = apps.get_model("wagtailcore", "ReferenceIndex")
    certificate = ContentType.objects.filter(app_label="certificates", model="certificate")
    ReferenceIndex.objects.filter(content_type__in=certificate).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0003_administrator_permissions"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0096_referenceindex_referenceindex_source_object_and_more"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
