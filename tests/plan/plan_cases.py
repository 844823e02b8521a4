"""The plan case files of fixtures/plans/: a base of fixtures/cases/_bases.yaml, the plan base, the case."""

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

from tests.cases import _jsonable, load_bases, merge

PLANS_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "plans"


def plan_bases() -> dict[str, Any]:
    return yaml.safe_load((PLANS_DIR / "_bases.yaml").read_text(encoding="utf-8"))


def plan_profile(base: str, changes: dict[str, Any]) -> dict[str, Any]:
    plan_base = plan_bases()[base]
    merged = merge(merge(load_bases()[plan_base["base"]], plan_base["input"]), changes)
    projections = changes.get("projections")
    if projections is not None:  # projections merge by year too
        by_year = {p["year"]: p for p in merge(load_bases()[plan_base["base"]], plan_base["input"])["projections"]}
        for entry in projections:
            by_year[entry["year"]] = {**by_year.get(entry["year"], {}), **entry}
        merged["projections"] = list(by_year.values())
    return _jsonable(merged)


def load_plan_cases() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for path in sorted(PLANS_DIR.glob("*.yaml")):
        if path.name.startswith("_"):
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in data["cases"]:
            as_of = case.get("as_of", data.get("as_of"))
            found.append((f"{path.stem}: {case['name']}", {
                "profile": plan_profile(case.get("base", data["base"]), case.get("input") or {}),
                "as_of": as_of if isinstance(as_of, dt.date) else dt.date.fromisoformat(str(as_of)),
                "years": case.get("years"),
                "expected": _jsonable(case["expected"]),
            }))
    return found


def plan_mismatches(expected: dict[str, Any], plan: dict[str, Any]) -> list[str]:
    found: list[str] = []
    for key, value in expected.items():
        if key == "candidates":
            by_date = {c["date"]: c for c in plan["candidates"]}
            for want in value:
                got = by_date.get(want["date"])
                if got is None:
                    found.append(f"no candidate {want['date']}")
                    continue
                found += [f"{want['date']}: {m}" for m in _candidate(want, got)]
        elif plan.get(key) != value:
            found.append(f"{key}: expected {value!r}, got {plan.get(key)!r}")
    return found


def _subset(want: Any, got: Any, path: str) -> list[str]:
    if isinstance(want, dict):
        if not isinstance(got, dict):
            return [f"{path}: expected a mapping, got {got!r}"]
        return [m for k, v in want.items() for m in _subset(v, got.get(k), f"{path}.{k}")]
    if isinstance(want, float | int) and isinstance(got, float | int) and not isinstance(want, bool):
        return [] if abs(want - got) < 1e-9 else [f"{path}: expected {want!r}, got {got!r}"]
    return [] if want == got else [f"{path}: expected {want!r}, got {got!r}"]


def _candidate(want: dict[str, Any], got: dict[str, Any]) -> list[str]:
    found: list[str] = []
    for key, value in want.items():
        if key == "reasons_include":
            codes = {r["code"] for r in got["reasons"]}
            found += [f"reason {code} missing (got {sorted(codes)})" for code in value if code not in codes]
        elif key == "reasons":
            for reason in value:
                if not any(not _subset(reason, r, "") for r in got["reasons"]):
                    found.append(f"no reason like {reason} in {got['reasons']}")
        elif key == "least":
            for item in value:
                if not any(not _subset(item, g, "") for g in got["least"]):
                    found.append(f"no least like {item} in {got['least']}")
        elif key == "steps":
            if len(value) != len(got["steps"]):
                found.append(f"steps: expected {len(value)}, got {[s['action'] for s in got['steps']]}")
            else:
                for index, (w, g) in enumerate(zip(value, got["steps"], strict=True)):
                    found += _subset(w, g, f"steps[{index}]")
        else:
            found += _subset(value, got.get(key), key)
    return found
