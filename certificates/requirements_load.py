"""Loading credentials and requirement sets from fixtures/credentials.toml."""

import tomllib
from pathlib import Path

from django.db import transaction

from courses.models import Topic

from .models import Credential, Requirement, RequirementSet


@transaction.atomic
def credentials_load(path: Path) -> list[str]:
    """Create missing credentials and requirement set versions. Idempotent: existing ones are
    left as they are (an administrator may have edited them). Returns what was created."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    topics = {topic.slug: topic for topic in Topic.objects.all()}
    domains = {name: [topics[slug] for slug in slugs] for name, slugs in data["domains"].items()}
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
        for set_data in entry.get("sets", []):
            if RequirementSet.objects.filter(
                credential=credential, version=set_data["version"]
            ).exists():
                continue
            requirement_set = RequirementSet.objects.create(
                credential=credential,
                version=set_data["version"],
                effective_from=set_data["effective_from"],
                summary=set_data.get("summary", ""),
            )
            for order, item in enumerate(set_data["requirements"]):
                requirement = Requirement(
                    requirement_set=requirement_set,
                    kind=item["kind"],
                    label=item["label"],
                    hours=item.get("hours"),
                    attestation_kind=item.get("attestation", ""),
                    period_years=item.get("period_years"),
                    activities=item.get("activities", []),
                    sort_order=order,
                )
                if "domain" in item:
                    requirement.topics = domains[item["domain"]]
                requirement.full_clean(exclude=["requirement_set"])
                requirement.save()
            created.append(f"requirements {credential.code} v{requirement_set.version}")
    return created
