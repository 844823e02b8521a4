"""Properties of the engine over generated profiles (hypothesis), through real durable-rules."""

import copy
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import Assessor, validate_profile
from tests.strategies import ANSWERS, profiles

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
GRADES = ["E", "D", "C", "B", "A"]


def _years(profile: dict[str, Any]) -> list[dict[str, Any]]:
    return profile["years"]


def more_rd(profile: dict[str, Any], amount: Decimal) -> None:
    """More R&D, all of it in China: the R&D ratio and the domestic share both rise."""
    for entry in _years(profile):
        if "rd_expense" in entry and "rd_expense_domestic" in entry:
            entry["rd_expense"] += amount
            entry["rd_expense_domestic"] += amount


def more_sci_tech_staff(profile: dict[str, Any], amount: Decimal) -> None:
    for entry in _years(profile):
        if "staff_sci_tech" in entry and "staff_total" in entry:
            entry["staff_sci_tech"] = min(entry["staff_total"], entry["staff_sci_tech"] + int(amount))


def more_high_tech_revenue(profile: dict[str, Any], amount: Decimal) -> None:
    for entry in _years(profile):
        if "high_tech_revenue" in entry and "total_revenue" in entry:
            entry["high_tech_revenue"] = min(entry["total_revenue"], entry["high_tech_revenue"] + amount)


def more_transformations(profile: dict[str, Any], amount: Decimal) -> None:
    for entry in _years(profile):
        entry["achievements_transformed"] = entry.get("achievements_transformed", 0) + int(amount) % 4


def more_class1(profile: dict[str, Any], amount: Decimal) -> None:
    profile["ip"]["class1"] += 1 + int(amount) % 3


def more_class2(profile: dict[str, Any], amount: Decimal) -> None:
    profile["ip"]["class2"] += 1 + int(amount) % 6


def better_grades(profile: dict[str, Any], amount: Decimal) -> None:
    for key in ("advancement", "core_support"):
        grade = profile["ip"][key]
        if grade is not None:
            profile["ip"][key] = GRADES[min(GRADES.index(grade) + 1 + int(amount) % 2, 4)]


def yes_answers(profile: dict[str, Any], amount: Decimal) -> None:
    for name in ANSWERS[int(amount) % 9 :]:
        profile["rd_management"][name] = True


def fewer_incidents(profile: dict[str, Any], amount: Decimal) -> None:
    profile["incidents"] = profile["incidents"][1:]


def better_ip_facts(profile: dict[str, Any], amount: Decimal) -> None:
    profile["ip"]["standards"] = True
    profile["ip"]["self_developed"] = True
    profile["ip"]["supports_main_products"] = True


IMPROVEMENTS: list[Callable[[dict[str, Any], Decimal], None]] = [
    more_rd,
    more_sci_tech_staff,
    more_high_tech_revenue,
    more_transformations,
    more_class1,
    more_class2,
    better_grades,
    yes_answers,
    fewer_incidents,
    better_ip_facts,
]


@SETTINGS
@given(
    profile=profiles(),
    improve=st.sampled_from(IMPROVEMENTS),
    amount=st.decimals(min_value=Decimal("0.0001"), max_value=500, places=4),
)
def test_readiness_never_falls_when_an_input_improves(
    assessor: Assessor, profile: dict[str, Any], improve: Callable[[dict[str, Any], Decimal], None], amount: Decimal
) -> None:
    better = copy.deepcopy(profile)
    improve(better, amount)
    before = assessor.assess(validate_profile(profile))
    after = assessor.assess(validate_profile(better))
    assert after["readiness"] >= before["readiness"], (improve.__name__, before["readiness"], after["readiness"])
    assert after["innovation"]["min"] >= before["innovation"]["min"]
    assert after["innovation"]["max"] >= before["innovation"]["max"]


@SETTINGS
@given(profile=profiles())
def test_verdict_and_ranges_are_consistent(assessor: Assessor, profile: dict[str, Any]) -> None:
    assessment = assessor.assess(validate_profile(profile))
    passed = [c["passed"] for c in assessment["criteria"].values()]
    if assessment["verdict"] == "eligible":
        assert all(p is True for p in passed)
    if False in passed:
        assert assessment["verdict"] == "not_eligible"
    innovation = assessment["innovation"]
    assert 0 <= innovation["min"] <= innovation["max"] <= 100
    for indicator in innovation["indicators"].values():
        assert 0 <= indicator["min"] <= indicator["max"] <= indicator["max_points"]
        for item in indicator.get("items", {}).values():
            assert item["min"] <= item["max"]
    assert 0 <= assessment["readiness"] <= 100
    assert (assessment["readiness"] == 100) <= (assessment["verdict"] == "eligible")
