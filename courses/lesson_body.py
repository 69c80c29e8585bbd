"""A lesson's body as the trainee's page shows it: the blocks' HTML, rendered once for each
version of the content and kept in the cache, between the reflection prompts, which hold each
trainee's own answer and are drawn for every request.

The key is the body's content, the code that renders it (the block templates and
definitions, so a deploy is seen at once) and a generation that changes whenever something a
block shows by reference changes: an image or document saved or deleted, a page published,
unpublished or moved (see apps.py). The expiry is a backstop for anything else."""

import hashlib
import json
from dataclasses import dataclass
from functools import cache as once
from pathlib import Path

from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe
from wagtail.blocks import StreamValue

CACHE_SECONDS = 60 * 60
PER_TRAINEE = frozenset({"reflection"})
GENERATION_KEY = "lesson-body:generation"
_HERE = Path(__file__).parent


@dataclass(frozen=True, slots=True)
class BodyPart:
    html: SafeString | None = None
    block: StreamValue.StreamChild | None = None


@once
def _code_version() -> str:
    sources = [_HERE / "blocks.py", *sorted((_HERE / "templates/courses/blocks").glob("*.html"))]
    digest = hashlib.sha256()
    for source in sources:
        digest.update(source.read_bytes())
    return digest.hexdigest()[:12]


def lesson_body_changed(**kwargs) -> None:
    """Something a lesson may show by reference changed: render every body anew."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 1, None)


def lesson_body_parts(body: StreamValue) -> list[BodyPart]:
    raw = json.dumps(list(body.raw_data), sort_keys=True, default=str)
    generation = cache.get(GENERATION_KEY, 0)
    key = f"lesson-body:{_code_version()}:{generation}:{hashlib.sha256(raw.encode()).hexdigest()}"
    # Cached as plain data: runs of HTML, and the positions of the per-trainee blocks.
    layout = cache.get(key)
    if layout is None:
        layout, run = [], []
        for index, block in enumerate(body):
            if block.block_type in PER_TRAINEE:
                if run:
                    layout.append("".join(run))
                    run = []
                layout.append(index)
            else:
                run.append(str(block.render()))
        if run:
            layout.append("".join(run))
        cache.set(key, layout, CACHE_SECONDS)
    return [
        BodyPart(block=body[part]) if isinstance(part, int) else BodyPart(html=mark_safe(part))  # noqa: S308
        for part in layout
    ]
