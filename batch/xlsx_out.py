"""A small streaming .xlsx writer for the batch workbook, so that rows can be rendered in the scoring
processes and the parent only copies bytes into the zip.

Why not XlsxWriter here: writing a 40-column results row through it costs about 0.5 ms in the parent
process, which alone capped a two-core batch below 1,000 rows/s. The SpreadsheetML written here is
the plain subset Excel, LibreOffice and openpyxl read: inline strings, numbers, three cell styles
(header, quote-prefixed text, default), column widths and frozen header rows.

Text is written as string cells only (never as a formula); text that starts with = + - @ (or a tab or
carriage return) also carries the quote-prefix style, so editing the cell in Excel keeps it text.
Characters that XML 1.0 forbids (control characters) become U+FFFD; cells hold at most 32,767
characters, as in Excel.
"""

import re
import shutil
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape

from batch.columns import column_letter

ROW_MARK = "\x01"  # stands for the row number in a rendered row; the sheet fills it in
ROW_BREAK = b"\x02"  # between the rendered rows of one outcome (no rendered text holds a control character)
FLUSH_BYTES = 1 << 18  # rows are handed to the zip (and compressed) in blocks of about this size
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL_CHARS = 32_767
FORBIDDEN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
HEADER_STYLE, QUOTED_STYLE = 1, 2
TRUE_FALSE = ("通过", "未通过")  # a bare boolean cell is never written; labels are

_LETTERS = [column_letter(i) for i in range(16_384)]


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def _text(value: str) -> str:
    if len(value) > MAX_CELL_CHARS:
        value = value[:MAX_CELL_CHARS]
    return escape(FORBIDDEN_XML.sub("\ufffd", value))


_NEEDS_CARE = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # what _text changes
_CELL_START = [f'<c r="{letter}{ROW_MARK}"' for letter in _LETTERS]
_INFINITE = (float("inf"), float("-inf"))


def render_cells(values: Sequence[Any], style: int = 0) -> str:
    """One row's cells as SpreadsheetML, with ROW_MARK where the row number goes."""
    parts: list[str] = []
    append = parts.append
    styled = f' s="{style}"' if style else ""
    rendered = _RENDERED
    for index, value in enumerate(values):
        if value is None:
            continue
        kind = type(value)
        if kind is str:
            key = (index, value, style)
            cell = rendered.get(key)
            if cell is None:
                cell = _text_cell(index, value, style, styled)
                if len(rendered) < RENDERED_CELLS:
                    rendered[key] = cell
            append(cell)
        elif kind is int or (kind is float and value == value and value not in _INFINITE):
            append(f"{_CELL_START[index]}{styled}><v>{value!r}</v></c>")
        elif isinstance(value, bool):
            append(_text_cell(index, TRUE_FALSE[0] if value else TRUE_FALSE[1], style, styled))
        elif isinstance(value, int | float) and value == value and value not in _INFINITE:
            append(f"{_CELL_START[index]}{styled}><v>{value!r}</v></c>")
        else:
            append(_text_cell(index, str(value), style, styled))
    return "".join(parts)


# A text cell by (column, text, style), rendered once: most of a results row repeats from row to row (outcome
# labels, verdicts, tiers, shortfall texts). Bounded: once full, new texts are rendered each time.
RENDERED_CELLS = 4_096
_RENDERED: dict[tuple[int, str, int], str] = {}


def _text_cell(index: int, text: str, style: int, styled: str) -> str:
    quoted = styled if style or not text.startswith(FORMULA_STARTS) else f' s="{QUOTED_STYLE}"'
    if len(text) > MAX_CELL_CHARS or _NEEDS_CARE.search(text):
        text = _text(text)
    return f'{_CELL_START[index]} t="inlineStr"{quoted}><is><t xml:space="preserve">{text}</t></is></c>'


@dataclass
class SheetLayout:
    name: str
    widths: Sequence[float] = ()
    frozen_rows: int = 0
    frozen_columns: int = 0


class SheetStream:
    """Rows appended in order; the XML goes to `out` (the zip member or a temporary file), in blocks."""

    def __init__(self, layout: SheetLayout, out: IO[bytes]) -> None:
        self.layout = layout
        self.out = out
        self.rows = 0
        self._pending: list[bytes] = []
        self._pending_bytes = 0
        out.write(_sheet_head(layout).encode())

    def append(self, values: Sequence[Any], style: int = 0) -> None:
        self.append_rendered(render_cells(values, style).encode())

    def append_rendered(self, cells: bytes) -> None:
        """A row rendered by render_cells, as UTF-8."""
        self.rows += 1
        number = str(self.rows).encode()
        row = b'<row r="' + number + b'">' + cells.replace(b"\x01", number) + b"</row>"
        self._pending.append(row)
        self._pending_bytes += len(row)
        if self._pending_bytes >= FLUSH_BYTES:
            self.flush()

    def flush(self) -> None:
        if self._pending:
            self.out.write(b"".join(self._pending))
            self._pending.clear()
            self._pending_bytes = 0

    def finish(self) -> None:
        self.flush()
        self.out.write(b"</sheetData></worksheet>")


def _sheet_head(layout: SheetLayout) -> str:
    pane = ""
    if layout.frozen_rows or layout.frozen_columns:
        top_left = f"{column_letter(layout.frozen_columns)}{layout.frozen_rows + 1}"
        split = (f' xSplit="{layout.frozen_columns}"' if layout.frozen_columns else "") + (
            f' ySplit="{layout.frozen_rows}"' if layout.frozen_rows else ""
        )
        pane = f'<pane{split} topLeftCell="{top_left}" activePane="bottomRight" state="frozen"/>'
    cols = "".join(
        f'<col min="{i + 1}" max="{i + 1}" width="{w}" customWidth="1"/>' for i, w in enumerate(layout.widths)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<sheetViews><sheetView workbookViewId="0">{pane}</sheetView></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15"/>' + (f"<cols>{cols}</cols>" if cols else "") + "<sheetData>"
    )


STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFEEF2F7"/><bgColor indexed="64"/></patternFill></fill>'
    "</fills>"
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


class StreamingWorkbook:
    """A workbook whose first sheet streams straight into the zip and whose other sheets wait in
    temporary files until `close()` puts them in after it."""

    def __init__(self, path: Path, layouts: Sequence[SheetLayout]) -> None:
        self.path = path
        self.layouts = list(layouts)
        self.zip = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1)
        self._first = self.zip.open("xl/worksheets/sheet1.xml", "w", force_zip64=True)
        self._spools: list[IO[bytes]] = [tempfile.TemporaryFile() for _ in self.layouts[1:]]
        self.sheets = [SheetStream(self.layouts[0], self._first)] + [
            SheetStream(layout, spool) for layout, spool in zip(self.layouts[1:], self._spools, strict=True)
        ]

    def close(self) -> None:
        for sheet in self.sheets:
            sheet.finish()
        self._first.close()
        for index, spool in enumerate(self._spools, start=2):
            spool.seek(0)
            with self.zip.open(f"xl/worksheets/sheet{index}.xml", "w", force_zip64=True) as member:
                shutil.copyfileobj(spool, member, 1 << 20)
            spool.close()
        self._write_package()
        self.zip.close()

    def _write_package(self) -> None:
        count = len(self.layouts)
        sheets = "".join(
            f'<sheet name="{escape(layout.name)}" sheetId="{i}" r:id="rId{i}"/>'
            for i, layout in enumerate(self.layouts, start=1)
        )
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            f'worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, count + 1)
        )
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, count + 1)
        )
        files = {
            "[Content_Types].xml": (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                '<Override PartName="/xl/workbook.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                '<Override PartName="/xl/styles.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
                f"{overrides}</Types>"
            ),
            "_rels/.rels": (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                'officeDocument" Target="xl/workbook.xml"/></Relationships>'
            ),
            "xl/workbook.xml": (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                f"<bookViews><workbookView/></bookViews><sheets>{sheets}</sheets></workbook>"
            ),
            "xl/_rels/workbook.xml.rels": (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                f'{rels}<Relationship Id="rId{count + 1}" '
                'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
                'Target="styles.xml"/></Relationships>'
            ),
            "xl/styles.xml": STYLES,
        }
        for name, content in files.items():
            self.zip.writestr(name, content)
