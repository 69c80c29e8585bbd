"""A lesson's body as the trainee's page shows it: the blocks' HTML, rendered once for each
version of the content and kept in the cache, between the reflection prompts, which hold each
trainee's own answer and are drawn for every request."""

import hashlib
import json
from dataclasses import dataclass

from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe
from wagtail.blocks import StreamValue

# The key is the content itself, so an edit is seen at once. The limit bounds what the cache
# cannot see: a page linked from the text that moves, a document that is replaced.
CACHE_SECONDS = 60 * 60
PER_TRAINEE = frozenset({"reflection"})


@dataclass(frozen=True, slots=True)
class BodyPart:
    html: SafeString | None = None
    block: StreamValue.StreamChild | None = None


def lesson_body_parts(body: StreamValue) -> list[BodyPart]:
    raw = list(body.raw_data)
    digest = hashlib.sha256(json.dumps(raw, sort_keys=True, default=str).encode()).hexdigest()
    key = f"lesson-body:v1:{digest}"
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
