"""Spreadsheets of supervised hours, through django-import-export."""

from import_export import fields, resources, widgets

from .models import HoursEntry


class HoursEntryExportResource(resources.ModelResource):
    trainee = fields.Field(attribute="trainee__legal_name", column_name="Trainee")
    worked_on = fields.Field(
        attribute="worked_on", column_name="Date", widget=widgets.DateWidget("%Y-%m-%d")
    )
    minutes = fields.Field(
        attribute="minutes",
        column_name="Minutes",
        widget=widgets.IntegerWidget(coerce_to_string=False),
    )
    activity = fields.Field(attribute="get_activity_display", column_name="Activity")
    setting = fields.Field(attribute="get_setting_display", column_name="Setting")
    topics = fields.Field(column_name="Topics")
    description = fields.Field(attribute="description", column_name="Description")
    status = fields.Field(attribute="get_status_display", column_name="Status")
    supervisor = fields.Field(attribute="supervisor__legal_name", column_name="Supervisor")

    class Meta:
        model = HoursEntry
        fields = (
            "trainee",
            "worked_on",
            "minutes",
            "activity",
            "setting",
            "topics",
            "description",
            "status",
            "supervisor",
        )
        export_order = fields

    def dehydrate_topics(self, entry):
        return "; ".join(topic.name for topic in entry.topics.all())
