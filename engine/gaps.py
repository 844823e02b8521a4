"""What a criterion still lacks (its `gap`), one registry for every pack, keyed by a rule's `gap:`.

Each function gets a `GapInput` — the profile's facts (engine/facts.py), the rule's actual fact and value,
and its resolved threshold — and returns the gap in `GAP_UNITS[kind]` (None: the criterion's own unit).
Amounts round up to 0.0001 (万元 or 万美元), people up to whole persons, so that the gap is always enough.

Hiring S&T staff adds to total staff, and added high-tech (or domestic R&D) spending adds to the whole it
is a share of, so those gaps solve (part + x) / (whole + x) ≥ t; extra R&D expense does not change sales,
so it is t × Σ sales − Σ R&D (`part_to_reach`). The national pack's names for its gaps
(`rd_expense_needed` …) are kinds of this registry like any other.

The ratio gaps and the step to the next band solve their inequalities in integers (a threshold as the
numerator and denominator of its exact fraction): the same results as the fractions of their definitions,
a few times cheaper (tests/test_gaps_exact.py checks them against the fractions).

Items below their top band have gaps of their own (`transformations_to_next_band`,
`growth_rate_next_band`): the step to the next band, read by the item's shortfall.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Any

from engine.facts import Facts
from engine.money import ceil_units, units_to_number


@dataclass(frozen=True, slots=True)
class GapInput:
    facts: Facts
    fact: str | None  # the rule's actual fact
    threshold: Any
    actual: Any


@lru_cache(maxsize=1024)
def _exact(value: Any) -> Fraction:
    """A threshold (at most 8 decimals) as an exact fraction; thresholds repeat, so this is cached."""
    return Fraction(str(value))


@lru_cache(maxsize=1024)
def _parts(value: Any) -> tuple[int, int]:
    """A threshold as the numerator and (positive) denominator of its exact fraction: the gaps below solve
    their inequalities in integers, which equal the fractions' results (tests/test_gaps_exact.py)."""
    exact = _exact(value)
    return exact.numerator, exact.denominator


def _ceil_div(a: int, b: int) -> int:
    """⌈a / b⌉ exactly, for a divisor of either sign (floor division floors the true quotient)."""
    return -(-a // b)


def _units(value: float | int) -> int:
    """A figure of at most 4 decimals (万元, people, counts) in exact 0.0001 units."""
    return round(value * 10_000)


@lru_cache(maxsize=1024)
def _threshold_units(value: Any) -> int:
    """A threshold in 0.0001 units, rounded up (the thresholds of figures have at most 4 decimals)."""
    return ceil_units(_exact(value) * 10_000)


def _number(units: int) -> float | int:
    return units // 10_000 if units % 10_000 == 0 else units / 10_000  # int / int rounds correctly


# figures against a threshold ----------------------------------------------------------------------------
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


def ip_needed(g: GapInput) -> int:
    """Usable IP rights still needed (the national core-IP criterion)."""
    return int(g.threshold) - int(g.facts.values["usable_ip"])


# ratios (exact parts in Facts.ratios) ------------------------------------------------------------------
def _ratio_parts(g: GapInput) -> tuple[int, int] | None:
    return g.facts.ratios.get(g.fact) if g.fact else None


def part_to_reach(g: GapInput) -> float | int | None:
    """Extra numerator (万元) that lifts part / whole to an inclusive threshold; the whole unchanged."""
    parts = _ratio_parts(g)
    if parts is None:
        return None
    num, den = parts
    p, q = _parts(g.threshold)
    return units_to_number(max(_ceil_div(p * den - q * num, q), 0))  # ⌈t × den − num⌉, t = p / q


def part_to_exceed(g: GapInput) -> float | int | None:
    """Extra numerator (万元) that takes part / whole above an exclusive threshold."""
    parts = _ratio_parts(g)
    if parts is None:
        return None
    num, den = parts
    p, q = _parts(g.threshold)
    return units_to_number(max((p * den - q * num) // q + 1, 0))  # ⌊t × den − num⌋ + 1


def _share_needed(g: GapInput) -> tuple[int, int] | None:
    """Units x with (part + x) / (whole + x) = t: what is added to the part adds to the whole too, as the
    numerator and denominator of x = (t × whole − part) / (1 − t), t = p / q (the denominator may be negative;
    t = 1 divides by zero, as the fraction would)."""
    parts = _ratio_parts(g)
    if parts is None:
        return None
    num, den = parts
    p, q = _parts(g.threshold)
    if p == q:
        raise ZeroDivisionError("a share of 100% cannot be reached by adding to both sides")
    return p * den - q * num, q - p


def share_to_reach(g: GapInput) -> float | int | None:
    """Extra part (万元) that lifts part / whole to an inclusive threshold, the part adding to the whole."""
    needed = _share_needed(g)
    return None if needed is None else units_to_number(_ceil_div(*needed))


def people_to_reach(g: GapInput) -> int | None:
    """Whole people that lift part / whole to an inclusive threshold, each adding to the whole."""
    needed = _share_needed(g)
    if needed is None:
        return None
    numerator, denominator = needed
    return _ceil_div(numerator, denominator * 10_000)  # whole people, rounded up


# compound growth (exact parts in Facts.growth) ---------------------------------------------------------
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


# dates ----------------------------------------------------------------------------------------------------
def date_registration_age_met(g: GapInput) -> str | None:
    """The first day the registration age is met."""
    registered: dt.date = g.facts.context["registered_on"]
    try:
        return (registered + dt.timedelta(days=int(g.threshold))).isoformat()
    except OverflowError:  # beyond 9999-12-31: no such date
        return None


def date_compliance_window_met(g: GapInput) -> str | None:
    """The first date from which no declared incident lies in the window before it — incidents dated after
    the application date included, since the firm has told us of them."""
    window = dt.timedelta(days=int(g.threshold))
    context = g.facts.context
    incidents: list[dt.date] = context["incident_dates"]
    try:
        day = context["last_incident"] + window + dt.timedelta(days=1)
        while True:
            inside = [d for d in incidents if day - window <= d <= day]
            if not inside:
                return day.isoformat()
            day = max(inside) + window + dt.timedelta(days=1)
    except OverflowError:
        return None


def _value_of(name: str) -> Callable[[GapInput], Any]:
    """A date fact the gap is (a certificate's expiry, a report's due date)."""

    def value(g: GapInput) -> Any:
        return g.facts.values.get(name)

    value.__name__ = name
    return value


# kind → (function, unit of the gap; None: the criterion's own unit)
_KINDS: dict[str, tuple[Callable[[GapInput], Any], str | None]] = {
    "below_min": (below_min, None),
    "above_max": (above_max, None),
    "amount_to_exceed": (amount_to_exceed, None),
    "points_needed": (points_needed, "points"),
    "part_to_reach": (part_to_reach, "万元"),
    "part_to_exceed": (part_to_exceed, "万元"),
    "share_to_reach": (share_to_reach, "万元"),
    "people_to_reach": (people_to_reach, "人"),
    "cagr_amount_needed": (cagr_amount_needed, "万元"),
    "cagr_people_needed": (cagr_people_needed, "人"),
    "valid_until": (_value_of("valid_until"), "date"),
    "report_due": (_value_of("report_due"), "date"),
    "date_registration_age_met": (date_registration_age_met, "date"),
    "date_compliance_window_met": (date_compliance_window_met, "date"),
    "ip_needed": (ip_needed, None),
    # the national pack's names (rules/hnte-national-2016): its ratio gaps are kinds above
    "rd_expense_needed": (part_to_reach, "万元"),
    "domestic_rd_needed": (share_to_reach, "万元"),
    "high_tech_revenue_needed": (share_to_reach, "万元"),
    "sci_tech_staff_to_hire": (people_to_reach, "人"),
}
GAPS: dict[str, Callable[[GapInput], Any]] = {kind: fn for kind, (fn, _) in _KINDS.items()}
GAP_UNITS: dict[str, str | None] = {kind: unit for kind, (_, unit) in _KINDS.items()}


# items: the step to the next band -------------------------------------------------------------------------
def next_band_bound(steps: list[tuple[str, float]], value: float) -> tuple[str, float] | None:
    """The lowest band bound above `value`: (op, bound), or None at the top band."""
    found = None  # the first of the lowest bounds above, as min() picks it
    for step in steps:
        op, bound = step
        if (value < bound if op == ">=" else value <= bound) and (found is None or bound < found[1]):
            found = step
    return found


def transformations_to_next_band(facts: Facts, steps: list[tuple[str, float]]) -> int | None:
    total, years = facts.context.get("transformation", (None, None))
    if total is None:
        return None
    bound = next_band_bound(steps, total / years)
    if bound is None:
        return None
    op, value = bound
    p, q = _parts(value)
    needed = p * years  # the bound × years, over q
    whole = _ceil_div(needed, q)
    if op == ">" and needed % q == 0:  # exactly on an exclusive bound: one more
        whole += 1
    return max(whole - total, 1)


def growth_rate_next_band(facts: Facts, item: str, steps: list[tuple[str, float]]) -> tuple[str, float] | None:
    """(op, rate) of the next band: (">=", 0.05) reads "at least 5%", (">", 0) "above 0%"."""
    rate = facts.context.get(item)
    return next_band_bound(steps, rate[0] / rate[1] if rate else 0.0)
