"""Items 2, 7 and the row limit of 9: one bad line, cell or row is an error of that row and every other row
is scored; the outcomes always number the input's rows; an upload's row limit stops the reading."""

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from batch import InputRefused, run_batch
from batch.columns import COLUMNS
from batch.outcome import RowOutcome
from batch.run import TooManyRows
from tests.commands import hnte
from tests.hostile.files import firms, profile_cells, workbook_of, write_xlsx


def outcomes(path: Path) -> dict[int, dict[str, Any]]:
    return {line["row"]: line for line in map(json.loads, path.read_text(encoding="utf-8").splitlines())}


def test_bad_jsonl_lines_are_row_errors(tmp_path: Path, limits: pytest.MonkeyPatch) -> None:
    limits.setenv("HNTE_BATCH_MAX_ROW_BYTES", str(64 * 1024))
    good = [json.dumps(p, ensure_ascii=False) for p in firms(4)]
    named = json.loads(good[0])
    named["company"]["name"] = "空字符\u0000企业"
    bad = {
        2: good[0].replace('"achievements_transformed": ', '"achievements_transformed": ' + "9" * 5000 + ', "x": ', 1),
        3: '{"company": ' + "[" * 100_000 + "]" * 100_000 + "}",
        4: re.sub(r'"sales_revenue": [0-9.]+', '"sales_revenue": 1e100000', good[1], count=1),
        5: '{"company": {"name": "半行',
        6: json.dumps(named),
        7: json.dumps({"company": {"name": "长行", "registered_on": "2019-01-01"}, "note": "x" * 200_000}),
    }
    lines = [line.encode() for line in [good[0]] + [bad[n] for n in range(2, 8)]] + [b"\xff\xfe not UTF-8"]
    lines += [line.encode() for line in good[1:]]
    source = tmp_path / "firms.jsonl"
    source.write_bytes(b"\n".join(lines))
    report = run_batch(source, tmp_path / "out.jsonl", workers=0)
    seen = outcomes(tmp_path / "out.jsonl")
    assert sorted(seen) == list(range(1, len(lines) + 1)) and report.rows == len(lines)
    assert all("assessment" in seen[n] for n in (1, 9, 10, 11))
    for number in [*bad, 8]:
        assert seen[number]["errors"], number
        assert all(e["message"]["zh"] and e["message"]["en"] for e in seen[number]["errors"])
    assert seen[2]["errors"][0]["field"].endswith("achievements_transformed")
    assert seen[4]["errors"][0]["field"].endswith("sales_revenue")
    assert seen[6]["errors"][0]["field"] == "company.name"
    assert "HNTE_BATCH_MAX_ROW_BYTES" in seen[7]["errors"][0]["message"]["en"]


def test_the_cli_scores_every_good_line_of_a_hostile_jsonl(tmp_path: Path) -> None:
    good = [json.dumps(p, ensure_ascii=False) for p in firms(3)]
    source = tmp_path / "firms.jsonl"
    source.write_text("\n".join([good[0], "[" * 100_000, '{"ip": {"class1": ' + "9" * 5000 + "}}", *good[1:]]))
    result = hnte("batch", str(source), "-o", str(tmp_path / "out.jsonl"), "-q", "-w", "1")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "3 firms assessed, 2 rows with errors" in result.stderr


def crafted_workbook(path: Path) -> Path:
    rows, strings = workbook_of(path, firms(9))  # firms on rows 2–10

    def alter(number: int, pattern: str, replacement: str) -> None:
        altered = re.sub(pattern, replacement, rows[number - 1], count=1)
        assert altered != rows[number - 1]
        rows[number - 1] = altered

    alter(3, r't="s"><v>\d+</v>', 't="s"><v>999999</v>')  # a shared string that does not exist
    alter(4, r't="s"><v>\d+</v>', 't="s"><v>-1</v>')  # … nor a negative one (Python would wrap round)
    alter(5, r'(<c r="A5") t="s">', r'\1 t="zz">')  # no such cell type
    alter(6, r'<row r="6">', '<row r="abc">')  # a row number that is not one
    alter(7, r'<c r="A7"', '<c r="7A"')  # a cell reference that is not one
    alter(8, r'(<c r="[A-Z]+8">)<v>[0-9.]+</v>', r"\1<v>" + "7" * 5000 + "</v>")  # a 5,000-digit number
    alter(9, r'<c r="A9"', "<c <<r=")  # XML that does not parse
    return write_xlsx(path, rows, strings)


def test_crafted_xlsx_cells_are_row_errors(tmp_path: Path) -> None:
    source = crafted_workbook(tmp_path / "crafted.xlsx")
    report = run_batch(source, tmp_path / "out.jsonl", workers=0)
    seen = outcomes(tmp_path / "out.jsonl")
    assert sorted(seen) == list(range(2, 11)) and report.rows == 9
    assert "assessment" in seen[2] and "assessment" in seen[10]
    for number in range(3, 10):
        assert seen[number]["errors"], number
    assert seen[3]["errors"][0]["message"]["en"].startswith("The cell cannot be read")
    assert seen[4]["errors"][0]["message"]["en"].startswith("The cell cannot be read")
    assert seen[5]["errors"][0]["field"] == "company.name"
    assert "reference" in seen[6]["errors"][0]["message"]["en"]
    assert "reference" in seen[7]["errors"][0]["message"]["en"]
    assert any("数值过大" in e["message"]["zh"] for e in seen[8]["errors"])
    assert "cannot be parsed" in seen[9]["errors"][0]["message"]["en"]


def test_crafted_xlsx_through_the_scoring_processes(tmp_path: Path) -> None:
    source = crafted_workbook(tmp_path / "crafted.xlsx")
    report = run_batch(source, tmp_path / "out.xlsx", workers=2)
    assert (report.rows, report.assessed, report.invalid) == (9, 2, 7)


def csv_text(rows: list[list[Any]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def test_csv_short_rows_and_broken_quotes_are_row_errors_and_every_line_is_counted(tmp_path: Path) -> None:
    cells = [profile_cells(p) for p in firms(8)]
    text = csv_text([[c.key for c in COLUMNS], cells[0]])
    text += csv_text([cells[1][:12]])  # line 3: a row cut short
    text += csv_text([cells[2]]).replace(",", ',"', 1)  # line 4: a field opened by a quote never closed…
    text += csv_text(cells[3:6])  # lines 5–7: …cannot swallow the rows after it
    text += csv_text([["多行\n企业", *cells[6][1:]]])  # lines 8–9: a field holding a line break
    text += csv_text([cells[7]])[: len(csv_text([cells[7]])) // 2]  # line 10: the file cut mid-row
    source = tmp_path / "firms.csv"
    source.write_text(text, encoding="utf-8")
    lines = [n for n, line in enumerate(text.splitlines(), start=1) if n > 1 and line.strip()]
    report = run_batch(source, tmp_path / "out.jsonl", workers=0)
    seen = outcomes(tmp_path / "out.jsonl")
    assert sorted(seen) == lines == list(range(2, 11)) and report.rows == len(lines)
    assert [n for n in lines if "assessment" in seen[n]] == [2, 5, 6, 7]
    assert "fewer than the header" in seen[3]["errors"][0]["message"]["en"]
    assert "Unbalanced quotes" in seen[4]["errors"][0]["message"]["en"]
    assert "Unbalanced quotes" in seen[8]["errors"][0]["message"]["en"]
    assert "fewer than the header" in seen[10]["errors"][0]["message"]["en"]


class Counting:
    keeps_json = False

    def __init__(self) -> None:
        self.rows = 0

    def write(self, outcome: RowOutcome) -> None:
        self.rows += 1


@pytest.mark.parametrize("kind", ["jsonl", "csv", "xlsx"])
def test_the_row_limit_stops_the_reading_before_scoring(tmp_path: Path, kind: str) -> None:
    profiles = firms(300)
    source = tmp_path / f"firms.{kind}"
    if kind == "jsonl":
        source.write_text("".join(json.dumps(p) + "\n" for p in profiles))
    elif kind == "csv":
        source.write_text(csv_text([[c.key for c in COLUMNS], *map(profile_cells, profiles)]), encoding="utf-8")
    else:
        write_xlsx(source, *workbook_of(source, profiles))
    sink = Counting()
    with pytest.raises(TooManyRows) as refused:
        run_batch(source, tmp_path / "out.xlsx", workers=0, sinks=[sink], max_rows=100)
    assert isinstance(refused.value, InputRefused) and "100" in refused.value.message["zh"]
    assert sink.rows == 0  # refused on reading: no row was scored
    assert not (tmp_path / "out.xlsx").exists() and list(tmp_path.glob("*.partial*")) == []
    within = run_batch(source, tmp_path / "out.xlsx", workers=0, max_rows=300)
    assert within.rows == 300


def test_a_workbook_with_shared_strings_as_excel_saves_it_is_read(tmp_path: Path) -> None:
    import xlsxwriter

    source = tmp_path / "excel.xlsx"
    book = xlsxwriter.Workbook(str(source))  # not constant_memory: text goes to the shared-strings table
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, [c.key for c in COLUMNS])
    for number, profile in enumerate(firms(5), start=1):
        for index, value in enumerate(profile_cells(profile)):
            if isinstance(value, int | float | str):
                sheet.write(number, index, value)
            elif value is not None:
                sheet.write_string(number, index, str(value))
    book.close()
    report = run_batch(source, tmp_path / "out.jsonl", workers=0)
    assert (report.rows, report.assessed) == (5, 5)
