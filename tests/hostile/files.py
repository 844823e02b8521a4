"""Hostile input files, generated here (nothing binary is checked in): .xlsx packages written part by part,
so that a test controls every cell, every shared string and every part's size."""

import datetime as dt
import json
import struct
import zipfile
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from batch.columns import COLUMNS, column_letter
from batch.template import flatten, spreadsheet_value
from fixtures.generator import pool

EXAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "examples"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
        'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets>'
        '<sheet name="firms" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>"
    ),
}
SHEET_START = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>'.encode()
SHEET_END = b"</sheetData></worksheet>"


def example(name: str = "eligible-firm") -> dict[str, Any]:
    return json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))


def firms(count: int, seed: int = 11) -> list[dict[str, Any]]:
    return list(pool(count, seed=seed))


class Strings:
    """A shared-strings table under construction."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def index(self, text: str) -> int:
        self.items.append(text)
        return len(self.items) - 1

    def xml(self) -> bytes:
        body = "".join(f"<si><t>{escape(text)}</t></si>" for text in self.items)
        return f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">{body}</sst>'.encode()


def _cell(ref: str, value: Any, strings: Strings) -> str:
    if isinstance(value, bool) or value is None:
        raise ValueError(value)
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'
    if isinstance(value, dt.date):
        value = value.isoformat()
    return f'<c r="{ref}" t="s"><v>{strings.index(str(value))}</v></c>'


def row_xml(number: int, cells: list[Any], strings: Strings) -> str:
    inner = "".join(
        _cell(f"{column_letter(index)}{number}", value, strings)
        for index, value in enumerate(cells)
        if value is not None
    )
    return f'<row r="{number}">{inner}</row>'


def profile_cells(profile: dict[str, Any]) -> list[Any]:
    flat = flatten(profile)
    return [spreadsheet_value(column, flat.get(column.key)) for column in COLUMNS]


def header_xml(strings: Strings) -> str:
    return row_xml(1, [column.key for column in COLUMNS], strings)


def write_xlsx(path: Path, rows: Iterable[str], strings: Strings, extra: dict[str, bytes] | None = None) -> Path:
    """A workbook whose sheet holds `rows` (raw <row> XML, the header included) and `strings`."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in PACKAGE.items():
            archive.writestr(name, text)
        archive.writestr("xl/worksheets/sheet1.xml", SHEET_START + "".join(rows).encode() + SHEET_END)
        archive.writestr("xl/sharedStrings.xml", strings.xml())
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return path


def workbook_of(path: Path, profiles: list[dict[str, Any]]) -> tuple[list[str], Strings]:
    """The rows (header first, firms from row 2) of a workbook of `profiles`, to be altered and written."""
    strings = Strings()
    rows = [header_xml(strings)] + [row_xml(n, profile_cells(p), strings) for n, p in enumerate(profiles, start=2)]
    return rows, strings


def inflating_part(path: Path, member: str, size: int, filler: bytes = b" ") -> None:
    """Adds a part of `size` bytes of `filler` (a zip bomb's part: it compresses about a thousandfold)."""
    block = filler * (1 << 20 // len(filler))
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open(member, "w", force_zip64=True) as stream:
            written = 0
            while written < size:
                piece = block[: size - written]
                stream.write(piece)
                written += len(piece)


def deflated(pieces: Iterable[tuple[bytes, int]]) -> tuple[bytes, int, int]:
    """A raw deflate stream of each (data, times) in turn, built without compressing every byte: a piece
    deflated once and ended with a full flush can be repeated as is. Returns (stream, CRC-32, size)."""
    stream, crc, size = [], 0, 0
    for data, times in pieces:
        compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
        stream.append((compressor.compress(data) + compressor.flush(zlib.Z_FULL_FLUSH)) * times)
        for _ in range(times):
            crc = zlib.crc32(data, crc)
        size += len(data) * times
    stream.append(zlib.compressobj(9, zlib.DEFLATED, -15).flush())  # the final, empty block
    return b"".join(stream), crc, size


def write_zip(path: Path, members: dict[str, bytes | tuple[bytes, int, int]]) -> Path:
    """A zip of `members`: plain bytes, or (raw deflate stream, CRC-32, inflated size) from deflated()."""
    local, central = bytearray(), bytearray()
    for name, member in members.items():
        data, crc, size = member if isinstance(member, tuple) else deflated([(member, 1)])
        encoded = name.encode()
        common = (8, 0, 0x21, crc, len(data), size, len(encoded))  # deflated, a DOS date, sizes, name length
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, *common, 0, 0, 0, 0, 0, len(local))
        local += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, *common, 0) + encoded + data
        central += encoded
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), len(local), 0)
    path.write_bytes(bytes(local + central + end))
    return path


def bomb_xlsx(path: Path, sheet: list[tuple[bytes, int]], strings: list[tuple[bytes, int]] | None = None) -> Path:
    """A workbook whose sheet (and shared strings) inflate from the given pieces: megabytes on disk,
    gigabytes inflated. The sheet starts with the header row."""
    keys = "".join(
        f'<c r="{column_letter(i)}1" t="inlineStr"><is><t>{c.key}</t></is></c>' for i, c in enumerate(COLUMNS)
    )
    members: dict[str, bytes | tuple[bytes, int, int]] = {name: text.encode() for name, text in PACKAGE.items()}
    members["xl/worksheets/sheet1.xml"] = deflated([(SHEET_START + f'<row r="1">{keys}</row>'.encode(), 1), *sheet])
    members["xl/sharedStrings.xml"] = deflated(strings or [(Strings().xml(), 1)])
    return write_zip(path, members)
