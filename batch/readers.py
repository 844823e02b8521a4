"""Streaming readers for the batch formats. Each yields (row number, payload) one row at a time, so a
file of any length is read in bounded memory: openpyxl's read-only mode for .xlsx, the csv module for
.csv, line by line for .jsonl.

Row numbers are what a person sees: the spreadsheet row (header rows counted) for .xlsx and .csv,
the line number for .jsonl. Empty rows and blank lines are skipped (they describe no firm) and counted.
"""

import codecs
import csv
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from batch.columns import BY_KEY, NAME_KEY
from batch.xlsx_in import XlsxSheet, sheet_chunks, sheet_preamble

HEADER_SEARCH_ROWS = 10
FORMATS = ("xlsx", "csv", "jsonl")


class InputRefused(ValueError):
    """A file that cannot be read as a batch at all (the whole file, not a row)."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.message = {"zh": zh, "en": en}


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


def _header(rows: Iterator[tuple[Any, ...]], source: BatchSource) -> None:
    """Find the row of contract keys among the first rows; it ends the header."""
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


def _table_rows(rows: Iterator[tuple[Any, ...]], source: BatchSource) -> Iterator[tuple[int, Any]]:
    for number, cells in enumerate(rows, start=source.header_rows + 1):
        if _is_empty(cells):
            source.empty_rows += 1
            continue
        yield number, cells


def open_xlsx(path: Path) -> BatchSource:
    """The header is found with openpyxl; the rows are then cut from the sheet's XML in chunks that the
    scoring processes parse (batch.xlsx_in), so reading a large sheet uses every core."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=False)
        sheet = workbook.worksheets[0]
        member = sheet._worksheet_path
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, IndexError) as error:
        raise InputRefused(
            "无法读取该 Excel 文件（文件损坏或不是 .xlsx 格式）",
            f"Cannot read this Excel file (corrupt, or not .xlsx): {type(error).__name__}",
        ) from None
    source = BatchSource("xlsx")
    try:
        _header(sheet.iter_rows(values_only=True, max_row=HEADER_SEARCH_ROWS), source)
        if sheet.max_row:
            source.estimated_rows = max(sheet.max_row - source.header_rows, 0)
    finally:
        workbook.close()
    try:
        preamble = sheet_preamble(str(path), member)
    except (zipfile.BadZipFile, KeyError, OSError) as error:
        raise InputRefused("无法读取该 Excel 文件", f"Cannot read this Excel file: {type(error).__name__}") from None
    if preamble is not None:
        source.sheet = XlsxSheet(str(path.resolve()), member, preamble[0], preamble[1], source.header_rows)
        source.chunks = sheet_chunks(source.sheet)
    else:
        source.chunks = iter(())
    return source


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


def open_csv(path: Path) -> BatchSource:
    encoding = _text_encoding(path)
    handle = path.open("r", encoding=encoding, newline="")
    csv.field_size_limit(1 << 20)
    reader = csv.reader(handle)
    source = BatchSource("csv")
    try:
        _header(reader, source)  # type: ignore[arg-type]
    except (InputRefused, csv.Error, UnicodeDecodeError) as error:
        handle.close()
        if isinstance(error, InputRefused):
            raise
        raise InputRefused("无法读取该 CSV 文件", f"Cannot read this CSV file: {error}") from None
    source.estimated_rows = max(_count_lines(path) - source.header_rows, 0)

    def stream() -> Iterator[tuple[int, Any]]:
        try:
            yield from _table_rows(reader, source)  # type: ignore[arg-type]
        except csv.Error as error:
            raise InputRefused(f"CSV 格式错误：{error}", f"Malformed CSV: {error}") from None
        finally:
            handle.close()

    source.rows = stream()
    source.close = handle.close
    return source


def open_jsonl(path: Path) -> BatchSource:
    source = BatchSource("jsonl", estimated_rows=_count_lines(path))

    def stream() -> Iterator[tuple[int, Any]]:
        with path.open("rb") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    source.empty_rows += 1
                    continue
                yield number, line

    source.rows = stream()
    return source


def open_source(path: Path) -> BatchSource:
    """The batch input at `path`, by its extension, or InputRefused saying why it cannot be read."""
    kind = input_format(path)
    if not path.is_file():
        raise InputRefused(f"找不到文件 {path.name}", f"No such file: {path.name}")
    return {"xlsx": open_xlsx, "csv": open_csv, "jsonl": open_jsonl}[kind](path)
