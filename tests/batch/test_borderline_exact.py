"""The fast parts of a firm's summary give what the definitions give (issue 12: summary speed).

- The coaching candidate's 10% margin, |actual − threshold| ≤ threshold / 10, is decided by integers or
  floats where they tell and by fractions only near the boundary (batch.triage.within_margin): on any
  numbers it equals the exact definition on the numbers as written (within_margin_exactly), and the float
  pre-check never drops a firm the definition keeps.
- borderline_reasons, shortfall keys and the main shortfalls of real assessments (every pack, through
  durable-rules) equal what the definitions written out here give.
"""

import datetime as dt
import random
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from batch.triage import (
    INNOVATION,
    MAIN_SHORTFALLS,
    _main_shortfalls,
    borderline_reasons,
    shortfall_key,
    summarise,
    within_margin,
    within_margin_exactly,
)
from engine import Assessor, load_packs, validate_profile
from fixtures.generator import ladder_profile

SETTINGS = settings(max_examples=4000, deadline=None)
THRESHOLDS = [0.03, 0.04, 0.05, 0.1, 0.6, 0.3, 365, 1, 6, 71, 1000, 2000.5, 20000]


def _pre_check(actual: Any, threshold: Any) -> bool:
    """The float pre-check of borderline_reasons."""
    if type(actual) not in (int, float) or type(threshold) not in (int, float) or threshold <= 0:
        return False
    return abs(actual - threshold) <= 0.11 * threshold


def _definition(actual: Any, threshold: Any) -> bool:
    """The module's docstring, written out: exactly, on the numbers as written."""
    exact_actual, exact_threshold = Fraction(str(actual)), Fraction(str(threshold))
    return abs(exact_actual - exact_threshold) <= exact_threshold / 10


def _same(actual: Any, threshold: Any) -> None:
    if _definition(actual, threshold):
        assert _pre_check(actual, threshold), "the pre-check may not drop a firm within the margin"
    if _pre_check(actual, threshold):
        assert within_margin(actual, threshold) == within_margin_exactly(actual, threshold)
        assert within_margin_exactly(actual, threshold) == _definition(actual, threshold)


@st.composite
def at_the_margin(draw: st.DrawFn) -> tuple[Any, Any]:
    """A threshold and a value at its 10% margin exactly (as written), or one step in the last place off."""
    threshold = Decimal(str(draw(st.sampled_from(THRESHOLDS))))
    side = draw(st.sampled_from([Decimal("1.1"), Decimal("0.9")]))
    places = draw(st.integers(0, 8))
    nudge = draw(st.sampled_from([0, 1, -1])) * Decimal(1).scaleb(-places)
    actual = threshold * side + nudge
    as_float = draw(st.booleans()) or actual != actual.to_integral_value()
    return (float(actual) if as_float else int(actual)), (float(threshold) if "." in str(threshold) else int(threshold))


@SETTINGS
@given(st.one_of(at_the_margin(), st.tuples(st.floats(-1e6, 1e6), st.sampled_from(THRESHOLDS))))
@example((0.055, 0.05))
@example((0.045, 0.05))
@example((0.66, 0.6))
@example((0.54, 0.6))
@example((401, 365))
@example((328.5, 365))
@example((5e-324, 5e-324))
@example((1e-310, 1.1e-310))
def test_the_margin_equals_its_definition_near_real_thresholds(pair: tuple[Any, Any]) -> None:
    _same(*pair)


@SETTINGS
@given(
    st.one_of(st.integers(-(10**20), 10**20), st.floats(allow_nan=False, allow_infinity=False)),
    st.one_of(st.integers(1, 10**20), st.floats(min_value=0, exclude_min=True, allow_infinity=False)),
)
def test_the_margin_equals_its_definition_on_any_numbers(actual: Any, threshold: Any) -> None:
    _same(actual, threshold)


def _rank(shortfall: dict[str, Any], criteria: dict[str, Any]) -> int:
    """The main shortfalls' order: failing criteria, then unknown ones, then score items."""
    if shortfall.get("item"):
        return 3
    return 1 if criteria.get(shortfall["criterion"], {}).get("passed") is False else 2


@pytest.fixture(scope="module")
def assessments() -> list[dict[str, Any]]:
    rng = random.Random(20261201)
    profiles = [validate_profile(ladder_profile(rng, i, dt.date(2025, 6, 30))) for i in range(400)]
    return Assessor(load_packs()).assess_many(profiles, ladder_detail=False)


def test_reasons_keys_and_main_shortfalls_equal_their_definitions(assessments: list[dict[str, Any]]) -> None:
    near = 0
    for row, assessment in enumerate(assessments):
        criteria = assessment["criteria"]
        expected = [
            entry["title"]["zh"]
            for criterion_id, entry in criteria.items()
            if criterion_id != INNOVATION and _pre_check(entry["actual"], entry["threshold"])
            and _definition(entry["actual"], entry["threshold"])
        ]
        reasons = borderline_reasons(assessment)
        straddles = criteria[INNOVATION]["passed"] is None
        assert [r["zh"].split("：")[0] for r in reasons[straddles:]] == expected
        near += bool(expected)

        shortfalls = assessment["shortfalls"]
        for order in (shortfalls, shortfalls[::-1], random.Random(row).sample(shortfalls, len(shortfalls))):
            shuffled = {**assessment, "shortfalls": order}
            expected_main = sorted(order, key=lambda s: _rank(s, criteria))[:MAIN_SHORTFALLS]
            assert _main_shortfalls(shuffled) == expected_main
        summary = summarise(row, assessment)
        assert summary.shortfall_keys == list(dict.fromkeys(shortfall_key(s) for s in shortfalls))
        assert summary.outcomes == {c: e["passed"] for c, e in criteria.items()}
        assert summary.failing == [c for c, e in criteria.items() if e["passed"] is False]
        assert summary.unknown == [c for c, e in criteria.items() if e["passed"] is None]
    assert near > 20, "the pool has firms near a threshold"
