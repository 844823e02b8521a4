"""The field catalogue (rules/fields.yaml): every input of a profile with its words, unit, hint and values.

The only reader of the catalogue file. The self-check form, the batch template and its reader, validation
messages, the CLI and the OpenAPI document take field names, labels, hints, units and allowed values from
here, so they cannot disagree. A field is named by its contract path, with ``[]`` for an entry of a list
(``years[].staff_total``); ``field_for`` also takes an indexed path (``years[1].staff_total``).
"""

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml

from engine.bilingual import Bilingual

CATALOGUE_FILE = Path(__file__).resolve().parent.parent / "rules" / "fields.yaml"
FieldType = Literal[
    "text", "date", "money", "signed_money", "headcount", "count", "year", "year_list", "bool", "choice"
]
INDEX = re.compile(r"\[\d*\]")


@dataclass(frozen=True)
class Choice:
    code: str
    label: Bilingual
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class FieldSpec:
    path: str  # contract path, "[]" for a list entry: "years[].staff_total"
    section: str
    label: Bilingual
    type: FieldType
    short: Bilingual | None = None
    unit: Bilingual | None = None
    hint: Bilingual | None = None
    required: bool = False
    default: Any = None
    input: Literal["check", "flag", "yes_no"] | None = None  # how a bool is asked in the form
    values: tuple[Choice, ...] = ()
    html: dict[str, str] = field(default_factory=dict, hash=False, compare=False)  # a Column stays hashable
    ladder: bool = False

    @property
    def name(self) -> str:
        """The field's name inside its list entry (``staff_total``), or its whole path."""
        return self.path.split("[].", 1)[1] if "[]." in self.path else self.path

    def heading(self, short: bool = False) -> Bilingual:
        """The label with its unit: 销售收入（万元） / Sales revenue (10,000 CNY)."""
        label = (self.short or self.label) if short else self.label
        if self.unit is None:
            return label
        return Bilingual(zh=f"{label.zh}（{self.unit.zh}）", en=f"{label.en} ({self.unit.en})")

    def choice(self, text: str) -> str | None:
        """The code of a value typed as its code, either language's label or an alias (case-insensitive)."""
        return _spellings(self.values).get(text.strip().casefold())

    def allowed(self, lang: str) -> str:
        """The allowed values in one language's words: 电子信息、生物与新医药… / Electronic information, …"""
        separator = "、" if lang == "zh" else ", "
        return separator.join(getattr(choice.label, lang) for choice in self.values)


@dataclass(frozen=True)
class Section:
    id: str
    title: Bilingual
    fields: tuple[FieldSpec, ...]
    slots: int | None = None  # a list section: how many entries the form and the template show
    ladder: bool = False


@cache
def _document() -> dict[str, Any]:
    return yaml.safe_load(CATALOGUE_FILE.read_text(encoding="utf-8"))


def _bilingual(raw: dict[str, str] | None) -> Bilingual | None:
    return None if raw is None else Bilingual(zh=raw["zh"], en=raw["en"])


@cache
def sections() -> tuple[Section, ...]:
    document = _document()
    units = {key: Bilingual(**value) for key, value in document["units"].items()}
    result = []
    for section_id, raw_section in document["sections"].items():
        ladder_section = bool(raw_section.get("ladder"))
        specs = []
        # `same_as: years` — a list section whose entries have the fields of another (the plan's projections)
        source = raw_section.get("same_as")
        raw_fields = (
            {
                path.replace(f"{source}[].", f"{section_id}[].", 1): raw
                for path, raw in document["sections"][source]["fields"].items()
            }
            if source
            else raw_section["fields"]
        )
        for path, raw in raw_fields.items():
            values = tuple(
                Choice(str(code), Bilingual(zh=item["zh"], en=item["en"]), tuple(item.get("aliases") or ()))
                for code, item in (raw.get("values") or {}).items()
            )
            specs.append(
                FieldSpec(
                    path=path,
                    section=section_id,
                    label=Bilingual(**raw["label"]),
                    type=raw["type"],
                    short=_bilingual(raw.get("short")),
                    unit=units[raw["unit"]] if raw.get("unit") else None,
                    hint=_bilingual(raw.get("hint")),
                    required=bool(raw.get("required")),
                    default=raw.get("default"),
                    input=raw.get("input") or ("check" if raw["type"] == "bool" else None),
                    values=values,
                    html={str(k): str(v) for k, v in (raw.get("html") or {}).items()},
                    ladder=ladder_section or bool(raw.get("ladder")),
                )
            )
        title = Bilingual(**raw_section["title"])
        result.append(Section(section_id, title, tuple(specs), raw_section.get("slots"), ladder_section))
    return tuple(result)


@cache
def catalogue() -> dict[str, FieldSpec]:
    """Every field by its path ("years[].staff_total")."""
    return {spec.path: spec for section in sections() for spec in section.fields}


def section(section_id: str) -> Section:
    return next(s for s in sections() if s.id == section_id)


def field_for(path: str) -> FieldSpec | None:
    """The field of a path, indexed or not (``years[1].staff_total``, ``ip.class1``), or of a bare name
    (``staff_total``, ``class2_used``) where only one field has it."""
    specs = catalogue()
    found = specs.get(INDEX.sub("[]", path))
    if found is not None:
        return found
    matches = [spec for spec in specs.values() if spec.path.endswith(f".{path}") or spec.path.endswith(f"]{path}")]
    # a bare name is unambiguous when every field that has it reads the same (years[] and projections[])
    return matches[0] if matches and all(spec.label == matches[0].label for spec in matches) else None


def spellings(path: str) -> dict[str, str]:
    """Every accepted spelling of a choice field's values (casefolded) → its code."""
    return _spellings(catalogue()[path].values)


@cache
def _spellings(values: tuple[Choice, ...]) -> dict[str, str]:
    found: dict[str, str] = {}
    for choice in values:
        for text in (choice.code, choice.label.zh, choice.label.en, *choice.aliases):
            found[text.casefold()] = choice.code
    return found


@cache
def yes_no_words() -> dict[str, bool]:
    """The words of a yes/no answer in either language (casefolded) → the answer."""
    words = _document()["yes_no"]
    return {str(word).casefold(): answer == "yes" for answer in ("yes", "no") for word in words[answer]}


def value_label(path: str, code: Any) -> Bilingual | None:
    """The label of a choice field's code (``tech_domain``, ``advanced_manufacturing`` → 先进制造与自动化)."""
    spec = field_for(path)
    if spec is None:
        return None
    return next((choice.label for choice in spec.values if choice.code == code), None)
