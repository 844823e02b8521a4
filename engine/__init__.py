"""HNTE pre-diagnosis engine: profile → facts → rules (durable-rules) → assessment.

The engine knows nothing of HTTP or storage. Entry points:

- ``Assessor`` — owns the compiled rulesets of a process and assesses profiles in batches;
- ``validate_profile`` — the contract's input validation with bilingual field errors;
- ``load_packs`` / ``RulePack`` — the dated rule packs in ``rules/``.
"""

from engine.assessor import Assessor, default_assessor
from engine.pack import NoPackInForce, RulePack, load_packs
from engine.profile import Profile
from engine.validation import ProfileInvalid, validate_profile

__all__ = [
    "Assessor",
    "NoPackInForce",
    "Profile",
    "ProfileInvalid",
    "RulePack",
    "default_assessor",
    "load_packs",
    "validate_profile",
]
