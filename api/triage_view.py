"""What the triage pages show, prepared from stored assessments: labels, chart bars, rows, exports."""

from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from batch.outcome import RowOutcome
from batch.triage import FirmSummary, hnte_packs, shortfall_label, target_titles
from batch.writers import BatchNotes, XlsxOutcomeWriter
from engine.assessment import CRITERIA
from storage.models import Assessment, Pool
from storage.pools import PoolFilter, iter_firms, pool_errors

PAGE_SIZE = 100
CHART_BARS = 12

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
    width: float  # of the chart's bar area, 0–100
    y: int


def chart_bars(counted: list[tuple[str, int]], total: int) -> list[Bar]:
    """The most frequent shortfalls as horizontal bars (drawn as SVG by the template: no script, no CSS)."""
    top = counted[:CHART_BARS]
    most = max((count for _, count in top), default=1)
    return [
        Bar(shortfall_label(key), count, count / total if total else 0.0, 100 * count / most, 28 * index)
        for index, (key, count) in enumerate(top)
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
        "readiness": assessment.readiness,
        "innovation": {"min": assessment.innovation_min, "max": assessment.innovation_max},
        "failing": summary.get("failing", []),
        "unknown": summary.get("unknown", []),
        "borderline": summary.get("borderline", []),
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
