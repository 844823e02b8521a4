"""The batch template's columns for the cultivation ladder's inputs (docs/ladder.md): they reach the ladder
through .xlsx and .csv, rows without them score as before, bad cells are reported per cell."""

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from batch import run_batch
from batch.cells import read_row
from batch.columns import BY_KEY, COLUMNS, GROUPS, Kind, column_letter
from batch.template import flatten, spreadsheet_value, write_profiles_xlsx, write_template
from engine import default_assessor, validate_profile
from tests.batch.conftest import example_profiles, read_jsonl
from tests.batch.test_bad_rows import KEYS, cells_of, errors_by_row, workbook_with
from tests.batch.test_roundtrip import write_csv
from tests.ladder.test_ladder import profile_of

LADDER_SECTIONS = ("recognition", "enterprise", "achievements", "funding", "upkeep")


def ladder_firms() -> list[dict[str, Any]]:
    """The ladder's case bases, and a firm with every ladder column filled in."""
    firms = [profile_of(base) for base in ("sme", "recognised", "gazelle", "unicorn")]
    full = profile_of("recognised")
    full["company"]["name"] = "全栏企业"
    full["recognition"] |= {
        "certificate_number": "GR202232001234",
        "change_unreported": False,
        "cancelled_on": "2025-03-01",
        "relocation": "partial",
    }
    full["enterprise"] = {
        "cit_audit_based": True,
        "registered_in_jiangsu": False,
        "branch_office": False,
        "sales_or_trading_company": False,
        "large_soe_or_foreign_base": False,
        "excluded_sector": False,
        "restricted_industry": False,
        "super_deduction_excluded_industry": False,
        "abnormal_operation_list": True,
        "serious_dishonesty_list": False,
        "research_misconduct": False,
        "serious_fraud": False,
        "specialised_sme": True,
        "sci_tech_little_giant": False,
    }
    full["achievements"] = {
        "national_award_year": 2023,
        "provincial_rd_institution": True,
        "standard_led_year": 2024,
        "tech_sme_enrolled_year": 2025,
    }
    full["funding"] = {
        "private_investment": True,
        "investment_received": True,
        "listed": False,
        "valuation_usd": 12000.5,
        "valuation_cny": 80000,
        "core_tech_breakthrough": True,
    }
    for entry in full["years"]:
        entry["employees"] = 150
    firms.append(full)
    for index, firm in enumerate(firms):
        firm["company"]["name"] = f"{firm['company']['name']}{index}"
        # the template holds three accounting years (the window); the gazelle's earlier years do not fit
        firm["years"] = sorted(firm["years"], key=lambda entry: entry["year"])[-3:]
    return firms


def ladders(profiles: list[dict[str, Any]]) -> list[dict[str, Any]]:
    assessed = default_assessor().assess_many([validate_profile(p) for p in profiles])
    return [json.loads(json.dumps(a["ladder"], ensure_ascii=False)) for a in assessed]


def test_every_ladder_field_has_a_column_with_its_heading_and_key() -> None:
    expected = {
        "recognition": ("certificate_date", "certificate_number", "annual_reports_filed", "change_unreported"),
        "enterprise": ("abnormal_operation_list", "serious_dishonesty_list", "cit_audit_based"),
        "achievements": ("national_award_year", "provincial_rd_institution", "standard_led_year"),
        "funding": ("valuation_usd", "valuation_cny", "private_investment", "listed"),
        "upkeep": ("ip_applications", "ip_applications_class1", "rd_projects_filed", "super_deduction_used"),
    }
    for section, fields in expected.items():
        assert section in GROUPS
        for name in fields:
            column = BY_KEY[f"{section}.{name}"]
            assert column.group == section and column.zh and column.en
    for slot in range(3):
        assert BY_KEY[f"years[{slot}].employees"].group == f"years{slot}"
    assert BY_KEY["recognition.certificate_date"].kind is Kind.date
    assert BY_KEY["enterprise.abnormal_operation_list"].kind is Kind.yes_no


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_rows_with_ladder_inputs_reach_the_ladder(tmp_path: Path, fmt: str) -> None:
    firms = ladder_firms()
    source = tmp_path / f"in.{fmt}"
    if fmt == "xlsx":
        write_profiles_xlsx(firms, source)
    else:
        write_csv(source, firms)
    report = run_batch(source, tmp_path / "out.jsonl", workers=0)
    assert report.assessed == len(firms), read_jsonl(tmp_path / "out.jsonl")
    lines = read_jsonl(tmp_path / "out.jsonl")
    assert [line["assessment"]["ladder"] for line in lines] == ladders(firms)
    full = lines[-1]["assessment"]["ladder"]
    assert full["tiers"]["hnte"]["upkeep"]["certificate_date"] == "2022-12-12"
    assert full["summary"]["tech_sme"] == "not_met"  # on the abnormal-operation list
    assert full["summary"] != lines[1]["assessment"]["ladder"]["summary"]  # the columns change the tiers


def test_a_row_reads_back_the_profile_it_was_written_from() -> None:
    full = ladder_firms()[-1]
    flat = flatten(full)
    row = [spreadsheet_value(c, flat.get(c.key)) for c in COLUMNS]
    assert row[KEYS.index("recognition.annual_reports_filed")] == "2022, 2023, 2024"
    assert row[KEYS.index("enterprise.abnormal_operation_list")] == "是"
    assert row[KEYS.index("recognition.relocation")] == "部分搬迁"
    reading = read_row(KEYS, row)
    assert reading.errors == []
    for section in LADDER_SECTIONS:
        assert {k: float(v) if k.startswith("valuation") else v for k, v in reading.profile[section].items()} == {
            k: float(v) if k.startswith("valuation") else v for k, v in full[section].items()
        }, section
    assert [entry["employees"] for entry in reading.profile["years"]] == [150] * 3


def test_rows_without_ladder_inputs_score_as_before(tmp_path: Path) -> None:
    examples = example_profiles()
    for profile in examples:
        flat = flatten(profile)
        reading = read_row(KEYS, [spreadsheet_value(c, flat.get(c.key)) for c in COLUMNS])
        assert not set(LADDER_SECTIONS) & set(reading.profile)  # empty columns add no section
        assert all("employees" not in entry for entry in reading.profile["years"])
    write_profiles_xlsx(examples, tmp_path / "in.xlsx")
    run_batch(tmp_path / "in.xlsx", tmp_path / "out.jsonl", workers=0)
    direct = default_assessor().assess_many([validate_profile(p) for p in examples])
    assert [line["assessment"] for line in read_jsonl(tmp_path / "out.jsonl")] == json.loads(
        json.dumps(direct, ensure_ascii=False)
    )


BAD_CELLS = {
    "enterprise.abnormal_operation_list": ("也许", "也许", "Must be yes or no"),
    "recognition.certificate_date": ("2024-13-01", "应为日期", "Must be a date"),
    "recognition.annual_reports_filed": ("2022, 去年", "去年", "is not a year"),
    "achievements.national_award_year": ("去年", "应为数字", "Must be a number"),
    "funding.valuation_usd": ("-5", "不得小于 0", "at least 0"),
    "years[1].employees": ("一百", "应为数字", "Must be a number"),
    "upkeep.ip_applications_class1": ("9", "不得大于", "must not exceed"),
}


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_bad_values_in_the_ladder_columns_are_reported_per_cell(tmp_path: Path, fmt: str) -> None:
    base = profile_of("recognised")
    rows = [cells_of(base, **{key: value}) for key, (value, _, _) in BAD_CELLS.items()]
    source = tmp_path / f"bad.{fmt}"
    if fmt == "xlsx":
        workbook_with(source, rows)
    else:
        with source.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([c.zh for c in COLUMNS])
            writer.writerow(KEYS)
            writer.writerows([["" if v is None else v for v in row] for row in rows])
    report = run_batch(source, tmp_path / "out.jsonl", workers=0)
    assert report.invalid == len(BAD_CELLS)
    errors = errors_by_row(read_jsonl(tmp_path / "out.jsonl"))
    for row, (key, (_, zh, en)) in enumerate(BAD_CELLS.items(), start=3):  # after the two header rows
        assert [e["field"] for e in errors[row]] == [key], (key, errors[row])
        message = errors[row][0]["message"]
        assert zh in message["zh"] and en in message["en"], (key, message)

    run_batch(source, tmp_path / "out.xlsx", workers=0)
    sheet = load_workbook(tmp_path / "out.xlsx", read_only=True)["错误 Errors"]
    listed = {row[2]: row for row in sheet.iter_rows(min_row=3, values_only=True)}
    flag = listed["enterprise.abnormal_operation_list"]
    assert flag[3] == column_letter(KEYS.index("enterprise.abnormal_operation_list"))
    assert flag[4].startswith(BY_KEY["enterprise.abnormal_operation_list"].zh) and "也许" in flag[5] and flag[6]


def test_the_template_validates_the_ladder_columns(tmp_path: Path) -> None:
    write_template(tmp_path / "pool.xlsx")
    sheet = load_workbook(tmp_path / "pool.xlsx").worksheets[0]
    assert [c.value for c in sheet[3]] == KEYS

    def rule_of(key: str) -> Any:
        letter = column_letter(KEYS.index(key))
        found = [v for v in sheet.data_validations.dataValidation if f"{letter}4:" in str(v.sqref)]
        assert len(found) == 1, key
        return found[0]

    assert rule_of("enterprise.abnormal_operation_list").formula1 == '"是,否"'
    assert rule_of("upkeep.rd_projects_filed").formula1 == '"是,否"'
    assert rule_of("recognition.certificate_date").type == "date"
    assert rule_of("achievements.standard_led_year").type == "whole"
    assert rule_of("years[2].employees").type == "decimal"
    assert rule_of("funding.valuation_usd").type == "decimal"
    heading = sheet.cell(row=1, column=KEYS.index("recognition.certificate_date") + 1).value
    assert heading.startswith("高新技术企业证书")
    at = KEYS.index("recognition.annual_reports_filed") + 1
    formats = [d.number_format for d in sheet.column_dimensions.values() if d.min and d.min <= at <= d.max]
    assert formats == ["@"]  # text: Excel would read "2022,2023" as one number
