"""The flat layout of a contract profile in a spreadsheet: one row per firm, one column per field.

Every column comes from the field catalogue (rules/fields.yaml, engine/fields.py): its heading, unit, hint
and allowed values are the form's. Each column's key is the field's contract path (``years[1].staff_total``),
so a validation error's field names its column directly. The accounting-year groups and the incident slots
are numbered column groups; a group left entirely empty is simply absent from the profile.
"""

from dataclasses import dataclass
from enum import StrEnum

from engine.bilingual import Bilingual
from engine.fields import FieldSpec, sections


class Kind(StrEnum):
    text = "text"
    date = "date"
    money = "money"  # 万元, at most 4 decimals, not negative
    signed_money = "signed_money"  # net assets may be negative
    headcount = "headcount"  # annual averages, may be fractional
    count = "count"  # whole numbers
    year = "year"
    year_list = "year_list"  # years as text, "2022, 2023, 2024"
    yes_no = "yes_no"
    choice = "choice"  # one of the catalogue's values: its code, either language's label, or an alias


@dataclass(frozen=True)
class Column:
    key: str  # the contract path
    zh: str  # the heading, with its unit
    en: str
    kind: Kind
    group: str  # the column group's id (see GROUPS)
    spec: FieldSpec  # the field's catalogue entry


LADDER_NOTE = Bilingual(zh="（培育阶梯，选填）", en=" (ladder, optional)")


def _kind(spec: FieldSpec) -> Kind:
    return Kind.yes_no if spec.type == "bool" else Kind(spec.type)


def _layout() -> tuple[tuple[Column, ...], dict[str, Bilingual]]:
    columns: list[Column] = []
    groups: dict[str, Bilingual] = {}
    for section in sections():
        title = section.title
        if section.ladder:
            title = Bilingual(zh=title.zh + LADDER_NOTE.zh, en=title.en + LADDER_NOTE.en)
        for slot in range(section.slots or 1):
            group = f"{section.id}{slot}" if section.slots else section.id
            groups[group] = (
                Bilingual(zh=f"{title.zh} {slot + 1}", en=f"{title.en} {slot + 1}") if section.slots else title
            )
            for spec in section.fields:
                key = spec.path.replace("[]", f"[{slot}]")
                heading = spec.heading(short=True)
                columns.append(Column(key, heading.zh, heading.en, _kind(spec), group, spec))
    return tuple(columns), groups


COLUMNS, GROUPS = _layout()
BY_KEY: dict[str, Column] = {column.key: column for column in COLUMNS}
NAME_KEY = "company.name"


def column_letter(index: int) -> str:
    """0 → 'A', 26 → 'AA' (spreadsheet column names)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters
