"""Firing signatures (engine/signature.py) against durable-rules itself: facts placed exactly at, just
below and just above every threshold of every ruleset, absent, None, booleans and integers — the cached
firings equal asserting each fact."""

import math

from engine import Assessor, load_packs, validate_profile
from engine.facts import derive
from engine.runtime import DurableRuntime
from engine.signature import ABSENT, Signature
from fixtures.generator import pool


def _variants(facts: dict, signature: Signature, numeric: dict[str, tuple]) -> list[dict]:  # type: ignore[type-arg]
    variants = []
    for name in signature.names:
        for constant in numeric.get(name, ()):
            for value in (constant, math.nextafter(constant, -math.inf), math.nextafter(constant, math.inf)):
                variants.append({**facts, name: value})
            if float(constant).is_integer():
                variants.append({**facts, name: int(constant)})
        variants.append({k: v for k, v in facts.items() if k != name})  # absent
    return variants


def test_cached_firings_equal_durable_rules_at_every_threshold() -> None:
    packs = load_packs()
    assessor = Assessor([p for p in packs if p.family == "hnte-national"])
    profiles = [validate_profile(p) for p in pool(40, seed=3)]
    compiled, _ = assessor.compiled(assessor.pack_for(profiles[0].application_date), profiles[0].application_date)
    derived = [derive(p, compiled.answer_fields) for p in profiles]
    cached, reference = DurableRuntime(), DurableRuntime(cache=False)
    checked = 0
    for group in compiled.first_stage:
        signature = Signature(group.definition)
        namespace = signature.of.__globals__
        numeric = {
            name: namespace[f"c{index}"] for index, name in enumerate(signature.names) if f"c{index}" in namespace
        }
        assert numeric, f"{group.name}: no numeric threshold found"
        facts = []
        for d in derived:
            base = {n: d.facts[n] for n in group.fact_names if n in d.facts}
            facts += [base, *_variants(base, signature, numeric)]
        assert cached.fire(group, facts) == reference.fire(group, facts)
        checked += len(facts)
        assert cached.asserted < checked  # signatures were shared
    assert checked > 5_000


def test_signatures_tell_apart_what_durable_rules_may_tell_apart() -> None:
    definition = {
        "r0": {"all": [{"m": {"$gte": {"x": 0.1}}}], "cap": 1},
        "r1": {"all": [{"m": {"$and": [{"flag": True}, {"$lt": {"x": 3}}]}}], "cap": 1},
    }
    of = Signature(definition).of
    assert of({"x": 0.2, "flag": True}) == of({"x": 2.5, "flag": True})  # same side of 0.1 and of 3
    assert of({"x": 0.1, "flag": True}) != of({"x": 0.05, "flag": True})  # at a threshold vs below it
    assert of({"x": 3, "flag": True}) != of({"x": 2, "flag": True})
    # only `>=` and `<` test x: being at 0.1 is being above it (one insertion point is enough)
    assert of({"x": 0.1, "flag": True}) == of({"x": 0.2, "flag": True})
    assert of({"x": 1, "flag": True}) != of({"x": 1.0, "flag": True})  # an integer and a float
    assert of({"x": 1, "flag": True}) != of({"x": 1, "flag": 1})  # True is not 1
    assert of({"flag": True}) != of({"x": None, "flag": True})  # absent is not None
    assert of({"flag": True})[2:] == (object, ABSENT)
    nan = float("nan")  # no comparison holds: never the signature of a number
    assert of({"x": nan, "flag": True}) not in {of({"x": value, "flag": True}) for value in (0.0, 0.1, 2.0, 3.0, 9.0)}


def test_an_equality_or_both_kinds_of_comparison_keep_both_insertion_points() -> None:
    for tests in ({"$lte": {"x": 5}}, {"$gt": {"x": 5}}):  # `<=` / `>`: at 5 goes with below it
        of = Signature({"r": {"all": [{"m": tests}], "cap": 1}}).of
        assert of({"x": 5}) == of({"x": 4}) != of({"x": 6})
    for tests in ({"$neq": {"x": 5}}, {"x": 5}, {"$and": [{"$lt": {"x": 5}}, {"$gt": {"x": 5}}]}):
        of = Signature({"r": {"all": [{"m": tests}], "cap": 1}}).of
        assert len({of({"x": 4}), of({"x": 5}), of({"x": 6})}) == 3, tests


def test_cached_firings_equal_durable_rules_at_every_threshold_of_every_tier_pack() -> None:
    """The same over every group of every tier pack in force (their signatures take one insertion point where
    a fact is tested one way only): facts from generated firms, each moved to, just below and just above
    every threshold."""
    assessor = Assessor(load_packs())
    profiles = [validate_profile(p) for p in pool(12, seed=5)]
    date = profiles[0].application_date
    compiled, _ = assessor.compiled(assessor.pack_for(date), date)
    derived = [assessor.facts.derive(p, compiled.answer_fields).facts for p in profiles if p.application_date == date]
    assert assessor.ladder is not None
    cached, reference = DurableRuntime(), DurableRuntime(cache=False)
    groups = [group for pp in assessor.ladder.plan(date).packs for group in pp.compiled.groups]
    assert len(groups) >= 8
    checked = 0
    for group in groups:
        signature = Signature(group.definition)
        namespace = signature.of.__globals__
        numeric = {
            name: namespace[f"c{index}"] for index, name in enumerate(signature.names) if f"c{index}" in namespace
        }
        facts = []
        for values in derived:
            base = {n: values[n] for n in group.fact_names if n in values}
            facts += [base, *_variants(base, signature, numeric)]
        assert cached.fire(group, facts) == reference.fire(group, facts)
        checked += len(facts)
    assert checked > 2_000
