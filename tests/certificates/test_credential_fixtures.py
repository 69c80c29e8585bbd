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


def requirements(code: str, kind: str | None = None, *, stage: str = "award") -> list[dict]:
    return [
        item
        for requirement_set in BY_CODE[code].get("sets", [])
        for item in requirement_set["requirements"]
        if (kind is None or item["kind"] == kind) and item.get("stage", "award") == stage
    ]


def outermost(items: list[dict]) -> list[dict]:
    """Requirements that are not minimums inside another."""
    return [item for item in items if "parent" not in item]


def the_set(code: str) -> dict:
    (requirement_set,) = BY_CODE[code]["sets"]
    return requirement_set


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
    # Texas asks its supervised hours as a condition of the initial award.
    found = hours(outermost(requirements(code, kind) + requirements(code, kind, stage="condition")))

    if is_number(published):
        assert found == [Decimal(str(published))]
    elif published is None:
        assert found == []


@pytest.mark.parametrize("code", CODES)
def test_renewal_continuing_education_is_the_published_hours_per_period(code):
    published = research(code)
    found = outermost(requirements(code, "training_total", stage="renewal"))

    if is_number(published["renewal_ceu_hours"]):
        assert hours(found) == [Decimal(str(published["renewal_ceu_hours"]))]
        assert the_set(code)["renewal_months"] == published["renewal_years"] * 12
    elif published["renewal_ceu_hours"] is None:
        assert found == []


def test_new_york_cps_asks_ten_hours_per_year_of_renewal():
    (per_year,) = requirements("NY-NYCPS", "training_total", stage="renewal")

    assert per_year["hours"] == 10
    assert per_year["per_year"] is True
    assert research("NY-NYCPS")["renewal_ceu_hours"] == "10 per year of renewal"


@pytest.mark.parametrize("code", CODES)
def test_renewal_ethics_hours_are_the_published_ones_inside_the_period(code):
    published = research(code)
    found = [
        item
        for item in requirements(code, "training_domain", stage="renewal")
        if item.get("domain") in ("ethics", "oh_ethics")
    ]

    if is_number(published["renewal_ethics_hours"]):
        assert hours(found) == [Decimal(str(published["renewal_ethics_hours"]))]
        assert [item.get("window_months") for item in found] == [None]
    else:
        assert found == []


@pytest.mark.parametrize("code", CODES)
def test_the_minimum_age_is_the_published_one_or_absent(code):
    published = research(code)["min_age"]
    found = [item["min_age"] for item in requirements(code, "minimum_age")]

    assert found == ([published] if published is not None else [])


def test_twelve_credentials_ask_a_minimum_age_of_18():
    assert sum(1 for code in CODES if requirements(code, "minimum_age")) == 12


def test_pennsylvania_cps_asks_12_months_of_work_or_24_college_credits_within_3_years():
    group = [item for item in requirements("PA-CPS", "attestation") if item.get("group")]

    assert {(i["attestation"], i["amount"], i["window_months"]) for i in group} == {
        ("work_experience", 12, 36),
        ("college_credits", 24, 36),
    }
    assert len({item["group"] for item in group}) == 1


def test_texas_asks_a_total_per_track_and_250_hours_after_the_initial_award():
    totals = {i["track"]: i["hours"] for i in requirements("TX-PS", "training_total")}
    (condition,) = requirements("TX-PS", stage="condition")

    assert totals == {"MHPS": 59.5, "RSPS": 65.5}
    assert (condition["kind"], condition["hours"]) == ("supervised_work", 250)
    assert the_set("TX-PS")["conditions_within_months"] == 6
    assert not requirements("TX-PS", "supervised_work")


def test_kentucky_keeps_its_topic_minimums_beside_the_classroom_total():
    published = research("KY-TADPSS")
    domains = requirements("KY-TADPSS", "training_domain")
    (total,) = requirements("KY-TADPSS", "training_total")

    assert published["domains_separate_from_total"] is True
    assert all("parent" not in item for item in domains)
    assert sum(hours(domains)) == 51
    assert total["hours"] == 40
    assert set(total["modes"]) == {"face_to_face", "live_online"}


def test_nested_minimums_count_inside_their_parents():
    def parent_of(code, label, stage="award"):
        return next(i for i in requirements(code, stage=stage) if i["label"] == label)["parent"]

    assert parent_of("NY-CRPA", "Medication supported recovery") == "recovery-wellness"
    assert parent_of("PA-CRS", "Confidentiality continuing education per renewal", "renewal") == (
        "ce-ethics"
    )
    assert parent_of("OH-CPRS", "Live, interactive training") == "total"


def research_text(code: str) -> str:
    """The credential's entry in the research as written, comments included (Pennsylvania's
    prerequisite is written in a comment beside the null it explains)."""
    text = YAML_PATH.read_text(encoding="utf-8")
    start = text.index(f"- code: {code}\n")
    end = text.find("\n- code: ", start + 1)
    return text[start : end if end != -1 else len(text)]


@pytest.mark.parametrize("code", CODES)
def test_no_hour_or_period_figure_is_invented(code):
    published = numbers_in(research_text(code))
    requirement_set = the_set(code)
    figures = [
        Decimal(str(item[key])) / (12 if key == "window_months" else 1)
        for item in requirement_set["requirements"]
        for key in ("hours", "window_months", "amount", "min_age", "share_percent")
        if key in item and not (key == "share_percent" and item[key] == 50)
    ]
    figures += [
        Decimal(requirement_set[key]) / (12 if key == "renewal_months" else 1)
        for key in ("renewal_months", "conditions_within_months")
        if key in requirement_set
    ]

    assert [figure for figure in figures if figure not in published] == []


def test_naadac_asks_half_its_hours_face_to_face_within_6_years():
    (face_to_face,) = [i for i in requirements("NAADAC-NCPRSS") if i.get("modes")]

    assert "at least 50% face-to-face" in research("NAADAC-NCPRSS")["notes"]
    assert (face_to_face["share_percent"], face_to_face["modes"]) == (50, ["face_to_face"])
    assert {i.get("window_months") for i in requirements("NAADAC-NCPRSS", "training_domain")} == {
        72
    }


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
def test_each_set_is_version_two_from_december_2026_with_a_summary(code):
    """Version 2 models nesting, modes, windows, prerequisites, tracks, phases and renewal
    periods; a database that holds version 1 keeps it for the certificates issued under it."""
    requirement_set = the_set(code)
    assert requirement_set["version"] == 2
    assert requirement_set["effective_from"].isoformat() == "2026-12-01"
    assert requirement_set["summary"]


def test_every_domain_names_topics_that_exist():
    slugs = set(Topic.objects.values_list("slug", flat=True))

    own = [entry.get("domains", {}) for entry in FIXTURE["credentials"]]
    for domains in (FIXTURE["domains"], *own):
        for name, topics in domains.items():
            assert topics, name
            assert set(topics) <= slugs, name


def test_every_requirement_names_a_domain_that_exists():
    for entry in FIXTURE["credentials"]:
        for requirement_set in entry.get("sets", []):
            for item in requirement_set["requirements"]:
                if "domain" in item:
                    domains = {**FIXTURE["domains"], **entry.get("domains", {})}
                    assert item["domain"] in domains, (entry["code"], item["label"])


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
        if requirement.kind == Requirement.Kind.TRAINING_DOMAIN:
            assert requirement.topics.exists(), requirement.label


def test_loaded_credentials_keep_their_unknowns_and_details():
    credentials_load(TOML_PATH)

    texas = Credential.objects.get(code="TX-PS")
    assert any(entry.startswith("core and supplemental hours") for entry in texas.unknown)
    assert "65.5" in texas.details["training"]
    totals = RequirementSet.objects.get(credential=texas).requirements.filter(
        kind=Requirement.Kind.TRAINING_TOTAL, stage=Requirement.Stage.AWARD
    )
    assert sorted((r.track, r.hours) for r in totals) == [
        ("MHPS", Decimal("59.5")),
        ("RSPS", Decimal("65.5")),
    ]
