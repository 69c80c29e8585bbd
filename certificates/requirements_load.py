"""Loading credentials and requirement sets from fixtures/credentials.toml."""

import tomllib
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from courses.models import Topic

from .models import Credential, Requirement, RequirementSet

# Requirement fields a fixture row may give as they are.
PLAIN_FIELDS = (
    "stage", "kind", "label", "key", "hours", "share_percent", "per_year", "modes",
    "window_months", "activities", "amount", "min_age", "group", "track",
)  # fmt: skip


@transaction.atomic
def credentials_load(path: Path) -> list[str]:
    """Create missing credentials and requirement set versions. Idempotent: existing ones are
    left as they are (an administrator may have edited them). Every set is checked by the
    same rules as the admin and the spreadsheet import before it is saved. Returns what was
    created."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    topics = {topic.slug: topic for topic in Topic.objects.all()}
    shared_domains = data["domains"]
    created = []
    for entry in data["credentials"]:
        credential, made = Credential.objects.get_or_create(
            code=entry["code"],
            defaults={
                "name": entry["name"],
                "jurisdiction": entry["jurisdiction"],
                "issuing_body": entry["issuing_body"],
                "sources": entry["sources"],
                "confidence": entry["confidence"],
                "notes": entry.get("notes", ""),
                "unknown": entry.get("unknown", []),
                "details": entry.get("details", {}),
            },
        )
        if made:
            created.append(f"credential {credential.code}")
    # Sets after every credential, since a set may name another credential (reciprocity).
    for entry in data["credentials"]:
        credential = Credential.objects.get(code=entry["code"])
        # A credential may read a board's domain its own way: its domains come first.
        domains = {**shared_domains, **entry.get("domains", {})}
        for set_data in entry.get("sets", []):
            if RequirementSet.objects.filter(
                credential=credential, version=set_data["version"]
            ).exists():
                continue
            _set_create(credential, set_data, domains, topics)
            created.append(f"requirements {credential.code} v{set_data['version']}")
    return created


def _set_create(credential, set_data: dict, domains: dict, topics: dict) -> RequirementSet:
    requirement_set = RequirementSet(
        credential=credential,
        version=set_data["version"],
        effective_from=set_data["effective_from"],
        summary=set_data.get("summary", ""),
        renewal_months=set_data.get("renewal_months"),
        conditions_within_months=set_data.get("conditions_within_months"),
    )
    requirement_set.full_clean()
    requirements = []
    for order, item in enumerate(set_data["requirements"]):
        requirement = Requirement(
            requirement_set=requirement_set,
            attestation_kind=item.get("attestation", ""),
            parent_key=item.get("parent", ""),
            sort_order=order,
        )
        for name in PLAIN_FIELDS:
            if name in item:
                setattr(requirement, name, item[name])
        slugs = domains[item["domain"]] if "domain" in item else []
        requirement.pending_topics = [topics[slug] for slug in slugs]
        requirement.pending_topic_ids = {topic.pk for topic in requirement.pending_topics}
        requirement.pending_credentials = list(
            Credential.objects.filter(code__in=item.get("satisfied_by", []))
        )
        if len(requirement.pending_credentials) != len(item.get("satisfied_by", [])):
            raise ValidationError(f"{credential.code}: unknown credential in satisfied_by.")
        requirement.full_clean(exclude=["requirement_set"])
        requirements.append(requirement)
    requirement_set.requirements_check(requirements)
    requirement_set.save()
    for requirement in requirements:
        requirement.requirement_set = requirement_set
        requirement.topics = requirement.pending_topics
        requirement.satisfied_by = requirement.pending_credentials
        requirement.save()
    return requirement_set
