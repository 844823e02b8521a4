"""durable-rules at the low level: exact comparisons, awkward numbers, session clean-up, threads."""

import threading
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from engine import Assessor, validate_profile
from engine.compiler import BATCH_CAP, CompiledGroup
from engine.money import exact_float
from engine.runtime import DurableRuntime, durable_json
from fixtures.generator import pool

RUNTIME = DurableRuntime()
THRESHOLDS = [Fraction(n, 100) for n in (3, 4, 5, 10, 35, 60)] + [Fraction(1, 10**8), Fraction(7071, 10**4)]


def _group(threshold: Fraction) -> CompiledGroup:
    value = float(threshold)
    definition = {
        "ge": {"all": [{"m": {"$gte": {"v": value}}}], "cap": BATCH_CAP},
        "lt": {"all": [{"m": {"$lt": {"v": value}}}], "cap": BATCH_CAP},
        "gt": {"all": [{"m": {"$gt": {"v": value}}}], "cap": BATCH_CAP},
        "le": {"all": [{"m": {"$lte": {"v": value}}}], "cap": BATCH_CAP},
    }
    return CompiledGroup(
        name="t",
        ruleset_name=f"test.exact.{threshold.numerator}_{threshold.denominator}",
        definition=definition,
        rules={},
        fact_names=("v",),
        target_ids=(),
    )


GROUPS = {t: _group(t) for t in THRESHOLDS}


@settings(max_examples=300, deadline=None)
@given(
    threshold=st.sampled_from(THRESHOLDS),
    numerator=st.integers(0, 10**9),
    denominator=st.integers(1, 10**9),
    near=st.booleans(),
)
def test_ratios_compare_exactly_in_durable_rules(
    threshold: Fraction, numerator: int, denominator: int, near: bool
) -> None:
    if near:  # a fraction right at, or a hair off, the threshold
        numerator = threshold.numerator * denominator * 10**4 // threshold.denominator + numerator % 3 - 1
        denominator *= 10**4
        numerator = max(numerator, 0)
    exact = Fraction(numerator, denominator)
    fired = set(RUNTIME.fire(GROUPS[threshold], [{"v": exact_float(numerator, denominator)}])[0])
    expected = {"ge" if exact >= threshold else "lt", "gt" if exact > threshold else "le"}
    assert fired == expected, (exact, threshold)


def test_numbers_in_exponent_notation_are_written_positionally() -> None:
    text = durable_json([{"a": 1e-08, "b": -2.5e-07, "c": 1e20, "d": 0.5, "e": "1e-08 text stays"}])
    assert '"a":0.00000001' in text and '"b":-0.00000025' in text and '"c":100000000000000000000.0' in text
    assert '"e":"1e-08 text stays"' in text
    group = _group(Fraction(1, 10**8))
    assert set(RUNTIME.fire(group, [{"v": 1e-08}, {"v": 5e-09}])[0]) == {"ge", "le"}


def test_sessions_are_deleted_after_each_batch(assessor: Assessor) -> None:
    # a ruleset holds ~1,024 live sessions: 1,500 one-profile batches would fail if they were kept
    profile = validate_profile(next(pool(1, seed=3)))
    results = {assessor.assess(profile)["readiness"] for _ in range(1_500)}
    assert len(results) == 1


def test_threads_sharing_one_assessor_get_the_results_of_sequential_runs(assessor: Assessor) -> None:
    profiles = [validate_profile(p) for p in pool(120, seed=5)]
    expected = [assessor.assess(p) for p in profiles]
    got: dict[int, dict] = {}

    def work(offset: int) -> None:
        for index in range(offset, len(profiles), 4):
            got[index] = assessor.assess(profiles[index])

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [got[i] for i in range(len(profiles))] == expected
