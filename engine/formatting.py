"""Values in the words of each language, for messages."""

from typing import Any

_UNITS: dict[str, tuple[str, str]] = {
    "days": ("{v} 天", "{v} days"),
    "count": ("{v} 件", "{v}"),
    "points": ("{v} 分", "{v} points"),
    "万元": ("{v} 万元", "{v} × 10,000 CNY"),
    "人": ("{v} 人", "{v}"),
    "件": ("{v} 件", "{v}"),
    "项": ("{v} 项", "{v}"),
    "分": ("{v} 分", "{v} points"),
}


def _number(value: float | int) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, int) else f"{value:,.4f}".rstrip("0").rstrip(".")


def format_value(value: Any, unit: str | None) -> tuple[str, str]:
    """(zh, en) text of `value` in `unit`."""
    if value is None:
        return ("—", "—")
    if unit == "ratio":
        text = f"{float(value) * 100:.2f}".rstrip("0").rstrip(".") + "%"
        return (text, text)
    if isinstance(value, str) or unit in (None, "date", "domain"):
        return (str(value), str(value))
    zh, en = _UNITS.get(unit, ("{v}", "{v}"))
    number = _number(value)
    return (zh.format(v=number), en.format(v=number))
