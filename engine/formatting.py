"""Values in the words of each language, for messages and reports.

Money is held in 万元 (10,000 yuan); in English it reads as yuan: ``CNY 7.1 million``, ``CNY 30,000``
(and 万美元 as ``USD 120 million``), never as "710 × 10,000 CNY".
"""

from decimal import Decimal
from typing import Any

_UNITS: dict[str, tuple[str, str]] = {
    "days": ("{v} 天", "{v} days"),
    "count": ("{v} 件", "{v}"),
    "points": ("{v} 分", "{v} points"),
    "人": ("{v} 人", "{v}"),
    "件": ("{v} 件", "{v}"),
    "项": ("{v} 项", "{v}"),
    "分": ("{v} 分", "{v} points"),
}
# amounts in units of 10,000 of a currency: the Chinese unit and the English currency code
_MONEY: dict[str, tuple[str, str]] = {"万元": ("万元", "CNY"), "万美元": ("万美元", "USD")}
MILLION = Decimal(100)  # 1 million = 100 × 10,000
BILLION = Decimal(100_000)


def _number(value: float | int) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, int) else f"{value:,.4f}".rstrip("0").rstrip(".")


def _plain(number: Decimal) -> str:
    """An exact decimal with thousands separators and no trailing zeros: 1234.500 → '1,234.5'."""
    text = f"{number:,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def money_en(value: float | int | Decimal, code: str = "CNY") -> str:
    """An amount in 10,000s of a currency, in English: 710 → 'CNY 7.1 million', 3 → 'CNY 30,000'."""
    amount = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    sign, amount = ("-", -amount) if amount < 0 else ("", amount)
    if amount >= BILLION:
        return f"{sign}{code} {_plain(amount / BILLION)} billion"
    if amount >= MILLION:
        return f"{sign}{code} {_plain(amount / MILLION)} million"
    return f"{sign}{code} {_plain(amount * 10_000)}"


def format_value(value: Any, unit: str | None) -> tuple[str, str]:
    """(zh, en) text of `value` in `unit`."""
    if value is None:
        return ("—", "—")
    if unit == "ratio":
        text = f"{float(value) * 100:.2f}".rstrip("0").rstrip(".") + "%"
        return (text, text)
    if isinstance(value, str) or unit in (None, "date", "domain"):
        return (str(value), str(value))
    if unit in _MONEY:
        zh_unit, code = _MONEY[unit]
        return (f"{_number(value)} {zh_unit}", money_en(value, code))
    zh, en = _UNITS.get(unit, ("{v}", "{v}"))
    number = _number(value)
    return (zh.format(v=number), en.format(v=number))


# a unit's name in each language, where a page names the unit itself (the rule-pack page's parameters)
UNIT_NAMES: dict[str, tuple[str, str]] = {
    "万元": ("万元", "10,000 CNY"),
    "万美元": ("万美元", "10,000 USD"),
    "人": ("人", "persons"),
    "件": ("件", "items"),
    "项": ("项", "items"),
    "分": ("分", "points"),
}


def unit_name(unit: str | None, lang: str) -> str:
    """'万元' → '10,000 CNY' in English; other units (ratio, days, year …) are already words."""
    if unit is None:
        return ""
    zh, en = UNIT_NAMES.get(unit, (unit, unit))
    return en if lang == "en" else zh
