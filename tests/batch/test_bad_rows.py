"""A file with bad rows: the good rows score, each bad row is reported (row, column, both languages)."""

import datetime as dt
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from batch import InputRefused, run_batch
from batch.columns import COLUMNS, column_letter
from batch.template import flatten, spreadsheet_value
from tests.batch.conftest import read_jsonl, write_jsonl

KEYS = [c.key for c in COLUMNS]


def cells_of(profile: dict[str, Any], **overrides: Any) -> list[Any]:
    flat = flatten(profile)
    flat.update(overrides)
    return [spreadsheet_value(c, flat.get(c.key)) if c.key not in overrides else overrides[c.key] for c in COLUMNS]


def workbook_with(path: Path, rows: list[list[Any]]) -> Path:
    """A workbook as a person's Excel would hold it (openpyxl, not our own writer)."""
    book = Workbook()
    sheet = book.active
    sheet.append([c.zh for c in COLUMNS])
    sheet.append(KEYS)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def errors_by_row(lines: list[dict[str, Any]]) -> dict[int, list[dict[str, Any]]]:
    return {line["row"]: line["errors"] for line in lines if "errors" in line}


@pytest.fixture()
def bad_file(tmp_path: Path, profiles) -> Path:
    good = profiles[:3]
    rows = [
        cells_of(good[0]),  # row 3: good
        cells_of(good[1], **{"years[0].staff_total": "一百二十"}),  # 4: Chinese text in a number cell
        cells_of(good[1], **{"company.registered_on": None}),  # 5: a required field missing
        cells_of(good[1], **{"ip.class1": 2.5, "ip.self_developed": "maybe"}),  # 6: wrong types
        cells_of(good[1], **{"years[1].sales_revenue": "=SUM(A1:A9)"}),  # 7: a formula
        [None] * len(COLUMNS),  # 8: empty (skipped)
        cells_of(good[2]) + [None] * (300 - len(COLUMNS) - 1) + ["stray"],  # 9: 300 columns
        cells_of(  # 10: no rule pack in force on the application date
            good[1], **{"application_date": dt.datetime(2015, 12, 30), "company.registered_on": dt.datetime(2010, 1, 4)}
        ),
        cells_of(good[2]),  # 11: good
    ]
    return workbook_with(tmp_path / "bad.xlsx", rows)


def test_bad_rows_are_reported_and_good_rows_still_score(tmp_path: Path, bad_file: Path) -> None:
    report = run_batch(bad_file, tmp_path / "out.jsonl", workers=0)
    lines = read_jsonl(tmp_path / "out.jsonl")
    assert [line["row"] for line in lines] == [3, 4, 5, 6, 7, 9, 10, 11]
    assert report.empty_rows == 1 and report.assessed == 2 and report.invalid == 6
    assert "assessment" in lines[0] and "assessment" in lines[-1]
    errors = errors_by_row(lines)
    fields = {row: [e["field"] for e in found] for row, found in errors.items()}
    assert fields[4] == ["years[0].staff_total"]
    assert "一百二十" in errors[4][0]["message"]["zh"] and "Must be a number" in errors[4][0]["message"]["en"]
    assert fields[5] == ["company.registered_on"]
    assert sorted(fields[6]) == ["ip.class1", "ip.self_developed"]
    assert fields[7] == ["years[1].sales_revenue"] and "公式" in errors[7][0]["message"]["zh"]
    assert fields[9] == ["(row)"] and "300" in errors[9][0]["message"]["en"]
    assert fields[10] == ["application_date"] and "2015-12-30" in errors[10][0]["message"]["zh"]
    for found in errors.values():
        assert set(found[0]) == {"field", "message"} and found[0]["message"]["zh"] and found[0]["message"]["en"]


def test_the_errors_sheet_names_row_column_and_reason(tmp_path: Path, bad_file: Path) -> None:
    run_batch(bad_file, tmp_path / "out.xlsx", workers=0)
    book = load_workbook(tmp_path / "out.xlsx", read_only=True)
    errors = list(book["错误 Errors"].iter_rows(min_row=3, values_only=True))
    by_field = {(row[0], row[2]): row for row in errors}
    staff = by_field[(4, "years[0].staff_total")]
    assert staff[3] == column_letter(KEYS.index("years[0].staff_total"))
    assert staff[4].startswith("职工总数") and "一百二十" in staff[5] and "Must be a number" in staff[6]
    assert {row[0] for row in errors} == {4, 5, 6, 7, 9, 10}
    results = list(book["结果 Results"].iter_rows(min_row=3, values_only=True))
    assert [row[0] for row in results] == [3, 11]
    summary = [row for row in book["汇总 Summary"].iter_rows(values_only=True)]
    assert ("跳过的空行 Empty rows skipped", 1) in [row[:2] for row in summary]
    assert ("有错误的行 Rows with errors（见「错误」表 see Errors）", 6) in [row[:2] for row in summary]


def test_formula_like_text_is_written_as_text_never_as_a_formula(tmp_path: Path, profiles) -> None:
    names = ['=HYPERLINK("http://x","点我")', "+86 电话", "-合成", "@SUM(1+1)"]
    rows = []
    for name, profile in zip(names, profiles, strict=False):
        rows.append({**profile, "company": {**profile["company"], "name": name, "town": "=1+1"}})
    rows.append({"company": {"name": "=cmd|' /C calc'!A0", "registered_on": "bad"}})
    source = write_jsonl(tmp_path / "in.jsonl", rows)
    run_batch(source, tmp_path / "out.xlsx", workers=0)
    run_batch(source, tmp_path / "out.csv", workers=0)
    with zipfile.ZipFile(tmp_path / "out.xlsx") as archive:
        for member in archive.namelist():
            if member.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(member), member
    book = load_workbook(tmp_path / "out.xlsx")
    results = book["结果 Results"]
    written = [results.cell(row=r, column=2) for r in range(3, 3 + len(names))]
    assert [c.value for c in written] == names
    assert all(c.data_type == "s" and c.quotePrefix for c in written)
    assert results.cell(row=3, column=4).value == "=1+1" and results.cell(row=3, column=4).data_type == "s"
    error_name = book["错误 Errors"].cell(row=3, column=2)
    assert error_name.value.startswith("=cmd") and error_name.data_type == "s" and error_name.quotePrefix
    text = (tmp_path / "out.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text and "'+86" in text and "'-合成" in text and "'@SUM" in text and "'=cmd" in text


def test_negative_net_assets_stay_numbers(tmp_path: Path, profiles) -> None:
    profile = json.loads(json.dumps(profiles[0]))
    profile["years"][-1]["net_assets"] = -250.5
    source = write_jsonl(tmp_path / "in.jsonl", [profile])
    lines = read_jsonl(run_batch_out(source, tmp_path / "out.jsonl"))
    assert "assessment" in lines[0]


def run_batch_out(source: Path, output: Path) -> Path:
    run_batch(source, output, workers=0)
    return output


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("corrupt.xlsx", b"PK\x03\x04 this is not a workbook", "无法读取该 Excel 文件"),
        ("plain.xlsx", b"hello", "无法读取该 Excel 文件"),
        ("notes.txt", b"hello", "不支持的文件类型"),
        ("headless.csv", "企业名称,注册日期\n甲公司,2020-01-01\n".encode(), "找不到字段名行"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_with_a_clear_message(
    tmp_path: Path, name: str, content: bytes, says: str
) -> None:
    source = tmp_path / name
    source.write_bytes(content)
    with pytest.raises(InputRefused) as refused:
        run_batch(source, tmp_path / "out.xlsx", workers=0)
    assert says in refused.value.message["zh"] and refused.value.message["en"]


def test_blank_lines_and_bad_json_lines_in_json_lines(tmp_path: Path, profiles) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(profiles[0]) + "\n\n{not json\n[1, 2]\n" + json.dumps(profiles[1]) + "\n")
    report = run_batch(source, tmp_path / "out.jsonl", workers=0)
    lines = read_jsonl(tmp_path / "out.jsonl")
    assert [line["row"] for line in lines] == [1, 3, 4, 5]
    assert ["assessment" in line for line in lines] == [True, False, False, True]
    assert report.empty_rows == 1
    assert "JSON" in lines[1]["errors"][0]["message"]["en"]
