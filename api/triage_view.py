"""What the triage pages show, prepared from stored assessments: labels, chart bars, rows, exports."""

from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from batch.outcome import RowOutcome
from batch.triage import (
    COACHING,
    COACHING_DEFINITION,
    HARD_TOTAL,
    SHORTFALL_GROUPS,
    FirmSummary,
    borderline_reasons,
    hard_met,
    hnte_packs,
    shortfall_counts,
    target_titles,
)
from batch.writers import BatchNotes, XlsxOutcomeWriter, error_rows
from engine.assessment import CRITERIA
from storage.models import Assessment, Pool
from storage.pools import PoolFilter, iter_firms, pool_errors

PAGE_SIZE = 100
CHART_ITEMS = 10  # score items shown after every hard criterion that falls short

# The pool view's facet filters: query parameter → (facet, heading). Add one (e.g. a tier) to filter by it.
FACET_FILTERS: dict[str, tuple[str, dict[str, str]]] = {
    "failing": ("failing", {"zh": "未通过的条件", "en": "Failing criterion"}),
}


def verdict_labels() -> dict[str, dict[str, str]]:
    labels = hnte_packs()[-1].targets()["verdict"].labels or {}
    return {verdict: label.as_dict() for verdict, label in labels.items()}


def criterion_titles() -> dict[str, dict[str, str]]:
    titles = target_titles()
    return {criterion: titles[criterion].as_dict() for criterion in CRITERIA}


def filter_from(
    verdict: str | None, town: str | None, failing: str | None, borderline: bool, tier: str | None = None
) -> PoolFilter:
    facets = {"failing": failing or ""}
    if tier:  # the firms whose highest ladder tier it is ("none": no tier reached)
        facets["tier"] = tier
    return PoolFilter(verdict=verdict or None, town=town, borderline=borderline, facets=facets)


@dataclass(frozen=True)
class Bar:
    label: dict[str, str]
    count: int
    share: float
    width: float  # percent of the bar's track: the share of the firms in view
    group: str


@dataclass(frozen=True)
class BarGroup:
    title: dict[str, str]
    bars: list[Bar]
    hidden: int  # entries of the group not drawn (in the exported workbook's summary)


def chart_bars(counted: list[tuple[str, int]], total: int) -> list[BarGroup]:
    """The shortfalls as horizontal bars: every hard criterion first, then the innovation score and its most
    frequent items. Labels are HTML (they wrap, never cut off); bars are SVG rects in percent (no inline
    style, no script), so the chart reads the same at any width."""
    groups: list[BarGroup] = []
    for group, title in SHORTFALL_GROUPS.items():
        entries = [e for e in shortfall_counts(counted) if e.group == group]
        shown = entries if group == "hard" else entries[:CHART_ITEMS]
        bars = [
            Bar(e.label, e.count, e.count / total if total else 0.0, 100 * e.count / total if total else 0.0, group)
            for e in shown
        ]
        if bars:
            groups.append(BarGroup(title.as_dict(), bars, len(entries) - len(shown)))
    return groups


def coaching() -> dict[str, dict[str, str]]:
    """The triage flag's name and definition (batch.triage), for the pages."""
    return {"name": COACHING.as_dict(), "definition": COACHING_DEFINITION.as_dict()}


def criteria_met(assessment: Assessment) -> dict[str, Any]:
    """'n of 8 conditions met' of a stored assessment (from its outcomes)."""
    met = hard_met(assessment.summary.get("outcomes") or {})
    return {"met": met, "total": HARD_TOTAL, "zh": f"{met}/{HARD_TOTAL}", "en": f"{met}/{HARD_TOTAL}"}


def coaching_reasons(assessment: Assessment) -> list[dict[str, str]]:
    """Why a firm is a coaching candidate, worded from its stored assessment (so pools stored before the
    values were formatted read the same as new ones); the stored summary when there is no output."""
    output = assessment.output or {}
    if "criteria" in output and "innovation" in output:
        return borderline_reasons(output)
    return list(assessment.summary.get("borderline") or [])


def error_lines(error: Any) -> list[dict[str, Any]]:
    """A stored bad row's errors with the template's column letter and heading (as in the errors sheet)."""
    rows = error_rows(RowOutcome(row=error.row, errors=error.errors, name=error.name))
    return [
        {"field": field, "column": column, "heading": heading, "message": {"zh": zh, "en": en}}
        for _, _, field, column, heading, zh, en in rows
    ]


def firm_row(assessment: Assessment) -> dict[str, Any]:
    summary = assessment.summary
    return {
        "assessment_id": assessment.id,
        "firm_id": assessment.firm_id,
        "row": assessment.row,
        "name": assessment.name,
        "credit_code": summary.get("credit_code"),
        "town": assessment.town,
        "verdict": assessment.verdict,
        "criteria_met": hard_met(summary.get("outcomes") or {}),  # of the eight hard criteria
        "criteria_total": HARD_TOTAL,
        "readiness": assessment.readiness,
        "innovation": {"min": assessment.innovation_min, "max": assessment.innovation_max},
        "failing": summary.get("failing", []),
        "unknown": summary.get("unknown", []),
        "borderline": summary.get("borderline", []),
        "coaching_candidate": bool(summary.get("borderline")),  # the triage flag (not the verdict borderline)
        "main_shortfalls": summary.get("main_shortfalls"),
        "tier": summary.get("tier"),
        "next_tier": summary.get("next_tier"),
        "tiers_met": summary.get("tiers_met", []),
        "rules_version": assessment.rules_version,
    }


def stored_summary(assessment: Assessment) -> FirmSummary:
    names = {f.name for f in fields(FirmSummary)}
    return FirmSummary(**{k: v for k, v in assessment.summary.items() if k in names})


def export_workbook(pool: Pool, chosen: PoolFilter, path: Path) -> Path:
    """The filtered view as the batch workbook (results, errors, summary), ranked by readiness."""
    writer = XlsxOutcomeWriter(path)
    for assessment in iter_firms(pool.id, chosen):
        writer.write(RowOutcome(row=assessment.row, summary=stored_summary(assessment), name=assessment.name))
    unfiltered = chosen == PoolFilter(facets={"failing": ""})
    if unfiltered:
        for error in pool_errors(pool.id):
            writer.write(RowOutcome(row=error.row, errors=error.errors, name=error.name))
    writer.close(BatchNotes(input_name=f"{pool.name}（{pool.source_name}）"))
    return path
