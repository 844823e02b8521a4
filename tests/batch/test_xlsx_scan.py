"""The fast reading of a sheet's rows (batch.xlsx_scan) gives exactly what ElementTree's reading gives, for
the workbooks people and programs write and for rows of every odd shape a hostile or damaged file can hold
— or leaves the chunk to ElementTree. Both readings are the real ones (`parse_chunk(..., fast=False)` is
the ElementTree reading alone)."""

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.utils.datetime import CALENDAR_WINDOWS_1900

from batch.columns import COLUMNS, column_letter
from batch.outcome import Unreadable
from batch.readers import open_source
from batch.template import write_profiles_xlsx
from batch.xlsx_in import BookTables, XlsxSheet, book_tables, parse_chunk
from batch.xlsx_scan import scan_rows
from tests.batch.conftest import example_profiles
from tests.hostile.files import firms, profile_cells
from tests.hostile.test_rows import crafted_workbook

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def comparable(parsed: tuple[list[tuple[int, Any]], list[int]]) -> Any:
    rows, present = parsed
    return [(n, c.message if isinstance(c, Unreadable) else [_value(v) for v in c]) for n, c in rows], present


def _value(value: Any) -> Any:
    if isinstance(value, Unreadable):
        return ("unreadable", value.message["en"])
    return (type(value).__name__, value)


def both_readings(path: Path) -> tuple[int, int]:
    """Every chunk of the workbook read both ways, compared; returns (chunks, chunks the scanner read)."""
    source = open_source(path)
    assert source.sheet is not None and source.chunks is not None
    tables = book_tables(source.sheet.path)
    count = fast = 0
    for chunk in source.chunks:
        count += 1
        fast += scan_rows(source.sheet.prefix, source.sheet.root, chunk, tables) is not None
        assert comparable(parse_chunk(source.sheet, chunk, tables)) == comparable(
            parse_chunk(source.sheet, chunk, tables, fast=False)
        )
    return count, fast


def test_the_template_filled_by_the_generator_reads_the_same_and_fast(tmp_path: Path) -> None:
    path = tmp_path / "pool.xlsx"
    profiles = firms(400) + example_profiles()
    for index, profile in enumerate(profiles[:40]):  # names with XML's entities and more
        profile["company"]["name"] = f"R&D <{index}> “引号” 'A' \"B\" 公司 ＆"
    write_profiles_xlsx(profiles, path)
    chunks, fast = both_readings(path)
    assert chunks == fast  # every chunk in the plain shape, headings included


def test_shared_strings_as_excel_writes_them_read_the_same_and_fast(tmp_path: Path) -> None:
    path = tmp_path / "excel.xlsx"
    book = xlsxwriter.Workbook(str(path))  # not constant_memory: text goes to the shared-strings table
    sheet = book.add_worksheet()
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, [c.key for c in COLUMNS])
    for number, profile in enumerate(firms(300), start=1):
        for index, value in enumerate(profile_cells(profile)):
            if isinstance(value, dt.date):
                sheet.write_datetime(number, index, dt.datetime.combine(value, dt.time()), dates)
            elif isinstance(value, int | float | str):
                sheet.write(number, index, value)
        sheet.write_boolean(number, len(COLUMNS) + 1, True)
    book.close()
    chunks, fast = both_readings(path)
    assert chunks == fast


def test_crafted_rows_read_the_same(tmp_path: Path) -> None:
    chunks, _ = both_readings(crafted_workbook(tmp_path / "crafted.xlsx"))
    assert chunks >= 1


# Rows of every shape, plain and odd, assembled at random -----------------------------------------------

TABLES = BookTables(["共享", "R&D", " "], frozenset({5, 6}), frozenset({6}), CALENDAR_WINDOWS_1900)
# values the scanner reads itself (odd as some are: a bad number, an unknown type — each its cell's error)
PLAIN_VALUES = [
    "<v>123</v>", "<v>2803.47</v>", "<v>-0</v>", "<v>1e5</v>", "<v>1E999</v>", "<v> 12 </v>", "<v></v>",
    "<v>abc</v>", "<v>" + "9" * 400 + "</v>", "<v>0.30000000000000004</v>", "<v>&amp;</v>",
    "<is><t>R&amp;D &lt;x&gt; &quot;q&quot; &apos;a&apos;</t></is>", '<is><t xml:space="preserve"> x </t></is>',
    "<is><t></t></is>", "<is><t>a\nb\tc 公司</t></is>", "", "<v>0</v>", "<v>1</v>", "<v>2</v>", "<v>3</v>",
    "<v>-1</v>", "<v>45838</v>", "<v>45838.5</v>", "<v>1e20</v>", "<v>2020-01-02T00:00:00</v>", "<v>0.25</v>",
]
# values left to ElementTree: a formula, rich text, a character reference, what XML refuses …
ODD_VALUES = [
    "<v>1&#48;</v>", "<is><t/></is>", "<is><t>a > b</t></is>", "<is><t>]]></t></is>", "<is><t>&#65;</t></is>",
    "<is><t>\x01</t></is>", "<is><t>a\rb</t></is>", "<is><r><t>rich</t></r></is>", "<f>SUM(A1:A2)</f><v>3</v>",
    "<v>1</v><f>A1</f>", "<v>1</v",
]
PLAIN_KINDS = ["", ' t="s"', ' t="b"', ' t="str"', ' t="e"', ' t="d"', ' t="inlineStr"', ' t="n"', ' t="zz"']
PLAIN_STYLES = ["", ' s="0"', ' s="5"', ' s="6"', ' s="05"']


@st.composite
def cell(draw: st.DrawFn, row: int, column: int, prefix: str, plain: bool) -> str:
    ref = f"{column_letter(column)}{row if row > 0 else 1}"
    if not plain:
        ref = draw(st.sampled_from([ref, column_letter(column), "a1", "ZZZZ1", ""]))
    reference = draw(st.sampled_from([f' r="{ref}"'] if plain else [f' r="{ref}"', ""]))
    kind = draw(st.sampled_from(PLAIN_KINDS + ([] if plain else [' t=""'])))
    style = draw(st.sampled_from(PLAIN_STYLES + ([] if plain else [' s="x"'])))
    body = draw(st.sampled_from(PLAIN_VALUES + ([] if plain else ODD_VALUES)))
    swapped = not plain and draw(st.booleans())
    attributes = reference + (kind + style if swapped else style + kind)
    body = body.replace("<", f"<{prefix}").replace(f"<{prefix}/", f"</{prefix}")
    if not body and draw(st.booleans()):
        return f"<{prefix}c{attributes}/>"
    return f"<{prefix}c{attributes}>{body}</{prefix}c>"


@st.composite
def sheet_rows(draw: st.DrawFn, prefix: str, plain: bool) -> bytes:
    pieces = []
    number = 0
    starts = [
        '<{p}row r="{n}">',
        '<{p}row r="{n}" spans="1:3" x14ac:dyDescent="0.25">',
        "<{p}row>",
        '<{p}row r="x{n}">',
        '<{p}row  r="{n}"\n ht="15" >',
    ]
    if not plain:
        starts += ['<{p}row r="{n}" y:z="1">', '<{p}row r="{n}" r="{n}">', "<{p}row r='{n}'>"]
    for _ in range(draw(st.integers(1, 6))):
        number += draw(st.sampled_from([1, 1, 1, 2, 0, -1]))
        start = draw(st.sampled_from(starts)).format(p=prefix, n=number)
        if draw(st.integers(0, 9)) == 0:
            pieces.append(start[:-1] + "/>")
            continue
        columns = sorted(draw(st.lists(st.integers(0, 30), max_size=6)))
        cells = "".join(draw(cell(number, column, prefix, plain)) for column in columns)
        ends = [f"</{prefix}row>"] + ([] if plain else [f"</{prefix}c></{prefix}row>", ""])
        pieces.append(start + cells + draw(st.sampled_from(ends)))
    between = draw(st.sampled_from(["", "\n  "] + ([] if plain else ["\r\n", "text", "<!-- note -->"])))
    return between.join(pieces).encode()


@pytest.mark.parametrize("prefix", ["", "x:"])
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), header_rows=st.sampled_from([0, 1, 2]), plain=st.booleans())
def test_rows_of_every_shape_read_the_same(prefix: str, data: st.DataObject, header_rows: int, plain: bool) -> None:
    if prefix:
        root = f'<x:worksheet xmlns:x="{MAIN}" xmlns:x14ac="urn:x14ac">'.encode()
    else:
        root = f'<worksheet xmlns="{MAIN}" xmlns:x14ac="urn:x14ac">'.encode()
    sheet = XlsxSheet("unused.xlsx", "xl/worksheets/sheet1.xml", root, prefix.encode(), header_rows)
    chunk = data.draw(sheet_rows(prefix, plain))
    if plain:  # the comparison is not empty: rows in the plain shape do take the fast reading
        assert scan_rows(sheet.prefix, root, chunk, TABLES) is not None
    assert comparable(parse_chunk(sheet, chunk, TABLES)) == comparable(parse_chunk(sheet, chunk, TABLES, fast=False))


def test_plain_rows_are_read_by_the_scanner() -> None:
    root = f'<worksheet xmlns="{MAIN}">'.encode()
    chunk = (
        b'<row r="2" spans="1:4"><c r="A2" t="s"><v>1</v></c><c r="B2" s="5"><v>45838</v></c>'
        b'<c r="C2" t="inlineStr"><is><t>A&amp;B</t></is></c><c r="D2"><v>12.5</v></c></row>\n<row r="3"/>'
    )
    rows = scan_rows(b"", root, chunk, TABLES)
    assert rows == [("2", ["R&D", dt.datetime(2025, 6, 30), "A&B", 12.5]), ("3", [])]
    assert scan_rows(b"", root, chunk.replace(b"<v>12.5</v>", b"<f>A1</f><v>12.5</v>"), TABLES) is None
    other = b'<worksheet xmlns="urn:not-spreadsheetml">'  # ElementTree finds no rows there
    assert scan_rows(b"", other, chunk, TABLES) is None

