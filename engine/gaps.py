"""What a failing criterion still lacks, in its own unit (contract: `gap`).

Each function is named by a rule's `gap:` and gets the derived facts and the threshold that fired.
Hiring S&T staff adds to total staff, and added high-tech (or domestic R&D) spending adds to the whole
it is a share of, so those gaps solve (part + x) / (whole + x) ≥ t; extra R&D expense does not change
sales, so it is t × Σ sales − Σ R&D. Amounts round up to 0.0001 万元, people up to whole persons.
"""

import datetime as dt
from collections.abc import Callable
from fractions import Fraction
from functools import lru_cache
from typing import Any

from engine.facts import Derived
from engine.money import ceil_units, units_to_number


@lru_cache(maxsize=256)
def _threshold(value: Any) -> Fraction:
    return Fraction(str(value))


def _share_gap(derived: Derived, key: str, threshold: Any, adds_to_whole: bool) -> Fraction:
    part, whole = derived.context[key]
    t = _threshold(threshold)
    needed = t * whole - part
    return needed / (1 - t) if adds_to_whole else needed


def rd_expense_needed(derived: Derived, threshold: Any, actual: Any) -> float | int:
    return units_to_number(ceil_units(_share_gap(derived, "rd_expense_ratio", threshold, adds_to_whole=False)))


def domestic_rd_needed(derived: Derived, threshold: Any, actual: Any) -> float | int:
    return units_to_number(ceil_units(_share_gap(derived, "rd_domestic_share", threshold, adds_to_whole=True)))


def high_tech_revenue_needed(derived: Derived, threshold: Any, actual: Any) -> float | int:
    return units_to_number(ceil_units(_share_gap(derived, "high_tech_revenue_share", threshold, adds_to_whole=True)))


def sci_tech_staff_to_hire(derived: Derived, threshold: Any, actual: Any) -> int:
    units = _share_gap(derived, "sci_tech_staff_ratio", threshold, adds_to_whole=True)
    return -((-units.numerator) // (units.denominator * 10_000))  # whole people, rounded up


def ip_needed(derived: Derived, threshold: Any, actual: Any) -> int:
    return int(threshold) - int(derived.facts["usable_ip"])


def date_registration_age_met(derived: Derived, threshold: Any, actual: Any) -> str | None:
    registered: dt.date = derived.context["registered_on"]
    try:
        return (registered + dt.timedelta(days=int(threshold))).isoformat()
    except OverflowError:  # beyond 9999-12-31: no such date
        return None


def date_compliance_window_met(derived: Derived, threshold: Any, actual: Any) -> str | None:
    """The first date from which no declared incident lies in the window before it — incidents dated after
    the application date included, since the firm has told us of them."""
    window = dt.timedelta(days=int(threshold))
    incidents: list[dt.date] = derived.context["incident_dates"]
    try:
        day = derived.context["last_incident"] + window + dt.timedelta(days=1)
        while True:
            inside = [d for d in incidents if day - window <= d <= day]
            if not inside:
                return day.isoformat()
            day = max(inside) + window + dt.timedelta(days=1)
    except OverflowError:
        return None


def points_needed(derived: Derived, threshold: Any, actual: Any) -> int:
    return max(int(threshold) - int(actual), 0)


GAPS: dict[str, Callable[[Derived, Any, Any], Any]] = {
    fn.__name__: fn
    for fn in (
        rd_expense_needed,
        domestic_rd_needed,
        high_tech_revenue_needed,
        sci_tech_staff_to_hire,
        ip_needed,
        date_registration_age_met,
        date_compliance_window_met,
        points_needed,
    )
}


def next_band_bound(steps: list[tuple[str, float]], value: float) -> tuple[str, float] | None:
    """The lowest band bound above `value`: (op, bound), or None at the top band."""
    above = [(op, bound) for op, bound in steps if (value < bound if op == ">=" else value <= bound)]
    return min(above, key=lambda item: item[1]) if above else None


def transformations_to_next_band(derived: Derived, steps: list[tuple[str, float]]) -> int | None:
    total, years = derived.context.get("transformation", (None, None))
    if total is None:
        return None
    bound = next_band_bound(steps, total / years)
    if bound is None:
        return None
    op, value = bound
    needed = _threshold(value) * years
    whole = -((-needed.numerator) // needed.denominator)
    if op == ">" and whole == needed:
        whole += 1
    return max(whole - total, 1)


def growth_rate_next_band(derived: Derived, item: str, steps: list[tuple[str, float]]) -> tuple[str, float] | None:
    """(op, rate) of the next band: (">=", 0.05) reads "at least 5%", (">", 0) "above 0%"."""
    rate = derived.context.get(item)
    return next_band_bound(steps, rate[0] / rate[1] if rate else 0.0)
