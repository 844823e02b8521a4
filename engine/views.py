"""A rule as the output sees it, for every pack: everything about it that no profile changes, prepared once
per compiled pack (`RuleView`), and the parts of a criterion entry that the national output
(engine/assessment.py) and the ladder's (engine/ladder_views.py) share — the value shown, the gap, the
words of a message.

The evaluator (engine/evaluator.py) keeps, per target, the decisive rule's view; the two presentations
then build their entries from it (they differ in their fields' order and in a few conventions of the
contract, e.g. a failing national ratio is shown rounded down).
"""

import string
from dataclasses import dataclass, field
from typing import Any

from engine.bilingual import Bilingual
from engine.compiler import CompiledRule
from engine.evaluator import NOT_APPLICABLE, outcome_of
from engine.facts import Facts
from engine.formatting import format_value
from engine.gaps import GAP_UNITS, GAPS, GapInput
from engine.money import floor_ratio, round_ratio
from engine.pack import PackError, Shortfall, Target

OWN_FIELDS = frozenset({"actual", "threshold", "gap", "missing"})
MONEY_FORMATS = {"cny": "万元", "usd": "万美元", "万元": "万元", "万美元": "万美元"}
_FORMATTER = string.Formatter()
_PLAIN_UNITS = frozenset({"flag", "year", "verdict", "date"})


def plain(value: Any) -> Any:
    """A whole float as an int (a threshold of 10.0 people reads 10)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def text_of(value: Any, unit: str | None) -> tuple[str, str]:
    """(zh, en) text of a value in a unit (flags, years, verdicts and dates as they are)."""
    return format_value(value, None if unit in _PLAIN_UNITS else unit)


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in _FORMATTER.parse(template) if name}


def _money_fields(template: str) -> set[str]:
    return {name for _, name, spec, _ in _FORMATTER.parse(template) if name and spec in MONEY_FORMATS}


@dataclass(frozen=True, slots=True)
class RuleView:
    """One rule of a pack with everything about it that no profile changes."""

    target_id: str
    target: Target
    kind: str  # criterion, item or verdict
    outcome: str  # passed, failed, unknown, not_applicable (criteria, items); the verdict (verdict targets)
    not_applicable: bool
    passed: bool | None
    points: tuple[int, int] | None
    verdict: str | None
    rule_id: str
    rule_key: str  # <target>.<rule>, the entry's `rule`
    actual_fact: str | None
    threshold_raw: Any
    threshold: Any  # as shown in the output
    threshold_text: tuple[str, str]
    gap: str | None  # the gap kind (engine/gaps.py)
    gap_unit: str | None
    unit: str | None
    message: Bilingual | None
    shortfall: Shortfall | None
    title: dict[str, str]
    citation: str
    convention: dict[str, str] | None
    placeholders: frozenset[str]  # every name the message fills in
    fields: tuple[str, ...]  # facts (or parameters) the message names besides its own fields
    own_fields: frozenset[str]  # which of actual, threshold, gap, missing the message names
    money_fields: frozenset[str]  # named values the message shows as money ({name:cny})
    data_facts: tuple[str, ...]  # status facts whose missing fields this outcome reports (`missing`, `unknown`)
    base: dict[str, Any]  # citation, title, unit, rule, convention: the tail of a ladder entry
    static: dict[str, Any] | None  # the whole ladder entry, when nothing in it depends on the profile
    cache: dict[tuple[Any, ...], dict[str, Any]] = field(default_factory=dict)  # ladder entries by what they show

    @property
    def templates(self) -> tuple[str, str] | None:
        return (self.message.zh, self.message.en) if self.message is not None else None


def view_of(compiled_rule: CompiledRule) -> RuleView:
    rule, target = compiled_rule.rule, compiled_rule.target
    target_id = compiled_rule.target_id
    threshold = compiled_rule.threshold
    shown = float(threshold) if threshold is not None and target.unit == "ratio" else plain(threshold)
    convention = rule.convention or target.convention
    if rule.gap and rule.gap not in GAPS:
        raise PackError(f"{target_id}.{rule.id}: unknown gap {rule.gap}")
    message = rule.message
    named = (_fields(message.zh) | _fields(message.en)) if message else set()
    base: dict[str, Any] = {
        "citation": target.citation,
        "title": target.title.as_dict(),
        "unit": target.unit,
        "rule": f"{target_id}.{rule.id}",
    }
    if convention is not None:
        base["convention"] = convention.as_dict()
    data_facts = tuple(fact for fact, spec in rule.when.items() if spec in ("missing", "unknown"))
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
    outcome = outcome_of(target.kind, rule.passed, rule.verdict)
    return RuleView(
        target_id=target_id,
        target=target,
        kind=target.kind,
        outcome=outcome,
        not_applicable=outcome == NOT_APPLICABLE,
        passed=rule.passed,
        points=rule.points,
        verdict=rule.verdict,
        rule_id=rule.id,
        rule_key=base["rule"],
        actual_fact=rule.actual,
        threshold_raw=threshold,
        threshold=shown,
        threshold_text=text_of(shown, target.unit),
        gap=rule.gap,
        gap_unit=(GAP_UNITS[rule.gap] or target.unit) if rule.gap else None,
        unit=target.unit,
        message=message,
        shortfall=rule.shortfall,
        title=base["title"],
        citation=target.citation,
        convention=base.get("convention"),
        placeholders=frozenset(named),
        fields=tuple(sorted(named - OWN_FIELDS)),
        own_fields=frozenset(named & OWN_FIELDS),
        money_fields=frozenset(_money_fields(message.zh) | _money_fields(message.en)) if message else frozenset(),
        data_facts=data_facts,
        base=base,
        static=static,
    )


def views_of(groups: Any) -> dict[int, RuleView]:
    """The view of every rule of a compiled pack's groups, by the id of its compiled rule."""
    return {id(rule): view_of(rule) for group in groups for rule in group.rules.values()}


# the parts of an entry -----------------------------------------------------------------------------------
def shown_actual(view: RuleView, facts: Facts, raw: Any, *, floor_failing: bool) -> Any:
    """The value an entry shows: a ratio from its exact parts, rounded to 4 places (rounded down for a failing
    criterion when `floor_failing`: the national output never shows a failing 9.99995% as 10%)."""
    fact = view.actual_fact
    if raw is not None and view.unit == "ratio" and fact in facts.ratios:
        rounding = floor_ratio if floor_failing and view.passed is False else round_ratio
        return rounding(*facts.ratios[fact])
    return plain(raw)


def gap_of(view: RuleView, facts: Facts, raw: Any) -> Any:
    """What the criterion still lacks, by the rule's gap kind (engine/gaps.py); None without one."""
    if view.gap is None:
        return None
    return GAPS[view.gap](GapInput(facts, view.actual_fact, view.threshold_raw, raw))
