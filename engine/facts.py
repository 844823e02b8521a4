"""Derived facts: what Python computes from a profile before the rules decide.

Each fact asserted into durable-rules is a plain JSON value. A criterion whose data may be absent gets a
status fact (`…_data`): ``ok`` (the value is there), ``missing`` (a figure it needs is absent — unknown),
or ``undefined`` (a zero denominator, or no accounting year at all — the policy's ratio cannot be shown).
Ratios are handed over through ``engine.money.exact_float`` so that the rules compare them exactly.

`Derived.context` keeps the exact sums that gap computations need; it never goes to durable-rules.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from engine.money import SCALE, clamp_int, exact_float, to_units
from engine.profile import Profile, YearFigures
from engine.window import Window, window_of


@dataclass(slots=True)
class Derived:
    facts: dict[str, Any]
    window: Window
    missing: dict[str, list[str]] = field(default_factory=dict)  # criterion/item → missing field paths
    context: dict[str, Any] = field(default_factory=dict)


def _units(value: Decimal | None) -> int | None:
    return None if value is None else to_units(value)


def _gather(
    entries: dict[int, YearFigures], years: tuple[int, ...], names: tuple[str, ...]
) -> tuple[dict[str, list[int]], list[str]]:
    """The named figures of each window year as exact units, and the paths of those missing."""
    values: dict[str, list[int]] = {name: [] for name in names}
    missing: list[str] = []
    for year in years:
        entry = entries.get(year)
        for name in names:
            raw = getattr(entry, name) if entry is not None else None
            if raw is None:
                missing.append(f"years[{year}].{name}")
            else:
                values[name].append(to_units(raw))
    return values, missing


def _ratio(
    derived: Derived,
    entries: dict[int, YearFigures],
    years: tuple[int, ...],
    key: str,
    status: str,
    part: str,
    whole: str,
) -> dict[str, list[int]]:
    """Σ part / Σ whole over `years` as fact `key`, with its status fact.

    A whole that is complete and sums to zero makes the ratio undefined (the criterion fails) even when a
    part figure is missing: no figure could make it showable. Otherwise anything missing makes it unknown.
    """
    values, missing = _gather(entries, years, (part, whole))
    facts = derived.facts
    whole_missing = any(path.endswith(f".{whole}") for path in missing)
    if not whole_missing and sum(values[whole]) == 0:
        facts[status] = "undefined"
    elif missing:
        facts[status] = "missing"
        derived.missing[key] = missing
    else:
        numerator, denominator = sum(values[part]), sum(values[whole])
        facts[status] = "ok"
        facts[key] = exact_float(numerator, denominator)
        derived.context[key] = (numerator, denominator)
    return values


def _growth(derived: Derived, entries: dict[int, YearFigures], item: str, figure: str) -> None:
    """Growth rate g by the Guidelines' formula and edge rules (contract: growth.*)."""
    window = derived.window
    values, missing = _gather(entries, window.years, (figure,))
    status, fact = f"{item}_growth_data", f"{item}_growth"
    if missing:
        derived.facts[status] = "missing"
        derived.missing[item] = missing
        return
    xs = values[figure]
    n = len(xs)
    rate: tuple[int, int] | None = None  # numerator, denominator
    if any(x < 0 for x in xs) or n <= 1:
        rate = None
    elif n == 3:
        x1, x2, x3 = xs
        if x2 == 0:
            rate = None
        elif x1 == 0:
            rate = (x3 - x2, x2)
        else:  # ½(x2/x1 + x3/x2) − 1 = (x2² + x1·x3 − 2·x1·x2) / (2·x1·x2)
            rate = (x2 * x2 + x1 * x3 - 2 * x1 * x2, 2 * x1 * x2)
    else:
        x1, x2 = xs
        rate = None if x1 == 0 else (x2 - x1, x1)
    if rate is None:
        derived.facts[status] = "undefined"
    else:
        derived.facts[status] = "ok"
        derived.facts[fact] = exact_float(*rate)
        derived.context[item] = rate


def derive(profile: Profile, answer_fields: dict[str, tuple[str, ...]]) -> Derived:
    """All facts of one profile. `answer_fields` maps a yes/no target to the answers it counts."""
    window = window_of(profile)
    application = profile.application_date
    ip = profile.ip
    facts: dict[str, Any] = {
        "days_registered": (application - profile.company.registered_on).days,
        "usable_ip": clamp_int(ip.usable),
        "class1": clamp_int(ip.class1),
        "usable_class2": clamp_int(ip.usable_class2),
        "supports_main_products": ip.supports_main_products,
        "self_developed": ip.self_developed,
        "standards": ip.standards,
        "advancement": ip.advancement or "unknown",
        "core_support": ip.core_support or "unknown",
        "tech_domain_known": profile.tech_domain is not None,
    }
    if profile.tech_domain is not None:
        facts["tech_domain"] = profile.tech_domain.value
    derived = Derived(facts=facts, window=window)
    derived.context["registered_on"] = profile.company.registered_on
    years = window.years
    latest = (window.latest,) if years else ()
    entries = {entry.year: entry for entry in profile.years if entry.year in years}

    if not years:
        for status in ("staff_data", "rd_data", "domestic_data", "high_tech_data"):
            facts[status] = "undefined"
    else:
        _ratio(derived, entries, latest, "sci_tech_staff_ratio", "staff_data", "staff_sci_tech", "staff_total")
        money = _ratio(derived, entries, years, "rd_expense_ratio", "rd_data", "rd_expense", "sales_revenue")
        if facts["rd_data"] == "ok":
            facts["latest_sales"] = exact_float(money["sales_revenue"][-1], SCALE)  # decides the tier
        _ratio(derived, entries, years, "rd_domestic_share", "domestic_data", "rd_expense_domestic", "rd_expense")
        _ratio(
            derived, entries, latest, "high_tech_revenue_share", "high_tech_data", "high_tech_revenue", "total_revenue"
        )

    past = [incident.date for incident in profile.incidents if incident.date <= application]
    facts["has_past_incident"] = bool(past)
    if past:
        last = max(past)
        facts["days_since_last_incident"] = (application - last).days
        derived.context["last_incident"] = last
        derived.context["incident_dates"] = sorted(incident.date for incident in profile.incidents)

    # transformation: Σ over the window / operating years; an absent year entry makes it unknown
    if not years:
        facts["transformation_data"] = "undefined"
    else:
        absent = [f"years[{y}].achievements_transformed" for y in years if y not in entries]
        if absent:
            facts["transformation_data"] = "missing"
            derived.missing["transformation"] = absent
        else:
            total = sum(entries[y].achievements_transformed for y in years)
            facts["transformation_data"] = "ok"
            facts["transformation_average"] = exact_float(total, len(years))
            derived.context["transformation"] = (total, len(years))

    _growth(derived, entries, "net_assets", "net_assets")
    _growth(derived, entries, "sales", "sales_revenue")

    answers = profile.rd_management
    derived.context["answers"] = answers
    for target, names in answer_fields.items():
        facts[f"{target}_answers"] = sum(1 for name in names if getattr(answers, name))
    return derived
