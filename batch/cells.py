"""One spreadsheet row → one contract profile, with an error per cell that cannot be read.

A cell is read by its column's kind, strictly: a number cell must hold a number (Excel's 15
significant digits, so 0.1 + 0.2 reads as 0.3), a yes/no cell one of the catalogue's yes/no words
(是/否/yes/no/true/false/y/n/1/0 …), a choice cell its code, a label in either language or an alias
(rules/fields.yaml), a date cell a date or ``YYYY-MM-DD`` / ``YYYY/M/D`` text. Text that starts with
``=`` is a formula to a spreadsheet and is refused in every column. Nothing is guessed: whatever does not
read is reported with its column and the profile is validated without it, so every other error of the row shows too.
"""

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from batch.columns import BY_KEY, Column, Kind, column_letter
from batch.outcome import Unreadable, printable
from engine.fields import FieldSpec, yes_no_words
from engine.profile import MAX_MAGNITUDE
from engine.validation import MAX_NUMBER_CHARS

PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
# What the self-check form strips from a typed number before reading it (api/selfcheck_form.py, `_number`):
# thousands separators, ASCII or full-width, and spaces — so "12,000.5" and "12，000" read as on the form.
THOUSANDS_SEPARATORS = (",", "，", " ")
SLASH_DATE = re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})")
YEAR_LIST_SEPARATORS = re.compile(r"[\s,，、;；]+")
FIRST_YEAR, LAST_YEAR = 1900, 2200
PATH_PART = re.compile(r"(\w+)(?:\[(\d+)\])?")


class CellError(ValueError):
    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.message = {"zh": zh, "en": en}


TOO_LARGE = CellError(
    f"数值过大：绝对值不得超过 {MAX_MAGNITUDE:,}（位数过多的数字也不接受）",
    f"Too large: at most {MAX_MAGNITUDE:,} in absolute value (numbers with too many digits are refused too)",
)


def _shown(value: Any) -> str:
    text = printable(str(value))
    return text if len(text) <= 40 else text[:40] + "…"


SAFE_FLOAT = float(MAX_MAGNITUDE) / 2  # a float below it is within MAX_MAGNITUDE after rounding to 15 digits


def _number(value: Any) -> Decimal:
    kind = type(value)
    if kind is float:
        if -SAFE_FLOAT < value < SAFE_FLOAT:  # the common case, checked without Decimal arithmetic
            return Decimal(format(value, ".15g"))  # what Excel holds: 15 significant digits
    elif kind is int and -MAX_MAGNITUDE <= value <= MAX_MAGNITUDE:
        return Decimal(value)
    return _any_number(value)


def _any_number(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise CellError("应为数字，不能是是/否", "Must be a number, not yes/no")
    if isinstance(value, str) and value.strip():
        text = value
        for separator in THOUSANDS_SEPARATORS:
            text = text.replace(separator, "")
    else:
        text = None
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(format(value, ".15g"))  # what Excel holds: 15 significant digits
    elif text is not None and len(text) <= MAX_NUMBER_CHARS and PLAIN_NUMBER.fullmatch(text):
        number = Decimal(text)
    elif text is not None and PLAIN_NUMBER.fullmatch(text[:MAX_NUMBER_CHARS]):
        raise TOO_LARGE
    else:
        raise CellError(f"应为数字，实为「{_shown(value)}」", f"Must be a number, got “{_shown(value)}”")
    if not number.is_finite() or number.copy_abs() > MAX_MAGNITUDE:  # refused before any arithmetic
        raise TOO_LARGE
    return number


def _whole(value: Any) -> Any:
    number = _number(value)
    return int(number) if number == number.to_integral_value() else float(number)


def _date(value: Any) -> str:
    if isinstance(value, dt.datetime):
        if value.hour or value.minute or value.second or value.microsecond:
            raise CellError("应为日期，不含时刻", "Must be a date without a time")
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        slash = SLASH_DATE.fullmatch(value)
        try:
            if slash:
                return dt.date(*(int(part) for part in slash.groups())).isoformat()
            return dt.date.fromisoformat(value).isoformat() if len(value) == 10 else _bad_date(value)
        except ValueError:
            pass
    return _bad_date(value)


def _bad_date(value: Any) -> str:
    raise CellError(
        f"应为日期（YYYY-MM-DD），实为「{_shown(value)}」", f"Must be a date (YYYY-MM-DD), got “{_shown(value)}”"
    )


def _year_list(value: Any) -> list[int]:
    """'2022, 2023，2024' (or one year that Excel stored as a number) → [2022, 2023, 2024]."""
    parts = YEAR_LIST_SEPARATORS.split(value.strip()) if isinstance(value, str) else [value]
    years = []
    for part in (p for p in parts if p != ""):
        try:
            year = _whole(part)
        except CellError:
            year = None
        if not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
            raise CellError(
                f"应为以逗号分隔的年度（如 2022, 2023），「{_shown(part)}」不是年度",
                f"Must be years separated by commas (e.g. 2022, 2023); “{_shown(part)}” is not a year",
            )
        years.append(year)
    if not years:
        raise CellError(f"应为年度，实为「{_shown(value)}」", f"Must be years, got “{_shown(value)}”")
    return years


def _yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().casefold() if isinstance(value, str | int) else None
    answer = yes_no_words().get(text) if text is not None else None
    if answer is None:
        raise CellError(f"应为「是」或「否」，实为「{_shown(value)}」", f"Must be yes or no, got “{_shown(value)}”")
    return answer


def _choice(value: Any, spec: FieldSpec) -> str:
    """A value of the catalogue: its code, its label in either language, or an alias."""
    code = spec.choice(value) if isinstance(value, str) else None
    if code is None:
        raise CellError(
            f"应为以下之一：{spec.allowed('zh')}；实为「{_shown(value)}」",
            f"Must be one of: {spec.allowed('en')}; got “{_shown(value)}”",
        )
    return code


def _text(value: Any) -> str:
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise CellError(f"应为文本，实为「{_shown(value)}」", f"Must be text, got “{_shown(value)}”")
    if isinstance(value, float | int):
        return str(int(value))  # a name or code that Excel stored as a number
    if isinstance(value, dt.date):
        raise CellError("应为文本，不能是日期", "Must be text, not a date")
    return str(value)


FORMULA_REFUSED = CellError(
    "单元格是公式（以 = 开头），请改为数值或文本（选择性粘贴为数值）",
    "The cell holds a formula (starts with =); paste it as a value instead",
)


_YES_NO_SEEN: dict[str, bool] = {}  # spellings seen → the answer (at most 256: a sheet uses a handful)


def _read_yes_no(value: Any) -> bool:
    """_yes_no, remembering each spelling seen: a sheet answers dozens of yes/no columns per row in a few
    words (是/否)."""
    if type(value) is str:
        answer = _YES_NO_SEEN.get(value)
        if answer is None:
            answer = _yes_no(value)
            if len(_YES_NO_SEEN) < 256:
                _YES_NO_SEEN[value] = answer
        return answer
    return _yes_no(value)


_READERS: dict[Kind, Callable[[Any], Any]] = {
    Kind.text: _text,
    Kind.date: _date,
    Kind.money: _number,
    Kind.signed_money: _number,
    Kind.headcount: _number,
    Kind.count: _whole,
    Kind.year: _whole,
    Kind.year_list: _year_list,
    Kind.yes_no: _read_yes_no,
}


@cache
def reader_for(key: str) -> Callable[[Any], Any]:
    """The function that reads a cell of the column `key` (a choice reads by its field's values)."""
    column = BY_KEY[key]
    if column.kind is Kind.choice:
        return _choice_reader(column.spec)
    return _READERS[column.kind]


def _choice_reader(spec: FieldSpec) -> Callable[[Any], str]:
    known: dict[str, str] = {}  # spellings seen → their code (at most the field's spellings: few)

    def read(value: Any) -> str:
        code = known.get(value) if type(value) is str else None
        if code is None:
            code = _choice(value, spec)
            if len(known) < 256:
                known[value] = code
        return code

    return read


def read_cell(column: Column, value: Any) -> Any:
    """The contract JSON value of one non-empty cell, or CellError."""
    if isinstance(value, str) and value.startswith("="):
        raise FORMULA_REFUSED
    return reader_for(column.key)(value)


@dataclass
class RowReading:
    """A row read into a profile dict; `errors` are the cells that could not be read."""

    profile: dict[str, Any]
    errors: list[dict[str, Any]] = field(default_factory=list)
    # list slot in the profile → the column group's slot, per list (years, incidents)
    slots: dict[str, list[int]] = field(default_factory=dict)

    def column_path(self, field_path: str) -> str:
        """A validation error's path (list indexes of the compacted profile) → the column's key."""
        match = re.match(r"(years|projections|incidents)\[(\d+)\]", field_path)
        if not match:
            return field_path
        slots = self.slots.get(match.group(1), [])
        index = int(match.group(2))
        if index >= len(slots):
            return field_path
        return f"{match.group(1)}[{slots[index]}]{field_path[match.end() :]}"


def _cleaned(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


@cache
def _plan(
    keys: tuple[str | None, ...],
) -> tuple[tuple[int, str, Callable[[Any], Any], str, int | None, str | None], ...]:
    """For a header: each read column's index, key, reader and place in the profile (computed once)."""
    plan = []
    for index, key in enumerate(keys):
        if key is None:
            continue
        parts = key.split(".")
        head = PATH_PART.fullmatch(parts[0])
        assert head is not None
        slot = int(head.group(2)) if head.group(2) is not None else None
        plan.append((index, key, reader_for(key), head.group(1), slot, parts[1] if len(parts) > 1 else None))
    return tuple(plan)


@cache
def _by_column(keys: tuple[str | None, ...]) -> tuple[Any, ...]:
    """The plan by column index: a column's entry, or None for an ignored column."""
    entries: list[Any] = [None] * len(keys)
    for entry in _plan(keys):
        entries[entry[0]] = entry
    return tuple(entries)


def read_row(keys: Sequence[str | None], cells: Sequence[Any]) -> RowReading:
    """Cells under the header `keys` (None = an ignored column) → the profile they describe."""
    profile: dict[str, Any] = {}
    lists: dict[str, dict[int, dict[str, Any]]] = {}
    errors: list[dict[str, Any]] = []
    width = len(cells)
    columns = _by_column(keys if type(keys) is tuple else tuple(keys))
    for entry, value in zip(columns, cells, strict=False):  # cells beyond the header: checked below
        if value is None or entry is None:
            continue
        index, key, reader, name, slot, inner = entry
        kind = type(value)
        if kind is str:
            value = value.strip()
            if not value:
                continue
            if value[0] == "=":
                errors.append({"field": key, "column": column_letter(index), "message": FORMULA_REFUSED.message})
                continue
        elif kind is Unreadable:
            errors.append({"field": key, "column": column_letter(index), "message": value.message})
            continue
        try:
            value = reader(value)
        except CellError as error:
            errors.append({"field": key, "column": column_letter(index), "message": error.message})
            continue
        if slot is not None:
            entries = lists.get(name)
            if entries is None:
                entries = lists[name] = {}
            entry = entries.get(slot)
            if entry is None:
                entry = entries[slot] = {}
            entry[inner] = value  # type: ignore[index]
        elif inner is None:
            profile[name] = value
        else:
            group = profile.get(name)
            if group is None:
                group = profile[name] = {}
            group[inner] = value
    for index in range(len(keys), width):
        if _cleaned(cells[index]) is not None:
            errors.append(
                {
                    "field": "(row)",
                    "column": column_letter(index),
                    "message": {
                        "zh": f"第 {column_letter(index)} 列在表头之外却有内容（本行共 {width} 列，"
                        f"表头 {len(keys)} 列），请检查是否错位",
                        "en": f"Column {column_letter(index)} lies beyond the header yet holds a value (the row has "
                        f"{width} columns, the header {len(keys)}); check for shifted cells",
                    },
                }
            )
            break
    slots: dict[str, list[int]] = {}
    for name, entries in lists.items():
        order = sorted(entries)
        profile[name] = [entries[number] for number in order]
        slots[name] = order
    return RowReading(profile, errors, slots)


def number_or_plain(value: Any) -> Any:
    """Decimals as JSON-able numbers (int when whole) for storing the profile that was read."""
    if isinstance(value, Decimal):
        try:
            return int(value) if value == value.to_integral_value() else float(value)
        except InvalidOperation:
            return str(value)
    if isinstance(value, dict):
        return {k: number_or_plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [number_or_plain(v) for v in value]
    return value
