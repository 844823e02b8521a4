"""`hnte plan` and `hnte what-if`: both languages, JSON, exit codes."""

import json

from tests.commands import hnte
from tests.plan.plan_cases import plan_profile


def test_plan_in_chinese_and_english_and_json() -> None:
    profile = json.dumps(plan_profile("growing", {"ip": {"class1": 0, "class2": 0}}))
    zh = hnte("plan", "--as-of", "2025-03-01", "--year", "2025", "-", stdin=profile)
    assert zh.returncode == 0, zh.stderr
    assert "最早可申报批次" in zh.stdout and "软件著作权" in zh.stdout and "2025-05-01" in zh.stdout
    en = hnte("plan", "--as-of", "2025-03-01", "--year", "2025", "--lang", "en", "-", stdin=profile)
    assert "Earliest feasible round" in en.stdout and "software copyright" in en.stdout
    out = hnte("plan", "--as-of", "2025-03-01", "--format", "json", "-", stdin=profile)
    plan = json.loads(out.stdout)
    assert plan["earliest_date"] == "2025-06-30"
    assert plan["candidates"][0]["steps"][0]["action"] == "software_copyright"


def test_plan_refuses_invalid_projections_with_exit_2() -> None:
    profile = plan_profile("growing", {"projections": [{"year": 2025, "staff_total": 5, "staff_sci_tech": 9}]})
    run = hnte("plan", "-", stdin=json.dumps(profile))
    assert run.returncode == 2
    assert "projections[" in run.stderr and "staff_sci_tech" in run.stderr


def test_what_if_sets_a_figure_and_shows_the_verdict_change() -> None:
    profile = json.dumps(plan_profile("growing", {}))
    run = hnte("what-if", "-", "--set", "years[2].rd_expense=10", "--set", "years[2].rd_expense_domestic=10",
               "--format", "json", stdin=profile)
    assert run.returncode == 0, run.stderr
    body = json.loads(run.stdout)
    assert body["delta"]["verdict"]["after"] == "not_eligible"
    text = hnte("what-if", "-", "--set", "years[2].rd_expense=10", "--set", "years[2].rd_expense_domestic=10",
                "--lang", "en", stdin=profile)
    assert "eligible → not_eligible" in text.stdout
    bad = hnte("what-if", "-", "--set", "nothing[3]=1", stdin=profile)
    assert bad.returncode == 2 and "changes[0].path" in bad.stderr


def test_plan_says_when_no_round_is_reachable_and_why() -> None:
    profile = json.dumps(plan_profile("growing", {"ip": {"advancement": None, "core_support": None}}))
    zh = hnte("plan", "--as-of", "2025-03-01", "-", stdin=profile)
    assert zh.returncode == 0, zh.stderr
    assert "截至 2027-06-30 批次均不可达" in zh.stdout and "自评" in zh.stdout
    en = hnte("plan", "--as-of", "2025-03-01", "--lang", "en", "-", stdin=profile)
    assert "Not reachable by the 2027-06-30 round" in en.stdout and "self-assessed grade" in en.stdout
