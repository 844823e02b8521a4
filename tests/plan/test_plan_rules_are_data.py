"""The planner holds no policy: its thresholds come from the pack in force, its prices from rules/plan/."""

import datetime as dt
import re
from pathlib import Path

from engine import Assessor, load_packs, validate_profile
from engine.plan import Planner, load_plan_config
from engine.plan.config import PlanConfig
from tests.plan.plan_cases import plan_profile

POLICY_NUMBERS = re.compile(
    r"(?<![\w.])(0\.05|0\.04|0\.03|0\.6|0\.60|0\.1|0\.10|0\.35|0\.25|0\.15|365|366|183|71|70|5000|20000)(?![\w.])"
)
AS_OF = dt.date(2025, 3, 1)


def test_no_policy_number_lives_in_the_planner() -> None:
    found = []
    for path in (Path(__file__).resolve().parents[2] / "engine" / "plan").glob("*.py"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if '"""' in code or code.strip().startswith(('"', "'")):
                continue
            if POLICY_NUMBERS.search(code):
                found.append(f"{path.name}:{number}: {line.strip()}")
    assert found == []


def _national(**overrides: object) -> Assessor:
    pack = next(p for p in load_packs() if p.family == "hnte-national")
    return Assessor([pack.with_overrides(overrides) if overrides else pack])


def test_a_lower_pass_mark_in_the_pack_makes_an_unreachable_firm_reachable() -> None:
    profile = validate_profile(plan_profile("growing", {"ip": {"advancement": None, "core_support": None}}))
    as_shipped = Planner(_national()).plan(profile, as_of=AS_OF, years=[2025])
    assert as_shipped["candidates"][0]["status"] == "not_reachable"
    lowered = Planner(_national(pass_mark=60)).plan(profile, as_of=AS_OF, years=[2025])
    assert lowered["candidates"][0]["status"] in ("eligible", "feasible")
    assert lowered["candidates"][0]["verified"]


def test_a_higher_staff_threshold_in_the_pack_asks_for_more_hires() -> None:
    # the 2026 round's latest year 2025 is open: hires fix a low S&T share
    profile = validate_profile(plan_profile("growing", {"projections": [{"year": 2025, "staff_sci_tech": 8}]}))
    hires = {}
    for share in (0.10, 0.15):
        plan = Planner(_national(min_sci_tech_staff_ratio=share)).plan(profile, as_of=AS_OF, years=[2026])
        candidate = plan["candidates"][0]
        assert candidate["verified"], candidate["reasons"]
        hires[share] = sum(s["quantity"] for s in candidate["steps"] if s["action"] == "sci_tech_hire")
    assert 0 < hires[0.10] < hires[0.15]


def test_prices_come_from_the_cost_model() -> None:
    profile = validate_profile(plan_profile("growing", {"ip": {"class1": 0, "class2": 0}}))
    config = load_plan_config()
    kinds = dict(config.levers.ip_kinds)
    kinds["software_copyright"] = kinds["software_copyright"].model_copy(update={"price": 9.0})
    dearer = PlanConfig(rounds=config.rounds,
                        levers=config.levers.model_copy(update={"ip_kinds": kinds}))
    plan = Planner(_national(), dearer).plan(profile, as_of=AS_OF, years=[2025])
    step = plan["candidates"][0]["steps"][0]
    assert step["action"] == "software_copyright" and step["cost"] == 9


def test_explicit_dates_before_the_planning_date_are_out_of_reach_and_said_so() -> None:
    profile = validate_profile(plan_profile("growing", {}))
    plan = Planner(_national()).plan(profile, as_of=AS_OF, dates=[dt.date(2024, 6, 30), dt.date(2025, 6, 30)])
    passed, upcoming = plan["candidates"]
    assert passed["status"] == "not_reachable" and passed["reasons"][0]["code"] == "round_passed"
    assert upcoming["status"] == "eligible" and plan["earliest_date"] == "2025-06-30"
