"""The readiness index (0–100): a convention of this product for ranking firms (rules/…/readiness.yaml).

readiness = 100 × (hard_weight × H + innovation_weight × I), floored to one decimal:
- H, the mean progress of the eight hard criteria: 1 when passed, `unknown_progress` when unknown, and
  when failed `failed_cap` × (value ÷ threshold, at most 1) — 0 when the value cannot be shown;
- I = (w × innovation min + max) ÷ (w × min + max of a firm at the top of every band), w = min_weight.
Each part grows with every improving input, and 100 needs all passes and the top of every band (a
failed criterion's progress is at most failed_cap < 1, so rounding cannot reach 100 without them).
"""

import math
from typing import Any

from engine.pack import Readiness


def criterion_progress(
    passed: bool | None, actual: Any, threshold: Any, settings: Readiness, *, exclusive: bool = False
) -> float:
    if passed is True:
        return 1.0
    if passed is None:
        return settings.unknown_progress
    if not isinstance(actual, int | float) or isinstance(actual, bool):
        return 0.0
    if not isinstance(threshold, int | float) or isinstance(threshold, bool) or threshold <= 0:
        return 0.0
    bound = float(threshold) + (1 if exclusive else 0)
    return settings.failed_cap * max(min(actual / bound, 1.0), 0.0)


def readiness_index(
    progress: list[float], innovation: tuple[int, int], top: tuple[int, int], settings: Readiness
) -> float:
    hard = sum(progress) / len(progress)
    w = settings.min_weight
    innovation_part = (w * innovation[0] + innovation[1]) / (w * top[0] + top[1])
    value = 100 * (settings.hard_weight * hard + settings.innovation_weight * innovation_part)
    if hard < 1 or innovation_part < 1:
        value = min(value, 99.9)  # 100 is kept for an eligible firm at the top of every band
    return math.floor(value * 10 + 1e-9) / 10
