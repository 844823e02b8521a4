"""The template a person fills in, and `hnte template` / `hnte batch` end to end."""

import subprocess
import sys
from pathlib import Path

from openpyxl import load_workbook

from batch.columns import COLUMNS
from batch.scoring import EXAMPLE_MARK

HNTE = [sys.executable, "-m", "cli.main"]
ROOT = Path(__file__).resolve().parents[2]


def hnte(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*HNTE, *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_the_template_has_headings_keys_validation_and_an_example(tmp_path: Path) -> None:
    result = hnte("template", "-o", str(tmp_path / "pool.xlsx"))
    assert result.returncode == 0, result.stderr
    book = load_workbook(tmp_path / "pool.xlsx")
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[3]] == [c.key for c in COLUMNS]
    assert sheet.cell(row=2, column=1).value.startswith("企业名称")
    groups = [str(r) for r in sheet.merged_cells.ranges]
    assert len(groups) >= 5  # company, three accounting years, IP, R&D management, incidents
    assert (
        sheet.cell(row=1, column=[c.key for c in COLUMNS].index("years[1].year") + 1).value
        == "会计年度 2 Accounting year 2"
    )
    assert sheet.cell(row=4, column=1).value.startswith(EXAMPLE_MARK)
    lists = [v.formula1 for v in sheet.data_validations.dataValidation if v.type == "list"]
    assert '"是,否"' in lists and any("电子信息" in f for f in lists)
    assert any(v.type == "date" for v in sheet.data_validations.dataValidation)


def test_a_person_fills_the_template_and_gets_a_workbook_for_every_row(tmp_path: Path) -> None:
    assert hnte("template", "-o", str(tmp_path / "pool.xlsx")).returncode == 0
    book = load_workbook(tmp_path / "pool.xlsx")
    sheet = book.worksheets[0]
    example = [c.value for c in sheet[4]]
    keys = [c.key for c in COLUMNS]
    firm = list(example)
    firm[keys.index("company.name")] = "通州湾新材料有限公司"
    firm[keys.index("company.credit_code")] = None
    firm[keys.index("years[2].rd_expense")] = 200  # the R&D ratio drops below its tier's 4%
    firm[keys.index("years[2].rd_expense_domestic")] = 200
    broken = list(firm)
    broken[keys.index("company.name")] = "坏数据公司"
    broken[keys.index("years[0].sales_revenue")] = "约八千"
    for offset, values in enumerate([firm, broken]):
        for index, value in enumerate(values, start=1):
            sheet.cell(row=5 + offset, column=index, value=value)
    book.save(tmp_path / "filled.xlsx")
    result = hnte("batch", str(tmp_path / "filled.xlsx"), "-o", str(tmp_path / "out.xlsx"), "--quiet")
    assert result.returncode == 0, result.stderr
    assert "1 firms assessed, 2 rows with errors" in result.stderr
    out = load_workbook(tmp_path / "out.xlsx", read_only=True)
    results = list(out["结果 Results"].iter_rows(min_row=3, values_only=True))
    assert [(r[0], r[1], r[5]) for r in results] == [(5, "通州湾新材料有限公司", "not_eligible")]
    errors = list(out["错误 Errors"].iter_rows(min_row=3, values_only=True))
    assert [(e[0], e[2]) for e in errors] == [(4, "company.name"), (6, "years[0].sales_revenue")]


def test_batch_refuses_an_unreadable_file_with_exit_2(tmp_path: Path) -> None:
    (tmp_path / "broken.xlsx").write_bytes(b"not a zip")
    result = hnte("batch", str(tmp_path / "broken.xlsx"), "-o", str(tmp_path / "out.xlsx"))
    assert result.returncode == 2
    assert "无法读取该 Excel 文件" in result.stderr and "Cannot read this Excel file" in result.stderr
