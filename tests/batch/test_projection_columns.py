"""The batch template's projection columns (the forward plan's expected figures, docs/plan.md): the catalogue's
`projections` section gives them; the reader puts them into `projections`, a bad cell is named by its column."""

from pathlib import Path

from batch import run_batch
from batch.cells import read_row
from batch.columns import BY_KEY
from engine.fields import section
from tests.batch.conftest import example_profiles, read_jsonl
from tests.batch.test_bad_rows import KEYS, cells_of, errors_by_row, workbook_with


def test_every_projection_slot_has_the_columns_of_a_year() -> None:
    for slot in range(section("projections").slots or 0):
        for spec in section("years").fields:
            column = BY_KEY[f"projections[{slot}].{spec.name}"]
            assert column.kind == BY_KEY[f"years[0].{spec.name}"].kind


def test_projection_cells_are_read_into_projections_and_blank_slots_are_absent() -> None:
    profile = example_profiles()[0]
    cells = cells_of(
        profile,
        **{"projections[1].year": 2026, "projections[1].sales_revenue": "12000.5", "projections[1].rd_expense": 600},
    )
    reading = read_row(KEYS, cells)
    assert reading.errors == []
    assert reading.profile["projections"] == [{"year": 2026, "sales_revenue": 12000.5, "rd_expense": 600}]
    assert reading.slots["projections"] == [1]
    assert reading.column_path("projections[0].rd_expense") == "projections[1].rd_expense"
    assert "projections" not in read_row(KEYS, cells_of(profile)).profile


def test_a_bad_projection_is_reported_at_its_column_and_good_rows_still_score(tmp_path: Path) -> None:
    good, other = example_profiles()[:2]
    bad = cells_of(
        other,
        **{"projections[1].year": 2026, "projections[1].rd_expense": 10, "projections[1].rd_expense_domestic": 20},
    )
    path = workbook_with(tmp_path / "in.xlsx", [cells_of(good), bad])
    run_batch(path, tmp_path / "out.jsonl", workers=0)
    lines = read_jsonl(tmp_path / "out.jsonl")
    assert "assessment" in lines[0]
    (error,) = errors_by_row(lines)[4]
    assert error["field"] == "projections[1].rd_expense_domestic"  # the slot it was typed in, not the compacted [0]
