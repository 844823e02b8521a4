"""The differential test of the fast path: the signature-cached evaluator (engine/runtime.py,
engine/signature.py) gives exactly what the reference path gives — every profile asserted into
durable-rules — on every field of the assessment, the national criteria and every tier of every pack.

5,000 generated profiles with the ladder's sections (fixtures/generator.ladder_pool, application dates
over four years), every case file of fixtures/cases and fixtures/ladder and the worked examples; a pack
with overridden parameters too. `make bench` (bench/fast_path.py) runs the same comparison on 100,000.
"""

import json
from pathlib import Path

import orjson
import pytest

from engine import Assessor, ProfileInvalid, load_packs, validate_profile
from engine.assessor import decision_of
from engine.detail import LADDER, with_detail
from fixtures.generator import ladder_pool, pool
from tests.cases import load_cases
from tests.ladder.cases import ladder_cases

GENERATED = 5_000
EXAMPLES = Path(__file__).resolve().parent.parent / "fixtures" / "examples"


def _valid(raw: list[dict]) -> list:  # type: ignore[type-arg]
    profiles = []
    for data in raw:
        try:
            profiles.append(validate_profile(data))
        except ProfileInvalid:
            continue  # the case files' invalid inputs: nothing to assess
    return profiles


@pytest.fixture(scope="module")
def paths() -> tuple[Assessor, Assessor]:
    packs = load_packs()
    return Assessor(packs), Assessor(packs, reference=True)


def _dump(value: object) -> bytes:
    try:
        return orjson.dumps(value)
    except TypeError:  # an integer beyond 64 bits (a case file's absurd count)
        return json.dumps(value, ensure_ascii=False).encode()


def _differences(fast: list[dict], reference: list[dict]) -> list[str]:  # type: ignore[type-arg]
    found = []
    for index, (f, r) in enumerate(zip(fast, reference, strict=True)):
        if _dump(f) != _dump(r):
            keys = [k for k in r if _dump(f.get(k)) != _dump(r[k])]
            found.append(f"profile {index} ({r['company']['name']}): {', '.join(keys)} differ")
    return found


def test_generated_profiles_equal_the_reference_path(paths: tuple[Assessor, Assessor]) -> None:
    fast, reference = paths
    profiles = _valid(list(ladder_pool(GENERATED)))
    assert len(profiles) == GENERATED
    asserted_before = fast.runtime.asserted
    # two passes in different batch compositions: the second is served from the cache across batches
    first = fast.assess_many(profiles)
    second = fast.assess_many(profiles[:1000][::-1])[::-1]
    expected = reference.assess_many(profiles)
    assert not _differences(first, expected)
    assert not _differences(second, expected[:1000])
    # the default view built directly (no tier's criteria entries) is the reference
    # path's full assessment trimmed by with_detail, byte for byte — and with_detail leaves it as it is
    default_views = [with_detail(a) for a in expected]
    summaries = fast.assess_many(profiles, ladder_detail=False)
    assert not _differences(summaries, default_views)
    assert not _differences([with_detail(a) for a in summaries], default_views)
    # the decisions alone (decide_many) are that projection of the full assessment, on both paths
    decisions = [decision_of(a) for a in expected]
    assert not _differences(fast.decide_many(profiles), decisions)
    assert not _differences(reference.decide_many(profiles[:1000]), decisions[:1000])
    tiers = {(t, s) for a in expected for t, s in a["ladder"]["summary"].items()}
    assert {s for _, s in tiers} == {"met", "not_met", "unknown"}  # the pool reaches every tier state
    for tier in {t for t, _ in tiers}:  # and each tier both ways
        assert len({s for t, s in tiers if t == tier}) >= 2, tier
    # the cache did its work: far fewer facts asserted than profiles × rulesets
    rulesets = sum(1 for _ in fast.runtime._seen)
    assert fast.runtime.asserted - asserted_before < GENERATED * rulesets / 4


def test_case_files_and_examples_equal_the_reference_path(paths: tuple[Assessor, Assessor]) -> None:
    fast, reference = paths
    raw = [profile for _, profile, _ in load_cases() + ladder_cases()]
    examples = [p for p in sorted(EXAMPLES.glob("*.json")) if "expected" not in p.name]
    raw += [json.loads(p.read_text(encoding="utf-8")) for p in examples]
    profiles = _valid(raw)
    assert len(profiles) > 200
    assert not _differences(fast.assess_many(profiles), reference.assess_many(profiles))
    # one at a time too, as the API's smallest batches are
    assert not _differences([fast.assess(p) for p in profiles[:50]], reference.assess_many(profiles[:50]))
    expected = [with_detail(a) for a in reference.assess_many(profiles)]
    assert not _differences(fast.assess_many(profiles, ladder_detail=False), expected)
    assert not _differences(reference.assess_many(profiles, ladder_detail=False), expected)
    decisions = [decision_of(a) for a in reference.assess_many(profiles)]
    assert not _differences(fast.decide_many(profiles), decisions)
    assert not _differences(reference.decide_many(profiles), decisions)
    assert not _differences([fast.decide_many([p])[0] for p in profiles[:50]], decisions[:50])


def test_an_assessment_without_the_ladder_detail_cannot_give_it(paths: tuple[Assessor, Assessor]) -> None:
    fast, _ = paths
    profile = _valid(list(ladder_pool(1)))[0]
    summary = fast.assess_many([profile], ladder_detail=False)[0]
    assert summary["ladder"]["detail"] == "summary"
    assert "tiers" not in summary["ladder"] and "failing" not in summary["ladder"]["next_tier"]
    with pytest.raises(ValueError):
        with_detail(summary, frozenset({LADDER}))
    assert "criteria" in next(iter(fast.assess(profile)["ladder"]["tiers"].values()))


def test_an_overridden_pack_equals_the_reference_path(paths: tuple[Assessor, Assessor]) -> None:
    fast, reference = paths
    profiles = _valid(list(pool(1_000)))
    pack = fast.pack_for(profiles[0].application_date).with_overrides(
        {"small_firm_min_rd_ratio": 0.04, "min_sci_tech_staff_ratio": 0.12}
    )
    changed = fast.assess_many(profiles, pack)
    assert not _differences(changed, reference.assess_many(profiles, pack))
    assert _differences(changed, fast.assess_many(profiles))  # the override does change verdicts
    decisions = [decision_of(a) for a in changed]
    assert not _differences(fast.decide_many(profiles, pack), decisions)
    assert not _differences(reference.decide_many(profiles, pack), decisions)


def test_a_decision_is_the_decided_part_of_an_assessment(paths: tuple[Assessor, Assessor]) -> None:
    """decide_many keeps what an impact compares and nothing that presents it."""
    fast, _ = paths
    profile = _valid(list(ladder_pool(1)))[0]
    decision = fast.decide_many([profile])[0]
    assert set(decision) == {"application_date", "company", "rules_version", "verdict", "criteria", "ladder"}
    assert all(set(entry) == {"passed"} for entry in decision["criteria"].values())
    assert set(decision["ladder"]) == {"summary"} and decision["ladder"]["summary"]
    assert decision == decision_of(fast.assess(profile))
