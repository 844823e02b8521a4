"""Each format in and out: every row comes back, in order, with the assessment the engine gives."""

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from batch import run_batch
from batch.columns import COLUMNS
from batch.template import flatten, spreadsheet_value, write_profiles_xlsx
from engine import default_assessor, validate_profile
from tests.batch.conftest import read_jsonl, write_jsonl

CONTRACT_KEYS = (
    "contract",
    "rules_version",
    "application_date",
    "window",
    "verdict",
    "readiness",
    "criteria",
    "innovation",
    "shortfalls",
)


def expected(profiles: list[dict[str, Any]]) -> list[dict[str, Any]]:
    assessments = default_assessor().assess_many([validate_profile(p) for p in profiles])
    return [json.loads(json.dumps({k: a[k] for k in CONTRACT_KEYS}, ensure_ascii=False)) for a in assessments]


def write_csv(path: Path, profiles: list[dict[str, Any]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([c.zh for c in COLUMNS])
        writer.writerow([c.key for c in COLUMNS])
        for profile in profiles:
            flat = flatten(profile)
            writer.writerow(["" if (v := spreadsheet_value(c, flat.get(c.key))) is None else v for c in COLUMNS])
    return path


def contract_part(assessment: dict[str, Any]) -> dict[str, Any]:
    return {k: assessment[k] for k in CONTRACT_KEYS}


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "xlsx"])
def test_every_format_round_trips_to_the_engines_assessments(tmp_path: Path, profiles, fmt: str) -> None:
    source = tmp_path / f"in.{fmt}"
    if fmt == "xlsx":
        write_profiles_xlsx(profiles, source)
    else:
        {"jsonl": write_jsonl, "csv": write_csv}[fmt](source, profiles)
    report = run_batch(source, tmp_path / "out.jsonl", workers=0)
    lines = read_jsonl(tmp_path / "out.jsonl")
    assert report.rows == report.assessed == len(profiles) == len(lines)
    first_row = 1 if fmt == "jsonl" else (2 if fmt == "csv" else 3) + 1
    assert [line["row"] for line in lines] == list(range(first_row, first_row + len(profiles)))
    assert [contract_part(line["assessment"]) for line in lines] == expected(profiles)


def test_xlsx_in_and_out_with_two_worker_processes(tmp_path: Path, profiles) -> None:
    source = tmp_path / "pool.xlsx"
    write_profiles_xlsx(profiles, source)
    report = run_batch(source, tmp_path / "out.xlsx", workers=2)
    assert report.assessed == len(profiles)
    book = load_workbook(tmp_path / "out.xlsx", read_only=True)
    assert book.sheetnames == ["结果 Results", "错误 Errors", "汇总 Summary"]
    rows = list(book["结果 Results"].iter_rows(min_row=3, values_only=True))
    headings = [c for c in next(book["结果 Results"].iter_rows(min_row=2, max_row=2, values_only=True))]
    verdict_at, name_at = headings.index("Verdict code"), headings.index("Firm")
    assert [row[name_at] for row in rows] == [p["company"]["name"] for p in profiles]
    assert [row[verdict_at] for row in rows] == [a["verdict"] for a in expected(profiles)]


def test_parallel_and_single_process_scoring_agree(tmp_path: Path, profiles) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", profiles * 3)
    run_batch(source, tmp_path / "serial.jsonl", workers=0)
    run_batch(source, tmp_path / "parallel.jsonl", workers=2)
    assert (tmp_path / "serial.jsonl").read_text(encoding="utf-8") == (tmp_path / "parallel.jsonl").read_text(
        encoding="utf-8"
    )


def test_csv_saved_by_a_chinese_excel_in_gb18030_is_read(tmp_path: Path, profiles) -> None:
    utf8 = write_csv(tmp_path / "utf8.csv", profiles[:5])
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes(utf8.read_text(encoding="utf-8-sig").encode("gb18030"))
    run_batch(gbk, tmp_path / "out.jsonl", workers=0)
    lines = read_jsonl(tmp_path / "out.jsonl")
    assert [line["assessment"]["company"]["name"] for line in lines] == [p["company"]["name"] for p in profiles[:5]]
