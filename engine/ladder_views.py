"""The ladder's criteria as output: each rule of a ladder pack prepared once (`View`), and the entry of
one profile built from it with as little per-profile work as possible.

An entry whose rule names no value of the profile (most yes/no conditions) is built once and shared.
Any other entry is cached by the values it shows (the actual value, the gap, the missing fields and
the facts its message names), so that the many firms with the same figures share one entry. Entries
are shared between assessments: treat them as read-only.
"""

import string
from dataclasses import dataclass, field
from typing import Any

from engine.compiler import CompiledRule
from engine.facts import Facts
from engine.formatting import format_value
from engine.gaps import GAP_UNITS, GAPS, GapInput
from engine.labels import describe_fields
from engine.money import round_ratio
from engine.pack import PackError

NOT_APPLICABLE = "not_applicable"
OUTCOME = {True: "passed", False: "failed", None: "unknown"}
OWN_FIELDS = frozenset({"actual", "threshold", "gap", "missing"})
CACHE_LIMIT = 4096  # entries per rule; the cache starts again when full
_FORMATTER = string.Formatter()
_PLAIN_UNITS = frozenset({"flag", "year", "verdict", "date"})


MONEY_FORMATS = {"cny": "万元", "usd": "万美元", "万元": "万元", "万美元": "万美元"}


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


def text_of(value: Any, unit: str | None) -> tuple[str, str]:
    """(zh, en) text of a value in a ladder unit."""
    return format_value(value, None if unit in _PLAIN_UNITS else unit)


def plain(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _money_fields(template: str) -> set[str]:
    return {name for _, name, spec, _ in _FORMATTER.parse(template) if name and spec in MONEY_FORMATS}


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in _FORMATTER.parse(template) if name}


@dataclass(frozen=True, slots=True)
class View:
    """One rule of a ladder pack with everything about it that no profile changes."""

    target_id: str
    kind: str
    outcome: str  # passed, failed, unknown, not_applicable (criteria); the verdict (status targets)
    passed: bool | None
    points: tuple[int, int] | None
    verdict: str | None
    actual_fact: str | None
    threshold_raw: Any
    threshold: Any
    threshold_text: tuple[str, str]
    gap: str | None
    gap_unit: str | None
    unit: str | None
    templates: tuple[str, str] | None
    fields: tuple[str, ...]  # facts (or parameters) the message names besides its own fields
    own_fields: frozenset[str]  # which of actual, threshold, gap, missing the message names
    data_facts: tuple[str, ...]  # status facts whose missing fields this outcome reports
    static: dict[str, Any] | None  # the whole entry, when nothing in it depends on the profile
    base: dict[str, Any]  # citation, title, unit, rule, convention
    not_applicable: bool
    money_fields: frozenset[str] = frozenset()  # named values the message shows as money ({name:cny})
    cache: dict[tuple[Any, ...], dict[str, Any]] = field(default_factory=dict)


def make_view(compiled_rule: CompiledRule) -> View:
    rule, target = compiled_rule.rule, compiled_rule.target
    threshold = compiled_rule.threshold
    shown = float(threshold) if threshold is not None and target.unit == "ratio" else plain(threshold)
    convention = rule.convention or target.convention
    base: dict[str, Any] = {
        "citation": target.citation,
        "title": target.title.as_dict(),
        "unit": target.unit,
        "rule": f"{compiled_rule.target_id}.{rule.id}",
    }
    if convention is not None:
        base["convention"] = convention.as_dict()
    data_facts = tuple(fact for fact, spec in rule.when.items() if spec in ("missing", "unknown"))
    if rule.gap and rule.gap not in GAPS:
        raise PackError(f"{compiled_rule.target_id}.{rule.id}: unknown gap {rule.gap}")
    message = rule.message
    named = (_fields(message.zh) | _fields(message.en)) if message else set()
    static = None
    if rule.verdict != NOT_APPLICABLE and not (rule.actual or rule.gap or data_facts or named):
        static = {
            "passed": rule.passed,
            "actual": None,
            "threshold": shown,
            "gap": None,
            "message": message.as_dict() if message else None,
            **base,
        }
    if rule.verdict == NOT_APPLICABLE:
        outcome = NOT_APPLICABLE
    elif target.kind == "verdict":
        outcome = rule.verdict or ""
    else:
        outcome = OUTCOME[rule.passed]
    return View(
        target_id=compiled_rule.target_id,
        kind=target.kind,
        outcome=outcome,
        passed=rule.passed,
        points=rule.points,
        verdict=rule.verdict,
        actual_fact=rule.actual,
        threshold_raw=threshold,
        threshold=shown,
        threshold_text=text_of(shown, target.unit),
        gap=rule.gap,
        gap_unit=(GAP_UNITS[rule.gap] or target.unit) if rule.gap else None,
        unit=target.unit,
        templates=(message.zh, message.en) if message else None,
        fields=tuple(sorted(named - OWN_FIELDS)),
        own_fields=frozenset(named & OWN_FIELDS),
        data_facts=data_facts,
        static=static,
        base=base,
        not_applicable=outcome == NOT_APPLICABLE,
        money_fields=frozenset(_money_fields(message.zh) | _money_fields(message.en)) if message else frozenset(),
    )


def decisive(views: list[View]) -> View:
    """Of the outcomes that fired for one target, not-applicable wins, then failing, then unknown."""
    if len(views) == 1:
        return views[0]
    for wanted in (NOT_APPLICABLE, "failed", "unknown"):
        for view in views:
            if view.outcome == wanted:
                return view
    return views[0]


def entry_of(view: View, lf: Facts, parameters: dict[str, Any]) -> dict[str, Any]:
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
    gap = GAPS[view.gap](GapInput(lf, fact, view.threshold_raw, raw)) if view.gap else None
    actual = raw
    if raw is not None and view.unit == "ratio" and fact in lf.ratios:
        actual = round_ratio(*lf.ratios[fact])
    else:
        actual = plain(raw)
    entry: dict[str, Any] = {"passed": view.passed, "actual": actual, "threshold": view.threshold, "gap": gap}
    if view.templates is not None:
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
        entry["message"] = {"zh": view.templates[0].format_map(words_zh), "en": view.templates[1].format_map(words_en)}
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
