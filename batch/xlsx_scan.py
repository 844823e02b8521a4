"""The fast reading of a chunk of worksheet rows: regular expressions over the plain shape that Excel,
LibreOffice, WPS, openpyxl and xlsxwriter write — `<row r="5" …>`, then cells `<c r="B5" s="3" t="s">`
holding a `<v>` value or an inline `<is><t>` string, or nothing.

It reads a chunk only when every byte of it is in that shape: rows one after another (whitespace between),
well-formed attributes on the rows, cells with exactly the attributes r, s and t in that order, values with
no entity but XML's five named ones (`&amp;` …), no control character, no carriage return and no `>`.
Anything else — a formula (`<f>`), rich text, a character reference, a prefix it does not know, any XML
that might not parse — returns None, and the chunk is read by ElementTree (batch.xlsx_in), which decides
every refusal. So the two readings give the same cells for every chunk this one accepts
(tests/batch/test_xlsx_scan.py compares them); this one is three to five times faster.
"""

import re
from functools import cache
from typing import TYPE_CHECKING, Any
from xml.etree.ElementTree import ParseError, fromstring

if TYPE_CHECKING:
    from batch.xlsx_in import BookTables

# characters XML 1.0 forbids, the carriage return (XML turns it into a line feed) and what needs care
_CHARACTERS = r"[^<>&\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]*"
_TEXT = rf"{_CHARACTERS}(?:&(?:amp|lt|gt|quot|apos);{_CHARACTERS})*"  # XML's five named entities
_ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&apos;": "'"}
_ENTITY = re.compile("&(?:amp|lt|gt|quot|apos);")
_SPACE = r"[ \t\n]*"  # XML's whitespace between elements (a carriage return is left to ElementTree)
_NAME = r"[A-Za-z_][A-Za-z0-9_.-]*(?::[A-Za-z_][A-Za-z0-9_.-]*)?"
_VALUE = r'"[^"<&\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]*"'
_ATTRIBUTE = re.compile(rf"[ \t\n]+({_NAME})=({_VALUE})")


@cache
def _token(prefix: str) -> re.Pattern[str]:
    """One row start, row end or cell, with the element prefix of the sheet (usually none); or any other
    character, which makes the chunk one for ElementTree."""
    p = re.escape(prefix)
    attributes = rf"(?:[ \t\n]+{_NAME}={_VALUE})*"
    return re.compile(
        _SPACE + r"(?:"
        rf"<{p}row({attributes}){_SPACE}(/?)>"  # 1: the row's attributes, 2: "/" for an empty row
        rf"|(</{p}row>)"  # 3: the row's end
        rf'|<{p}c r="([A-Z]{{1,3}})[0-9]{{1,7}}"(?: s="([0-9]{{1,9}})")?(?: t="([a-zA-Z]{{1,9}})")?'  # 4-6
        rf'(?:/>|>(?:(?:<{p}v>|(<{p}is>)<{p}t(?: xml:space="preserve")?>)'  # 7: an inline string
        rf"({_TEXT})(?(7)</{p}t></{p}is>|</{p}v>))?</{p}c>)"  # 8: the text
        r"|([^ \t\n])"  # 9: anything else
        r")"
    )


@cache
def _plain_root(prefix: bytes, root: bytes) -> frozenset[str] | None:
    """The namespace prefixes the sheet's root declares, or None when ElementTree would not find the rows
    where this reader does: a root that does not parse, or rows outside the namespace it looks in."""
    from batch.xlsx_in import MAIN_NS, _namespace

    end = b"<" + prefix + b"sheetData/></" + prefix + b"worksheet>"
    try:
        data = fromstring(root + end)[0]
    except (ParseError, IndexError):
        return None
    text = prefix.decode()
    if data.tag != (MAIN_NS if not text else _namespace(root, text)) + "sheetData":
        return None
    return frozenset(re.findall(r"xmlns:([A-Za-z0-9_.-]+)=", root.decode("utf-8", "replace"))) | {"xml"}


def scan_rows(
    prefix_bytes: bytes, root: bytes, chunk: bytes, tables: "BookTables"
) -> list[tuple[str | None, Any]] | None:
    """(the row's r attribute, its cells — a list by column, or Unreadable) for every row of the chunk, or
    None when the chunk is not in the plain shape (ElementTree reads it then)."""
    from batch.xlsx_in import CELL_ERRORS, LETTER_INDEX, MAX_NUMBER_CHARS, typed_value, unreadable_cell

    try:
        text = chunk.decode("utf-8")
    except UnicodeDecodeError:
        return None
    declared = _plain_root(prefix_bytes, root)
    if declared is None:
        return None
    dated = _DatedStyles(tables)
    rows: list[tuple[str | None, Any]] = []
    cells: list[Any] | None = None
    marked: str | bool | None = None
    letter_index = LETTER_INDEX
    entities = "&" in text
    for attributes, closed, end, letters, style, kind, inline, value, other in _token(prefix_bytes.decode()).findall(
        text
    ):
        if letters:  # a cell
            if cells is None:
                return None  # a cell outside a row
            column = letter_index.get(letters, -1)
            if column < 0:
                return None
            result: Any
            if entities and "&" in value:
                value = _ENTITY.sub(lambda found: _ENTITIES[found.group()], value)
            if inline:
                result = value
            elif not value:
                continue
            elif not kind and not (style and dated[style]):
                try:  # a number, as batch.xlsx_in._number reads it (written out: most cells are numbers)
                    if len(value) > MAX_NUMBER_CHARS:
                        result = value.strip()
                    elif "." in value or "E" in value or "e" in value:
                        result = float(value)
                    else:
                        result = int(value)
                except CELL_ERRORS as error:
                    result = unreadable_cell("n", error)
            else:
                try:
                    result = typed_value(kind or "n", style or None, value, tables)
                except CELL_ERRORS as error:
                    result = unreadable_cell(kind or "n", error)
            width = len(cells)
            if column == width:
                cells.append(result)
            elif column < width:
                cells[column] = result
            else:
                cells.extend([None] * (column - width))
                cells.append(result)
        elif end:
            if cells is None:
                return None
            rows.append((marked, cells))  # type: ignore[arg-type]
            cells = None
        elif other:
            return None
        else:  # a row's start
            if cells is not None:
                return None  # a row inside a row
            marked = _row_number(attributes, declared)
            if marked is False:
                return None
            if closed:
                rows.append((marked, []))  # type: ignore[arg-type]
            else:
                cells = []
    if cells is not None:
        return None  # a row left open
    return rows


class _DatedStyles(dict[str, bool]):
    """style (as written in the cell) → whether it formats a date, worked out once per style."""

    def __init__(self, tables: "BookTables") -> None:
        super().__init__()
        self.dates = tables.date_styles

    def __missing__(self, style: str) -> bool:
        self[style] = dated = int(style) in self.dates
        return dated


def _row_number(attributes: str, declared: frozenset[str]) -> str | bool | None:
    """The row's r attribute; False when its attributes are not plainly well-formed (a name given twice,
    a prefix no namespace declares)."""
    if not attributes:
        return None
    names = set()
    number = None
    count = 0
    for name, value in _ATTRIBUTE.findall(attributes):
        count += 1
        if name in names or (":" in name and name.split(":", 1)[0] not in declared) or name.startswith("xmlns"):
            return False
        names.add(name)
        if name == "r":
            number = value[1:-1].replace("\t", " ").replace("\n", " ")  # as XML normalises it
    if not count:
        return False
    return number
