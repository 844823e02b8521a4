"""Facts of the accounting window and the firm's IP, incidents and answers (engine/facts.py registers them):
what the national criteria and score items read, and the tier packs too.

Window ratios are Σ part / Σ whole over the window (the S&T staff and high-tech revenue shares over its
latest year only); the growth rates follow the Guidelines' formula and edge rules (contract: growth.*).
"""

from engine.facts import Facts, Source, provider
from engine.money import SCALE, clamp_int, exact_float

_STATUSES = ("staff_data", "rd_data", "domestic_data", "high_tech_data")


@provider("days_registered")
def _registration(source: Source, facts: Facts) -> None:
    profile = source.profile
    facts.values["days_registered"] = (profile.application_date - profile.company.registered_on).days
    facts.context["registered_on"] = profile.company.registered_on


@provider(
    "usable_ip",
    "class1",
    "usable_class2",
    "supports_main_products",
    "self_developed",
    "standards",
    "advancement",
    "core_support",
    "ip_class2_owned",
    "ip_owned",
)
def _ip(source: Source, facts: Facts) -> None:
    ip = source.profile.ip
    facts.values.update(
        {
            "usable_ip": clamp_int(ip.usable),
            "class1": clamp_int(ip.class1),
            "usable_class2": clamp_int(ip.usable_class2),
            "supports_main_products": ip.supports_main_products,
            "self_developed": ip.self_developed,
            "standards": ip.standards,
            "advancement": ip.advancement or "unknown",
            "core_support": ip.core_support or "unknown",
            "ip_class2_owned": ip.class2,
            "ip_owned": ip.class1 + ip.class2,
        }
    )


@provider("tech_domain_known", "tech_domain")
def _tech_domain(source: Source, facts: Facts) -> None:
    domain = source.profile.tech_domain
    facts.values["tech_domain_known"] = domain is not None
    if domain is not None:
        facts.values["tech_domain"] = domain.value


def _gather(source: Source, years: tuple[int, ...], names: tuple[str, ...]) -> tuple[dict[str, list[int]], list[str]]:
    """The named figures of each window year as exact units, and the paths of those missing."""
    values: dict[str, list[int]] = {name: [] for name in names}
    missing: list[str] = []
    units = source.units
    for year in years:
        for name in names:
            found = units(year, name)
            if found is None:
                missing.append(f"years[{year}].{name}")
            else:
                values[name].append(found)
    return values, missing


def _window_ratio(
    facts: Facts, source: Source, years: tuple[int, ...], key: str, status: str, part: str, whole: str
) -> dict[str, list[int]]:
    """Σ part / Σ whole over `years` as fact `key`, with its status fact.

    A whole that is complete and sums to zero makes the ratio undefined (the criterion fails) even when a
    part figure is missing: no figure could make it showable. Otherwise anything missing makes it unknown.
    """
    values, missing = _gather(source, years, (part, whole))
    out = facts.values
    whole_missing = any(path.endswith(f".{whole}") for path in missing)
    if not whole_missing and sum(values[whole]) == 0:
        out[status] = "undefined"
    elif missing:
        out[status] = "missing"
        facts.missing[key] = missing
    else:
        numerator, denominator = sum(values[part]), sum(values[whole])
        out[status] = "ok"
        out[key] = exact_float(numerator, denominator)
        facts.ratios[key] = (numerator, denominator)
    return values


@provider(
    *_STATUSES,
    "sci_tech_staff_ratio",
    "rd_expense_ratio",
    "latest_sales",
    "rd_domestic_share",
    "high_tech_revenue_share",
)
def _window_ratios(source: Source, facts: Facts) -> None:
    window = source.window
    years = window.years
    out = facts.values
    if not years:
        for status in _STATUSES:
            out[status] = "undefined"
        return
    latest = (window.latest,)
    _window_ratio(facts, source, latest, "sci_tech_staff_ratio", "staff_data", "staff_sci_tech", "staff_total")
    money = _window_ratio(facts, source, years, "rd_expense_ratio", "rd_data", "rd_expense", "sales_revenue")
    if out["rd_data"] == "ok":
        out["latest_sales"] = exact_float(money["sales_revenue"][-1], SCALE)  # decides the tier
    _window_ratio(facts, source, years, "rd_domestic_share", "domestic_data", "rd_expense_domestic", "rd_expense")
    _window_ratio(
        facts, source, latest, "high_tech_revenue_share", "high_tech_data", "high_tech_revenue", "total_revenue"
    )


@provider("has_past_incident", "days_since_last_incident")
def _incidents(source: Source, facts: Facts) -> None:
    profile = source.profile
    application = profile.application_date
    past = [incident.date for incident in profile.incidents if incident.date <= application]
    facts.values["has_past_incident"] = bool(past)
    if past:
        last = max(past)
        facts.values["days_since_last_incident"] = (application - last).days
        facts.context["last_incident"] = last
        facts.context["incident_dates"] = sorted(incident.date for incident in profile.incidents)


@provider("transformation_data", "transformation_average")
def _transformation(source: Source, facts: Facts) -> None:
    """Σ over the window / operating years; an absent year entry makes it unknown."""
    years = source.window.years
    if not years:
        facts.values["transformation_data"] = "undefined"
        return
    entries = source.entries
    absent = [f"years[{y}].achievements_transformed" for y in years if y not in entries]
    if absent:
        facts.values["transformation_data"] = "missing"
        facts.missing["transformation"] = absent
    else:
        total = sum(entries[y].achievements_transformed for y in years)
        facts.values["transformation_data"] = "ok"
        facts.values["transformation_average"] = exact_float(total, len(years))
        facts.context["transformation"] = (total, len(years))


def _growth(facts: Facts, source: Source, item: str, figure: str) -> None:
    """Growth rate g by the Guidelines' formula and edge rules (contract: growth.*)."""
    values, missing = _gather(source, source.window.years, (figure,))
    status, fact = f"{item}_growth_data", f"{item}_growth"
    if missing:
        facts.values[status] = "missing"
        facts.missing[item] = missing
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
        facts.values[status] = "undefined"
    else:
        facts.values[status] = "ok"
        facts.values[fact] = exact_float(*rate)
        facts.context[item] = rate


@provider("net_assets_growth_data", "net_assets_growth", "sales_growth_data", "sales_growth")
def _window_growth(source: Source, facts: Facts) -> None:
    _growth(facts, source, "net_assets", "net_assets")
    _growth(facts, source, "sales", "sales_revenue")


@provider(patterns=("*_answers",))
def _answers(source: Source, facts: Facts) -> None:
    """Per yes/no target of a pack, how many of its answers are yes."""
    answers = source.profile.rd_management
    facts.context["answers"] = answers
    for target, names in source.answer_fields.items():
        facts.values[f"{target}_answers"] = sum(1 for name in names if getattr(answers, name))
