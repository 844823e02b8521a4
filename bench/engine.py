"""Engine benchmark: (a) the full engine, (b) bare durable-rules on the same rulesets, (c) their ratio,
(d) RSS before and after 100,000 assessments. One process; a seeded synthetic pool.

(a)–(c) measure the national HNTE engine (the rulesets the issue's target was set for); the same line for
the engine with every pack in rules/ (the ladder tiers too) follows, and (d) runs every pack."""

import os
import time
from collections.abc import Callable

from engine import Assessor, default_assessor, load_packs, validate_profile
from engine.assessment import HARD_CRITERIA
from engine.evaluator import decisive
from engine.facts import derive
from fixtures.generator import pool

POOL = int(os.environ.get("HNTE_BENCH_POOL", "5000"))
TOTAL = int(os.environ.get("HNTE_BENCH_TOTAL", "100000"))
BATCH = 500


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def rate(label: str, count: int, work: Callable[[], None]) -> float:
    start = time.perf_counter()
    work()
    seconds = time.perf_counter() - start
    print(f"  {label:<58} {count / seconds:>9,.0f} profiles/s")
    return count / seconds


def main() -> None:
    assessor = Assessor([p for p in load_packs() if p.family == "hnte-national"])
    everything = default_assessor()
    raw = list(pool(POOL))
    profiles = [validate_profile(p) for p in raw]
    date = profiles[0].application_date
    compiled, builder = assessor.compiled(assessor.pack_for(date), date)
    assessor.assess_many(profiles[:BATCH])  # create the rulesets and warm up
    print(f"engine benchmark — {POOL:,} synthetic profiles (seeded), batches of {BATCH}, one process")

    # (b) the same rulesets, facts precomputed: assert, fire, read the firings, and nothing else
    derived = [derive(p, compiled.answer_fields) for p in profiles]
    staged = []
    for start in range(0, POOL, BATCH):
        chunk = derived[start : start + BATCH]
        groups = [[{n: d.facts[n] for n in g.fact_names if n in d.facts} for d in chunk] for g in compiled.first_stage]
        staged.append(groups)
    first = [assessor.runtime.fire_each(g, facts) for g, facts in zip(compiled.first_stage, staged[0], strict=True)]
    del first
    decision_facts = []
    for start in range(0, POOL, BATCH):
        fired: list[dict] = [{} for _ in range(min(BATCH, POOL - start))]
        for group, facts in zip(compiled.first_stage, staged[start // BATCH], strict=True):
            for i, names in enumerate(assessor.runtime.fire_each(group, facts)):
                for name in names:
                    rule = group.rules[name]
                    fired[i].setdefault(rule.target_id, []).append(builder.views[id(rule)])
        decision_facts.append(
            [
                {
                    "innovation_min": 0,
                    "innovation_max": 0,
                    "failed_criteria": sum(1 for c in HARD_CRITERIA if decisive(f[c]).outcome == "failed"),
                    "unknown_criteria": sum(1 for c in HARD_CRITERIA if decisive(f[c]).outcome == "unknown"),
                }
                for f in fired
            ]
        )

    def bare() -> None:
        for groups, decisions in zip(staged, decision_facts, strict=True):
            for group, facts in zip(compiled.first_stage, groups, strict=True):
                assessor.runtime.fire_each(group, facts)
            assessor.runtime.fire_each(compiled.decision, decisions)

    def full() -> None:
        for start in range(0, POOL, BATCH):
            assessor.assess_many(profiles[start : start + BATCH])

    def with_validation() -> None:
        for start in range(0, POOL, BATCH):
            assessor.assess_many([validate_profile(p) for p in raw[start : start + BATCH]])

    a = rate("(a) full engine: profile → assessment (assess_many)", POOL, full)
    b = rate("(b) bare durable-rules: precomputed facts, same rulesets", POOL, bare)
    print(f"  {'(c) ratio (b) / (a)':<58} {b / a:>9.2f} ×")
    rate("    full engine including input validation (JSON dict in)", POOL, with_validation)
    everything.assess_many(profiles[:BATCH])

    def with_ladder() -> None:
        for start in range(0, POOL, BATCH):
            everything.assess_many(profiles[start : start + BATCH])

    rate(f"    every pack in rules/ ({len(everything.packs)}: the ladder tiers too)", POOL, with_ladder)
    assessor = everything  # (d) runs the product as it ships

    before = rss_mb()
    done = 0
    start = time.perf_counter()
    while done < TOTAL:
        for offset in range(0, POOL, BATCH):
            batch = profiles[offset : offset + BATCH][: TOTAL - done]
            assessor.assess_many(batch)
            done += len(batch)
            if done >= TOTAL:
                break
    seconds = time.perf_counter() - start
    after = rss_mb()
    print(
        f"  (d) RSS before / after {TOTAL:,} assessments: {before:.1f} MB / {after:.1f} MB "
        f"(growth {after - before:+.1f} MB; {TOTAL / seconds:,.0f} profiles/s over the run)"
    )


if __name__ == "__main__":
    main()
