"""The pool view's plan block (docs/plan.md): next-round candidates sorted by plan cost, counts by town,
and a forecast of recognised firms by town set against the district's targets (rules/plan/town-targets.yaml).

It reads the plan columns each firm's stored summary carries (batch.triage.add_plan) — computed when the
pool was scored, as of that day. Pools scored before the planner existed have no plan columns; they are
counted as such, never guessed.
"""

import datetime as dt
import os
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from engine.plan import load_plan_config
from engine.plan.config import PLAN_DIR
from engine.profile import today_in_china

NO_TOWN = ""


@cache
def town_targets() -> dict[str, Any]:
    folder = Path(os.environ.get("HNTE_PLAN_DIR") or PLAN_DIR)
    path = folder / "town-targets.yaml"
    if not path.exists():
        return {"targets": {}, "example": False, "note": None, "citation": None}
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def next_round(today: dt.date | None = None) -> dt.date:
    return load_plan_config().rounds.upcoming(today or today_in_china(), 1)[0]


def plan_view(firms: Iterable[Any], today: dt.date | None = None, limit: int = 200) -> dict[str, Any]:
    """`firms`: stored assessments (with `.summary`, `.town`, `.name`, `.firm_id`, `.verdict`)."""
    upcoming = next_round(today)
    following = load_plan_config().rounds.date_of(upcoming.year + 1)
    candidates: list[dict[str, Any]] = []
    towns: dict[str, dict[str, int]] = {}
    without_plan = 0
    for firm in firms:
        summary = firm.summary or {}
        if "plan_earliest_year" not in summary:
            without_plan += 1
            continue
        town = firm.town or NO_TOWN
        counts = towns.setdefault(town, {"eligible": 0, "feasible": 0, "following": 0, "later_or_never": 0})
        earliest = summary.get("plan_earliest_date")
        cost = summary.get("plan_cost")
        if earliest == upcoming.isoformat():
            counts["eligible" if not cost else "feasible"] += 1
            candidates.append({
                "firm_id": firm.firm_id, "name": firm.name, "town": firm.town, "verdict": firm.verdict,
                "cost": cost or 0, "first_steps": summary.get("plan_first_steps"),
            })
        elif earliest == following.isoformat():
            counts["following"] += 1
        else:
            counts["later_or_never"] += 1
    candidates.sort(key=lambda c: (c["cost"], c["name"]))
    targets_data = town_targets()
    targets = {str(k): v for k, v in (targets_data.get("targets") or {}).get(upcoming.year, {}).items()}
    forecast = []
    for town in sorted(set(towns) | set(targets)):
        counts = towns.get(town, {"eligible": 0, "feasible": 0, "following": 0, "later_or_never": 0})
        target = targets.get(town)
        with_coaching = counts["eligible"] + counts["feasible"]
        forecast.append({
            "town": town or None,
            **counts,
            "without_coaching": counts["eligible"],
            "with_coaching": with_coaching,
            "target": target,
            "short_of_target": None if target is None else max(target - with_coaching, 0),
        })
    return {
        "next_round": upcoming.isoformat(),
        "following_round": following.isoformat(),
        "candidates": candidates[:limit],
        "candidates_total": len(candidates),
        "feasible_total": sum(1 for c in candidates if c["cost"]),
        "eligible_total": sum(1 for c in candidates if not c["cost"]),
        "forecast": forecast,
        "without_plan": without_plan,
        "targets_example": bool(targets_data.get("example")),
        "targets_note": targets_data.get("note"),
        "targets_citation": targets_data.get("citation"),
    }
