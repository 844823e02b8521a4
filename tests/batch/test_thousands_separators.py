"""A number typed with thousands separators reads in a batch exactly as the self-check form reads it
("12,000.5", "12，000", "1 200"): the form's own converter (api/selfcheck_form.py) is the reference."""

import csv
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from api.selfcheck_form import _number as form_number
from batch import run_batch
from batch.cells import CellError, read_cell
from batch.columns import BY_KEY, COLUMNS, Kind
from batch.template import flatten, spreadsheet_value, write_profiles_xlsx
from tests.batch.conftest import read_jsonl
from tests.hostile.files import firms

# what the form's page lets through (its script checks the number once the separators are gone)
TYPED = [
    "12,000.5", "12，000", "1 200", "1,234,567.25", " 3,200.5 ", "+1,000", "-2,500", "1,2,3", ",5", "12,000.",
    "1，000，000", "0,000.1", "7",
    "12.000,5",  # the form takes out every comma wherever it stands: 12.0005, in a batch too
]
# … and what it refuses, as the batch does
REFUSED = ["1,2.3.4", "12 000 万元", "abc,def", ",", "，", "1\u00a0000", "1\u3000000", "1e5", "1_000", "--1", "1.2.3"]


def form_value(text: str, kind: str) -> Any:
    return form_number(text.strip(), kind)


@pytest.mark.parametrize("key", ["years[1].sales_revenue", "years[1].staff_total", "years[1].net_assets"])
@pytest.mark.parametrize("text", TYPED)
def test_the_batch_reads_a_typed_number_as_the_form_does(key: str, text: str) -> None:
    column = BY_KEY[key]
    expected = form_value(text, column.kind.value)
    assert isinstance(expected, Decimal)  # the form takes it (a negative amount is then the engine's to refuse)
    assert read_cell(column, text.strip()) == expected


@pytest.mark.parametrize("text", REFUSED)
def test_the_batch_refuses_what_the_form_refuses(text: str) -> None:
    column = BY_KEY["years[1].sales_revenue"]
    with pytest.raises(CellError):
        read_cell(column, text.strip())


def test_counts_with_separators_are_whole_numbers_as_on_the_form() -> None:
    column = BY_KEY["ip.class1"]
    assert column.kind is Kind.count
    assert read_cell(column, "1,200") == form_value("1,200", "count") == 1200
    with pytest.raises(CellError, match="too many digits"):
        read_cell(column, "9," * 40 + "9")


def _typed(value: Any, column: Any) -> Any:
    """An amount as a person types it: with a thousands separator (in turn ',' '，' ' ')."""
    if column.kind not in (Kind.money, Kind.headcount, Kind.signed_money) or not isinstance(value, int | float):
        return value
    if isinstance(value, float) and "e" in repr(value):
        return value
    whole, _, fraction = f"{value}".partition(".")
    sign = "-" if whole.startswith("-") else ""
    digits = whole.lstrip("-")
    grouped = f"{int(digits):,}".replace(",", _typed.separators[len(digits) % 3])
    return sign + grouped + ("." + fraction if fraction else "")


_typed.separators = (",", "，", " ")  # type: ignore[attr-defined]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_file_typed_with_separators_assesses_as_without(tmp_path: Path, fmt: str) -> None:
    profiles = firms(25, seed=5)
    plain, typed = tmp_path / f"plain.{fmt}", tmp_path / f"typed.{fmt}"
    rows = [flatten(p) for p in profiles]
    if fmt == "csv":
        for path, typing in ((plain, False), (typed, True)):
            with path.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow([c.key for c in COLUMNS])
                for flat in rows:
                    values = [spreadsheet_value(c, flat.get(c.key)) for c in COLUMNS]
                    typed_values = [_typed(v, c) if typing else v for v, c in zip(values, COLUMNS, strict=True)]
                    writer.writerow(["" if v is None else v for v in typed_values])
    else:
        write_profiles_xlsx(profiles, plain)
        typed_profiles = []
        for profile in profiles:  # the amounts as text cells
            copy = {**profile, "years": [dict(y) for y in profile["years"]]}
            for year in copy["years"]:
                for name in ("sales_revenue", "rd_expense", "staff_total"):
                    if isinstance(year.get(name), int | float):
                        year[name] = _typed(year[name], BY_KEY[f"years[1].{name}"])
            typed_profiles.append(copy)
        write_profiles_xlsx(typed_profiles, typed)
    outputs = []
    for path in (plain, typed):
        report = run_batch(path, path.with_suffix(".out.jsonl"), workers=0)
        assert report.rows == report.assessed == len(profiles)
        outputs.append(read_jsonl(path.with_suffix(".out.jsonl")))
    assert [line["assessment"]["criteria"] for line in outputs[0]] == [
        line["assessment"]["criteria"] for line in outputs[1]
    ]
    verdicts = [[line["assessment"]["verdict"] for line in output] for output in outputs]
    assert verdicts[0] == verdicts[1]
