"""The contract's field names and refusal reasons in both languages (rules/contract-labels.yaml)."""

import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml

LABELS_FILE = Path(__file__).resolve().parent.parent / "rules" / "contract-labels.yaml"
_YEAR_FIELD = re.compile(r"^years\[(\d+)\]\.(\w+)$")


@cache
def _labels() -> dict[str, Any]:
    return yaml.safe_load(LABELS_FILE.read_text(encoding="utf-8"))


def message(kind: str) -> dict[str, str] | None:
    return _labels()["messages"].get(kind)


def field_label(name: str) -> dict[str, str]:
    """A field's name in words; the key itself where none is written down."""
    fields = _labels()["fields"]
    if name in fields:
        return fields[name]
    for key, label in fields.items():  # "class2_used" as well as "ip.class2_used"
        if key.endswith(f".{name}"):
            return label
    return {"zh": name, "en": name.replace("_", " ")}


def describe_fields(paths: list[str]) -> dict[str, str]:
    """['years[2024].staff_total', …] → '2024 年度：职工总数、…' / '2024: total staff, …'."""
    by_year: dict[str, list[dict[str, str]]] = {}
    others: list[dict[str, str]] = []
    for path in paths:
        match = _YEAR_FIELD.match(path)
        if match:
            by_year.setdefault(match.group(1), []).append(field_label(match.group(2)))
        else:
            others.append(field_label(path))
    zh = [f"{year} 年度：{'、'.join(label['zh'] for label in labels)}" for year, labels in by_year.items()]
    en = [f"{year}: {', '.join(label['en'] for label in labels)}" for year, labels in by_year.items()]
    zh += [label["zh"] for label in others]
    en += [label["en"] for label in others]
    return {"zh": "；".join(zh), "en": "; ".join(en)}
