"""Lesson blocks refuse content that would fail trainees who rely on captions or alt text."""

import pytest
from django.core.files.base import ContentFile
from wagtail.blocks import StructBlockValidationError
from wagtail.documents.models import Document

from courses.blocks import AccessibleImageBlock, BranchingScenarioBlock, VideoBlock

pytestmark = pytest.mark.django_db


def document(name: str) -> Document:
    doc = Document(title=name)
    doc.file.save(name, ContentFile(b"data"), save=False)
    doc.save()
    return doc


def video_value(video="talk.mp4", captions="talk.vtt", transcript="<p>Hello.</p>"):
    return VideoBlock().to_python(
        {
            "title": "A talk",
            "video": document(video).pk,
            "captions": document(captions).pk if captions else None,
            "captions_language": "en",
            "transcript": transcript,
        }
    )


def test_a_video_with_captions_and_a_transcript_is_accepted():
    assert VideoBlock().clean(video_value())["title"] == "A talk"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"captions": None}, "captions"),
        ({"captions": "talk.srt"}, "captions"),
        ({"video": "talk.pdf"}, "video"),
        ({"transcript": ""}, "transcript"),
    ],
)
def test_a_video_without_usable_captions_or_transcript_is_refused(overrides, field):
    with pytest.raises(StructBlockValidationError) as refused:
        VideoBlock().clean(video_value(**overrides))

    assert field in refused.value.block_errors


def test_an_image_needs_alt_text():
    with pytest.raises(StructBlockValidationError) as refused:
        AccessibleImageBlock().clean({"image": None, "alt": "", "caption": ""})

    assert "alt" in refused.value.block_errors


def test_a_scenario_needs_a_recommended_choice():
    value = BranchingScenarioBlock().to_python(
        {
            "title": "Gift",
            "situation": "<p>A gift.</p>",
            "choices": [
                {"text": "Take it", "outcome": "<p>Hmm.</p>", "recommended": False},
                {"text": "Keep it", "outcome": "<p>Hmm.</p>", "recommended": False},
            ],
            "debrief": "",
        }
    )

    with pytest.raises(StructBlockValidationError) as refused:
        BranchingScenarioBlock().clean(value)

    assert "choices" in refused.value.block_errors
