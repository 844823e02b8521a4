"""Reading a large .xlsx in parallel: the parent only inflates the sheet's XML and cuts it into chunks
of whole rows; each scoring process parses its chunks (lean ElementTree code, following openpyxl's
cell rules) with the workbook's shared strings and date styles, which openpyxl loads once per process.

Why: openpyxl's read-only reader parses about 1,250 rows of 68 cells a second, in the parent alone —
slower than two engines score. Cut into chunks, the parsing spreads over every core.
"""

import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from xml.etree.ElementTree import Element, ParseError, fromstring

from openpyxl.utils.datetime import from_excel, from_ISO8601

from batch.columns import column_letter
from batch.limits import batch_limits, size_text
from batch.outcome import InputRefused, Unreadable
from batch.xlsx_scan import scan_rows
from engine.validation import MAX_NUMBER_CHARS

CHUNK_BYTES = 1 << 20  # about 500 rows of the template
SHEET_DATA = re.compile(rb"<(?:(\w+):)?sheetData(\s*/)?>")
ROOT = re.compile(rb"<(?:\w+:)?worksheet\b[^>]*>")
DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="[A-Z]*\d*:?[A-Z]*(\d{1,7})"')
MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
LETTER_INDEX = {column_letter(index): index for index in range(16_384)}
MAX_ROW_NUMBER = 1_048_576  # Excel's last row
ROW_MARK = re.compile(rb'<(?:\w+:)?row\b[^>]*?\br="(\d{1,7})"')
BROKEN_ROW = Unreadable(
    "本行的 XML 无法解析（文件损坏或被改动），未评估",
    "This row's XML cannot be parsed (a damaged or altered file): not assessed",
)
BAD_REFERENCE = Unreadable(
    "本行的行号或单元格引用无效（文件损坏或被改动），未评估",
    "This row's row number or a cell reference is invalid (a damaged or altered file): not assessed",
)


@dataclass(frozen=True)
class XlsxSheet:
    """What a scoring process needs to parse chunks of one worksheet."""

    path: str
    member: str  # the worksheet's XML inside the zip
    root: bytes  # its start tag, with the namespace declarations
    prefix: bytes  # the namespace prefix of its elements (b"" or b"x:")
    header_rows: int


def sheet_preamble(path: str, member: str) -> tuple[bytes, bytes, int | None] | None:
    """(root start tag, element prefix, the last row its dimension declares), or None when the sheet has
    no rows (<sheetData/>)."""
    with zipfile.ZipFile(path) as archive, archive.open(member) as stream:
        head = b""
        while block := stream.read(1 << 16):
            head += block
            found = SHEET_DATA.search(head)
            if found:
                root = ROOT.search(head, 0, found.start())
                if root is None or found.group(2):
                    return None
                prefix = (found.group(1) + b":") if found.group(1) else b""
                dimension = DIMENSION.search(head, 0, found.start())
                return root.group(0), prefix, int(dimension.group(1)) if dimension else None
            if len(head) > 1 << 24:
                break
    return None


def sheet_chunks(sheet: XlsxSheet) -> Iterator[bytes]:
    """The sheet's rows as chunks of complete <row> elements (about CHUNK_BYTES each). InputRefused for a
    damaged zip, or a row (with what precedes it) longer than HNTE_BATCH_MAX_ROW_BYTES: memory stays
    bounded by CHUNK_BYTES plus one row, whatever the sheet inflates to."""
    limit = batch_limits().batch_max_row_bytes
    end_tag = b"</" + sheet.prefix + b"row>"
    end_of_data = b"</" + sheet.prefix + b"sheetData>"
    try:
        with zipfile.ZipFile(sheet.path) as archive, archive.open(sheet.member) as stream:
            buffer = b""
            started = False
            while block := stream.read(CHUNK_BYTES):
                buffer += block
                if not started:
                    found = SHEET_DATA.search(buffer)
                    if found is None:
                        continue
                    buffer, started = buffer[found.end() :], True
                finished = buffer.find(end_of_data)
                if finished >= 0:
                    if buffer[:finished].strip():
                        yield buffer[:finished]
                    return
                if len(buffer) >= min(CHUNK_BYTES, limit):
                    cut = buffer.rfind(end_tag)
                    if cut >= 0:
                        cut += len(end_tag)
                        yield buffer[:cut]
                        buffer = buffer[cut:]
                if len(buffer) > limit:
                    raise _row_too_long(buffer, limit)
            if started and buffer.strip():
                yield buffer
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
        name = type(error).__name__
        zh = "无法读取该 Excel 文件的工作表（文件损坏）"
        raise InputRefused(zh, f"Cannot read the Excel file's sheet (damaged): {name}") from None


def _row_too_long(buffer: bytes, limit: int) -> InputRefused:
    found = ROW_MARK.search(buffer, 0, 4096)
    where = (f"第 {int(found.group(1))} 行", f"Row {int(found.group(1))}") if found else ("工作表中有一行", "A row")
    return InputRefused(
        f"{where[0]}解压后超过 {size_text(limit)} 的上限（HNTE_BATCH_MAX_ROW_BYTES）：文件异常（可能是压缩炸弹），"
        "未读取",
        f"{where[1]} of the sheet inflates to more than the {size_text(limit)} limit (HNTE_BATCH_MAX_ROW_BYTES): "
        "an abnormal file (perhaps a zip bomb), not read",
    )


@dataclass
class BookTables:
    shared_strings: Any
    date_styles: frozenset[int]
    timedelta_styles: frozenset[int]
    epoch: Any


def load_book(path: str) -> tuple[BookTables, str]:
    """The workbook's shared strings and date styles, loaded by openpyxl's reader, and its first worksheet's
    part. The worksheet itself is not opened: openpyxl would parse all of it when it has no dimension."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet

    reader = ExcelReader(path, read_only=True)
    try:
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)
        book = reader.wb
        tables = BookTables(
            reader.shared_strings, frozenset(book._date_formats), frozenset(book._timedelta_formats), book.epoch
        )
        for _, rel in reader.parser.find_sheets():
            if "chartsheet" not in rel.Type and rel.target in reader.valid_files:
                return tables, rel.target
        raise KeyError("no worksheet")
    finally:
        reader.archive.close()


@lru_cache(maxsize=4)
def book_tables(path: str) -> BookTables:
    """load_book's tables, once per scoring process and file."""
    return load_book(path)[0]


def head_rows(sheet: XlsxSheet, tables: BookTables, count: int) -> list[list[Any]]:
    """The cells of rows 1..count (an empty list for a row absent or unreadable), parsed like every other
    row: a damaged row further down does not keep the header from being found."""
    chunks = sheet_chunks(sheet)
    try:
        first = next(chunks, b"")
    finally:
        chunks.close()
    end_tag = b"</" + sheet.prefix + b"row>"
    head = b"".join(piece + end_tag for piece in first.split(end_tag)[:count] if piece.strip())
    rows, _ = parse_chunk(sheet, head, tables)
    found = {number: cells for number, cells in rows if isinstance(cells, list)}
    return [found.get(number, []) for number in range(1, count + 1)]


def _number(text: str) -> int | float | str:
    """As openpyxl reads a number: a float when it has a point or an exponent, else an int. A number of
    more than MAX_NUMBER_CHARS characters stays text, for the cell reader to refuse as too large."""
    if len(text) > MAX_NUMBER_CHARS:
        return text.strip()
    if "." in text or "E" in text or "e" in text:
        return float(text)
    return int(text)


def parse_chunk(
    sheet: XlsxSheet, chunk: bytes, tables: BookTables | None = None, fast: bool = True
) -> tuple[list[tuple[int, Any]], list[int]]:
    """The rows of a chunk as (row number, cell values — or Unreadable for a row that cannot be read), and
    the numbers of every row element present (empty ones included, for counting the empty rows).
    Formulas read as their text with a leading = (the batch refuses them); header rows are dropped.

    A chunk in the plain shape that spreadsheet programs write is read by regular expressions
    (batch.xlsx_scan); any other chunk — a formula, an entity, an unexpected attribute, XML that may not
    parse — by ElementTree, row by row where it must be: the two give the same values (tests/batch/
    test_xlsx_scan.py; `fast=False` reads by ElementTree alone)."""
    tables = tables or book_tables(sheet.path)
    items = scan_rows(sheet.prefix, sheet.root, chunk, tables) if fast else None
    if items is None:
        items = _tree_rows(sheet, chunk, tables)
    rows: list[tuple[int, Any]] = []
    present: list[int] = []
    number = 0
    for marked, cells in items:
        if marked is None or (marked.isdigit() and number < int(marked) <= MAX_ROW_NUMBER):
            number = int(marked) if marked else number + 1
            if number <= sheet.header_rows:
                continue
        else:  # a row number that is not one, or out of order: counted after the previous row
            number = max(number + 1, sheet.header_rows + 1)
            if not isinstance(cells, Unreadable):
                cells = BAD_REFERENCE
        present.append(number)
        if isinstance(cells, Unreadable):
            rows.append((number, cells))
        elif any(v is not None and not (isinstance(v, str) and not v.strip()) for v in cells):
            rows.append((number, cells))
    return rows, present


def _tree_rows(sheet: XlsxSheet, chunk: bytes, tables: BookTables) -> Iterator[tuple[str | None, Any]]:
    """(the row's r attribute, its cells or Unreadable) for each <row> element, parsed by ElementTree."""
    prefix = sheet.prefix.decode()
    tag = MAIN_NS if not prefix else _namespace(sheet.root, prefix)
    row_tag, cell_tag, value_tag, formula_tag, inline_tag = (tag + n for n in ("row", "c", "v", "f", "is"))
    for item in _row_elements(sheet, chunk, row_tag):
        if isinstance(item, tuple):
            yield item
            continue
        cells: list[Any] = []
        column = -1
        for cell in item.iter(cell_tag):
            ref = cell.get("r")
            column = LETTER_INDEX.get(ref.rstrip("0123456789"), -2) if ref else column + 1
            if column < 0:
                break
            value = _cell_value(cell, tables, value_tag, formula_tag, inline_tag)
            if value is None:
                continue
            if column >= len(cells):
                cells.extend([None] * (column + 1 - len(cells)))
            cells[column] = value
        yield item.get("r"), (BAD_REFERENCE if column == -2 else cells)


def _parse(sheet: XlsxSheet, rows: bytes) -> Element:
    start, end = b"<" + sheet.prefix + b"sheetData>", b"</" + sheet.prefix + b"sheetData></" + sheet.prefix
    return fromstring(sheet.root + start + rows + end + b"worksheet>")[0]


def _row_elements(sheet: XlsxSheet, chunk: bytes, row_tag: str) -> Iterator[Element | tuple[str | None, Unreadable]]:
    """The chunk's <row> elements; when its XML does not parse, row by row, a broken row as its error."""
    try:
        data = _parse(sheet, chunk)
    except ParseError:
        data = None
    if data is not None:
        yield from data.iter(row_tag)
        return
    end_tag = b"</" + sheet.prefix + b"row>"
    for piece in chunk.split(end_tag):
        if not piece.strip():
            continue
        try:
            part = _parse(sheet, piece + end_tag)
        except ParseError:
            found = ROW_MARK.search(piece)
            yield (found.group(1).decode() if found else "?"), BROKEN_ROW
            continue
        yield from part.iter(row_tag)


def _namespace(root: bytes, prefix: str) -> str:
    declared = re.search(rb"xmlns:" + prefix.rstrip(":").encode() + rb'="([^"]+)"', root)
    return "{" + declared.group(1).decode() + "}" if declared else MAIN_NS


def _cell_value(cell: Element, tables: BookTables, value_tag: str, formula_tag: str, inline_tag: str) -> Any:
    """The cell's value as openpyxl reads it, or Unreadable (a crafted or damaged cell: its row's error)."""
    try:
        return _raw_cell_value(cell, tables, value_tag, formula_tag, inline_tag)
    except CELL_ERRORS as error:
        return unreadable_cell(cell.get("t", "n"), error)


CELL_ERRORS = (ValueError, IndexError, KeyError, OverflowError, TypeError)


def unreadable_cell(kind: str, error: Exception) -> Unreadable:
    return Unreadable(
        f"单元格内容无法读取（类型「{str(kind)[:10]}」，{type(error).__name__}）：文件损坏或被改动",
        f"The cell cannot be read (type “{str(kind)[:10]}”, {type(error).__name__}): a damaged or altered file",
    )


def _raw_cell_value(cell: Element, tables: BookTables, value_tag: str, formula_tag: str, inline_tag: str) -> Any:
    text = None
    for child in cell:  # usually one child, <v>; one pass instead of a find() per kind of child
        tag = child.tag
        if tag == value_tag:
            text = child.text
        elif tag == formula_tag:
            return "=" + (child.text or "")
        elif tag == inline_tag:
            return "".join(child.itertext())
    if not text:
        return None
    return typed_value(cell.get("t", "n"), cell.get("s"), text, tables)


def typed_value(kind: str, style: str | None, text: str, tables: BookTables) -> Any:
    """A cell's <v> text by its type and style, as openpyxl reads it (ValueError and the like when it is not
    one: the caller makes that the row's error)."""
    if kind == "n":
        value = _number(text)
        if style is not None and int(style) in tables.date_styles:
            try:
                return from_excel(value, tables.epoch, timedelta=int(style) in tables.timedelta_styles)
            except (OverflowError, ValueError):
                return "#VALUE!"  # a date style on a number no date can have: an error, as openpyxl reads it
        return value
    if kind == "s":
        index = int(text)
        if not 0 <= index < len(tables.shared_strings):
            raise IndexError(index)
        return str(tables.shared_strings[index])
    if kind == "b":
        return text == "1"
    if kind == "d":
        return from_ISO8601(text)
    if kind in ("str", "e", "inlineStr"):
        return text  # "str" (a formula's text result) and "e" (an error such as #N/A)
    raise ValueError(kind)  # no such cell type
