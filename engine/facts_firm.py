"""Facts of the firm beyond the window (engine/facts.py registers them): the previous accounting year (the
year before the application year, 上一年度) with a data status each, the self-declared flags of the optional
sections, a certificate's dates (packs with `certificate_validity_years`) and a provincial round's years and
growth (packs with `round_year`). docs/ladder.md lists every fact.

Tri-state answers are the strings ``yes`` / ``no`` / ``unknown``. An absent valuation is -1, below every
threshold, with `valuation_usd_known` / `valuation_known` saying whether one was given.
"""

import calendar
import datetime as dt
from typing import Any

from engine.facts import Facts, Source, number, provider, tri
from engine.money import GRID, exact_float
from engine.profile import Profile

JIANGSU_DIVISION = "32"  # GB/T 2260 province code, characters 3–4 of the unified social credit code


def _figure(lf: Facts, source: Source, year: int, name: str, status: str, value: str) -> int | None:
    """One year's figure as exact units under `value`, with its status; None unless ok."""
    units = source.units(year, name)
    if units is not None:
        lf.values[status] = "ok"
        lf.values[value] = number(units)
        return units
    if year < source.first_year:
        lf.values[status] = "undefined"
    else:
        lf.values[status] = "missing"
        lf.missing[status] = [f"years[{year}].{name}"]
    return None


def _ratio(lf: Facts, status: str, value: str, num: int | None, den: int | None, paths: list[str]) -> None:
    if num is None or den is None:
        if paths:
            lf.values[status] = "missing"
            lf.missing[status] = paths
        else:
            lf.values[status] = "undefined"
    elif den == 0:
        lf.values[status] = "undefined"
    else:
        lf.values[status] = "ok"
        lf.values[value] = exact_float(num, den)
        lf.ratios[value] = (num, den)


def _pair(lf: Facts, source: Source, year: int, part: str, whole: str, status: str, value: str) -> None:
    """part / whole of one year as an exact ratio fact with its data status."""
    if year < source.first_year and year not in source.entries:
        lf.values[status] = "undefined"
        return
    num, den = source.units(year, part), source.units(year, whole)
    paths = [f"years[{year}].{n}" for n, v in ((part, num), (whole, den)) if v is None]
    _ratio(lf, status, value, num, den, paths)


@provider("evaluation_year", "next_year", "last_year", "registration_year", "years_since_registration")
def _calendar(source: Source, facts: Facts) -> None:
    year = source.profile.application_date.year
    facts.values.update(
        {
            "evaluation_year": year,
            "next_year": year + 1,
            "last_year": year - 1,
            "registration_year": source.first_year,
            "years_since_registration": year - source.first_year,
        }
    )


def _jiangsu(profile: Profile) -> str:
    declared = profile.enterprise.registered_in_jiangsu
    if declared is not None:
        return tri(declared)
    code = profile.company.credit_code
    if code:
        return "yes" if code[2:4] == JIANGSU_DIVISION else "no"
    return "unknown"


def _years_ago(values: dict[str, Any], name: str, year: int | None, evaluation_year: int) -> None:
    values[f"has_{name}"] = year is not None
    if year is not None:
        values[f"{name}_year"] = year
        values[f"{name}_years_ago"] = evaluation_year - year


@provider(
    "cit_audit_based",
    "jiangsu",
    "branch_office",
    "sales_or_trading_company",
    "large_soe_or_foreign_base",
    "excluded_sector",
    "restricted_industry",
    "super_deduction_excluded_industry",
    "abnormal_operation_list",
    "serious_dishonesty_list",
    "research_misconduct",
    "serious_fraud",
    "specialised_sme",
    "sci_tech_little_giant",
    "provincial_rd_institution",
)
def _enterprise(source: Source, facts: Facts) -> None:
    profile = source.profile
    enterprise = profile.enterprise
    facts.values.update(
        {
            "cit_audit_based": enterprise.cit_audit_based,
            "jiangsu": _jiangsu(profile),
            "branch_office": enterprise.branch_office,
            "sales_or_trading_company": enterprise.sales_or_trading_company,
            "large_soe_or_foreign_base": enterprise.large_soe_or_foreign_base,
            "excluded_sector": enterprise.excluded_sector,
            "restricted_industry": enterprise.restricted_industry,
            "super_deduction_excluded_industry": enterprise.super_deduction_excluded_industry,
            "abnormal_operation_list": enterprise.abnormal_operation_list,
            "serious_dishonesty_list": enterprise.serious_dishonesty_list,
            "research_misconduct": enterprise.research_misconduct,
            "serious_fraud": enterprise.serious_fraud,
            "specialised_sme": enterprise.specialised_sme,
            "sci_tech_little_giant": enterprise.sci_tech_little_giant,
            "provincial_rd_institution": profile.achievements.provincial_rd_institution,
        }
    )


@provider(
    "private_investment",
    "investment_received",
    "listed",
    "core_tech_breakthrough",
    "valuation_usd_known",
    "valuation_known",
    "valuation_usd",
    "valuation_cny",
)
def _funding(source: Source, facts: Facts) -> None:
    funding = source.profile.funding
    facts.values.update(
        {
            "private_investment": funding.private_investment,
            # any investment (潜在独角兽 "获得过投资"); private equity is an investment too
            "investment_received": funding.private_investment
            if funding.investment_received is None
            else funding.investment_received or funding.private_investment,
            "listed": funding.listed,
            "core_tech_breakthrough": funding.core_tech_breakthrough,
            "valuation_usd_known": funding.valuation_usd is not None,
            "valuation_known": funding.valuation_usd is not None or funding.valuation_cny is not None,
            "valuation_usd": -1 if funding.valuation_usd is None else float(funding.valuation_usd),
            "valuation_cny": -1 if funding.valuation_cny is None else float(funding.valuation_cny),
        }
    )


@provider(
    "has_certificate", "rd_aux_accounts", "industry_university_research", "rd_projects_filed", "super_deduction_used"
)
def _practice(source: Source, facts: Facts) -> None:
    profile = source.profile
    upkeep = profile.upkeep
    facts.values.update(
        {
            "has_certificate": profile.recognition is not None,
            "rd_aux_accounts": profile.rd_management.rd_aux_accounts,
            "industry_university_research": profile.rd_management.industry_university_research,
            "rd_projects_filed": tri(upkeep.rd_projects_filed),
            "super_deduction_used": tri(upkeep.super_deduction_used),
        }
    )


@provider(
    "has_national_award",
    "national_award_year",
    "national_award_years_ago",
    "has_standard_led",
    "standard_led_year",
    "standard_led_years_ago",
    "has_tech_sme_enrolled",
    "tech_sme_enrolled_year",
    "tech_sme_enrolled_years_ago",
)
def _achievements(source: Source, facts: Facts) -> None:
    achievements = source.profile.achievements
    year = source.profile.application_date.year
    _years_ago(facts.values, "national_award", achievements.national_award_year, year)
    _years_ago(facts.values, "standard_led", achievements.standard_led_year, year)
    _years_ago(facts.values, "tech_sme_enrolled", achievements.tech_sme_enrolled_year, year)


@provider("ip_applications_data", "ip_applications", "class1_applications_data", "ip_applications_class1")
def _ip_applications(source: Source, facts: Facts) -> None:
    upkeep = source.profile.upkeep
    for name, data in (
        ("ip_applications", "ip_applications_data"),
        ("ip_applications_class1", "class1_applications_data"),
    ):
        count = getattr(upkeep, name)
        facts.values[data] = "missing" if count is None else "ok"
        if count is None:
            facts.missing[data] = [f"upkeep.{name}"]
        else:
            facts.values[name] = count


@provider("incidents_since_last_year")
def _recent_incidents(source: Source, facts: Facts) -> None:
    application = source.profile.application_date
    since = dt.date(application.year - 1, 1, 1)
    facts.values["incidents_since_last_year"] = sum(
        1 for i in source.profile.incidents if since <= i.date <= application
    )


@provider(patterns=("last_year_*",))
def _last_year(source: Source, lf: Facts) -> None:
    """The previous accounting year's figures, ratios and sales growth, each with its data status."""
    last = source.profile.application_date.year - 1
    values = lf.values
    _figure(lf, source, last, "staff_total", "last_year_staff_data", "last_year_staff_total")
    _figure(lf, source, last, "staff_sci_tech", "last_year_sci_tech_data", "last_year_sci_tech_staff")
    sales = _figure(lf, source, last, "sales_revenue", "last_year_sales_data", "last_year_sales")
    _figure(lf, source, last, "total_assets", "last_year_assets_data", "last_year_total_assets")
    _figure(lf, source, last, "rd_expense", "last_year_rd_data", "last_year_rd_expense")
    _pair(lf, source, last, "rd_expense", "sales_revenue", "last_year_rd_sales_data", "last_year_rd_sales_ratio")
    _pair(lf, source, last, "rd_expense", "total_costs", "last_year_rd_costs_data", "last_year_rd_costs_ratio")
    # sales growth of the previous year over the one before: (S₋₁ − S₋₂) / S₋₂
    prev_units = source.units(last - 1, "sales_revenue")
    if last - 1 < source.first_year and prev_units is None:
        values["last_year_sales_growth_data"] = "undefined"
    else:
        paths = lf.missing.get("last_year_sales_data", []) + (
            [f"years[{last - 1}].sales_revenue"] if prev_units is None else []
        )
        growth = None if sales is None or prev_units is None else sales - prev_units
        _ratio(lf, "last_year_sales_growth_data", "last_year_sales_growth", growth, prev_units, paths)


# certificate (packs with `certificate_validity_years`) ------------------------------------------------
def anniversary(start: dt.date, years: int) -> dt.date:
    """The corresponding day `years` later; the month's last day when there is none (民法典 202)."""
    target = start.year + years
    day = min(start.day, calendar.monthrange(target, start.month)[1])
    return dt.date(target, start.month, day)


def years_completed(start: dt.date, on: dt.date) -> int:
    """Whole years completed by `on`: a year completes at the end of its corresponding day."""
    years = on.year - start.year
    while years > 0 and anniversary(start, years) >= on:
        years -= 1
    return max(years, 0)


def _due_date(year: int, month: int, day: int) -> dt.date:
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


@provider(
    "certificate_date",
    "certificate_years_elapsed",
    "valid_until",
    "expiry_year",
    "years_to_expiry_year",
    "annual_reports_data",
    "annual_reports_missing",
    "missing_years",
    "annual_report_state",
    "report_year",
    "report_due",
    "incidents_since_certificate",
    "change_unreported",
    "application_fraud",
    "relocation",
    "cancellation_state",
    "cancelled_on",
    "cancelled_year",
    "next_application_year",
    parameters=("certificate_validity_years",),
)
def _certificate(source: Source, facts: Facts, parameters: dict[str, Any]) -> None:
    """A recognised firm's certificate (packs with `certificate_validity_years`)."""
    profile = source.profile
    values = facts.values
    recognition = profile.recognition
    if recognition is None:
        return
    on = profile.application_date
    issued = recognition.certificate_date
    valid_until = anniversary(issued, int(parameters["certificate_validity_years"]))
    month, day = int(parameters["annual_report_due_month"]), int(parameters["annual_report_due_day"])
    filed = None if recognition.annual_reports_filed is None else set(recognition.annual_reports_filed)
    required = [
        y
        for y in range(issued.year, on.year)
        if _due_date(y + 1, month, day) < on and _due_date(y + 1, month, day) <= valid_until
    ]
    missing = [] if filed is None else [y for y in required if y not in filed]
    report_year, report_due = on.year - 1, _due_date(on.year, month, day)
    if report_year < issued.year or report_due > valid_until:
        state = "not_required"
    elif filed is None:
        state = "unknown"
    elif report_year in filed:
        state = "filed"
    else:
        state = "due" if on <= report_due else "overdue"
    values.update(
        {
            "certificate_date": issued.isoformat(),
            "certificate_years_elapsed": years_completed(issued, on),
            "valid_until": valid_until.isoformat(),
            "expiry_year": valid_until.year,
            "years_to_expiry_year": valid_until.year - on.year,
            "annual_reports_data": "missing" if filed is None else "ok",
            "annual_reports_missing": len(missing),
            "missing_years": "、".join(map(str, missing)) or "—",
            "annual_report_state": state,
            "report_year": report_year,
            "report_due": report_due.isoformat(),
            "incidents_since_certificate": sum(1 for i in profile.incidents if issued <= i.date <= on),
            "change_unreported": recognition.change_unreported,
            "application_fraud": recognition.application_fraud,
            "relocation": recognition.relocation or "none",
        }
    )
    cancelled = recognition.cancelled_on
    if cancelled is None:
        values["cancellation_state"] = "none"
    else:
        values["cancellation_state"] = "this_year" if cancelled.year == on.year else "earlier"
        values["cancelled_on"] = cancelled.isoformat()
        values["cancelled_year"] = cancelled.year
        values["next_application_year"] = cancelled.year + 1


# provincial rounds (packs with `round_year`, growth with `base_year_offset`) --------------------------
def _iroot(value: int, n: int) -> int:
    """The integer n-th root of a non-negative integer, rounded down."""
    if value < 2:
        return value
    root = round(float(value) ** (1.0 / n))
    while root**n > value:
        root -= 1
    while (root + 1) ** n <= value:
        root += 1
    return root


def exact_cagr(base: int, latest: int, years: int) -> float:
    """(latest / base)^(1/years) − 1 as a float that orders exactly like the real number against any
    threshold on the 1e-8 grid (engine.money.exact_float does the same for ratios)."""
    scaled = latest * GRID**years
    root = _iroot(scaled // base, years)  # floor(GRID × (latest/base)^(1/years))
    if root**years * base == scaled:
        return (root - GRID) / GRID
    return (2 * (root - GRID) + 1) / (2 * GRID)


def _round_growth(lf: Facts, source: Source, prefix: str, figure: str, base_year: int, latest: int) -> None:
    values = lf.values
    base = _figure(lf, source, base_year, figure, f"{prefix}_base_data", f"{prefix}_base")
    end = _figure(lf, source, latest, figure, f"{prefix}_latest_data", f"{prefix}_latest")
    before = _figure(lf, source, latest - 1, figure, f"{prefix}_previous_data", f"{prefix}_previous")
    status = f"{prefix}_cagr_data"
    if base is None or end is None:
        paths = lf.missing.get(f"{prefix}_base_data", []) + lf.missing.get(f"{prefix}_latest_data", [])
        values[status] = "missing" if paths else "undefined"
        if paths:
            lf.missing[status] = paths
    elif base == 0:
        values[status] = "undefined"
    else:
        values[status] = "ok"
        values[f"{prefix}_cagr"] = exact_cagr(base, end, latest - base_year)
        lf.growth[f"{prefix}_cagr"] = (base, end, latest - base_year)
    paths = lf.missing.get(f"{prefix}_latest_data", []) + lf.missing.get(f"{prefix}_previous_data", [])
    if end is not None and before is not None:
        values[f"{prefix}_growing"] = "yes" if end > before else "no"
    elif paths:
        values[f"{prefix}_growing"] = "unknown"
        lf.missing[f"{prefix}_growing"] = paths
    else:  # a year before the firm was registered: no growth can be shown
        values[f"{prefix}_growing"] = "no"


@provider(
    "round_year",
    "founded_years_before_round",
    "base_year",
    "latest_year",
    "previous_year",
    "round_science_data",
    "round_science_ratio",
    parameters=("round_year",),
    per_pack=True,
    patterns=("round_sales_*", "round_employees_*"),
)
def _round(source: Source, lf: Facts, parameters: dict[str, Any]) -> None:
    """A provincial round's years and growth (packs with `round_year`; growth with `base_year_offset`). The
    round year is a dated parameter of the pack, so a new round is a new value in YAML, not new code."""
    profile = source.profile
    round_year = int(parameters["round_year"])
    values = lf.values
    values["round_year"] = round_year
    values["founded_years_before_round"] = round_year - profile.company.registered_on.year
    offset = parameters.get("base_year_offset")
    if offset is None:
        return
    base_year, latest = round_year - int(offset), round_year - 1
    values.update({"base_year": base_year, "latest_year": latest, "previous_year": latest - 1})
    _round_growth(lf, source, "round_sales", "sales_revenue", base_year, latest)
    _round_growth(lf, source, "round_employees", "employees", base_year, latest)
    _pair(lf, source, latest, "rd_expense", "sales_revenue", "round_science_data", "round_science_ratio")
