"""The shortcuts of validation give exactly what the general checks give (issue 12: validation speed).

engine/profile.py accepts a common amount (a float, an int or a Decimal within the bounds, with at most four
decimals) without the general checks of `_amount`, and the whole-number fields' common case without those of
`_bounded_int`; anything else goes to the general checks. These tests compare the two on generated values —
every float (subnormal, huge, ±0, NaN, ±inf, with 0 to 9 decimals), integers of any size, Decimals of any
exponent — and on the values at the edges: the same Decimal (value and written form) or the same refusal.
"""

from decimal import Decimal
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st
from pydantic_core import PydanticCustomError

from engine.profile import MAX_MAGNITUDE, Oversized, _amount, _bounded_int, _signed, _unsigned

SETTINGS = settings(max_examples=3000, deadline=None)


def _outcome(check: Any, value: Any) -> tuple[Any, ...]:
    try:
        result = check(value)
    except PydanticCustomError as error:
        return ("refused", error.type, error.context)
    return ("accepted", type(result), repr(result))


def _same(value: Any) -> None:
    assert _outcome(_unsigned, value) == _outcome(lambda v: _amount(v, signed=False), value)
    assert _outcome(_signed, value) == _outcome(lambda v: _amount(v, signed=True), value)


# floats written with a few decimals, as a spreadsheet or a JSON body gives them
FEW_DECIMALS = st.builds(
    lambda digits, places, sign: sign * digits / 10**places,
    st.integers(0, 10**17),
    st.integers(0, 9),
    st.sampled_from([1, -1]),
)
EDGES = [
    0.0, -0.0, 1e-4, 1e-5, 0.00012, 9.9999e-05, 0.0001, 1e15, -1e15, 1e15 + 0.125, 1e16, 999999999999999.9,
    123.4567, 123.45678, 1.0, 5e-324, float("nan"), float("inf"), float("-inf"),
]


@SETTINGS
@given(st.one_of(st.floats(), st.floats(-1e16, 1e16), FEW_DECIMALS, st.sampled_from(EDGES)))
def test_floats(value: float) -> None:
    _same(value)


@SETTINGS
@given(
    st.one_of(
        st.integers(),
        st.integers(-(10**16), 10**16),
        st.sampled_from([0, -1, MAX_MAGNITUDE, MAX_MAGNITUDE + 1, -MAX_MAGNITUDE, -MAX_MAGNITUDE - 1, 10**40]),
    )
)
def test_integers(value: int) -> None:
    _same(value)
    plain = _outcome(_bounded_int, value)
    general = ("refused", "hnte_too_large") if abs(value) > MAX_MAGNITUDE else ("accepted", int, repr(value))
    assert plain[:len(general)] == general


@SETTINGS
@given(
    st.one_of(
        st.decimals(),
        st.decimals(places=6),
        st.decimals(min_value=-(10**16), max_value=10**16),
        st.builds(Decimal, st.from_regex(r"-?[0-9]{1,17}(\.[0-9]{0,8})?([eE][-+]?[0-9]{1,3})?", fullmatch=True)),
    )
)
@example(Decimal("1.00000"))
@example(Decimal("-0"))
@example(Decimal("1E+999999"))
@example(Decimal("sNaN"))
@example(Decimal("1000000000000000.0000"))
@example(Decimal("1000000000000000.0001"))
@example(Decimal("0.00001"))  # written positionally with five decimals
@example(Decimal("1E-7"))  # an exponent form (str() of small Decimals)
@example(Decimal("1E+3"))
@example(Decimal("-0.0001"))
@example(Decimal("12.34500"))  # trailing zeros past the fourth decimal: accepted by the general checks
def test_decimals(value: Decimal) -> None:
    _same(value)


@given(st.one_of(st.booleans(), st.text(max_size=5), st.just(Oversized()), st.none(), st.lists(st.integers())))
def test_other_inputs_are_refused_alike(value: Any) -> None:
    _same(value)


class Amount(float):
    """A float subclass (numpy's float64 is one): the general checks decide it."""


@given(st.floats(0, 1e6))
def test_float_subclasses_go_the_general_way(value: float) -> None:
    _same(Amount(value))
