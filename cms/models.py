from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.blocks import RichTextBlock
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page


class HomePage(Page):
    """The site's front page: what PeerCert is and where each kind of visitor goes next."""

    intro = models.CharField(max_length=300, blank=True)
    body = RichTextField(blank=True, features=["h2", "h3", "bold", "italic", "link", "ol", "ul"])

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cms.ContentPage", "courses.CourseCataloguePage"]
    max_count = 1


class ContentPage(Page):
    """A plain page of help or policy text (privacy, accessibility, how verification works)."""

    summary = models.CharField(max_length=300, blank=True)
    body = StreamField(
        [("text", RichTextBlock(features=["h2", "h3", "bold", "italic", "link", "ol", "ul"]))],
        blank=True,
    )

    content_panels = [*Page.content_panels, FieldPanel("summary"), FieldPanel("body")]

    parent_page_types = ["cms.HomePage", "cms.ContentPage"]
    subpage_types = ["cms.ContentPage"]


class WorkerHeartbeat(models.Model):
    """When a Celery worker last ran the heartbeat task: the health page reports it."""

    source = models.CharField(max_length=100, unique=True)
    beats = models.PositiveIntegerField(default=0)
    last_seen = models.DateTimeField()

    def __str__(self):
        return f"{self.source} at {self.last_seen:%Y-%m-%d %H:%M:%S}"
