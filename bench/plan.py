"""Plan benchmark (申报规划, docs/plan.md): plans per second for a seeded 1,000-firm pool, each plan covering
three rounds and verified through the engine, and the pool's plan column (earliest year, plan cost).

Goal: ≥ 200 firms/s per core including verification. Measured in process CPU time, best of a few rounds,
with the national pack alone (the planner asks only the HNTE verdict of the planned profiles)."""

import datetime as dt
import gc
import os
import statistics
import time
from collections import Counter

from engine import Assessor, load_packs, validate_profile
from engine.plan import Planner
from fixtures.generator import pool

POOL = int(os.environ.get("HNTE_BENCH_PLAN_POOL", "1000"))
ROUNDS = 3
AS_OF = dt.date(2025, 3, 1)  # rounds 2025-06-30, 2026-06-30, 2027-06-30 for the pool's 2022–2024 figures


def main() -> None:
    national = Assessor([p for p in load_packs() if p.family == "hnte-national"])
    planner = Planner(national)
    profiles = [validate_profile(p) for p in pool(POOL)]
    planner.plan_many(profiles[:100], as_of=AS_OF)  # create the rulesets
    best = float("inf")
    plans: list[dict] = []
    for _ in range(ROUNDS):
        gc.collect()
        start = time.process_time()
        plans = planner.plan_many(profiles, as_of=AS_OF)
        best = min(best, time.process_time() - start)
    print(f"plan benchmark — {POOL:,} synthetic firms (seeded), 3 rounds each, as of {AS_OF}, one process, "
          f"best of {ROUNDS} (CPU time)")
    print(f"  {'plans incl. engine verification':<40} {POOL / best:>9,.0f} firms/s  {best / POOL * 1e3:>6,.2f} ms/firm"
          f"   (goal ≥ 200 firms/s per core)")
    statuses = Counter(c["status"] for p in plans for c in p["candidates"])
    verified = sum(1 for p in plans for c in p["candidates"] if c["status"] in ("eligible", "feasible"))
    unverified = sum(1 for p in plans for c in p["candidates"]
                     if c["status"] in ("eligible", "feasible") and not c["verified"])
    print(f"  candidate rounds by status: {dict(sorted(statuses.items()))}; "
          f"{verified:,} plans verified eligible, {unverified} not")
    earliest = Counter(p["earliest_year"] for p in plans)
    print("  plan column — earliest feasible round:")
    for year in sorted(earliest, key=lambda y: (y is None, y or 0)):
        costs = [p["earliest_cost"] for p in plans if p["earliest_year"] == year]
        label = str(year) if year is not None else "none in 3 rounds"
        median = f"median cost {statistics.median(costs):,.2f} 万元" if year is not None else ""
        print(f"    {label:<18} {earliest[year]:>6,} firms  {median}")


if __name__ == "__main__":
    main()
