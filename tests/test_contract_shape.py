"""The shape contract.md fixes, checked on a synthetic pool through the real engine."""

from typing import Any

import pytest

from engine import Assessor, validate_profile
from fixtures.generator import pool

CRITERIA = {
    "registration_age",
    "core_ip",
    "tech_domain",
    "sci_tech_staff_ratio",
    "rd_expense_ratio",
    "rd_domestic_share",
    "high_tech_revenue_share",
    "innovation_score",
    "compliance",
}
ITEMS = {
    "ip": {"advancement", "core_support", "quantity", "acquisition", "standards"},
    "rd_management": {"system", "institution", "transformation_mechanism", "talent"},
    "growth": {"net_assets", "sales"},
}


@pytest.fixture(scope="module")
def assessments(assessor: Assessor) -> list[dict[str, Any]]:
    return assessor.assess_many([validate_profile(p) for p in pool(400, seed=7)])


def test_every_assessment_has_the_contract_fields(assessments: list[dict[str, Any]]) -> None:
    for a in assessments:
        assert a["contract"] == "1"
        assert a["rules_version"] == "hnte-national-2016@1"
        assert set(a["criteria"]) == CRITERIA
        for entry in a["criteria"].values():
            assert {"passed", "actual", "threshold", "gap", "citation", "message"} <= entry.keys()
            assert entry["passed"] in (True, False, None)
            assert entry["citation"] and entry["message"]["zh"] and entry["message"]["en"]
        indicators = a["innovation"]["indicators"]
        assert set(indicators) == {"ip", "transformation", "rd_management", "growth"}
        for name, items in ITEMS.items():
            assert set(indicators[name]["items"]) == items
        assert a["innovation"]["min"] == sum(i["min"] for i in indicators.values())
        assert a["innovation"]["max"] == sum(i["max"] for i in indicators.values())
        assert 0 <= a["readiness"] <= 100
        for shortfall in a["shortfalls"]:
            assert shortfall["remediation"]["zh"] and shortfall["remediation"]["en"]


def test_verdict_follows_the_contract_rule(assessments: list[dict[str, Any]]) -> None:
    for a in assessments:
        passed = {k: v["passed"] for k, v in a["criteria"].items()}
        if False in passed.values():
            expected = "not_eligible"
        elif any(v is None for k, v in passed.items() if k != "innovation_score"):
            expected = "incomplete"
        elif passed["innovation_score"] is None:
            expected = "borderline"
        else:
            expected = "eligible"
        assert a["verdict"] == expected


def test_every_failing_or_unknown_criterion_has_a_shortfall(assessments: list[dict[str, Any]]) -> None:
    for a in assessments:
        named = {s["criterion"] for s in a["shortfalls"]}
        for key, entry in a["criteria"].items():
            if entry["passed"] is not True:
                assert key in named, (key, a["company"]["name"])


def test_batch_and_single_assessment_agree(assessor: Assessor) -> None:
    profiles = [validate_profile(p) for p in pool(60, seed=11)]
    assert assessor.assess_many(profiles) == [assessor.assess(p) for p in profiles]
