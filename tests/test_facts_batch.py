"""The batch derivation (`FactPlan.derive_many`, `FactPlan.for_pack_many`, engine/facts_batch.py) gives
exactly what the per-profile providers give (`FactPlan.derive`, `FactPlan.for_pack` — the reference): every
fact's value and type (int vs float vs bool matters to the signature) in the same order, the exact ratios
and growth, the missing paths, the context and the window.

5,000 generated profiles with the ladder's sections (application dates over several years), every case
file of fixtures/cases and fixtures/ladder, and hypothesis profiles on edge values: zeros, absent figures
and years, years before registration, huge and tiny amounts, amounts with trailing zeros, None fields.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import Assessor, ProfileInvalid, load_packs, validate_profile
from engine.credit_code import check_character
from engine.facts import CHUNK, FactPlan, Facts, FactsMemo
from engine.money import to_units
from fixtures.generator import ANSWERS, DOMAINS, ladder_pool
from tests.cases import load_cases
from tests.ladder.cases import ladder_cases

GENERATED = 5_000


def _valid(raw: list[dict[str, Any]]) -> list:  # type: ignore[type-arg]
    profiles = []
    for data in raw:
        try:
            profiles.append(validate_profile(data))
        except ProfileInvalid:
            continue  # the case files' invalid inputs: nothing to derive
    return profiles


def _typed(value: Any) -> Any:
    """A value with its type at every level: 1, 1.0 and True differ, so do 0.0 and -0.0."""
    if isinstance(value, dict):
        return [(key, _typed(v)) for key, v in value.items()]  # in order
    if isinstance(value, list | tuple):
        return (type(value).__name__, [_typed(v) for v in value])
    return (type(value).__name__, repr(value))


def _differences(reference: Facts, batch: Facts) -> list[str]:
    found = []
    for part in ("values", "missing", "ratios", "growth"):
        if _typed(getattr(reference, part)) != _typed(getattr(batch, part)):
            found.append(part)
    context = {k: v for k, v in reference.context.items() if k != "source"}
    batch_context = {k: v for k, v in batch.context.items() if k != "source"}
    if list(reference.context) != list(batch.context) or _typed(context) != _typed(batch_context):
        found.append("context")
    if reference.context.get("answers") is not batch.context.get("answers"):
        found.append("context answers")
    if reference.window != batch.window:
        found.append("window")
    source, batch_source = reference.context["source"], batch.context["source"]
    if batch_source.profile is not source.profile or batch_source.entries != source.entries:
        found.append("source")
    return found


@pytest.fixture(scope="module")
def assessor() -> Assessor:
    return Assessor(load_packs())


def _answer_fields(assessor: Assessor, profile: Any) -> dict[str, tuple[str, ...]]:
    date = profile.application_date
    return assessor.compiled(assessor.pack_for(date), date)[0].answer_fields


def _compare(assessor: Assessor, profiles: list) -> list[str]:  # type: ignore[type-arg]
    """derive vs derive_many under every pack's plan and the plan of every provider, then for_pack vs
    for_pack_many with every tier pack in force on each profile's date."""
    found: list[str] = []
    fields = _answer_fields(assessor, profiles[0])
    for plan in (assessor.facts, FactPlan()):
        batch = plan.derive_many(profiles, fields)
        assert len(batch) == len(profiles)
        reference = [plan.derive(p, fields) for p in profiles]
        for index, (r, b) in enumerate(zip(reference, batch, strict=True)):
            found += [f"profile {index}: {d}" for d in _differences(r, b)]
    ladder = assessor.ladder
    assert ladder is not None
    by_date: dict[dt.date, list[int]] = {}
    for index, profile in enumerate(profiles):
        by_date.setdefault(profile.application_date, []).append(index)
    for date, indexes in by_date.items():
        chunk = [profiles[i] for i in indexes]
        reference_bases = [assessor.facts.derive(p, fields) for p in chunk]
        batch_bases = assessor.facts.derive_many(chunk, fields)
        for pp in ladder.plan(date).packs:
            parameters = pp.compiled.parameters
            reference = [FactPlan.for_pack(b, pp.providers, pp.own_facts, parameters) for b in reference_bases]
            batch = FactPlan.for_pack_many(batch_bases, pp.providers, pp.own_facts, parameters)
            for i, r, b, base in zip(indexes, reference, batch, batch_bases, strict=True):
                found += [f"profile {i}, {pp.pack.id}: {d}" for d in _differences(r, b)]
                if (b is base) != (not pp.own_facts or not pp.providers):
                    found.append(f"profile {i}, {pp.pack.id}: a copy where none is due, or none where one is")
    return found


def test_generated_profiles_derive_alike(assessor: Assessor) -> None:
    profiles = _valid(list(ladder_pool(GENERATED)))
    assert len(profiles) == GENERATED
    assert len({p.application_date.year for p in profiles}) >= 3
    assert not _compare(assessor, profiles)[:20]


def test_case_files_derive_alike(assessor: Assessor) -> None:
    profiles = _valid([profile for _, profile, _ in load_cases() + ladder_cases()])
    assert len(profiles) > 200
    assert not _compare(assessor, profiles)[:20]


def test_batches_of_every_size_derive_alike(assessor: Assessor) -> None:
    """A batch larger than a chunk, a chunk and one more, one profile, none."""
    profiles = _valid(list(ladder_pool(CHUNK * 2 + 3, seed=7)))
    fields = _answer_fields(assessor, profiles[0])
    for size in (0, 1, CHUNK, CHUNK + 1, len(profiles)):
        batch = assessor.facts.derive_many(profiles[:size], fields)
        assert len(batch) == size
        for profile, b in zip(profiles, batch, strict=False):
            assert not _differences(assessor.facts.derive(profile, fields), b)


def test_the_memo_derives_alike(assessor: Assessor) -> None:
    profiles = _valid(list(ladder_pool(100, seed=11)))
    fields = _answer_fields(assessor, profiles[0])
    memo = FactsMemo()
    first = memo.derive_many(assessor.facts, profiles[:60], fields)
    second = memo.derive_many(assessor.facts, profiles, fields)  # 60 kept, 40 new
    for profile, a, b in zip(profiles, first + second[60:], second, strict=False):
        reference = assessor.facts.derive(profile, fields)
        assert not _differences(reference, a)
        assert not _differences(reference, b)
    assert all(a is not b and a.values is not b.values for a, b in zip(first, second, strict=False))


# edge values (hypothesis) --------------------------------------------------------------------------------
CREDIT_CODES = [code + check_character(code) for code in ("91320684MA1X2Y3W4", "91110108MA0000000")]  # Jiangsu, not
HUGE = Decimal("999999999999999.9999")  # the contract's largest amount with 4 decimals
AMOUNTS = st.one_of(
    st.none(),
    st.sampled_from(
        [Decimal(0), Decimal("0.0001"), Decimal(1), Decimal("1.000000"), Decimal("5E+3"), HUGE, Decimal(10**15)]
    ),
    st.decimals(min_value=0, max_value=10**15, places=4, allow_nan=False, allow_infinity=False),
    st.integers(0, 10**6).map(Decimal),
)
SIGNED = st.one_of(AMOUNTS, AMOUNTS.filter(lambda a: a is not None).map(lambda a: -a))


@st.composite
def year_entry(draw: st.DrawFn, year: int) -> dict[str, Any]:
    entry: dict[str, Any] = {"year": year}
    for name in ("sales_revenue", "total_revenue", "rd_expense", "total_assets", "total_costs", "staff_total"):
        entry[name] = draw(AMOUNTS)
    entry["net_assets"] = draw(SIGNED)
    entry["employees"] = draw(AMOUNTS)
    for part, whole in (
        ("high_tech_revenue", "total_revenue"),
        ("rd_expense_domestic", "rd_expense"),
        ("staff_sci_tech", "staff_total"),
    ):
        value = draw(AMOUNTS)
        entry[part] = value if value is None or entry[whole] is None else min(value, entry[whole])
    entry["achievements_transformed"] = draw(st.sampled_from([0, 1, 7, 2**40]))
    return {k: v for k, v in entry.items() if v is not None or draw(st.booleans())}


@st.composite
def edge_profiles(draw: st.DrawFn) -> dict[str, Any]:
    application = draw(st.dates(min_value=dt.date(2016, 1, 1), max_value=dt.date(2031, 12, 31)))
    registered = application - dt.timedelta(days=draw(st.sampled_from([0, 1, 200, 400, 800, 1200, 3000])))
    # any years around the window, before the registration year too, any of them absent
    years = [draw(year_entry(y)) for y in range(application.year - 6, application.year + 1) if draw(st.booleans())]
    class2 = draw(st.sampled_from([0, 3, 10**15]))
    maybe_year = st.one_of(st.none(), st.integers(application.year - 9, application.year))
    data: dict[str, Any] = {
        "company": {
            "name": "边界企业",
            "registered_on": registered.isoformat(),
            "credit_code": draw(st.sampled_from([None, *CREDIT_CODES])),
        },
        "application_date": application.isoformat(),
        "tech_domain": draw(st.sampled_from([*DOMAINS, None])),
        "years": years,
        "ip": {
            "class1": draw(st.sampled_from([0, 1, 10**15])),
            "class2": class2,
            "class2_used": draw(st.sampled_from([0, class2])),
            "advancement": draw(st.sampled_from(["A", "E", None])),
            "core_support": draw(st.sampled_from(["B", None])),
        },
        "rd_management": {name: draw(st.booleans()) for name in ANSWERS},
        "incidents": [
            {
                "kind": "safety",
                "date": (application - dt.timedelta(days=draw(st.integers(0, 900)))).isoformat(),
            }
            for _ in range(draw(st.integers(0, 2)))
        ],
        "enterprise": {"registered_in_jiangsu": draw(st.sampled_from([None, True, False]))},
        "achievements": {"national_award_year": draw(maybe_year), "standard_led_year": draw(maybe_year)},
        "funding": {
            "investment_received": draw(st.sampled_from([None, True, False])),
            "private_investment": draw(st.booleans()),
            "valuation_usd": draw(AMOUNTS),
        },
        "upkeep": {
            "ip_applications": draw(st.sampled_from([None, 0, 5])),
            "rd_projects_filed": draw(st.sampled_from([None, True, False])),
        },
    }
    if draw(st.booleans()):
        issued = application - dt.timedelta(days=draw(st.integers(0, 2000)))
        if issued >= registered:
            data["recognition"] = {
                "certificate_date": issued.isoformat(),
                "annual_reports_filed": draw(st.one_of(st.none(), st.lists(st.integers(2010, 2031), max_size=4))),
            }
    return data


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(edge_profiles(), min_size=1, max_size=6), st.sampled_from([dt.date(2025, 6, 30), None]))
def test_edge_values_derive_alike(assessor: Assessor, raw: list[dict[str, Any]], same_date: dt.date | None) -> None:
    if same_date is not None:  # one date: the round packs of 2025 apply to every profile
        for data in raw:
            data["application_date"] = same_date.isoformat()
            registered = min(dt.date.fromisoformat(data["company"]["registered_on"]), same_date)
            data["company"]["registered_on"] = registered.isoformat()
    profiles = _valid(raw)
    if profiles:
        assert not _compare(assessor, profiles)


@given(st.decimals(allow_nan=False, allow_infinity=False, places=None).filter(lambda d: abs(d) <= 10**15))
def test_units_are_the_amount_scaled(amount: Decimal) -> None:
    """to_units multiplies by 1E4 (cheaper); it is scaleb(4), digit for digit, for any amount of 4 decimals."""
    if amount == amount.quantize(Decimal("0.0001")):
        assert to_units(amount) == int(amount.scaleb(4))
