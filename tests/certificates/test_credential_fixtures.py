"""fixtures/credentials.toml against the research it transcribes, fixtures/reference/state-credentials.yaml:
every credential is there with its sources, every published number is kept, and no number is invented."""

import re
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from certificates.models import Credential, Requirement, RequirementSet
from certificates.requirements_load import credentials_load
from courses.models import Topic

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
TOML_PATH = FIXTURES / "credentials.toml"
YAML_PATH = FIXTURES / "reference" / "state-credentials.yaml"

pytestmark = pytest.mark.django_db

RESEARCH = yaml.safe_load(YAML_PATH.read_text(encoding="utf-8"))["credentials"]
with TOML_PATH.open("rb") as handle:
    FIXTURE = tomllib.load(handle)
BY_CODE = {entry["code"]: entry for entry in FIXTURE["credentials"]}
CODES = [entry["code"] for entry in RESEARCH]

# The words `unknown` starts with when the research has no number for a requirement.
UNKNOWN_WORDS = {
    "training_hours_total": "training hours in total",
    "training_hours_by_domain": "training hours by domain",
    "supervised_experience_hours": "supervised experience hours",
    "supervision_hours": "supervision hours",
    "renewal_years": "renewal period",
    "renewal_ceu_hours": "continuing education hours per renewal",
    "renewal_ethics_hours": "ethics continuing education hours per renewal",
    "min_age": "minimum age",
}


def research(code: str) -> dict:
    return next(entry for entry in RESEARCH if entry["code"] == code)


def requirements(code: str, kind: str) -> list[dict]:
    return [
        item
        for requirement_set in BY_CODE[code].get("sets", [])
        for item in requirement_set["requirements"]
        if item["kind"] == kind
    ]


def hours(items: list[dict]) -> list[Decimal]:
    return [Decimal(str(item["hours"])) for item in items]


def is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def numbers_in(value) -> set[Decimal]:
    """Every number in a research entry: numeric values and the figures written in its text."""
    if isinstance(value, dict):
        return set().union(*(numbers_in(item) for item in value.values()), set())
    if isinstance(value, list):
        return set().union(*(numbers_in(item) for item in value), set())
    if is_number(value):
        return {Decimal(str(value))}
    if isinstance(value, str):
        return {Decimal(figure) for figure in re.findall(r"\d+(?:\.\d+)?", value)}
    return set()


def test_the_research_has_eighteen_credentials_and_the_fixture_has_no_others():
    assert len(CODES) == 18
    assert sorted(BY_CODE) == sorted(CODES)


def test_the_reference_copy_is_the_shared_research_unchanged():
    shared = Path(__file__).resolve().parents[3] / "shared" / "reference" / "state-credentials.yaml"
    if not shared.exists():
        pytest.skip("no ../shared checkout next to this one")
    assert YAML_PATH.read_bytes() == shared.read_bytes()


@pytest.mark.parametrize("code", CODES)
def test_each_credential_keeps_the_published_identity_and_sources(code):
    published, entry = research(code), BY_CODE[code]

    assert entry["name"] == published["name"]
    assert entry["jurisdiction"] == published["jurisdiction"]
    assert entry["issuing_body"] == published["issuing_body"]
    assert entry["sources"] == published["sources"]
    assert entry["confidence"] == published["confidence"]


@pytest.mark.parametrize(
    ("key", "kind"),
    [
        ("training_hours_total", "training_total"),
        ("supervised_experience_hours", "supervised_work"),
        ("supervision_hours", "supervision_received"),
    ],
)
@pytest.mark.parametrize("code", CODES)
def test_initial_hours_are_the_published_ones_or_absent(code, key, kind):
    published = research(code)[key]
    found = hours(requirements(code, kind))

    if is_number(published):
        assert found == [Decimal(str(published))]
    elif published is None:
        assert found == []


@pytest.mark.parametrize("code", CODES)
def test_renewal_continuing_education_is_the_published_hours_per_period(code):
    published = research(code)
    found = requirements(code, "continuing_education")

    if is_number(published["renewal_ceu_hours"]):
        assert hours(found) == [Decimal(str(published["renewal_ceu_hours"]))]
        assert [item["period_years"] for item in found] == [published["renewal_years"]]
    elif published["renewal_ceu_hours"] is None:
        assert found == []


@pytest.mark.parametrize("code", CODES)
def test_renewal_ethics_hours_are_the_published_ones_or_absent(code):
    published = research(code)
    found = [
        item
        for item in requirements(code, "continuing_education_topic")
        if item.get("domain") == "ethics"
    ]

    if is_number(published["renewal_ethics_hours"]):
        assert hours(found) == [Decimal(str(published["renewal_ethics_hours"]))]
        assert [item["period_years"] for item in found] == [published["renewal_years"]]
    else:
        assert found == []


@pytest.mark.parametrize("code", CODES)
def test_no_hour_or_period_figure_is_invented(code):
    published = numbers_in(research(code))
    figures = [
        Decimal(str(item[key]))
        for requirement_set in BY_CODE[code].get("sets", [])
        for item in requirement_set["requirements"]
        for key in ("hours", "period_years")
        if key in item
    ]

    assert [figure for figure in figures if figure not in published] == []


@pytest.mark.parametrize("code", CODES)
def test_requirements_without_a_published_number_are_named_as_unknown(code):
    published, unknown = research(code), BY_CODE[code]["unknown"]
    missing = [key for key, words in UNKNOWN_WORDS.items() if published[key] is None]
    if (published.get("exam") or {}).get("name") and published["exam"]["passing_score"] is None:
        missing.append("exam passing score")

    for key in missing:
        words = UNKNOWN_WORDS.get(key, key)
        assert any(entry.startswith(words) for entry in unknown), f"{code}: {words}"


@pytest.mark.parametrize("code", CODES)
def test_published_attestations_are_asked_for(code):
    published = research(code)
    kinds = {item["attestation"] for item in requirements(code, "attestation")}

    assert ("external_exam" in kinds) == bool((published.get("exam") or {}).get("name"))
    assert ("diploma" in kinds) == bool(published["min_education"])
    if published["lived_experience_required"]["required"] is True:
        assert "lived_experience" in kinds


@pytest.mark.parametrize("code", CODES)
def test_each_set_is_version_one_from_2026_with_a_summary(code):
    for requirement_set in BY_CODE[code].get("sets", []):
        assert requirement_set["version"] == 1
        assert requirement_set["effective_from"].isoformat() == "2026-01-01"
        assert requirement_set["summary"]


def test_every_domain_names_topics_that_exist():
    slugs = set(Topic.objects.values_list("slug", flat=True))

    for name, topics in FIXTURE["domains"].items():
        assert topics, name
        assert set(topics) <= slugs, name


def test_every_requirement_names_a_domain_that_exists():
    for entry in FIXTURE["credentials"]:
        for requirement_set in entry.get("sets", []):
            for item in requirement_set["requirements"]:
                if "domain" in item:
                    assert item["domain"] in FIXTURE["domains"], (entry["code"], item["label"])


def test_the_loader_loads_every_credential_and_each_requirement_is_valid():
    created = credentials_load(TOML_PATH)

    assert sorted(Credential.objects.values_list("code", flat=True)) == sorted(CODES)
    expected_sets = sum(len(entry.get("sets", [])) for entry in FIXTURE["credentials"])
    assert RequirementSet.objects.count() == expected_sets
    assert len(created) == len(CODES) + expected_sets
    expected_requirements = sum(
        len(requirement_set["requirements"])
        for entry in FIXTURE["credentials"]
        for requirement_set in entry.get("sets", [])
    )
    assert Requirement.objects.count() == expected_requirements
    for requirement in Requirement.objects.prefetch_related("topics"):
        requirement.full_clean()
        if requirement.kind in (
            Requirement.Kind.TRAINING_DOMAIN,
            Requirement.Kind.CONTINUING_EDUCATION_TOPIC,
        ):
            assert requirement.topics.exists(), requirement.label


def test_loaded_credentials_keep_their_unknowns_and_details():
    credentials_load(TOML_PATH)

    texas = Credential.objects.get(code="TX-PS")
    assert any(entry.startswith("training hours in total") for entry in texas.unknown)
    assert "65.5" in texas.details["training"]
    assert not RequirementSet.objects.get(credential=texas).requirements.filter(
        kind=Requirement.Kind.TRAINING_TOTAL
    )
