"""Fast path benchmark (issue 12): the signature-cached evaluator side by side with the reference path
(every profile asserted into durable-rules) and with bare durable-rules, every pack in rules/; the
differential check on 100,000 generated profiles; the size of the assessment JSON; the impact of one
override over 100,000 firms. The "no ladder detail" lines are what the API's default view uses
(`Assessor.assess_many(..., ladder_detail=False)`); the lines before them build the whole ladder and trim
it, as the engine did before. The "row path" line is what a workbook row and the pool view use
(`Assessor.rows_many` → batch.triage.summary_of_row, engine/rows.py): the same summary, without the
assessment.

Figures are CPU time of this process (best of ROUNDS) — the machine is shared, and CPU time varies less
than wall-clock time; the load average is printed beside them. Every round of every line scores a pool it
has never seen (its own seed), after the assessors have scored HNTE_BENCH_FAST_WARM other profiles: the
caches are as they stand in the middle of a large batch, never holding the measured profiles themselves
(a second pass over the same pool would find every firm's runs and criterion entries cached).

- HNTE_BENCH_FAST_POOL: profiles of one application date for each round of a speed line (default 20,000);
- HNTE_BENCH_FAST_WARM: profiles scored before the speed lines, of other seeds (default 20,000);
- HNTE_BENCH_DIFF: profiles of the differential check (default 100,000; dates over four years; 0 skips it);
- HNTE_BENCH_IMPACT_ROWS: firms of the impact run (default 100,000; 0 skips it).
"""

import datetime as dt
import gc
import itertools
import json
import os
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from batch.triage import summarise, summarise_rows
from engine import Assessor, load_packs, validate_profile
from engine.detail import with_detail
from engine.runtime import DurableRuntime
from fixtures.generator import ladder_pool, ladder_profile

FAST_POOL = int(os.environ.get("HNTE_BENCH_FAST_POOL", "20000"))
FAST_WARM = int(os.environ.get("HNTE_BENCH_FAST_WARM", "20000"))
DIFF = int(os.environ.get("HNTE_BENCH_DIFF", "100000"))
IMPACT_ROWS = int(os.environ.get("HNTE_BENCH_IMPACT_ROWS", "100000"))
ROUNDS = 2
BATCH = 500
FOLDER = Path("var") / "bench"


def load() -> str:
    return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())


_SEEDS = itertools.count(1)


def fresh_pool() -> list:  # type: ignore[type-arg]
    """FAST_POOL profiles no assessor of this run has seen."""
    return one_date_pool(FAST_POOL, 20261201 + next(_SEEDS))


def cpu(work: Callable[[list], Any], rounds: int = ROUNDS) -> float:  # type: ignore[type-arg]
    """Best CPU time of `work` over `rounds` pools, each fresh."""
    best = float("inf")
    for _ in range(rounds):
        profiles = fresh_pool()
        gc.collect()
        start = time.process_time()
        work(profiles)
        best = min(best, time.process_time() - start)
    return best


def line(label: str, seconds: float, count: int) -> None:
    print(f"  {label:<62} {count / seconds:>8,.0f} profiles/s  {seconds / count * 1e6:>6,.0f} µs/profile (CPU)")


def one_date_pool(count: int, seed: int = 20261201) -> list:  # type: ignore[type-arg]
    rng = random.Random(seed)
    return [validate_profile(ladder_profile(rng, i, dt.date(2025, 6, 30))) for i in range(count)]


class Recording(DurableRuntime):
    """The reference runtime, keeping every batch it asserts: bare durable-rules replays them."""

    def __init__(self) -> None:
        super().__init__(cache=False)
        self.batches: list[tuple[Any, list[dict[str, Any]]]] = []

    def fire_each(self, group, facts):  # type: ignore[no-untyped-def]
        self.batches.append((group, facts))
        return super().fire_each(group, facts)


def speed() -> None:
    packs = load_packs()
    national = [p for p in packs if p.family == "hnte-national"]
    warm = one_date_pool(FAST_WARM, 1)
    recording = Recording()
    reference = Assessor(packs, recording)
    fast = Assessor(packs)
    fast_national = Assessor(national)
    reference.assess_many(warm[:BATCH])  # rulesets created, code warm
    for assessor in (fast, fast_national):  # the caches as a large batch has them
        for start in range(0, len(warm), BATCH):
            assessor.assess_many(warm[start : start + BATCH], ladder_detail=False)
    print(
        f"fast path — {FAST_POOL:,} profiles of one date per round (seeded, the ladder's sections filled), each "
        f"round a pool not seen before, after {FAST_WARM:,} others; one process, best of {ROUNDS}; {load()}"
    )

    def in_batches(
        assessor: Assessor, then: Callable[[list[dict[str, Any]]], Any] | None = None, ladder_detail: bool = True
    ) -> Callable[[list], None]:  # type: ignore[type-arg]
        def work(profiles: list) -> None:  # type: ignore[type-arg]
            for start in range(0, len(profiles), BATCH):
                assessments = assessor.assess_many(profiles[start : start + BATCH], ladder_detail=ladder_detail)
                if then is not None:
                    then(assessments)

        return work

    recording.batches.clear()
    reference_seconds = cpu(in_batches(reference), rounds=1)
    batches = list(recording.batches)

    def bare(_: list) -> None:  # type: ignore[type-arg]
        for group, facts in batches:
            recording.fire_each(group, facts)

    bare_seconds = cpu(bare)
    line("bare durable-rules: the reference path's facts, asserted and fired", bare_seconds, FAST_POOL)
    line("reference path (every profile asserted), every pack", reference_seconds, FAST_POOL)
    fast_seconds = cpu(in_batches(fast))
    line("fast path (signature cache), every pack — the engine's dicts", fast_seconds, FAST_POOL)

    def rows(assessments: list[dict[str, Any]]) -> None:
        for index, assessment in enumerate(assessments):
            summarise(index, assessment)

    line("fast path, every pack + the workbook/pool-view summary", cpu(in_batches(fast, rows)), FAST_POOL)

    def default_json(assessments: list[dict[str, Any]]) -> None:
        for assessment in assessments:
            orjson.dumps(with_detail(assessment))

    def full_json(assessments: list[dict[str, Any]]) -> None:
        for assessment in assessments:
            orjson.dumps(assessment)

    line("fast path, every pack + the default assessment JSON", cpu(in_batches(fast, default_json)), FAST_POOL)
    line("fast path, every pack + the full JSON (?detail=ladder)", cpu(in_batches(fast, full_json)), FAST_POOL)
    # what the API's default view, a workbook row and the pool view use: the ladder without its detail
    line("no ladder detail (ladder_detail=False) — the engine's dicts", cpu(in_batches(fast, None, False)), FAST_POOL)
    line("no ladder detail + the workbook/pool-view summary", cpu(in_batches(fast, rows, False)), FAST_POOL)

    def row_path(profiles: list) -> None:  # type: ignore[type-arg]  # what a workbook row and the pool view show, without the assessments
        for start in range(0, len(profiles), BATCH):
            summarise_rows(fast, range(start, start + BATCH), profiles[start : start + BATCH])

    line("row path (workbook/pool view): rows_many + summary_of_row", cpu(row_path), FAST_POOL)
    line("no ladder detail + the default assessment JSON", cpu(in_batches(fast, default_json, False)), FAST_POOL)
    line("fast path, the national pack alone", cpu(in_batches(fast_national)), FAST_POOL)
    print(
        f"  facts asserted into durable-rules by the fast path: {fast.runtime.asserted:,} "
        f"(the reference path: {sum(len(f) for _, f in batches):,} per pass)"
    )
    profiles = fresh_pool()
    sizes = [len(orjson.dumps(with_detail(a))) for a in fast.assess_many(profiles)]
    full = [len(orjson.dumps(a)) for a in fast.assess_many(profiles[:2000])]
    over = sum(1 for s in sizes if s > 20_000)
    print(
        f"  assessment JSON, default view: mean {sum(sizes) / len(sizes) / 1000:.1f} kB, max {max(sizes) / 1000:.1f}"
        f" kB, {over / len(sizes):.1%} above 20 kB; with ?detail=ladder: mean {sum(full) / len(full) / 1000:.1f} kB"
    )


def differential() -> None:
    if DIFF <= 0:
        return
    packs = load_packs()
    fast, reference = Assessor(packs), Assessor(packs, reference=True)
    differing = compared = rows_differing = 0
    started = time.perf_counter()
    chunk: list = []  # type: ignore[type-arg]

    def compare() -> None:
        nonlocal differing, compared, rows_differing
        expected = reference.assess_many(chunk)
        for f, r in zip(fast.assess_many(chunk), expected, strict=True):
            differing += orjson.dumps(f) != orjson.dumps(r)
        # the row path against the summary of the reference path's assessment (the same summary for the
        # full ladder as for its default view: the ladder fields a row shows are in both)
        numbers = range(compared, compared + len(chunk))
        summaries = summarise_rows(fast, numbers, chunk)
        rows_differing += sum(s != summarise(i, r) for i, s, r in zip(numbers, summaries, expected, strict=True))
        compared += len(chunk)
        chunk.clear()

    for data in ladder_pool(DIFF):
        chunk.append(validate_profile(data))
        if len(chunk) == 5000:
            compare()
    if chunk:
        compare()
    print(
        f"differential — {compared:,} generated profiles (dates over four years, every pack): "
        f"{differing} differ between the fast and the reference path, {rows_differing} between the row path's "
        f"summaries and the reference path's ({time.perf_counter() - started:.0f} s)"
    )


def impact() -> None:
    if IMPACT_ROWS <= 0:
        return
    from batch.impact import run_impact
    from engine import default_assessor
    from engine.impact import parse_override

    FOLDER.mkdir(parents=True, exist_ok=True)
    path = FOLDER / f"impact-pool-{IMPACT_ROWS}.jsonl"
    if not path.exists():
        rng = random.Random(7)
        with path.open("w", encoding="utf-8") as handle:
            for index in range(IMPACT_ROWS):
                handle.write(json.dumps(ladder_profile(rng, index), ensure_ascii=False) + "\n")
    override = parse_override({"hnte-national-2016.small_firm_min_rd_ratio": 0.04}, default_assessor().packs)
    before = os.times()
    run = run_impact(path, override)
    after = os.times()
    cpu_seconds = (after.children_user + after.children_system + after.user + after.system) - (
        before.children_user + before.children_system + before.user + before.system
    )
    report = run.report
    print(
        f"impact — one override over {IMPACT_ROWS:,} firms (.jsonl), every pack, a process per core: "
        f"{run.seconds:.1f} s wall, {cpu_seconds / IMPACT_ROWS * 1e6:,.0f} µs CPU per firm (both sides); "
        f"{report['flipped']:,} firms flip; {load()}"
    )


def main() -> None:
    speed()
    impact()
    differential()


if __name__ == "__main__":
    main()
