"""The ladder's case files (fixtures/ladder/*.yaml), read with the national runner's loader.

A case's `expected` may use shorthands for the ladder section: `tiers`, `highest_tier`, `next_tier` and
`summary` stand for the same keys under `ladder`; `failing` inside `next_tier` lists the ids of the
criteria the next tier still lacks, in order; `unavailable` lists the families not assessed.
"""

from pathlib import Path
from typing import Any

from tests.cases import load_cases, mismatches

LADDER_CASES_DIR = Path(__file__).resolve().parent.parent.parent / "fixtures" / "ladder"
SHORTHANDS = ("tiers", "highest_tier", "next_tier", "summary")


def ladder_cases() -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    return load_cases(LADDER_CASES_DIR)


def ladder_mismatches(expected: dict[str, Any], assessment: dict[str, Any]) -> list[str]:
    expected = dict(expected)
    ladder_expected = dict(expected.pop("ladder", {}))
    for key in SHORTHANDS:
        if key in expected:
            ladder_expected[key] = expected.pop(key)
    found = mismatches(expected, assessment)
    ladder = assessment.get("ladder")
    if ladder is None:
        return [*found, "ladder: missing"]
    next_expected = ladder_expected.get("next_tier")
    if isinstance(next_expected, dict) and "failing" in next_expected:
        next_expected = dict(next_expected)
        wanted = next_expected.pop("failing")
        got = [f["id"] for f in (ladder.get("next_tier") or {}).get("failing", [])]
        if got != wanted:
            found.append(f"ladder.next_tier.failing: expected {wanted}, got {got}")
        ladder_expected["next_tier"] = next_expected
    if "unavailable" in ladder_expected:
        wanted = ladder_expected.pop("unavailable")
        got = sorted(u["family"] for u in ladder.get("unavailable", []))
        if got != sorted(wanted):
            found.append(f"ladder.unavailable: expected {wanted}, got {got}")
    found += mismatches(ladder_expected, ladder, ".ladder")
    return found
