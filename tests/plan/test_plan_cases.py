"""The plan case files (fixtures/plans/): each expected subset holds, and every plan verifies as eligible —
checked again here by assessing the planned profile afresh through the engine."""

import pytest

from engine import Assessor, validate_profile
from engine.plan import Planner
from tests.plan.plan_cases import load_plan_cases, plan_mismatches

CASES = load_plan_cases()


@pytest.fixture(scope="module")
def planner(assessor: Assessor) -> Planner:
    return Planner(assessor)


@pytest.mark.parametrize("case", [c for _, c in CASES], ids=[name for name, _ in CASES])
def test_plan_case(case: dict, planner: Planner, assessor: Assessor) -> None:
    plan = planner.plan(validate_profile(case["profile"]), as_of=case["as_of"], years=case["years"])
    assert plan_mismatches(case["expected"], plan) == []
    for candidate in plan["candidates"]:
        if candidate["status"] in ("eligible", "feasible"):
            assert candidate["verified"] is True
            again = assessor.assess(validate_profile(candidate["planned_profile"]))
            assert again["verdict"] == "eligible", candidate["date"]
            assert candidate["cost"] == pytest.approx(sum(step["cost"] for step in candidate["steps"]))
        else:
            assert candidate["reasons"], candidate["date"]
            assert candidate["steps"] == [] and candidate["cost"] is None
