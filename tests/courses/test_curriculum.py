"""Loading a course from a curriculum file, and the real curriculum the demo ships."""

import tomllib
from pathlib import Path

import pytest
from pypdf import PdfReader

from courses.curriculum import CurriculumError, course_load
from courses.models import CoursePage, LessonPage, Topic

DATA = Path(__file__).parent / "data"
CURRICULUM = Path(__file__).resolve().parents[2] / "fixtures" / "curriculum"

pytestmark = pytest.mark.django_db


def test_a_course_file_becomes_a_published_course_with_every_block(client, catalogue):
    course = course_load(catalogue=catalogue, path=DATA / "mini-course.toml")

    lesson = LessonPage.objects.get(slug="every-block")
    assert course.live
    assert lesson.live
    assert [block.block_type for block in lesson.body] == [
        "heading", "text", "callout", "story", "reflection", "scenario", "document", "image",
    ]  # fmt: skip
    assert {c.topic.slug: c.minutes for c in lesson.topic_credits.all()} == {
        "ethics": 20,
        "boundaries": 10,
    }
    assert course.credited_minutes == 30
    handout = lesson.body[6].value["document"]
    pdf_text = PdfReader(handout.file.open("rb")).pages[0].extract_text()
    assert "Before you share" in pdf_text
    page = client.get(course.url)
    assert page.status_code == 200
    assert "30 min" in page.text


def test_loading_the_same_course_twice_creates_it_once(catalogue):
    course_load(catalogue=catalogue, path=DATA / "mini-course.toml")

    assert course_load(catalogue=catalogue, path=DATA / "mini-course.toml") is None
    assert CoursePage.objects.filter(slug="mini-course").count() == 1


def test_a_file_with_an_unknown_topic_writes_nothing(catalogue, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text((DATA / "mini-course.toml").read_text().replace("ethics = 20", "astrology = 20"))

    with pytest.raises(CurriculumError, match="unknown topic 'astrology'"):
        course_load(catalogue=catalogue, path=bad)

    assert not CoursePage.objects.exists()


CURRICULUM_FILES = sorted(CURRICULUM.glob("*.toml"))


@pytest.mark.parametrize("path", CURRICULUM_FILES, ids=[p.stem for p in CURRICULUM_FILES])
def test_each_shipped_course_is_complete(path):
    data = tomllib.loads(path.read_text())
    lessons = [lesson for module in data["modules"] for lesson in module["lessons"]]
    block_types = {block["type"] for lesson in lessons for block in lesson.get("body", [])}
    topics = set(Topic.objects.values_list("slug", flat=True))

    assert len(lessons) >= 4
    assert {
        "text",
        "callout",
        "story",
        "reflection",
        "scenario",
        "document",
        "image",
    } <= block_types
    for lesson in lessons:
        assert set(lesson["credits"]) <= topics, lesson["slug"]
        assert 30 <= sum(lesson["credits"].values()) <= 120, lesson["slug"]


def test_the_demo_ships_the_four_courses():
    assert {path.stem for path in CURRICULUM_FILES} == {
        "foundations-of-peer-support",
        "ethics-and-boundaries",
        "confidentiality-and-privacy",
        "crisis-support-and-de-escalation",
    }


def test_the_shipped_curriculum_includes_a_captioned_video(client, catalogue):
    course_load(catalogue=catalogue, path=CURRICULUM / "foundations-of-peer-support.toml")

    videos = [
        block.value
        for lesson in LessonPage.objects.all()
        for block in lesson.body
        if block.block_type == "video"
    ]
    assert videos
    video = videos[0]
    assert video["captions"].file.name.endswith(".vtt")
    assert video["captions"].file.open("rb").read().startswith(b"WEBVTT")
    assert "message about hope" in video["transcript"].source
