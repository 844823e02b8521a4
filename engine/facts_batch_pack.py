"""Batch forms of the providers that read pack parameters (engine/facts.py `batch_of`,
`FactPlan.for_pack_many`): a certificate's dates and a provincial round's growth (engine/facts_firm.py — the
reference). The parameters are the same for every profile of a batch, so what follows from them alone — the
names of a round's facts, the annual reports' due dates — is made once per batch, not once per profile.
tests/test_facts_batch.py compares each profile's facts with the reference's."""

import datetime as dt
from collections.abc import Sequence
from typing import Any

from engine.facts import Facts, Source, batch_of
from engine.facts_firm import _certificate, _due_date, _figure, _pair, _round, anniversary, exact_cagr, years_completed


@batch_of(_certificate)
def _certificate_many(sources: Sequence[Source], derived: Sequence[Facts], parameters: dict[str, Any]) -> None:
    validity = int(parameters["certificate_validity_years"])
    month, day = int(parameters["annual_report_due_month"]), int(parameters["annual_report_due_day"])
    dues: dict[int, dt.date] = {}  # a year → its annual report's due date

    def due(year: int) -> dt.date:
        found = dues.get(year)
        if found is None:
            found = dues[year] = _due_date(year, month, day)
        return found

    for source, facts in zip(sources, derived, strict=True):
        profile = source.profile
        recognition = profile.recognition
        if recognition is None:
            continue
        values = facts.values
        on = profile.application_date
        issued = recognition.certificate_date
        valid_until = anniversary(issued, validity)
        filed = None if recognition.annual_reports_filed is None else set(recognition.annual_reports_filed)
        required = [y for y in range(issued.year, on.year) if due(y + 1) < on and due(y + 1) <= valid_until]
        missing = [] if filed is None else [y for y in required if y not in filed]
        report_year, report_due = on.year - 1, due(on.year)
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


def _names(prefix: str) -> tuple[str, ...]:
    """facts_firm._round_growth's fact names of one figure, made once."""
    return tuple(
        f"{prefix}_{suffix}"
        for suffix in (
            "base_data",
            "base",
            "latest_data",
            "latest",
            "previous_data",
            "previous",
            "cagr_data",
            "cagr",
            "growing",
        )
    )


def _round_growth(lf: Facts, source: Source, names: tuple[str, ...], figure: str, base_year: int, latest: int) -> None:
    """facts_firm._round_growth with its names made once per batch."""
    base_data, base_value, latest_data, latest_value, previous_data, previous_value, status, cagr, growing = names
    values, missing = lf.values, lf.missing
    base = _figure(lf, source, base_year, figure, base_data, base_value)
    end = _figure(lf, source, latest, figure, latest_data, latest_value)
    before = _figure(lf, source, latest - 1, figure, previous_data, previous_value)
    if base is None or end is None:
        paths = missing.get(base_data, []) + missing.get(latest_data, [])
        values[status] = "missing" if paths else "undefined"
        if paths:
            missing[status] = paths
    elif base == 0:
        values[status] = "undefined"
    else:
        values[status] = "ok"
        values[cagr] = exact_cagr(base, end, latest - base_year)
        lf.growth[cagr] = (base, end, latest - base_year)
    paths = missing.get(latest_data, []) + missing.get(previous_data, [])
    if end is not None and before is not None:
        values[growing] = "yes" if end > before else "no"
    elif paths:
        values[growing] = "unknown"
        missing[growing] = paths
    else:  # a year before the firm was registered: no growth can be shown
        values[growing] = "no"


_SALES, _EMPLOYEES = _names("round_sales"), _names("round_employees")


@batch_of(_round)
def _round_many(sources: Sequence[Source], derived: Sequence[Facts], parameters: dict[str, Any]) -> None:
    round_year = int(parameters["round_year"])
    offset = parameters.get("base_year_offset")
    if offset is None:
        for source, facts in zip(sources, derived, strict=True):
            facts.values["round_year"] = round_year
            facts.values["founded_years_before_round"] = round_year - source.first_year  # the registration year
        return
    base_year, latest = round_year - int(offset), round_year - 1
    years = {"base_year": base_year, "latest_year": latest, "previous_year": latest - 1}
    for source, facts in zip(sources, derived, strict=True):
        values = facts.values
        values["round_year"] = round_year
        values["founded_years_before_round"] = round_year - source.first_year
        values.update(years)
        _round_growth(facts, source, _SALES, "sales_revenue", base_year, latest)
        _round_growth(facts, source, _EMPLOYEES, "employees", base_year, latest)
        _pair(facts, source, latest, "rd_expense", "sales_revenue", "round_science_data", "round_science_ratio")
