"""Loading a course from a curriculum file (fixtures/curriculum/*.toml, see FORMAT.md there)
into a published Course > Module > Lesson tree."""

import tomllib
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from .models import (
    CourseCataloguePage,
    CoursePage,
    LessonPage,
    LessonTopicCredit,
    ModulePage,
    Topic,
)

HANDOUT_CSS = """
@page { size: Letter; margin: 2cm; }
body { font-family: "DejaVu Sans", sans-serif; font-size: 11pt; line-height: 1.45; }
h1 { font-size: 18pt; } h3 { font-size: 13pt; margin-top: 1.2em; }
.footer { margin-top: 2em; font-size: 9pt; color: #555; }
"""


class CurriculumError(Exception):
    """A curriculum file that cannot be loaded; the message names the file and the problem."""


def curriculum_read(path: Path) -> dict:
    with path.open("rb") as handle:
        return tomllib.load(handle)


@transaction.atomic
def course_load(*, catalogue: CourseCataloguePage, path: Path) -> CoursePage | None:
    """Create the course in `path` under the catalogue, published. Idempotent: a course whose
    slug is already in the catalogue is left as it is, and None is returned."""
    data = curriculum_read(path)
    meta = data["course"]
    if catalogue.get_children().filter(slug=meta["slug"]).exists():
        return None
    topics = {topic.slug: topic for topic in Topic.objects.all()}
    prerequisite = None
    if meta.get("prerequisite"):
        prerequisite = (
            CoursePage.objects.child_of(catalogue).filter(slug=meta["prerequisite"]).first()
        )
        if prerequisite is None:
            raise CurriculumError(
                f"{path.name}: load the prerequisite {meta['prerequisite']!r} first."
            )
    course = catalogue.add_child(
        instance=CoursePage(
            title=meta["title"],
            slug=meta["slug"],
            summary=meta["summary"],
            audience=meta["audience"],
            objectives=[("objective", objective) for objective in meta.get("objectives", [])],
            self_enrolment=meta.get("self_enrolment", True),
            prerequisite=prerequisite,
            seat_time_share=str(meta.get("seat_time_share", "0.80")),
        )
    )
    course.save_revision().publish()
    images_dir = path.parent / "images"
    for module_data in data["modules"]:
        module = course.add_child(
            instance=ModulePage(
                title=module_data["title"],
                slug=module_data["slug"],
                summary=module_data.get("summary", ""),
                requires_previous=module_data.get("requires_previous", False),
            )
        )
        module.save_revision().publish()
        for lesson_data in module_data["lessons"]:
            credits = []
            for slug, minutes in lesson_data["credits"].items():
                if slug not in topics:
                    raise CurriculumError(f"{path.name}: unknown topic {slug!r}.")
                credits.append(LessonTopicCredit(topic=topics[slug], minutes=int(minutes)))
            lesson = module.add_child(
                instance=LessonPage(
                    title=lesson_data["title"],
                    slug=lesson_data["slug"],
                    summary=lesson_data.get("summary", ""),
                    body=[
                        _block(
                            item, images_dir=images_dir, where=f"{path.name}: {lesson_data['slug']}"
                        )
                        for item in lesson_data.get("body", [])
                    ],
                    topic_credits=credits,
                )
            )
            lesson.save_revision().publish()
    return course


def _block(item: dict, *, images_dir: Path, where: str) -> tuple[str, object]:
    kind = item["type"]
    if kind == "heading":
        return ("heading", {"text": item["text"], "level": item.get("level", "h2")})
    if kind == "text":
        return ("text", item["html"].strip())
    if kind == "callout":
        return ("callout", {"kind": item["kind"], "title": item["title"], "body": item["html"]})
    if kind == "story":
        return ("story", {"attribution": item["attribution"], "story": item["html"]})
    if kind == "reflection":
        return ("reflection", {"prompt": item["prompt"], "guidance": item.get("guidance", "")})
    if kind == "scenario":
        return (
            "scenario",
            {
                "title": item["title"],
                "situation": item["situation"],
                "choices": [
                    {
                        "text": choice["text"],
                        "outcome": choice["outcome"],
                        "recommended": bool(choice.get("recommended")),
                    }
                    for choice in item["choices"]
                ],
                "debrief": item.get("debrief", ""),
            },
        )
    if kind == "document":
        return (
            "document",
            {"document": _handout(item), "description": item.get("description", "")},
        )
    if kind == "video":
        media_dir = images_dir.parent / "media"
        return (
            "video",
            {
                "title": item["title"],
                "video": _document(media_dir / item["file"], title=item["title"]),
                "captions": _document(
                    media_dir / item["captions"], title=f"Captions: {item['title']}"
                ),
                "captions_language": item.get("captions_language", "en"),
                "transcript": item["transcript"],
            },
        )
    if kind == "image":
        return (
            "image",
            {
                "image": _image(
                    images_dir / item["file"], title=item.get("caption") or item["alt"]
                ),
                "alt": item["alt"],
                "caption": item.get("caption", ""),
            },
        )
    raise CurriculumError(f"{where}: unknown block type {kind!r}.")


def _handout(item: dict):
    """A PDF handout rendered from the item's HTML with WeasyPrint."""
    from weasyprint import CSS, HTML

    Document = get_document_model()
    html = (
        f"<html lang='en'><head><meta charset='utf-8'><title>{item['title']}</title></head><body>"
        f"<h1>{item['title']}</h1>{item['html']}"
        "<p class='footer'>PeerCert training handout.</p></body></html>"
    )
    pdf = HTML(string=html).write_pdf(stylesheets=[CSS(string=HANDOUT_CSS)])
    slug = "".join(c if c.isalnum() else "-" for c in item["title"].lower()).strip("-")
    document = Document(title=item["title"])
    document.file.save(f"{slug}.pdf", ContentFile(pdf), save=False)
    document.save()
    return document


def _document(path: Path, *, title: str):
    Document = get_document_model()
    document = Document(title=title[:255])
    document.file.save(path.name, ContentFile(path.read_bytes()), save=False)
    document.save()
    return document


def _image(path: Path, *, title: str):
    from willow.image import Image as WillowImage

    Image = get_image_model()
    with path.open("rb") as handle:
        width, height = WillowImage.open(handle).get_size()
    image = Image(title=title[:255])
    image.file.save(path.name, ContentFile(path.read_bytes()), save=False)
    # Django reads dimensions with Pillow, which cannot read SVG: take Willow's.
    image.width, image.height = width, height
    image.save()
    return image
