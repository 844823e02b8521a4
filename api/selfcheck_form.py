"""The self-check form: its fields (with the definitions a firm needs, hnte-rules.md §4), the conversion of
a submitted form into a contract profile, and of a profile back into form values.

Every input's ``name`` is its contract path (``company.name``, ``years[1].rd_expense``, ``ip.class1``),
so the engine's field errors land next to the right input. A blank input means the field is absent.
"""

import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from engine.fields import FieldSpec, catalogue, section, sections

# The ladder's inputs (docs/ladder.md) add: "year" (a calendar year), "year_list" ("2022, 2023"), "flag" (a box
# whose unticked state is the section's default, so it is left out) and "choice" (blank / yes / no, for the
# answers whose blank means "not stated": a default of yes, or unknown); "select" is any other choice of the
# field catalogue's values (blank = not stated).
Kind = Literal[
    "text",
    "date",
    "money",
    "signed_money",
    "headcount",
    "count",
    "bool",
    "grade",
    "domain",
    "year",
    "year_list",
    "flag",
    "choice",
    "select",
]
NUMBER_KINDS = frozenset({"money", "signed_money", "headcount", "count", "year"})
YEAR_COLUMNS = section("years").slots or 3
INCIDENT_ROWS = section("incidents").slots or 3
PROJECTION_COLUMNS = section("projections").slots or 2


@dataclass(frozen=True)
class Field:
    """One input of the form, made from its entry in the field catalogue (engine/fields.py)."""

    name: str  # the contract path (inside a year entry for the year table)
    kind: Kind
    zh: str
    en: str
    hint_zh: str = ""
    hint_en: str = ""
    required: bool = False
    default: Any = None
    extra: dict[str, str] = field(default_factory=dict)  # HTML attributes (maxlength, pattern …)
    options: tuple[tuple[str, str, str], ...] = ()  # a select's (code, zh, en)


# the form's input kind of each catalogue type; a bool is a checkbox ("bool"), a "flag" or a "choice"
_BOOL_INPUTS: dict[str, Kind] = {"check": "bool", "flag": "flag", "yes_no": "choice"}


def _kind(spec: FieldSpec) -> Kind:
    if spec.type == "bool":
        return _BOOL_INPUTS[spec.input or "check"]
    if spec.type == "choice":  # a select of the catalogue's values
        return "domain" if spec.path == "tech_domain" else "grade" if spec.path.startswith("ip.") else "select"
    return spec.type


def form_field(spec: FieldSpec) -> Field:
    heading = spec.heading()
    return Field(
        spec.name,
        _kind(spec),
        heading.zh,
        heading.en,
        spec.hint.zh if spec.hint else "",
        spec.hint.en if spec.hint else "",
        required=spec.required,
        default=spec.default,
        extra=dict(spec.html),
        options=tuple((choice.code, choice.label.zh, choice.label.en) for choice in spec.values),
    )


def _fields(section_id: str, *, ladder: bool | None = None, skip: tuple[str, ...] = ()) -> tuple[Field, ...]:
    return tuple(
        form_field(spec)
        for spec in section(section_id).fields
        if (ladder is None or spec.ladder == ladder) and spec.name not in skip
    )


COMPANY_FIELDS = _fields("company")
DOMAINS: tuple[tuple[str, str, str], ...] = next(f for f in COMPANY_FIELDS if f.name == "tech_domain").options
YEAR_FIELDS = _fields("years", ladder=False, skip=("year",))  # the year itself heads each column
IP_FIELDS = _fields("ip")
RD_MANAGEMENT_FIELDS = _fields("rd_management")
INCIDENT_KINDS: tuple[tuple[str, str, str], ...] = form_field(catalogue()["incidents[].kind"]).options
GRADES = tuple(choice.code for choice in catalogue()["ip.advancement"].values)

# The cultivation ladder's optional sections (docs/ladder.md). Every input may stay blank: a blank input
# is absent, so a form that leaves them all blank gives the v1 profile it gave before.
LADDER_FIELDS = tuple(spec for s in sections() if s.ladder for spec in _fields(s.id))
LADDER_YEAR_FIELDS = _fields("years", ladder=True)
# The forward plan's expected figures of open years (docs/plan.md): the year table's inputs, every one of them,
# in a collapsed part of the form; the year heads each column as in the year table.
PROJECTION_FIELDS = _fields("projections", skip=("year",))
# the ladder's sections as the form shows them: (legend zh, legend en, section prefix)
LADDER_SECTIONS: tuple[tuple[str, str, str], ...] = tuple(
    (s.title.zh, s.title.en, f"{s.id}.") for s in sections() if s.ladder
)
CHOICES: tuple[tuple[str, str, str], ...] = (("yes", "是", "Yes"), ("no", "否", "No"))
YEAR_LIST_SEPARATORS = re.compile(r"[\s,，、;；]+")

SCALAR_FIELDS: tuple[Field, ...] = (*COMPANY_FIELDS, *IP_FIELDS, *RD_MANAGEMENT_FIELDS)
BOOL_FIELDS = tuple(f for f in SCALAR_FIELDS if f.kind == "bool")


@dataclass
class FormState:
    """What the form shows: the value of every input (by name), the year columns and incident rows."""

    values: dict[str, str]
    year_columns: int
    incident_rows: int
    errors: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    projection_columns: int = PROJECTION_COLUMNS

    @property
    def projections_open(self) -> bool:
        """The collapsed projections part opens when a projected figure, or an error there, is in it (the
        prefilled years alone do not open it)."""
        return any(
            name.startswith("projections[") and not name.endswith("].year") and value
            for name, value in self.values.items()
        ) or any(name.startswith("projections[") for name in self.errors)

    @property
    def ladder_open(self) -> bool:
        """The collapsed ladder section opens when it holds an answer or an error."""
        names = {spec.name for spec in LADDER_FIELDS}
        employees = [
            f"years[{column}].{spec.name}" for column in range(self.year_columns) for spec in LADDER_YEAR_FIELDS
        ]
        return any(self.values.get(name) for name in (*names, *employees)) or any(
            name in self.errors for name in (*names, *employees)
        )


@dataclass
class Converted:
    """A profile made from a form, and where each list entry came from (for the error paths)."""

    profile: dict[str, Any]
    year_column: list[int]  # profile years[i] came from form column year_column[i]
    incident_row: list[int]
    projection_column: list[int] = field(default_factory=list)  # likewise for projections[i]


# form → profile -----------------------------------------------------------------------------------


def _number(text: str, kind: Kind) -> Any:
    """'3,200.5' → Decimal('3200.5'); a count → int; text that is no number stays text (the engine says so)."""
    cleaned = text.replace(",", "").replace("，", "").replace(" ", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return text
    if not value.is_finite():
        return text
    if kind in ("count", "year") and value == value.to_integral_value():
        return int(value)
    return value


def _scalar(text: str, kind: Kind) -> Any:
    text = text.strip()
    if kind in NUMBER_KINDS:
        return _number(text, kind) if text else None
    if kind in ("grade", "domain"):
        return text or None  # blank = not known (null)
    return text or None


def _year_list(text: str) -> list[Any] | None:
    """'2022, 2023，2024' → [2022, 2023, 2024]; a part that is no year stays text (the engine says so)."""
    parts = [part for part in YEAR_LIST_SEPARATORS.split(text.strip()) if part]
    return [_number(part, "year") for part in parts] or None


def _ladder_value(text: str, kind: Kind) -> Any:
    """A ladder input's contract value, or None when it is left out (blank, unticked, not stated)."""
    text = text.strip()
    if kind == "flag":
        return True if text in ("on", "true", "1", "yes") else None  # unticked: the default, "not the case"
    if kind == "choice":
        return {"yes": True, "no": False}.get(text, text or None)  # anything else is the engine's to refuse
    if kind == "year_list":
        return _year_list(text)
    return _scalar(text, kind)


def _put(target: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    for part in parts[:-1]:
        target = target.setdefault(part, {})
    target[parts[-1]] = value


def _count(form: Mapping[str, str], prefix: str, minimum: int) -> int:
    indexes = [minimum - 1]
    for name in form:
        if name.startswith(prefix + "["):
            try:
                indexes.append(int(name[len(prefix) + 1 : name.index("]")]))
            except ValueError:
                continue
    return min(max(indexes) + 1, 50)  # a hand-made form cannot make us loop for long


def profile_from_form(form: Mapping[str, str]) -> Converted:
    """The contract profile of a submitted form. Blank inputs are absent; unticked boxes are false."""
    profile: dict[str, Any] = {}
    for spec in SCALAR_FIELDS:
        if spec.kind == "bool":
            _put(profile, spec.name, form.get(spec.name) in ("on", "true", "1", "yes"))
            continue
        value = _scalar(form.get(spec.name, ""), spec.kind)
        if value is not None or spec.kind in ("grade", "domain"):
            _put(profile, spec.name, value)
    for spec in LADDER_FIELDS:  # a ladder section appears only when one of its inputs is filled in
        value = _ladder_value(form.get(spec.name, ""), spec.kind)
        if value is not None:
            _put(profile, spec.name, value)

    years, year_column = _year_entries(form, "years", (*YEAR_FIELDS, *LADDER_YEAR_FIELDS), YEAR_COLUMNS)
    profile["years"] = years
    projections, projection_column = _year_entries(form, "projections", PROJECTION_FIELDS, PROJECTION_COLUMNS)
    if projections:  # absent when none is typed: the profile stays what it was without the plan's inputs
        profile["projections"] = projections

    incidents, incident_row = [], []
    for row in range(_count(form, "incidents", INCIDENT_ROWS)):
        kind = form.get(f"incidents[{row}].kind", "").strip()
        date = form.get(f"incidents[{row}].date", "").strip()
        note = form.get(f"incidents[{row}].note", "").strip()
        if not (kind or date or note):
            continue
        incident: dict[str, Any] = {"kind": kind or None, "date": date or None}
        if note:
            incident["note"] = note
        incidents.append(incident)
        incident_row.append(row)
    profile["incidents"] = incidents
    return Converted(profile, year_column, incident_row, projection_column)


def _year_entries(
    form: Mapping[str, str], prefix: str, specs: tuple[Field, ...], minimum: int
) -> tuple[list[dict[str, Any]], list[int]]:
    """The year entries of a year table (``years`` or ``projections``) and the form column of each."""
    entries, columns = [], []
    for column in range(_count(form, prefix, minimum)):
        entry: dict[str, Any] = {}
        for spec in specs:
            value = _scalar(form.get(f"{prefix}[{column}].{spec.name}", ""), spec.kind)
            if value is not None:
                entry[spec.name] = value
        if not entry:  # a column left blank: that year's entry is absent
            continue
        year_text = form.get(f"{prefix}[{column}].year", "").strip()
        entries.append({"year": _number(year_text, "count") if year_text else None, **entry})
        columns.append(column)
    return entries, columns


_YEAR_LIST_INPUTS = frozenset(spec.name for spec in LADDER_FIELDS if spec.kind == "year_list")


def errors_by_input(errors: list[dict[str, Any]], converted: Converted | None) -> dict[str, list[dict[str, str]]]:
    """The engine's field errors keyed by the input they belong to (list indexes mapped back to the form)."""
    placed: dict[str, list[dict[str, str]]] = {}
    for error in errors:
        path = error["field"]
        if converted is not None:
            path = _form_path(path, "years", converted.year_column)
            path = _form_path(path, "projections", converted.projection_column)
            path = _form_path(path, "incidents", converted.incident_row)
        if path.startswith(("years[", "projections[")) and path.endswith("]"):
            path += ".year"
        message = error["message"]
        listed, _, item = path.partition("[")
        if listed in _YEAR_LIST_INPUTS and item.rstrip("]").isdigit():  # one year of a list input
            number = int(item.rstrip("]")) + 1
            path, message = (
                listed,
                {"zh": f"第 {number} 个年度：{message['zh']}", "en": f"year {number}: {message['en']}"},
            )
        placed.setdefault(path, []).append(message)
    return placed


def _form_path(path: str, prefix: str, origin: list[int]) -> str:
    if not path.startswith(prefix + "["):
        return path
    end = path.index("]")
    try:
        index = int(path[len(prefix) + 1 : end])
        return f"{prefix}[{origin[index]}]{path[end + 1 :]}"
    except (ValueError, IndexError):
        return path


_EXACT = re.compile(r'"\\u0000(-?[0-9.E+-]+)\\u0000"')


def profile_to_json(profile: dict[str, Any]) -> str:
    """The profile as JSON text with every figure exactly as given (the saved file, the hidden field)."""

    def plain(value: Any) -> Any:
        if isinstance(value, Decimal):
            # json has no exact decimal: mark the figure's text, then unquote it below.
            return f"\0{value}\0"
        raise TypeError(type(value).__name__)

    text = json.dumps(profile, ensure_ascii=False, indent=2, default=plain)
    return _EXACT.sub(r"\1", text)


# profile → form -----------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else ""
    return str(value)


def _ladder_text(value: Any, kind: Kind) -> str:
    if kind == "choice" and isinstance(value, bool):
        return "yes" if value else "no"
    if kind == "year_list" and isinstance(value, list):
        return ", ".join(_text(year) for year in value)
    return _text(value)


def _get(profile: Mapping[str, Any], path: str) -> Any:
    value: Any = profile
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def window_years(application_date: str | None) -> list[int]:
    try:
        year = dt.date.fromisoformat(application_date or "").year
    except ValueError:
        year = dt.date.today().year
    return [year - 3, year - 2, year - 1]


def blank_form(today: dt.date | None = None) -> FormState:
    today = today or dt.date.today()
    return form_from_profile({"application_date": today.isoformat()})


def form_from_profile(profile: Mapping[str, Any]) -> FormState:
    """The form values of a profile (a loaded file, or the answers behind a report), defaults filled in."""
    values: dict[str, str] = {}
    for spec in SCALAR_FIELDS:
        value = _get(profile, spec.name)
        if spec.kind == "bool" and value is None:
            value = spec.default
        values[spec.name] = _text(value)
    if not values["application_date"]:
        values["application_date"] = dt.date.today().isoformat()
    for spec in LADDER_FIELDS:
        values[spec.name] = _ladder_text(_get(profile, spec.name), spec.kind)

    entries = [e for e in profile.get("years") or [] if isinstance(e, Mapping)]
    by_year = {e.get("year"): e for e in entries}
    columns = window_years(values["application_date"])
    columns += [y for y in by_year if y not in columns]  # years outside the window are kept, not lost
    numbered = sorted(y for y in columns if isinstance(y, int))
    others = [y for y in columns if not isinstance(y, int)]
    for column, year in enumerate([*numbered, *others]):
        entry = by_year.get(year, {})
        values[f"years[{column}].year"] = _text(year)
        for spec in (*YEAR_FIELDS, *LADDER_YEAR_FIELDS):
            values[f"years[{column}].{spec.name}"] = _text(entry.get(spec.name))
    year_columns = len(numbered) + len(others)
    projection_columns = _projection_values(profile, values, max(numbered))

    incidents = [i for i in profile.get("incidents") or [] if isinstance(i, Mapping)]
    for row, incident in enumerate(incidents):
        for name in ("kind", "date", "note"):
            values[f"incidents[{row}].{name}"] = _text(incident.get(name))
    return FormState(
        values, year_columns, max(INCIDENT_ROWS, len(incidents) + 1), projection_columns=projection_columns
    )


def _projection_values(profile: Mapping[str, Any], values: dict[str, str], last_year: int) -> int:
    """Fill the projections' inputs; returns how many columns. Without projections the columns are headed by the
    years after the year table's last (the open years the plan asks about), ready to be typed in."""
    entries = [e for e in profile.get("projections") or [] if isinstance(e, Mapping)]
    years = [e.get("year") for e in entries]
    proposed = (last_year + step for step in range(1, PROJECTION_COLUMNS + 1))
    while len(years) < PROJECTION_COLUMNS:
        year = next(proposed)
        if year not in years:
            years.append(year)
    for column, year in enumerate(years):
        entry = entries[column] if column < len(entries) else {}
        values[f"projections[{column}].year"] = _text(year)
        for spec in PROJECTION_FIELDS:
            values[f"projections[{column}].{spec.name}"] = _text(entry.get(spec.name))
    return len(years)


def form_from_fields(fields: Mapping[str, str]) -> FormState:
    """The form as the firm typed it (to show it again with the errors next to the inputs)."""
    return FormState(
        dict(fields),
        _count(fields, "years", YEAR_COLUMNS),
        _count(fields, "incidents", INCIDENT_ROWS),
        projection_columns=_count(fields, "projections", PROJECTION_COLUMNS),
    )


_LABELS = {spec.name: (spec.zh, spec.en) for spec in (*SCALAR_FIELDS, *LADDER_FIELDS)}
_YEAR_LABELS = {spec.name: (spec.zh, spec.en) for spec in (*YEAR_FIELDS, *LADDER_YEAR_FIELDS)}
_INCIDENT_LABELS = {spec.name: (spec.label.zh, spec.label.en) for spec in section("incidents").fields}


def input_label(name: str, values: Mapping[str, str]) -> dict[str, str]:
    """The words for an input in the error summary: 'years[1].staff_total' → '2023 年 职工总数 …'."""
    if name in _LABELS:
        zh, en = _LABELS[name]
        return {"zh": zh, "en": en}
    prefix, _, field_name = name.partition("].")
    if prefix.startswith("years["):
        year = values.get(f"{prefix}].year", "")
        zh, en = _YEAR_LABELS.get(field_name, ("会计年度", "accounting year"))
        return {"zh": f"{year} 年 {zh}", "en": f"{year}: {en}"}
    if prefix.startswith("projections["):
        year = values.get(f"{prefix}].year", "")
        zh, en = _YEAR_LABELS.get(field_name, ("会计年度", "accounting year"))
        return {"zh": f"预计 {year} 年 {zh}", "en": f"projected {year}: {en}"}
    if prefix.startswith("incidents["):
        row = int(prefix[len("incidents[") :]) + 1 if prefix[len("incidents[") :].isdigit() else 0
        zh, en = _INCIDENT_LABELS.get(field_name, ("事件", "incident"))
        return {"zh": f"第 {row} 项事件的{zh}", "en": f"incident {row}, {en}"}
    return {"zh": name, "en": name}
