"""The readiness index (0–100): a convention of this product for ranking firms (rules/…/readiness.yaml).

readiness = 100 × (hard_weight × H + innovation_weight × I), floored to one decimal:
- H, the mean progress of the eight hard criteria: 1 when passed, `unknown_progress` when unknown, and
  when failed `failed_cap` × (value ÷ threshold, at most 1) — 0 when the value cannot be shown;
- I = (w × innovation min + max) ÷ (w × min + max of a firm at the top of every band), w = min_weight.
Each part grows with every improving input, and 100 needs all passes and the top of every band.
"""

from fractions import Fraction
from typing import Any

from engine.pack import Readiness


def criterion_progress(passed: bool | None, actual: Any, threshold: Any, settings: Readiness, *, exclusive: bool = False) -> Fraction:
    if passed is True:
        return Fraction(1)
    if passed is None:
        return Fraction(str(settings.unknown_progress))
    if not isinstance(actual, int | float | Fraction) or isinstance(actual, bool):
        return Fraction(0)
    if not isinstance(threshold, int | float) or threshold <= 0:
        return Fraction(0)
    bound = Fraction(str(threshold)) + (1 if exclusive else 0)
    share = min(Fraction(actual) / bound, Fraction(1))
    return Fraction(str(settings.failed_cap)) * max(share, Fraction(0))


def readiness_index(progress: list[Fraction], innovation: tuple[int, int], top: tuple[int, int], settings: Readiness) -> float:
    hard = sum(progress, Fraction(0)) / len(progress)
    w = settings.min_weight
    innovation_part = Fraction(w * innovation[0] + innovation[1], w * top[0] + top[1])
    value = 100 * (
        Fraction(str(settings.hard_weight)) * hard + Fraction(str(settings.innovation_weight)) * innovation_part
    )
    return float((value * 10) // 1) / 10
