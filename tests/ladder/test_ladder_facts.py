"""The ladder's derived facts that need exact arithmetic: compound growth against grid thresholds, and
certificate periods by the Civil Code's rules."""

import datetime as dt
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from engine.facts_firm import anniversary, exact_cagr, years_completed

units = st.integers(min_value=1, max_value=10**12)  # 0.0001 万元 up to 1亿万元
grid = st.integers(min_value=-(10**8), max_value=10**9)  # thresholds with 8 decimals, −100% to +1000%


@given(base=units, latest=st.integers(min_value=0, max_value=10**12), years=st.integers(1, 4), k=grid)
def test_compound_growth_orders_exactly_like_the_real_number(base: int, latest: int, years: int, k: int) -> None:
    threshold = Fraction(k, 10**8)
    real_at_least = Fraction(latest, base) >= (1 + threshold) ** years  # (L/B)^(1/n) − 1 ≥ t
    assert (exact_cagr(base, latest, years) >= k / 10**8) is real_at_least


def test_compound_growth_at_round_numbers_is_exact() -> None:
    assert exact_cagr(1000, 1728, 3) == 0.2
    assert exact_cagr(1000, 2197, 3) == 0.3
    assert exact_cagr(1000, 1000, 3) == 0.0
    assert exact_cagr(1000, 0, 3) == -1.0


def test_a_certificate_period_ends_on_the_corresponding_day() -> None:
    assert anniversary(dt.date(2022, 12, 12), 3) == dt.date(2025, 12, 12)
    assert anniversary(dt.date(2020, 2, 29), 3) == dt.date(2023, 2, 28)  # no 29 February: the month's end
    assert anniversary(dt.date(2020, 2, 29), 4) == dt.date(2024, 2, 29)
    issued = dt.date(2022, 12, 31)
    assert years_completed(issued, dt.date(2025, 12, 31)) == 2  # the third year completes at the day's end
    assert years_completed(issued, dt.date(2026, 1, 1)) == 3
    assert years_completed(issued, issued) == 0
