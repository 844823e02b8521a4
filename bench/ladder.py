"""Ladder benchmark: what the cultivation ladder (docs/ladder.md) adds to an assessment. The same seeded
pool assessed with the national pack alone and with every pack, in one process; the difference is the
ladder's cost per profile (durable-rules firings of the tier packs, their facts and their output)."""

import gc
import os
import time

from engine import Assessor, load_packs, validate_profile
from fixtures.generator import pool

POOL = int(os.environ.get("HNTE_BENCH_POOL", "5000"))
ROUNDS = 3


def cpu_seconds(assessor: Assessor, profiles: list) -> float:  # type: ignore[type-arg]
    """The fastest of a few rounds, in process CPU time (other work on the machine counts less)."""
    best = float("inf")
    for _ in range(ROUNDS):
        gc.collect()
        start = time.process_time()
        assessor.assess_many(profiles)
        best = min(best, time.process_time() - start)
    return best


def main() -> None:
    packs = load_packs()
    with_ladder = Assessor(packs)
    national = Assessor([p for p in packs if p.family == "hnte-national"])
    profiles = [validate_profile(p) for p in pool(POOL)]
    for assessor in (with_ladder, national):
        assessor.assess_many(profiles[:500])  # create the rulesets
    print(f"ladder benchmark — {POOL:,} synthetic profiles (seeded), one process, best of {ROUNDS} (CPU time)")
    alone = cpu_seconds(national, profiles)
    full = cpu_seconds(with_ladder, profiles)

    def line(label: str, seconds: float) -> None:
        print(f"  {label:<40} {POOL / seconds:>9,.0f} profiles/s  {seconds / POOL * 1e6:>6,.0f} µs/profile")

    line("national pack alone", alone)
    line(f"with the ladder ({len(packs) - 1} more packs)", full)
    print(f"  {'the ladder adds':<40} {'':>21} {(full - alone) / POOL * 1e6:>6,.0f} µs/profile")


if __name__ == "__main__":
    main()
