"""StreamField blocks a trainer writes lessons with."""

from django.core.exceptions import ValidationError
from wagtail import blocks
from wagtail.blocks import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

RICH_TEXT_FEATURES = ["h3", "h4", "bold", "italic", "link", "ol", "ul"]
VIDEO_EXTENSIONS = (".mp4", ".webm")
CAPTION_EXTENSIONS = (".vtt",)


def _extension_error(document, allowed, what):
    if document is not None and not document.file.name.lower().endswith(allowed):
        return ValidationError(f"{what} must be a {' or '.join(allowed)} file.")
    return None


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=200)
    level = blocks.ChoiceBlock(choices=[("h2", "Section"), ("h3", "Subsection")], default="h2")

    class Meta:
        icon = "title"
        template = "courses/blocks/heading.html"


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        choices=[("info", "Good to know"), ("tip", "Practice tip"), ("caution", "Caution")],
        default="info",
    )
    title = blocks.CharBlock(max_length=150)
    body = blocks.RichTextBlock(features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "warning"
        template = "courses/blocks/callout.html"


class LivedExperienceBlock(blocks.StructBlock):
    """A story from lived experience: the heart of peer support training."""

    attribution = blocks.CharBlock(
        max_length=200,
        help_text="Who is speaking, without identifying them, e.g. 'A peer specialist in a "
        "county crisis program (composite story)'.",
    )
    story = blocks.RichTextBlock(features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "openquote"
        label = "From lived experience"
        template = "courses/blocks/story.html"


class AccessibleImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    alt = blocks.CharBlock(
        max_length=300,
        label="Alt text",
        help_text="Describe what the image shows for people who cannot see it. Required.",
    )
    caption = blocks.CharBlock(max_length=300, required=False)

    class Meta:
        icon = "image"
        template = "courses/blocks/image.html"


class VideoBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=200)
    video = DocumentChooserBlock(help_text="An .mp4 or .webm file.")
    captions = DocumentChooserBlock(help_text="A WebVTT (.vtt) caption track. Required.")
    captions_language = blocks.CharBlock(max_length=10, default="en")
    transcript = blocks.RichTextBlock(
        features=RICH_TEXT_FEATURES, help_text="The full transcript. Required."
    )

    class Meta:
        icon = "media"
        template = "courses/blocks/video.html"

    def clean(self, value):
        value = super().clean(value)
        errors = {}
        for name, allowed, what in (
            ("video", VIDEO_EXTENSIONS, "The video"),
            ("captions", CAPTION_EXTENSIONS, "The caption track"),
        ):
            error = _extension_error(value.get(name), allowed, what)
            if error:
                errors[name] = error
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        return value


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock()
    description = blocks.CharBlock(max_length=300, required=False)

    class Meta:
        icon = "doc-full"
        label = "Downloadable document"
        template = "courses/blocks/document.html"


class ReflectionPromptBlock(blocks.StructBlock):
    """The trainee writes a private answer, saved with their progress. Only they can read it."""

    prompt = blocks.CharBlock(max_length=500)
    guidance = blocks.TextBlock(required=False, help_text="Shown under the answer box.")

    class Meta:
        icon = "edit"
        template = "courses/blocks/reflection.html"


class ScenarioChoiceBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=300, label="What the peer could do")
    outcome = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, label="What happens next")
    recommended = blocks.BooleanBlock(required=False)


class BranchingScenarioBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=200)
    situation = blocks.RichTextBlock(features=RICH_TEXT_FEATURES)
    choices = blocks.ListBlock(ScenarioChoiceBlock(), min_num=2, max_num=6)
    debrief = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, required=False)

    class Meta:
        icon = "list-ul"
        template = "courses/blocks/scenario.html"

    def clean(self, value):
        value = super().clean(value)
        if not any(choice["recommended"] for choice in value["choices"]):
            raise StructBlockValidationError(
                block_errors={
                    "choices": ValidationError("Mark at least one choice as recommended.")
                }
            )
        return value


class LessonBodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    text = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, icon="pilcrow")
    callout = CalloutBlock()
    story = LivedExperienceBlock()
    image = AccessibleImageBlock()
    video = VideoBlock()
    document = DocumentBlock()
    reflection = ReflectionPromptBlock()
    scenario = BranchingScenarioBlock()
