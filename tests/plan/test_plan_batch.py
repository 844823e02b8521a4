"""The batch workbook's plan columns: earliest round year, plan cost, first steps in both languages."""

import json
from pathlib import Path

from openpyxl import load_workbook

from tests.commands import hnte
from tests.plan.plan_cases import plan_profile


def test_results_sheet_has_the_plan_columns(tmp_path: Path) -> None:
    source = tmp_path / "pool.jsonl"
    firms = [plan_profile("growing", {}), plan_profile("growing", {"ip": {"advancement": None, "core_support": None}})]
    source.write_text("\n".join(json.dumps(f, ensure_ascii=False) for f in firms) + "\n", encoding="utf-8")
    target = tmp_path / "result.xlsx"
    run = hnte("batch", str(source), "-o", str(target))
    assert run.returncode == 0, run.stderr
    sheet = load_workbook(target, read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header = next(r for r in rows if r and "最早可申报年度" in [str(c).split("\n")[0] for c in r if c])
    names = [str(c).split("\n")[0] if c else "" for c in header]
    for column in ("最早可申报年度", "规划成本（万元）", "首要措施", "First steps"):
        assert column in names, names
    body = rows[rows.index(header) + 1 :][:2]
    first_steps = names.index("首要措施")
    assert all(row[first_steps] for row in body)  # steps, "no step needed", or why no round is reachable
