"""Exact arithmetic on the contract's figures.

Money has at most 4 decimals, so every amount is held as an integer number of 0.0001 万元 and sums are
exact. Ratios are fractions of such integers. durable-rules compares doubles, so a ratio is handed to it
as a float that compares exactly like the fraction against any threshold with at most 8 decimals
(the rule-pack loader enforces that bound): a ratio on the 1e-8 grid is passed as is, any other as the
midpoint between its two grid neighbours, which no grid threshold can equal or be crossed by.
"""

from decimal import Decimal
from fractions import Fraction

SCALE = 10_000  # 1 unit = 0.0001 万元
GRID = 100_000_000  # thresholds have at most 8 decimals
# Beyond this magnitude a value is clamped: far above every threshold of every pack, exactly representable
# as a double, and safe for durable-rules and JSON readers (an absurd but valid input must not crash).
CLAMP = 10**15
SAFE_INT = 2**53
UNIT = Decimal("1E4")  # coefficient 1: a product has the amount's digits, its exponent moved by 4


def to_units(amount: Decimal) -> int:
    """An amount of at most 4 decimals as an exact integer of 0.0001 units: `int(amount.scaleb(4))`, which
    this product equals digit for digit (tests/test_facts_batch.py), a third cheaper."""
    return int(amount * UNIT)


def exact_float(numerator: int, denominator: int) -> float:
    """numerator / denominator as a float that orders exactly like the fraction against 1e-8 grid values."""
    if abs(numerator) > CLAMP * abs(denominator):
        return float(CLAMP) if (numerator > 0) == (denominator > 0) else -float(CLAMP)
    whole, rest = divmod(numerator * GRID, denominator)
    if rest == 0:
        return whole / GRID
    return (2 * whole + 1) / (2 * GRID)


def round_ratio(numerator: int, denominator: int, places: int = 4) -> float:
    """A ratio rounded half away from zero to `places` decimals, for display."""
    if denominator < 0:
        numerator, denominator = -numerator, -denominator
    if abs(numerator) > CLAMP * denominator:
        return float(CLAMP) if numerator > 0 else -float(CLAMP)
    scale = 10**places
    magnitude = (2 * abs(numerator) * scale + denominator) // (2 * denominator)
    return (magnitude if numerator >= 0 else -magnitude) / scale


def floor_ratio(numerator: int, denominator: int, places: int = 4) -> float:
    """A ratio rounded down to `places` decimals: a failing ratio never shows as its threshold."""
    if denominator < 0:
        numerator, denominator = -numerator, -denominator
    if abs(numerator) > CLAMP * denominator:
        return float(CLAMP) if numerator > 0 else -float(CLAMP)
    scale = 10**places
    return (numerator * scale // denominator) / scale


def clamp_int(value: int) -> int:
    """An integer fact as durable-rules and 64-bit JSON readers can take it."""
    return max(-SAFE_INT, min(value, SAFE_INT))


def units_to_number(units: int) -> float | int:
    """0.0001-units back to a JSON number of 万元 (clamped like the facts, see CLAMP)."""
    if abs(units) > CLAMP * SCALE:
        return float(CLAMP) if units > 0 else -float(CLAMP)
    if units % SCALE == 0:
        return units // SCALE
    return float(Decimal(units).scaleb(-4))


def ceil_units(value: Fraction) -> int:
    """The smallest whole number of 0.0001 units not below `value` (in units)."""
    return -((-value.numerator) // value.denominator)
