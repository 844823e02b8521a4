"""The ladder's criteria as output: the entry of one profile built from its rule's view (engine/views.py,
shared with the national output) with as little per-profile work as possible.

An entry whose rule names no value of the profile (most yes/no conditions) is built once and shared.
Any other entry is cached by the values it shows (the actual value, the gap, the missing fields and
the facts its message names), so that the many firms with the same figures share one entry. Entries
are shared between assessments: treat them as read-only.
"""

from typing import Any

from engine.facts import Facts
from engine.formatting import format_value
from engine.labels import describe_fields
from engine.views import MONEY_FORMATS, RuleView, gap_of, plain, shown_actual, text_of

CACHE_LIMIT = 4096  # entries per rule; the cache starts again when full
__all__ = ["CACHE_LIMIT", "RuleView", "entry_of", "plain", "text_of"]


class _Amount:
    """A named value in a message; ``{valuation_cny:cny}`` (an amount in 万元; ``usd`` for 万美元) shows it as
    money in the message's language: "40,000 万元" / "CNY 400 million"."""

    __slots__ = ("lang", "value")

    def __init__(self, value: Any, lang: int) -> None:
        self.value, self.lang = value, lang

    def __format__(self, spec: str) -> str:
        if spec in MONEY_FORMATS:
            return format_value(self.value, MONEY_FORMATS[spec])[self.lang]
        return format(self.value, spec)

    def __str__(self) -> str:
        return str(self.value)


def entry_of(view: RuleView, lf: Facts, parameters: dict[str, Any]) -> dict[str, Any]:
    """The output entry of one criterion for one profile (shared when another profile showed the same)."""
    if view.static is not None:
        return view.static
    values = lf.values
    fact = view.actual_fact
    raw = values.get(fact) if fact is not None else None
    missing: tuple[str, ...] = ()
    if view.data_facts:
        for data in view.data_facts:
            missing += tuple(lf.missing.get(data, ()))
    extras = tuple(map(values.get, view.fields)) if view.fields else ()
    # everything the entry shows depends on these: the gap too (from the ratio or growth parts, or a date)
    key = (raw, missing, extras)
    if view.gap is not None:
        key += (lf.ratios.get(fact), lf.growth.get(fact), values.get(view.gap))  # type: ignore[arg-type]
    cached = view.cache.get(key)
    if cached is not None:
        return cached
    gap = gap_of(view, lf, raw)
    actual = shown_actual(view, lf, raw, floor_failing=False)
    entry: dict[str, Any] = {"passed": view.passed, "actual": actual, "threshold": view.threshold, "gap": gap}
    templates = view.templates
    if templates is not None:
        words_zh: dict[str, Any] = {}
        for name, value in zip(view.fields, extras, strict=True):
            words_zh[name] = plain(value if value is not None or name in values else parameters.get(name))
        words_en = dict(words_zh)
        for name in view.money_fields:  # only where a message asks for money words (rare): no cost elsewhere
            words_zh[name], words_en[name] = _Amount(words_zh[name], 0), _Amount(words_zh[name], 1)
        own = view.own_fields
        if "actual" in own:
            words_zh["actual"], words_en["actual"] = text_of(actual, view.unit)
        if "threshold" in own:
            words_zh["threshold"], words_en["threshold"] = view.threshold_text
        if "gap" in own:
            words_zh["gap"], words_en["gap"] = text_of(gap, view.gap_unit)
        if "missing" in own:
            described = describe_fields(list(missing))
            words_zh["missing"], words_en["missing"] = described["zh"], described["en"]
        entry["message"] = {"zh": templates[0].format_map(words_zh), "en": templates[1].format_map(words_en)}
    else:
        entry["message"] = None
    entry.update(view.base)
    if gap is not None and view.gap_unit != view.unit:
        entry["gap_unit"] = view.gap_unit
    if missing:
        entry["missing"] = list(missing)
    if len(view.cache) >= CACHE_LIMIT:
        view.cache.clear()
    view.cache[key] = entry
    return entry
