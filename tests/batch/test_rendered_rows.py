"""Workbook rows rendered in the scoring processes (batch.writers.render_outcome) and copied by the parent
read back whole: the results row, a coaching candidate's line of the summary sheet, a bad row's errors."""

from pathlib import Path

from openpyxl import load_workbook

from batch import run_batch
from batch.triage import summarise
from engine import default_assessor, validate_profile
from tests.batch.conftest import write_jsonl
from tests.hostile.files import firms


def test_rows_rendered_in_the_scoring_processes_read_back_whole(tmp_path: Path) -> None:
    """Results, coaching lines and error rows are rendered where the rows are scored and copied by the parent:
    names with a line feed, XML's special characters and formula-like text read back exactly."""
    profiles = firms(40, seed=3)
    names = ["甲\n乙 <&> 公司", "=HYPERLINK(1)", "+连字 “引号”", "R&D\n\n有限公司"]
    coaching = [
        p for p in profiles if summarise(2, default_assessor().assess_many([validate_profile(p)])[0]).borderline
    ]
    assert len(coaching) >= len(names)
    for profile, name in zip(coaching, names, strict=False):
        profile["company"]["name"] = name
    bad = firms(3, seed=4)
    for profile, name in zip(bad, names, strict=False):
        profile["company"]["name"] = name
        profile["years"][0]["sales_revenue"] = "many"
    source = tmp_path / "in.jsonl"
    write_jsonl(source, profiles + bad)
    report = run_batch(source, tmp_path / "out.xlsx", workers=1)
    assert (report.assessed, report.invalid) == (40, 3)
    book = load_workbook(tmp_path / "out.xlsx", read_only=True)
    firms_column = [row[1] for row in book["结果 Results"].iter_rows(min_row=3, values_only=True)]
    assert firms_column == [p["company"]["name"] for p in profiles]
    summary = [row for row in book["汇总 Summary"].iter_rows(values_only=True) if row and row[0] is not None]
    listed = {row[1] for row in summary if isinstance(row[0], int)}  # the coaching list: row, firm, …
    assert set(names) <= listed
    errors = [row for row in book["错误 Errors"].iter_rows(min_row=3, values_only=True)]
    assert {row[1] for row in errors} == set(names[:3]) and all(row[2] for row in errors)
