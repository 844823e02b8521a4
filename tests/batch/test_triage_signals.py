"""The triage signals agree with each other and read well: the coaching-candidate flag has its own name
and definition (not the verdict `borderline`), "n of 8 conditions met" leads, the shortfall counts have
no duplicates and put hard criteria first, reasons show formatted values, English headings English units."""

import re
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from batch import run_batch
from batch.triage import COACHING, COACHING_DEFINITION, borderline_reasons, hard_met, shortfall_counts, summarise
from batch.writers import result_columns
from engine import default_assessor, validate_profile
from engine.assessment import HARD_CRITERIA
from tests.batch.conftest import write_jsonl

CJK = re.compile(r"[\u3400-\u9fff]")
RAW_DECIMAL = re.compile(r"(?<![\d.])0\.\d{3,}")  # 0.0482: a ratio shown as its raw fraction


def assessments(profiles: list[dict[str, Any]]) -> list[dict[str, Any]]:
    assessor = default_assessor()
    return [assessor.assess(validate_profile(p)) for p in profiles]


def test_shortfalls_that_read_the_same_are_one_entry_and_hard_criteria_come_first() -> None:
    counted = [
        ("innovation_score/ip.advancement:advancement_low", 24),
        ("innovation_score:innovation_low", 35),
        ("innovation_score/ip.advancement:advancement_unassessed", 6),
        ("high_tech_revenue_share:high_tech_revenue_share_low", 21),
        ("innovation_score:innovation_borderline", 4),
        ("rd_expense_ratio:rd_expense_ratio_low", 13),
        ("rd_expense_ratio:missing_data", 1),
        ("innovation_score/rd_management.system:rd_management_gap", 33),
    ]
    entries = shortfall_counts(counted)
    labels = [e.label["zh"] for e in entries]
    assert len(labels) == len(set(labels))  # no duplicates
    groups = [e.group for e in entries]
    assert groups == sorted(groups, key=lambda g: g != "hard")  # every hard criterion before any score item
    hard = [e for e in entries if e.group == "hard"]
    assert [e.count for e in hard] == sorted((e.count for e in hard), reverse=True)
    assert {e.label["zh"]: e.count for e in entries}["技术的先进程度"] == 30  # 24 low + 6 unassessed
    first_item = next(e for e in entries if e.group == "innovation")
    assert first_item.label["zh"] == "企业创新能力评价" and first_item.count == 39  # the score itself leads
    assert any("缺少数据" in label for label in labels)  # missing data stays apart: it is another remedy


def test_coaching_reasons_show_percent_and_money_not_raw_decimals(profiles: list[dict[str, Any]]) -> None:
    reasons = [r for a in assessments(profiles) for r in borderline_reasons(a)]
    near = [r for r in reasons if "10%" in r["zh"]]
    assert near, "the pool has firms near a threshold"
    for reason in near:
        assert not RAW_DECIMAL.search(reason["zh"]) and not RAW_DECIMAL.search(reason["en"]), reason
    ratios = [r for r in near if "占" in r["zh"] or "比例" in r["zh"]]
    assert ratios and all(re.search(r"\d%，距门槛 \d+(\.\d+)?%", r["zh"]) for r in ratios), ratios


def test_n_of_8_counts_the_hard_criteria_met(profiles: list[dict[str, Any]]) -> None:
    assert len(HARD_CRITERIA) == 8
    for row, assessment in enumerate(assessments(profiles[:20]), start=2):
        summary = summarise(row, assessment)
        expected = sum(1 for c in HARD_CRITERIA if assessment["criteria"][c]["passed"] is True)
        assert summary.hard_met == hard_met(summary.outcomes) == expected


def test_the_workbook_leads_with_conditions_met_and_names_the_flag(
    profiles: list[dict[str, Any]], tmp_path: Path
) -> None:
    columns = result_columns()
    headings = [c.en for c in columns]
    assert headings.index("Hard criteria met (of 8)") < headings.index("Readiness")
    assert not [h for h in headings if CJK.search(h)], "English headings carry English units"
    assert {"Gap (10,000 CNY)", "Gap (persons)", "Gap (items)", "Gap (points)"} <= set(headings)

    output = tmp_path / "result.xlsx"
    run_batch(write_jsonl(tmp_path / "firms.jsonl", profiles), output, workers=1)
    book = load_workbook(output, read_only=True)
    results = list(book["结果 Results"].iter_rows(values_only=True))
    assert not [h for h in results[1] if h and CJK.search(h)]  # the English heading row
    met_column = results[1].index("Hard criteria met (of 8)")
    assert {row[met_column] for row in results[2:]} <= set(range(9))
    summary = [[cell for cell in row if cell is not None] for row in book["汇总 Summary"].iter_rows(values_only=True)]
    text = "\n".join(" ".join(str(c) for c in row) for row in summary)
    assert f"{COACHING.zh} {COACHING.en}" in text
    assert COACHING_DEFINITION.zh in text and COACHING_DEFINITION.en in text
    assert "临界企业" not in text
    start = next(i for i, row in enumerate(summary) if row and str(row[0]).startswith("最常见的不足"))
    groups = [row[0] for row in summary[start + 1 : start + 40] if len(row) == 1 and not str(row[0]).startswith(" ")]
    assert groups[:2] == ["硬性条件 Hard criteria", "创新能力评价及其评分项 Innovation score and its items"]
    listed = [str(row[0]).strip() for row in summary[start + 1 :] if row and str(row[0]).startswith("  ")]
    assert len(listed) == len(set(listed))
