"""`hnte assess`: the readable report in both languages, the contract JSON, exit codes."""

import json
from pathlib import Path

from tests.cases import base_profile
from tests.commands import hnte

EXAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "examples"


def test_chinese_report_by_default_shows_verdict_gap_and_remedy() -> None:
    run = hnte("assess", str(EXAMPLES / "rd-ratio-short.json"))
    assert run.returncode == 0, run.stderr
    out = run.stdout
    assert "暂不符合" in out  # the verdict label
    assert "研究开发费用占销售收入比例" in out and "✘ 未通过" in out
    assert "710" in out  # the extra R&D in 万元
    assert "第十一条（五）" in out  # the citation
    assert "本结果为申报前预诊断" in out  # the disclaimer


def test_english_report() -> None:
    run = hnte("assess", "--lang", "en", str(EXAMPLES / "young-firm-with-incident.json"))
    assert run.returncode == 0, run.stderr
    assert "Not eligible yet" in run.stdout
    assert "2025-09-01" in run.stdout and "2026-03-11" in run.stdout  # registration age and compliance dates
    assert "apply on or after" in run.stdout  # the compliance remedy, in English


def test_json_from_stdin_exits_0_for_a_failing_firm() -> None:
    profile = base_profile({"all_years": {"rd_expense": 10, "rd_expense_domestic": 10}})
    run = hnte("assess", "--format", "json", "-", stdin=json.dumps(profile))
    assert run.returncode == 0
    assessment = json.loads(run.stdout)
    assert assessment["verdict"] == "not_eligible"
    assert assessment["criteria"]["rd_expense_ratio"]["passed"] is False


def test_invalid_input_exits_2_with_every_field_on_stderr() -> None:
    profile = base_profile({"tech_domain": "biotech", "ip": {"class2": 1, "class2_used": 2}})
    run = hnte("assess", "--format", "json", "-", stdin=json.dumps(profile))
    assert run.returncode == 2
    assert run.stdout == ""
    assert "tech_domain" in run.stderr and "ip.class2_used" in run.stderr
    assert "取值应为以下之一" in run.stderr and "Must be one of" in run.stderr


def test_malformed_json_and_missing_file_exit_2() -> None:
    bad = hnte("assess", "-", stdin="{not json")
    assert bad.returncode == 2 and "JSON" in bad.stderr
    missing = hnte("assess", "/nonexistent/profile.json")
    assert missing.returncode == 2 and "cannot read" in missing.stderr
