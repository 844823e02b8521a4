"""What a tier criterion still lacks (its `gap`), named by a rule's `gap:` in the ladder packs.

Each function gets the pack's facts of one profile, the rule's actual fact and its resolved threshold,
and returns the gap in `GAP_UNITS[name]` (None: the criterion's own unit). Amounts round up to 0.0001
(万元 or 万美元), people up to whole persons, so that the gap is always enough.
"""

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Any

from engine.ladder_facts import LadderFacts
from engine.money import ceil_units, units_to_number


@dataclass(frozen=True, slots=True)
class GapInput:
    facts: LadderFacts
    fact: str | None
    threshold: Any
    actual: Any


@lru_cache(maxsize=1024)
def _exact(value: Any) -> Fraction:
    """A threshold (at most 8 decimals) as an exact fraction; thresholds repeat, so this is cached."""
    return Fraction(str(value))


def _units(value: float | int) -> int:
    """A figure of at most 4 decimals (万元, people, counts) in exact 0.0001 units."""
    return round(value * 10_000)


@lru_cache(maxsize=1024)
def _threshold_units(value: Any) -> int:
    """A threshold in 0.0001 units, rounded up (the thresholds of figures have at most 4 decimals)."""
    return ceil_units(_exact(value) * 10_000)


def _number(units: int) -> float | int:
    return units // 10_000 if units % 10_000 == 0 else units / 10_000  # int / int rounds correctly


def below_min(g: GapInput) -> float | int | None:
    """threshold − actual: how much more reaches an inclusive minimum."""
    if g.actual is None or g.threshold is None:
        return None
    return _number(max(_threshold_units(g.threshold) - _units(g.actual), 0))


def above_max(g: GapInput) -> float | int | None:
    """actual − threshold: how far the figure is above an inclusive maximum."""
    if g.actual is None or g.threshold is None:
        return None
    return _number(max(_units(g.actual) - _threshold_units(g.threshold), 0))


def amount_to_exceed(g: GapInput) -> float | int | None:
    """The smallest amount (0.0001 steps) that takes the figure above an exclusive threshold."""
    if g.actual is None or g.threshold is None:
        return None
    return _number(max(_threshold_units(g.threshold) - _units(g.actual) + 1, 0))


def points_needed(g: GapInput) -> int | None:
    if g.actual is None or g.threshold is None:
        return None
    return max(int(g.threshold) - int(g.actual), 0)


def _ratio_parts(g: GapInput) -> tuple[int, int] | None:
    return g.facts.ratios.get(g.fact) if g.fact else None


def part_to_reach(g: GapInput) -> float | int | None:
    """Extra numerator (万元) that lifts part / whole to an inclusive threshold; the whole unchanged."""
    parts = _ratio_parts(g)
    if parts is None:
        return None
    num, den = parts
    return units_to_number(max(ceil_units(_exact(g.threshold) * den - num), 0))


def part_to_exceed(g: GapInput) -> float | int | None:
    """Extra numerator (万元) that takes part / whole above an exclusive threshold."""
    parts = _ratio_parts(g)
    if parts is None:
        return None
    num, den = parts
    needed = _exact(g.threshold) * den - num
    return units_to_number(max(int(needed // 1) + 1, 0))


def _cagr_target(g: GapInput) -> Fraction | None:
    """The latest-year figure (in units) that reaches the growth threshold from the base year."""
    growth = g.facts.growth.get(g.fact) if g.fact else None
    if growth is None:
        return None
    base, latest, years = growth
    return base * (1 + _exact(g.threshold)) ** years - latest


def cagr_amount_needed(g: GapInput) -> float | int | None:
    """Extra latest-year revenue (万元) that reaches the compound growth threshold."""
    needed = _cagr_target(g)
    return None if needed is None else units_to_number(max(ceil_units(needed), 0))


def cagr_people_needed(g: GapInput) -> int | None:
    """Extra latest-year employees (whole people) that reach the compound growth threshold."""
    needed = _cagr_target(g)
    if needed is None:
        return None
    people = needed / 10_000
    return max(-((-people.numerator) // people.denominator), 0)


def _value_of(name: str) -> Callable[[GapInput], Any]:
    def value(g: GapInput) -> Any:
        return g.facts.values.get(name)

    value.__name__ = name
    return value


GAPS: dict[str, Callable[[GapInput], Any]] = {
    fn.__name__: fn
    for fn in (
        below_min,
        above_max,
        amount_to_exceed,
        points_needed,
        part_to_reach,
        part_to_exceed,
        cagr_amount_needed,
        cagr_people_needed,
        _value_of("valid_until"),
        _value_of("report_due"),
    )
}
GAP_UNITS: dict[str, str | None] = {
    "below_min": None,
    "above_max": None,
    "amount_to_exceed": None,
    "points_needed": "points",
    "part_to_reach": "万元",
    "part_to_exceed": "万元",
    "cagr_amount_needed": "万元",
    "cagr_people_needed": "人",
    "valid_until": "date",
    "report_due": "date",
}
