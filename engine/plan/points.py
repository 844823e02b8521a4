"""The guaranteed minimum of the innovation indicators the planner's levers move, read from the pack.

The planner must price many lever combinations per firm, far more than it can afford to assess one by one.
So it evaluates the pack's own item rules (their `when` tests and `points`, parameters resolved on the
round's date) on the few facts the levers change — the IP counts, the transformation average, the
R&D-management answers. No band or threshold is written here: they all come from the pack in force. The
engine assesses every finished plan anyway (planner.py), so a mismatch could never pass unnoticed.
"""

import datetime as dt
from fractions import Fraction
from functools import lru_cache
from typing import Any

from engine.pack import Rule, RulePack

OPERATORS = {
    ">=": lambda a, b: a >= b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    "<": lambda a, b: a < b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
}


def _number(value: Any) -> Any:
    """Numbers as exact fractions (a float bound 0.05 is the decimal 5/100, not its binary neighbour)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    return Fraction(str(value)) if isinstance(value, float) else value


Test = tuple[str, bool, Any]  # (fact, is a comparison, expected value | [(operator, bound)])


def compile_when(when: dict[str, Any]) -> tuple[Test, ...]:
    """A rule's `when` (parameters resolved) with its bounds turned exact once, not at every evaluation."""
    tests: list[Test] = []
    for name, test in when.items():
        if isinstance(test, dict):
            tests.append((name, True, [(OPERATORS[op], _number(bound)) for op, bound in test.items()]))
        else:
            tests.append((name, False, _number(test)))
    return tuple(tests)


def holds(tests: tuple[Test, ...], facts: dict[str, Any]) -> bool:
    """A compiled `when` (a conjunction of fact tests) on `facts`; a fact absent fails its test."""
    for name, compares, expected in tests:
        if name not in facts:
            return False
        value = facts[name]
        if compares:
            if isinstance(value, bool) or not isinstance(value, int | Fraction):
                if not isinstance(value, float):
                    return False
                value = _number(value)
            for operator, bound in expected:
                if not operator(value, bound):
                    return False
        elif isinstance(expected, bool) or isinstance(value, bool):
            if value is not expected:
                return False
        elif _number(value) != expected:
            return False
    return True


class IndicatorPoints:
    """The item rules of one pack on one date, grouped by indicator, ready to evaluate."""

    def __init__(self, pack: RulePack, date: dt.date) -> None:
        values = pack.parameter_values(date)
        self.max_points = {ind_id: ind.max_points for ind_id, ind in pack.indicators().items()}
        self.items: dict[str, list[tuple[str, list[tuple[tuple[Test, ...], int]]]]] = {}
        self.raw: dict[str, list[dict[str, Any]]] = {}  # item → its resolved `when`s (for the bounds)
        self.answer_points: dict[str, tuple[str, int]] = {}  # answer field → (item, points each)
        for target_id, target in pack.targets().items():
            if target.kind != "item" or target.indicator is None:
                continue
            resolved = [pack.resolve(rule.when, values) for rule in target.rules]
            rules = [(compile_when(when), _min_points(rule)) for when, rule in zip(resolved, target.rules, strict=True)]
            self.items.setdefault(target.indicator, []).append((target_id, rules))
            self.raw[target_id] = resolved
            if target.answers is not None:
                for field in target.answers.fields:
                    self.answer_points[field] = (target_id, target.answers.points_each)

    def item_minimum(self, indicator: str, item: str, facts: dict[str, Any]) -> int:
        """One item's lowest points on `facts` (0 when no rule matches)."""
        for target_id, rules in self.items.get(indicator, []):
            if target_id == item:
                return next((points for when, points in rules if holds(when, facts)), 0)
        return 0

    def bounds(self, indicator: str, item: str, fact: str) -> list[tuple[str, Fraction]]:
        """Every bound the item's rules test `fact` against — where its points can change — as (">=", b)
        when reaching b counts (`>=`, or the `<` of the band below) and (">", b) when only passing it does."""
        found: set[tuple[str, Fraction]] = set()
        reach = {">=": ">=", "<": ">=", ">": ">", "<=": ">"}
        for target_id, _ in self.items.get(indicator, []):
            if target_id != item:
                continue
            for when in self.raw[target_id]:
                test = when.get(fact)
                if isinstance(test, dict):
                    found.update((reach[op], Fraction(str(bound))) for op, bound in test.items()
                                 if op in reach and isinstance(bound, int | float) and not isinstance(bound, bool))
        return sorted(found, key=lambda pair: pair[1])

    def minimum(self, indicator: str, facts: dict[str, Any]) -> int:
        """Σ of each item's lowest points, capped at the indicator's maximum (the engine caps both ends)."""
        total = 0
        for _, rules in self.items.get(indicator, []):
            for when, points in rules:
                if holds(when, facts):
                    total += points
                    break
        return min(total, self.max_points.get(indicator, total))


def _min_points(rule: Rule) -> int:
    return rule.points[0] if rule.points is not None else 0


@lru_cache(maxsize=64)
def indicator_points(pack: RulePack, date: dt.date) -> IndicatorPoints:
    return IndicatorPoints(pack, date)
