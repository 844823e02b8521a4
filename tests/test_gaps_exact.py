"""The gaps solved in integers (engine/gaps.py) equal their definitions in exact fractions, on any parts and
any threshold of at most 8 decimals (the packs' bound): the integer forms are rewritings, never roundings.

Each reference below is the definition as the module states it, with `fractions.Fraction`.
"""

from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from engine.facts import Facts
from engine.gaps import (
    GapInput,
    next_band_bound,
    part_to_exceed,
    part_to_reach,
    people_to_reach,
    share_to_reach,
    transformations_to_next_band,
)
from engine.money import ceil_units, units_to_number
from engine.window import Window

WINDOW = Window((2022, 2023, 2024), 2024)
parts = st.integers(-(10**12), 10**14)
wholes = st.integers(-(10**6), 10**14)
# a threshold of at most 8 decimals, as a pack writes it (float or int), around the usual shares and beyond
thresholds = st.one_of(
    st.decimals(min_value=Decimal("-2"), max_value=Decimal("3"), places=8).map(float),
    st.sampled_from([0, 1, 2, 0.03, 0.04, 0.05, 0.1, 0.3, 0.6, 0.99999999, 1.00000001]),
)


def _input(num: int, den: int, threshold: float | int) -> GapInput:
    facts = Facts(values={}, window=WINDOW, ratios={"share": (num, den)})
    return GapInput(facts, "share", threshold, None)


def _share_reference(num: int, den: int, threshold: float | int) -> Fraction:
    t = Fraction(str(threshold))
    return (t * den - num) / (1 - t)


@given(parts, wholes, thresholds)
def test_part_gaps_equal_their_fractions(num: int, den: int, threshold: float | int) -> None:
    t = Fraction(str(threshold))
    g = _input(num, den, threshold)
    assert part_to_reach(g) == units_to_number(max(ceil_units(t * den - num), 0))
    assert part_to_exceed(g) == units_to_number(max(int((t * den - num) // 1) + 1, 0))


@given(parts, wholes, thresholds)
def test_share_gaps_equal_their_fractions(num: int, den: int, threshold: float | int) -> None:
    g = _input(num, den, threshold)
    if Fraction(str(threshold)) == 1:
        for gap in (share_to_reach, people_to_reach):
            try:
                gap(g)
            except ZeroDivisionError:
                continue
            raise AssertionError("a share of 100% divides by zero, as its fraction does")
        return
    needed = _share_reference(num, den, threshold)
    got, people = share_to_reach(g), people_to_reach(g)
    assert got == units_to_number(ceil_units(needed)) and type(got) is type(units_to_number(ceil_units(needed)))
    assert people == -((-needed.numerator) // (needed.denominator * 10_000))


steps = st.lists(
    st.tuples(
        st.sampled_from([">=", ">"]),
        st.decimals(min_value=Decimal(0), max_value=Decimal(20), places=8).map(float),
    ),
    min_size=1,
    max_size=5,
)


@given(st.integers(0, 200), st.integers(1, 10), steps)
def test_transformations_equal_their_fractions(total: int, years: int, bands: list[tuple[str, float]]) -> None:
    facts = Facts(values={}, window=WINDOW, context={"transformation": (total, years)})
    got = transformations_to_next_band(facts, bands)
    above = [(op, b) for op, b in bands if (total / years < b if op == ">=" else total / years <= b)]
    if not above:
        assert got is None
        return
    op, bound = min(above, key=lambda item: item[1])
    needed = Fraction(str(bound)) * years
    whole = -((-needed.numerator) // needed.denominator)
    if op == ">" and whole == needed:
        whole += 1
    assert got == max(whole - total, 1)


@given(steps, st.floats(min_value=-1, max_value=25, allow_nan=False))
def test_next_band_bound_is_the_first_lowest_bound_above(bands: list[tuple[str, float]], value: float) -> None:
    above = [(op, b) for op, b in bands if (value < b if op == ">=" else value <= b)]
    expected = min(above, key=lambda item: item[1]) if above else None
    assert next_band_bound(bands, value) == expected
