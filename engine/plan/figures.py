"""The planned profile of one candidate round: closed years as booked, open years from the firm's
projections (or its last closed year carried forward), and the levers applied on top.

Exact arithmetic: amounts are Decimals with at most 4 decimals (the contract), needs are Fractions
rounded up to 0.0001 万元 so that the planned figure always reaches the threshold.
"""

import datetime as dt
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from fractions import Fraction
from typing import Any

from engine.labels import field_label
from engine.profile import Profile, YearFigures

FIGURES = (
    "sales_revenue",
    "total_revenue",
    "high_tech_revenue",
    "rd_expense",
    "rd_expense_domestic",
    "net_assets",
    "total_assets",
    "total_costs",
    "staff_total",
    "staff_sci_tech",
    "employees",
)
PARTS = (
    ("staff_sci_tech", "staff_total"),
    ("rd_expense_domestic", "rd_expense"),
    ("high_tech_revenue", "total_revenue"),
)
STEP = Decimal("0.0001")


def ceil4(value: Fraction) -> Decimal:
    """The smallest amount with 4 decimals at or above `value` (never negative)."""
    if value <= 0:
        return Decimal(0)
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(STEP, rounding=ROUND_CEILING)


def floor4(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(STEP, rounding=ROUND_FLOOR)


def frac(value: Any) -> Fraction:
    return Fraction(str(value))


def number(value: Decimal | Fraction | int) -> float | int:
    """A plain JSON number: integers stay integers."""
    decimal = value if isinstance(value, Decimal) else Decimal(value.numerator) / Decimal(value.denominator)
    decimal = decimal.quantize(STEP).normalize()
    return int(decimal) if decimal == decimal.to_integral_value() else float(decimal)


def window_years(profile: Profile, date: dt.date) -> tuple[int, ...]:
    """The window of a round on `date` (contract: A−3…A−1 not before the registration year)."""
    first = profile.company.registered_on.year
    return tuple(y for y in range(date.year - 3, date.year) if y >= first)


def open_year_entries(
    profile: Profile, open_years: tuple[int, ...], as_of: dt.date
) -> tuple[dict[int, YearFigures], list[dict[str, Any]]]:
    """Entries for the years not closed on `as_of`, and the assumptions behind them.

    A projection wins; then a `years` entry of that year (read as a projection); a figure neither gives is
    carried forward flat from the year before (the last closed year, or the open year before as planned) —
    said in the plan, as our convention.
    """
    closed = sorted((e for e in profile.years if e.year < as_of.year), key=lambda e: e.year)
    source = closed[-1] if closed else None
    projected = {e.year: e for e in profile.projections}
    booked_open = {e.year: e for e in profile.years if e.year >= as_of.year}
    entries: dict[int, YearFigures] = {}
    assumptions: list[dict[str, Any]] = []
    for year in open_years:
        given = projected.get(year) or booked_open.get(year)
        data: dict[str, Any] = given.model_dump(exclude_unset=True) if given is not None else {"year": year}
        carried: list[str] = []
        if source is not None:
            for name in FIGURES:
                if data.get(name) is None and getattr(source, name) is not None:
                    data[name] = getattr(source, name)
                    carried.append(name)
            if "achievements_transformed" not in data:
                data["achievements_transformed"] = source.achievements_transformed
                carried.append("achievements_transformed")
        for part, whole in PARTS:  # a carried part may not exceed a projected whole
            if data.get(part) is not None and data.get(whole) is not None and data[part] > data[whole]:
                data[part] = data[whole]
        data["year"] = year
        entries[year] = YearFigures.model_validate(data)
        if given is not None:
            assumptions.append({"code": "projection_used", "year": year})
        if carried and source is not None:
            assumptions.append({"code": "carried_forward", "year": year, "source": source.year, "fields": carried})
        source = entries[year]  # the next open year carries this one forward, projected or carried
    return entries, assumptions


def assumption_text(assumption: dict[str, Any], templates: dict[str, Any]) -> dict[str, str]:
    template = templates[assumption["code"]]
    fields = assumption.get("fields", [])
    return {
        "zh": template.zh.format(
            year=assumption.get("year"), source=assumption.get("source"),
            fields="、".join(field_label(f)["zh"] for f in fields),
        ),
        "en": template.en.format(
            year=assumption.get("year"), source=assumption.get("source"),
            fields=", ".join(field_label(f)["en"] for f in fields),
        ),
    }


def with_year(entries: dict[int, YearFigures], year: int, **added: Decimal | int) -> None:
    """Add amounts to one year's figures in place (the entry is rebuilt: the models are frozen)."""
    entry = entries[year]
    update = {name: (getattr(entry, name) or 0) + amount for name, amount in added.items()}
    entries[year] = entry.model_copy(update=update)


def planned_profile(
    profile: Profile,
    date: dt.date,
    entries: dict[int, YearFigures],
    ip: dict[str, Any] | None = None,
    answers: dict[str, bool] | None = None,
) -> Profile:
    """The profile as it would stand on the round's date."""
    years = [e for e in profile.years if e.year not in entries] + [entries[y] for y in sorted(entries)]
    update: dict[str, Any] = {"application_date": date, "years": years}
    if ip:
        update["ip"] = profile.ip.model_copy(update=ip)
    if answers:
        update["rd_management"] = profile.rd_management.model_copy(update=answers)
    return profile.model_copy(update=update)
