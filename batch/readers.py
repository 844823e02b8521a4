"""Streaming readers for the batch formats. Each yields (row number, payload) one row at a time, so a
file of any length is read in bounded memory: the sheet's XML in chunks for .xlsx (batch.xlsx_in), line
by line for .csv and .jsonl (a line is at most HNTE_BATCH_MAX_ROW_BYTES, batch.limits).

Row numbers are what a person sees: the spreadsheet row (header rows counted) for .xlsx, the line
number for .csv and .jsonl. Empty rows and blank lines are skipped (they describe no firm) and counted.

A .csv row is one line: a field holding a line break, or a quote left open, is an error of its line, and
the lines after it are read as rows of their own (a stray quote cannot swallow the rest of the file). A
row that cannot be read (too long, cut short, broken quoting, bad JSON) is an error of that row only.
"""

import codecs
import csv
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from io import BufferedIOBase
from pathlib import Path
from typing import IO, Any

from batch.columns import BY_KEY, NAME_KEY
from batch.limits import batch_limits, size_text
from batch.outcome import InputRefused, Unreadable
from batch.xlsx_in import XlsxSheet, head_rows, load_book, sheet_chunks, sheet_preamble

HEADER_SEARCH_ROWS = 10
FORMATS = ("xlsx", "csv", "jsonl")


def input_format(path: Path) -> str:
    suffix = path.suffix.lower().lstrip(".")
    if suffix == "json":
        suffix = "jsonl"
    if suffix not in FORMATS:
        raise InputRefused(
            f"不支持的文件类型「.{suffix}」：请使用 .xlsx、.csv 或 .jsonl",
            f"Unsupported file type “.{suffix}”: use .xlsx, .csv or .jsonl",
        )
    return suffix


@dataclass
class BatchSource:
    """An opened input: its header (for tables), an estimate of its rows, and its rows."""

    format: str
    keys: list[str | None] = field(default_factory=list)  # per column: the contract key, or None = ignored
    ignored_columns: list[str] = field(default_factory=list)
    header_rows: int = 0
    estimated_rows: int | None = None
    empty_rows: int = 0
    rows: Iterator[tuple[int, Any]] = field(default_factory=lambda: iter(()))
    # .xlsx: the sheet is read in chunks of raw rows that the scoring processes parse (batch.xlsx_in)
    sheet: XlsxSheet | None = None
    chunks: Iterator[bytes] | None = None
    close: Callable[[], None] = lambda: None  # releases the file when the rows are not read to the end


def _is_empty(cells: tuple[Any, ...] | list[Any]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _header(rows: Iterable[Any], source: BatchSource) -> None:
    """Find the row of contract keys among the first rows; it ends the header."""
    rows = iter(rows)
    for number in range(1, HEADER_SEARCH_ROWS + 1):
        try:
            cells = next(rows)
        except StopIteration:
            break
        texts = [cell.strip() if isinstance(cell, str) else None for cell in cells]
        if NAME_KEY not in texts:
            continue
        keys: list[str | None] = []
        seen: set[str] = set()
        for text in texts:
            if text in BY_KEY:
                if text in seen:
                    raise InputRefused(f"表头中「{text}」出现了两次", f"The header names “{text}” twice")
                seen.add(text)
                keys.append(text)
            else:
                keys.append(None)
                if text:
                    source.ignored_columns.append(text)
        while keys and keys[-1] is None:
            keys.pop()
        source.keys = keys
        source.header_rows = number
        return
    raise InputRefused(
        f"前 {HEADER_SEARCH_ROWS} 行中找不到字段名行（含 {NAME_KEY} 的一行）：请使用 hnte template 生成的模板",
        f"No row of field keys (one holding {NAME_KEY}) in the first {HEADER_SEARCH_ROWS} rows: "
        "use the template from `hnte template`",
    )


def open_xlsx(path: Path) -> BatchSource:
    """The rows are cut from the sheet's XML in chunks that the scoring processes parse (batch.xlsx_in), so
    reading a large sheet uses every core; the header rows are parsed here the same way."""
    _check_parts(path)
    source = BatchSource("xlsx")
    try:
        tables, member = load_book(str(path))
        preamble = sheet_preamble(str(path), member)
    except Exception as error:  # openpyxl raises many kinds on a damaged or crafted file
        raise _unreadable_xlsx(error) from None
    if preamble is None:
        _header([], source)  # an empty sheet: no header
    root, prefix, last_row = preamble  # type: ignore[misc]
    sheet = XlsxSheet(str(path.resolve()), member, root, prefix, 0)
    _header(head_rows(sheet, tables, HEADER_SEARCH_ROWS), source)
    if last_row:
        source.estimated_rows = max(last_row - source.header_rows, 0)
    source.sheet = replace(sheet, header_rows=source.header_rows)
    source.chunks = sheet_chunks(source.sheet)
    return source


def _unreadable_xlsx(error: Exception) -> InputRefused:
    return InputRefused(
        "无法读取该 Excel 文件（文件损坏或不是 .xlsx 格式）",
        f"Cannot read this Excel file (corrupt, or not .xlsx): {type(error).__name__}",
    )


def _check_parts(path: Path) -> None:
    """Refuse a zip bomb before anything inflates it: every XML part's inflated size, as the zip's directory
    declares it, within its limit. Python's zipfile never inflates a part past its declared size."""
    limits = batch_limits()
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise _unreadable_xlsx(error) from None
    for part in parts:
        if not part.filename.endswith((".xml", ".rels")):
            continue  # images and other binaries are never inflated
        sheet = part.filename.startswith("xl/worksheets/")
        limit = limits.xlsx_max_sheet_bytes if sheet else limits.xlsx_max_part_bytes
        if part.file_size > limit:
            setting = "HNTE_XLSX_MAX_SHEET_BYTES" if sheet else "HNTE_XLSX_MAX_PART_BYTES"
            raise InputRefused(
                f"Excel 文件的部件「{part.filename[:80]}」解压后为 {size_text(part.file_size)}，超过 "
                f"{size_text(limit)} 的上限（{setting}）：文件异常（可能是压缩炸弹），未读取",
                f"The Excel file's part “{part.filename[:80]}” inflates to {size_text(part.file_size)}, above the "
                f"{size_text(limit)} limit ({setting}): an abnormal file (perhaps a zip bomb), not read",
            )


def _text_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) when the whole file decodes as UTF-8, else GB18030 (Excel's
    "CSV" on a Chinese Windows). Checked over the whole file, in blocks, before reading any row."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as handle:
        try:
            while block := handle.read(1 << 20):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "gb18030"
    return "utf-8-sig"


def _count_lines(path: Path) -> int:
    count = 0
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            count += block.count(b"\n")
    return count


def _long_line(number: int, limit: int) -> Unreadable:
    return Unreadable(
        f"第 {number} 行超过 {size_text(limit)} 的上限（HNTE_BATCH_MAX_ROW_BYTES），未读取",
        f"Line {number} is longer than the {size_text(limit)} limit (HNTE_BATCH_MAX_ROW_BYTES): not read",
    )


def _lines(handle: IO[Any], limit: int) -> Iterator[tuple[int, Any]]:
    """(line number, line), or an Unreadable for a line longer than `limit` (skipped without keeping it)."""
    ends = (b"\n", b"\r") if isinstance(handle, BufferedIOBase) else ("\n", "\r")
    number = 0
    while line := handle.readline(limit + 1):
        number += 1
        if len(line) > limit and not line.endswith(ends):
            while (rest := handle.readline(limit)) and not rest.endswith(ends):
                pass
            yield number, _long_line(number, limit)
        else:
            yield number, line


BROKEN_QUOTES = Unreadable(
    "本行引号不成对，或某个字段含换行：CSV 的每一行须是一家企业（请去掉单元格中的换行后重新导出）",
    "Unbalanced quotes on this line, or a field holding a line break: each CSV line must be one firm "
    "(remove the line breaks from the cells and export again)",
)


def _csv_cells(lines: Iterator[tuple[int, Any]]) -> Iterator[tuple[int, Any]]:
    """Each line parsed on its own, strictly: a quote left open is an error of its line alone."""
    for number, line in lines:
        if isinstance(line, Unreadable):
            yield number, line
            continue
        if line.count('"') % 2:  # a whole record on one line has its quotes in pairs ("" inside a field)
            yield number, BROKEN_QUOTES
            continue
        try:
            yield number, next(csv.reader([line], strict=True), [])
        except csv.Error:
            yield number, BROKEN_QUOTES


def _short_row(cells: list[str], width: int) -> Unreadable:
    return Unreadable(
        f"本行只有 {len(cells)} 列，少于表头的 {width} 列：行不完整（文件被截断或缺少分隔符？），未评估",
        f"This line has {len(cells)} columns, fewer than the header's {width}: an incomplete row (a file cut "
        "short, or missing separators?), not assessed",
    )


def open_csv(path: Path) -> BatchSource:
    encoding = _text_encoding(path)
    # errors="replace": a byte that is not GB18030 either shows as U+FFFD in its cell, not as a crash
    handle = path.open("r", encoding=encoding, errors="replace", newline="")
    csv.field_size_limit(max(batch_limits().batch_max_row_bytes, 1 << 20))
    rows = _csv_cells(_lines(handle, batch_limits().batch_max_row_bytes))
    source = BatchSource("csv")
    try:
        _header((cells if isinstance(cells, list) else [] for _, cells in rows), source)
    except (InputRefused, UnicodeDecodeError) as error:
        handle.close()
        if isinstance(error, InputRefused):
            raise
        raise InputRefused("无法读取该 CSV 文件", f"Cannot read this CSV file: {error}") from None
    source.estimated_rows = max(_count_lines(path) - source.header_rows, 0)
    width = len(source.keys)

    def stream() -> Iterator[tuple[int, Any]]:
        try:
            for number, cells in rows:
                if isinstance(cells, list) and _is_empty(cells):
                    source.empty_rows += 1
                elif isinstance(cells, list) and len(cells) < width:
                    yield number, _short_row(cells, width)
                else:
                    yield number, cells
        finally:
            handle.close()

    source.rows = stream()
    source.close = handle.close
    return source


def open_jsonl(path: Path) -> BatchSource:
    source = BatchSource("jsonl", estimated_rows=_count_lines(path))

    def stream() -> Iterator[tuple[int, Any]]:
        with path.open("rb") as handle:
            for number, line in _lines(handle, batch_limits().batch_max_row_bytes):
                if isinstance(line, bytes) and not line.strip():
                    source.empty_rows += 1
                    continue
                yield number, line

    source.rows = stream()
    return source


def precheck(path: Path) -> int | None:
    """What can be checked without inflating or parsing anything (for an upload, in its request): a
    .xlsx's zip directory and part sizes, or a text file's lines. Returns the rows those lines suggest
    (a .csv's first line taken as its header; None for .xlsx) or raises InputRefused. Headers and rows
    are read later, by the batch itself."""
    kind = input_format(path)
    if kind == "xlsx":
        _check_parts(path)
        return None
    return max(_count_lines(path) - (kind == "csv"), 0)


def open_source(path: Path) -> BatchSource:
    """The batch input at `path`, by its extension, or InputRefused saying why it cannot be read."""
    kind = input_format(path)
    if not path.is_file():
        raise InputRefused(f"找不到文件 {path.name}", f"No such file: {path.name}")
    return {"xlsx": open_xlsx, "csv": open_csv, "jsonl": open_jsonl}[kind](path)
