"""Batch forms of the accounting window's providers (engine/facts.py `batch_of`, `FactPlan.derive_many`):
the window's ratios, growth and transformation, the previous year, the registration, IP, incidents and
answers. Each gives every profile of a batch exactly what its provider (engine/facts_window.py,
engine/facts_firm.py — the reference) gives it alone: the same values of the same types in the same order,
the same exact ratios, missing paths and context. tests/test_facts_batch.py compares them.

What makes them cheaper is how they read, not what they compute: a window figure is converted to exact
units once per profile for every provider (`Source.many`: `columns`, `last`), a status is decided from
those figures without building path lists unless something is missing, and the lookups a provider would
repeat per profile are made once per batch. Plain Python over the batch, not arrays: a window has at most
three years, so there is little to vectorise per profile, and amounts up to 10^15 万元 in 0.0001 units
overflow 64-bit integers (docs/engine.md, "Batch derivation").
"""

from collections.abc import Callable, Sequence
from operator import attrgetter, truth

from engine.facts import Facts, Source, batch_of, tri
from engine.facts_firm import (
    _achievements,
    _calendar,
    _enterprise,
    _funding,
    _ip_applications,
    _jiangsu,
    _last_year,
    _practice,
    _recent_incidents,
)
from engine.facts_window import (
    _STATUSES,
    _answers,
    _incidents,
    _ip,
    _registration,
    _tech_domain,
    _transformation,
    _window_growth,
    _window_ratios,
)
from engine.money import SAFE_INT, SCALE, clamp_int, exact_float

_UNDEFINED = dict.fromkeys(_STATUSES, "undefined")
_ABSENT = object()
_transformed = attrgetter("achievements_transformed")


def _window_paths(
    years: tuple[int, ...], part: str, parts: Sequence[int | None], whole: str, wholes: Sequence[int | None]
) -> list[str]:
    """The missing paths in `_gather`'s order: year by year, the part before the whole."""
    paths = []
    for year, p, w in zip(years, parts, wholes, strict=True):
        if p is None:
            paths.append(f"years[{year}].{part}")
        if w is None:
            paths.append(f"years[{year}].{whole}")
    return paths


def _sum_ratio(
    facts: Facts,
    years: tuple[int, ...],
    key: str,
    status: str,
    part: str,
    whole: str,
    parts: Sequence[int | None],
    wholes: Sequence[int | None],
) -> bool:
    """facts_window._window_ratio over the columns of `years`; whether it is ok."""
    out = facts.values
    if None not in wholes:
        denominator = sum(wholes)  # type: ignore[arg-type]
        if denominator == 0:  # a complete whole of zero: undefined even when a part is missing
            out[status] = "undefined"
            return False
        if None not in parts:
            numerator = sum(parts)  # type: ignore[arg-type]
            out[status] = "ok"
            out[key] = exact_float(numerator, denominator)
            facts.ratios[key] = (numerator, denominator)
            return True
    out[status] = "missing"
    facts.missing[key] = _window_paths(years, part, parts, whole, wholes)
    return False


def _latest_ratio(
    facts: Facts, year: int, key: str, status: str, part: str, whole: str, num: int | None, den: int | None
) -> None:
    """facts_window._window_ratio over the latest year alone."""
    out = facts.values
    if den == 0:  # a whole of zero (None is not 0)
        out[status] = "undefined"
    elif num is None or den is None:
        out[status] = "missing"
        paths = [f"years[{year}].{part}"] if num is None else []
        if den is None:
            paths.append(f"years[{year}].{whole}")
        facts.missing[key] = paths
    else:
        out[status] = "ok"
        out[key] = exact_float(num, den)
        facts.ratios[key] = (num, den)


@batch_of(
    _window_ratios,
    window=("rd_expense", "sales_revenue", "rd_expense_domestic"),
    last=("staff_sci_tech", "staff_total", "high_tech_revenue", "total_revenue"),
)
def _window_ratios_many(sources: Sequence[Source], derived: Sequence[Facts]) -> None:
    undefined = _UNDEFINED
    for source, facts in zip(sources, derived, strict=True):
        window = source.window
        years = window.years
        if not years:
            facts.values.update(undefined)
            continue
        columns, last, year = source.columns, source.last, window.latest  # the window's latest year
        _latest_ratio(
            facts,
            year,
            "sci_tech_staff_ratio",
            "staff_data",
            "staff_sci_tech",
            "staff_total",
            last["staff_sci_tech"],
            last["staff_total"],
        )
        rd, sales = columns["rd_expense"], columns["sales_revenue"]
        if _sum_ratio(facts, years, "rd_expense_ratio", "rd_data", "rd_expense", "sales_revenue", rd, sales):
            facts.values["latest_sales"] = exact_float(sales[-1], SCALE)  # type: ignore[arg-type]  # the tier
        _sum_ratio(
            facts,
            years,
            "rd_domestic_share",
            "domestic_data",
            "rd_expense_domestic",
            "rd_expense",
            columns["rd_expense_domestic"],
            rd,
        )
        _latest_ratio(
            facts,
            year,
            "high_tech_revenue_share",
            "high_tech_data",
            "high_tech_revenue",
            "total_revenue",
            last["high_tech_revenue"],
            last["total_revenue"],
        )


@batch_of(_transformation)
def _transformation_many(sources: Sequence[Source], derived: Sequence[Facts]) -> None:
    for source, facts in zip(sources, derived, strict=True):
        years = source.window.years
        values = facts.values
        if not years:
            values["transformation_data"] = "undefined"
            continue
        entries = source.window_entries
        if None in entries:
            values["transformation_data"] = "missing"
            facts.missing["transformation"] = [
                f"years[{y}].achievements_transformed" for y, e in zip(years, entries, strict=True) if e is None
            ]
        else:
            total = sum(map(_transformed, entries))
            values["transformation_data"] = "ok"
            values["transformation_average"] = exact_float(total, len(years))
            facts.context["transformation"] = (total, len(years))


def _growth(
    facts: Facts, years: tuple[int, ...], item: str, status: str, fact: str, figure: str, xs: Sequence[int | None]
) -> None:
    """facts_window._growth over a column."""
    values = facts.values
    if None in xs:
        values[status] = "missing"
        facts.missing[item] = [f"years[{y}].{figure}" for y, x in zip(years, xs, strict=True) if x is None]
        return
    n = len(xs)
    rate: tuple[int, int] | None = None  # numerator, denominator
    if n == 3:
        x1, x2, x3 = xs
        if x2 == 0 or x1 < 0 or x2 < 0 or x3 < 0:  # type: ignore[operator]
            rate = None
        elif x1 == 0:
            rate = (x3 - x2, x2)  # type: ignore[operator]
        else:  # ½(x2/x1 + x3/x2) − 1 = (x2² + x1·x3 − 2·x1·x2) / (2·x1·x2)
            rate = (x2 * x2 + x1 * x3 - 2 * x1 * x2, 2 * x1 * x2)  # type: ignore[operator]
    elif n == 2:
        x1, x2 = xs
        rate = None if x1 == 0 or x1 < 0 or x2 < 0 else (x2 - x1, x1)  # type: ignore[operator]
    if rate is None:
        values[status] = "undefined"
    else:
        values[status] = "ok"
        values[fact] = exact_float(*rate)
        facts.context[item] = rate


@batch_of(_window_growth, window=("net_assets", "sales_revenue"))
def _window_growth_many(sources: Sequence[Source], derived: Sequence[Facts]) -> None:
    for source, facts in zip(sources, derived, strict=True):
        years, columns = source.window.years, source.columns
        _growth(
            facts,
            years,
            "net_assets",
            "net_assets_growth_data",
            "net_assets_growth",
            "net_assets",
            columns["net_assets"],
        )
        _growth(facts, years, "sales", "sales_growth_data", "sales_growth", "sales_revenue", columns["sales_revenue"])


@batch_of(_answers)
def _answers_many(sources: Sequence[Source], derived: Sequence[Facts]) -> None:
    if not sources:
        return
    fields = sources[0].answer_fields
    # made once per batch: each target's fact name and a reader of its answers, as a tuple
    targets = [
        (f"{target}_answers", attrgetter(*names) if len(names) > 1 else _one(names)) for target, names in fields.items()
    ]
    for source, facts in zip(sources, derived, strict=True):
        if source.answer_fields is not fields:
            _answers(source, facts)
            continue
        answers = source.profile.rd_management
        facts.context["answers"] = answers
        values = facts.values
        for name, read in targets:
            values[name] = sum(map(truth, read(answers)))  # how many are yes


def _one(names: tuple[str, ...]) -> Callable[[object], tuple[object, ...]]:
    """A reader of no answer, or of one, as a tuple (attrgetter gives one answer alone)."""
    if not names:
        return lambda answers: ()
    get = attrgetter(names[0])
    return lambda answers: (get(answers),)


_FIGURES = (  # facts_firm._last_year's figures, in its order: (figure, status, value)
    ("staff_total", "last_year_staff_data", "last_year_staff_total"),
    ("staff_sci_tech", "last_year_sci_tech_data", "last_year_sci_tech_staff"),
    ("sales_revenue", "last_year_sales_data", "last_year_sales"),
    ("total_assets", "last_year_assets_data", "last_year_total_assets"),
    ("rd_expense", "last_year_rd_data", "last_year_rd_expense"),
)


def _year_ratio(facts: Facts, status: str, value: str, rd: int | None, den: int | None, year: int, whole: str) -> None:
    """facts_firm._pair of the previous year's R&D expense over `whole` (the year is not before registration
    or has an entry)."""
    values = facts.values
    if rd is None or den is None:
        values[status] = "missing"
        paths = [f"years[{year}].rd_expense"] if rd is None else []
        if den is None:
            paths.append(f"years[{year}].{whole}")
        facts.missing[status] = paths
    elif den == 0:
        values[status] = "undefined"
    else:
        values[status] = "ok"
        values[value] = exact_float(rd, den)
        facts.ratios[value] = (rd, den)


@batch_of(
    _last_year,
    window=("sales_revenue",),
    last=("staff_total", "staff_sci_tech", "sales_revenue", "total_assets", "rd_expense", "total_costs"),
)
def _last_year_many(sources: Sequence[Source], derived: Sequence[Facts]) -> None:
    for source, facts in zip(sources, derived, strict=True):
        window = source.window
        last = window.latest  # the year before the application year
        years = window.years
        values = facts.values
        figures = source.last
        # the year before it: the window's when the window has two years
        before_sales = source.columns["sales_revenue"][-2] if len(years) >= 2 else _ABSENT
        registered = last >= source.first_year
        found = []
        for name, status, value in _FIGURES:
            amount = figures[name]
            found.append(amount)
            if amount is not None:
                values[status] = "ok"
                values[value] = amount // SCALE if amount % SCALE == 0 else amount / SCALE  # engine.facts.number
            elif registered:
                values[status] = "missing"
                facts.missing[status] = [f"years[{last}].{name}"]
            else:
                values[status] = "undefined"
        sales, rd = found[2], found[4]
        if not registered and last not in source.entries:
            values["last_year_rd_sales_data"] = "undefined"
            values["last_year_rd_costs_data"] = "undefined"
        else:
            _year_ratio(facts, "last_year_rd_sales_data", "last_year_rd_sales_ratio", rd, sales, last, "sales_revenue")
            costs = figures["total_costs"]
            _year_ratio(facts, "last_year_rd_costs_data", "last_year_rd_costs_ratio", rd, costs, last, "total_costs")
        # sales growth of the previous year over the one before: (S₋₁ − S₋₂) / S₋₂
        before = last - 1
        prev = source.units(before, "sales_revenue") if before_sales is _ABSENT else before_sales
        if prev is None:
            if before < source.first_year:
                values["last_year_sales_growth_data"] = "undefined"
            else:
                values["last_year_sales_growth_data"] = "missing"
                paths = facts.missing.get("last_year_sales_data", [])
                facts.missing["last_year_sales_growth_data"] = [*paths, f"years[{before}].sales_revenue"]
        elif sales is None:
            paths = facts.missing.get("last_year_sales_data")
            if paths:
                values["last_year_sales_growth_data"] = "missing"
                facts.missing["last_year_sales_growth_data"] = paths[:]
            else:
                values["last_year_sales_growth_data"] = "undefined"
        elif prev == 0:
            values["last_year_sales_growth_data"] = "undefined"
        else:
            values["last_year_sales_growth_data"] = "ok"
            values["last_year_sales_growth"] = exact_float(sales - prev, prev)
            facts.ratios["last_year_sales_growth"] = (sales - prev, prev)


@batch_of(_registration)
def _registration_many(sources: Sequence[Source], derived: Sequence[Facts]) -> None:
    for source, facts in zip(sources, derived, strict=True):
        profile = source.profile
        registered = profile.company.registered_on
        facts.values["days_registered"] = (profile.application_date - registered).days
        facts.context["registered_on"] = registered


@batch_of(_ip)
def _ip_many(sources: Sequence[Source], derived: Sequence[Facts]) -> None:
    for source, facts in zip(sources, derived, strict=True):
        ip = source.profile.ip.__dict__
        class1, class2 = ip["class1"], ip["class2"]
        usable_class2 = class2 - ip["class2_used"]
        values = facts.values
        usable = class1 + usable_class2
        values["usable_ip"] = usable if -SAFE_INT <= usable <= SAFE_INT else clamp_int(usable)
        values["class1"] = class1 if -SAFE_INT <= class1 <= SAFE_INT else clamp_int(class1)
        values["usable_class2"] = usable_class2 if -SAFE_INT <= usable_class2 <= SAFE_INT else clamp_int(usable_class2)
        values["supports_main_products"] = ip["supports_main_products"]
        values["self_developed"] = ip["self_developed"]
        values["standards"] = ip["standards"]
        values["advancement"] = ip["advancement"] or "unknown"
        values["core_support"] = ip["core_support"] or "unknown"
        values["ip_class2_owned"] = class2
        values["ip_owned"] = class1 + class2


@batch_of(_tech_domain)
def _tech_domain_many(sources: Sequence[Source], derived: Sequence[Facts]) -> None:
    for source, facts in zip(sources, derived, strict=True):
        domain = source.profile.tech_domain
        if domain is None:
            facts.values["tech_domain_known"] = False
        else:
            facts.values["tech_domain_known"] = True
            facts.values["tech_domain"] = domain.value


@batch_of(_incidents)
def _incidents_many(sources: Sequence[Source], derived: Sequence[Facts]) -> None:
    for source, facts in zip(sources, derived, strict=True):
        if source.profile.incidents:
            _incidents(source, facts)
        else:
            facts.values["has_past_incident"] = False


# the firm beyond the window (engine/facts_firm.py) ------------------------------------------------------
@batch_of(_calendar)
def _calendar_many(sources: Sequence[Source], derived: Sequence[Facts]) -> None:
    made: dict[tuple[int, int], dict[str, int]] = {}  # the same five facts for every firm of a pair of years
    for source, facts in zip(sources, derived, strict=True):
        year, first = source.profile.application_date.year, source.first_year
        found = made.get((year, first))
        if found is None:
            found = made[(year, first)] = {
                "evaluation_year": year,
                "next_year": year + 1,
                "last_year": year - 1,
                "registration_year": first,
                "years_since_registration": year - first,
            }
        facts.values.update(found)


@batch_of(_enterprise)
def _enterprise_many(sources: Sequence[Source], derived: Sequence[Facts]) -> None:
    for source, facts in zip(sources, derived, strict=True):
        profile = source.profile
        enterprise = profile.enterprise.__dict__
        declared = enterprise["registered_in_jiangsu"]
        values = facts.values
        values["cit_audit_based"] = enterprise["cit_audit_based"]
        values["jiangsu"] = _jiangsu(profile) if declared is None else ("yes" if declared else "no")
        values["branch_office"] = enterprise["branch_office"]
        values["sales_or_trading_company"] = enterprise["sales_or_trading_company"]
        values["large_soe_or_foreign_base"] = enterprise["large_soe_or_foreign_base"]
        values["excluded_sector"] = enterprise["excluded_sector"]
        values["restricted_industry"] = enterprise["restricted_industry"]
        values["super_deduction_excluded_industry"] = enterprise["super_deduction_excluded_industry"]
        values["abnormal_operation_list"] = enterprise["abnormal_operation_list"]
        values["serious_dishonesty_list"] = enterprise["serious_dishonesty_list"]
        values["research_misconduct"] = enterprise["research_misconduct"]
        values["serious_fraud"] = enterprise["serious_fraud"]
        values["specialised_sme"] = enterprise["specialised_sme"]
        values["sci_tech_little_giant"] = enterprise["sci_tech_little_giant"]
        values["provincial_rd_institution"] = profile.achievements.provincial_rd_institution


@batch_of(_funding)
def _funding_many(sources: Sequence[Source], derived: Sequence[Facts]) -> None:
    for source, facts in zip(sources, derived, strict=True):
        funding = source.profile.funding.__dict__
        private, received = funding["private_investment"], funding["investment_received"]
        usd, cny = funding["valuation_usd"], funding["valuation_cny"]
        values = facts.values
        values["private_investment"] = private
        # any investment (潜在独角兽 "获得过投资"); private equity is an investment too
        values["investment_received"] = private if received is None else received or private
        values["listed"] = funding["listed"]
        values["core_tech_breakthrough"] = funding["core_tech_breakthrough"]
        values["valuation_usd_known"] = usd is not None
        values["valuation_known"] = usd is not None or cny is not None
        values["valuation_usd"] = -1 if usd is None else float(usd)
        values["valuation_cny"] = -1 if cny is None else float(cny)


_TRI = {None: "unknown", True: "yes", False: "no"}  # engine.facts.tri of a validated bool or None


@batch_of(_practice)
def _practice_many(sources: Sequence[Source], derived: Sequence[Facts]) -> None:
    for source, facts in zip(sources, derived, strict=True):
        profile = source.profile
        upkeep = profile.upkeep.__dict__
        management = profile.rd_management.__dict__
        filed, used = upkeep["rd_projects_filed"], upkeep["super_deduction_used"]
        values = facts.values
        values["has_certificate"] = profile.recognition is not None
        values["rd_aux_accounts"] = management["rd_aux_accounts"]
        values["industry_university_research"] = management["industry_university_research"]
        values["rd_projects_filed"] = _TRI[filed] if type(filed) is bool or filed is None else tri(filed)
        values["super_deduction_used"] = _TRI[used] if type(used) is bool or used is None else tri(used)


_ACHIEVEMENTS = ("national_award", "standard_led", "tech_sme_enrolled")
_YEARS_AGO = tuple((f"{n}_year", f"has_{n}", f"{n}_year", f"{n}_years_ago") for n in _ACHIEVEMENTS)


@batch_of(_achievements)
def _achievements_many(sources: Sequence[Source], derived: Sequence[Facts]) -> None:
    for source, facts in zip(sources, derived, strict=True):
        profile = source.profile
        achievements = profile.achievements.__dict__
        evaluation_year = profile.application_date.year
        values = facts.values
        for field, has, year_fact, ago in _YEARS_AGO:  # facts_firm._years_ago
            year = achievements[field]
            if year is None:
                values[has] = False
            else:
                values[has] = True
                values[year_fact] = year
                values[ago] = evaluation_year - year


@batch_of(_ip_applications)
def _ip_applications_many(sources: Sequence[Source], derived: Sequence[Facts]) -> None:
    for source, facts in zip(sources, derived, strict=True):
        upkeep = source.profile.upkeep.__dict__
        values = facts.values
        for name, data in (
            ("ip_applications", "ip_applications_data"),
            ("ip_applications_class1", "class1_applications_data"),
        ):
            count = upkeep[name]
            if count is None:
                values[data] = "missing"
                facts.missing[data] = [f"upkeep.{name}"]
            else:
                values[data] = "ok"
                values[name] = count


@batch_of(_recent_incidents)
def _recent_incidents_many(sources: Sequence[Source], derived: Sequence[Facts]) -> None:
    for source, facts in zip(sources, derived, strict=True):
        if source.profile.incidents:
            _recent_incidents(source, facts)
        else:
            facts.values["incidents_since_last_year"] = 0
