"""Minimality: on a small grid of the discrete levers, brute force through the engine finds no eligible
combination cheaper than the plan — and finds one whenever the plan says the round is out of reach.

The grid is built from the cost model (rules/plan/levers.yaml) like the planner's levers: the Class II kind
and the measures that can be in place before the round, the standards bonus, transformations in the open
year. Every grid point is assessed by the real engine, independently of the planner's own arithmetic.
"""

import datetime as dt
import itertools
from decimal import Decimal

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from engine import Assessor, validate_profile
from engine.plan import Planner, load_plan_config
from tests.plan.plan_cases import plan_profile

AS_OF = dt.date(2025, 3, 1)
ROUND = dt.date(2026, 6, 30)
OPEN_YEAR = 2025
MAX_IP = 5
MAX_TRANSFORMATIONS = 12
GRID_ACTIONS = {"software_copyright": MAX_IP, "standards": 1, "transformation": MAX_TRANSFORMATIONS}
ANSWERS = ("rd_org_system", "rd_accounting_system", "rd_aux_accounts", "rd_institution",
           "industry_university_research", "transformation_incentives", "open_innovation_platform",
           "talent_training", "talent_incentives")


def firm(class1: int, class2: int, advancement: str, core_support: str, standards: bool, missing: list[str],
         per_year: int) -> dict:
    return plan_profile("growing", {
        "ip": {"class1": class1, "class2": class2, "advancement": advancement, "core_support": core_support,
               "standards": standards},
        "rd_management": {name: name not in missing for name in ANSWERS},
        "all_years": {"achievements_transformed": per_year},
        "projections": [{"year": 2025, "achievements_transformed": per_year},
                        {"year": 2026, "achievements_transformed": per_year}],
    })


@st.composite
def firms(draw: st.DrawFn) -> dict:
    missing = draw(st.lists(st.sampled_from(ANSWERS), min_size=0, max_size=4, unique=True))
    return firm(draw(st.integers(0, 1)), draw(st.integers(0, 3)), draw(st.sampled_from("ABC")),
                draw(st.sampled_from("ABC")), draw(st.booleans()), missing, draw(st.integers(0, 5)))


def _grid(data: dict) -> list[tuple[Decimal, dict]]:
    """(cost, changed profile) for every grid point, costs from the cost model."""
    levers = load_plan_config().levers
    days = (ROUND - AS_OF).days
    class2 = min(Decimal(str(k.price)) for k in levers.ip_kinds.values() if k.class_ == "class2"
                  and k.lead_days <= days)
    standards = [False, True] if not data["ip"].get("standards") and levers.standards.lead_days <= days else [False]
    measures = [n for n in ANSWERS if not data["rd_management"][n]
                and levers.rd_management.measures[n].lead_days <= days]
    points = []
    for extra_ip, std, extra_t in itertools.product(range(MAX_IP + 1), standards, range(MAX_TRANSFORMATIONS + 1)):
        for count in range(len(measures) + 1):
            for chosen in itertools.combinations(measures, count):
                cost = class2 * extra_ip + (Decimal(str(levers.standards.price)) if std else 0)
                cost += Decimal(str(levers.transformation.price)) * extra_t
                cost += sum((Decimal(str(levers.rd_management.measures[n].price)) for n in chosen), Decimal(0))
                changed = {**data, "application_date": ROUND.isoformat(),
                           "ip": {**data["ip"], "class2": data["ip"]["class2"] + extra_ip,
                                  "standards": data["ip"].get("standards") or std,
                                  "self_developed": True},
                           "rd_management": {**data["rd_management"], **{n: True for n in chosen}}}
                changed["projections"] = [
                    {**p, "achievements_transformed": p["achievements_transformed"] + extra_t}
                    if p["year"] == OPEN_YEAR else p for p in data["projections"]
                ]
                points.append((cost, changed))
    return points


def _as_assessed(changed: dict) -> dict:
    """The grid profile as the engine sees it on the round's date: the open year's projection as its figures."""
    projected = {p["year"]: p for p in changed["projections"]}
    years = [y for y in changed["years"] if y["year"] not in projected]
    closed_2024 = next(y for y in changed["years"] if y["year"] == 2024)
    years.append({**closed_2024, **projected[OPEN_YEAR]})
    return {**changed, "years": years, "projections": []}


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=firms())
# firms that surely need levers: no IP at all (core IP and points), few transformations, measures missing
@example(data=firm(0, 0, "B", "B", False, ["rd_institution", "talent_training"], 2))
@example(data=firm(0, 0, "A", "B", False, ["talent_training"], 4))
@example(data=firm(0, 2, "C", "B", True, ["rd_org_system", "industry_university_research", "talent_incentives"], 3))
def test_no_cheaper_grid_point_is_eligible(data: dict, assessor: Assessor) -> None:
    plan = Planner(assessor).plan(validate_profile(data), as_of=AS_OF, dates=[ROUND])
    candidate = plan["candidates"][0]
    grid = _grid(data)
    assessed = assessor.assess_many([validate_profile(_as_assessed(changed)) for _, changed in grid])
    eligible = [cost for (cost, _), a in zip(grid, assessed, strict=True) if a["verdict"] == "eligible"]
    if candidate["status"] in ("eligible", "feasible"):
        assert candidate["verified"]
        plan_cost = Decimal(str(candidate["cost"]))
        assert all(cost >= plan_cost for cost in eligible), (min(eligible), candidate)
        on_grid = all(
            step["action"].startswith("rd_management.") or step["quantity"] <= GRID_ACTIONS.get(step["action"], -1)
            for step in candidate["steps"]
        )
        if on_grid:  # the plan is itself a grid point: brute force must find it eligible, at the same cost
            assert eligible and min(eligible) == plan_cost, (candidate["steps"], eligible and min(eligible))
    else:
        assert eligible == [], (candidate["reasons"], min(eligible))
