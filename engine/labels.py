"""Field names in words (from the field catalogue, engine/fields.py) and the reasons an input is refused
(rules/contract-labels.yaml), in both languages."""

import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from engine.fields import field_for

LABELS_FILE = Path(__file__).resolve().parent.parent / "rules" / "contract-labels.yaml"
_YEAR_FIELD = re.compile(r"^years\[(\d+)\]\.(\w+)$")


@cache
def _labels() -> dict[str, Any]:
    return yaml.safe_load(LABELS_FILE.read_text(encoding="utf-8"))


def message(kind: str) -> dict[str, str] | None:
    return _labels()["messages"].get(kind)


def in_sentence(text: str) -> str:
    """An English label inside a sentence: 'Total staff' → 'total staff'; 'R&D expense' stays."""
    if len(text) > 1 and text[0].isupper() and text[1].islower() and not text.startswith("Class "):
        return text[0].lower() + text[1:]
    return text


@cache  # few distinct names; the missing-data messages ask for them on every assessment
def field_label(name: str) -> dict[str, str]:
    """A field's name in words, for a sentence (English in lower case); the key itself where none is known."""
    spec = field_for(name)
    if spec is None:
        return {"zh": name, "en": name.replace("_", " ")}
    return {"zh": spec.label.zh, "en": in_sentence(spec.label.en)}


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
