"""Readiness: a person's evidence measured against a credential's requirements.

- `evidence`: what a person has done, read for many people in a fixed number of queries;
- `rules`: one evaluator for the award, an initial award's conditions and renewals;
- `sets`: the requirement sets in force, kept between reads;
- `eligibility`: what a certificate program may be issued on, and comparisons across
  credentials for dashboards and cohort reports.
"""

from .eligibility import (
    Comparison,
    ConditionsStanding,
    CredentialStanding,
    Eligibility,
    TraineeStanding,
    conditions_standing,
    program_eligibility,
    program_qualifiers,
    readiness_across_credentials,
    readiness_comparison,
    readiness_for_users,
)
from .evidence import Evidence, evidence_for, evidence_for_users
from .rules import Occasion, Readiness, RequirementResult, hours_text, readiness
from .sets import (
    requirement_set_current,
    requirement_sets_current,
    requirements_changed,
    requirements_version,
)

__all__ = [
    "Comparison",
    "ConditionsStanding",
    "conditions_standing",
    "CredentialStanding",
    "Eligibility",
    "Evidence",
    "Occasion",
    "Readiness",
    "RequirementResult",
    "TraineeStanding",
    "evidence_for",
    "evidence_for_users",
    "hours_text",
    "program_eligibility",
    "program_qualifiers",
    "readiness",
    "readiness_across_credentials",
    "readiness_comparison",
    "readiness_for_users",
    "requirement_set_current",
    "requirement_sets_current",
    "requirements_changed",
    "requirements_version",
]
