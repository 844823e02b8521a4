"""What the report page shows, computed from an assessment: the texts of each criterion row, the geometry
of the innovation chart, the shortfalls in reading order. The template only lays them out.

The report is built from sections (partial templates). Another part of the service adds its own with
``add_report_section`` (say, a ladder of tiers before the disclaimer); each section may bring a function
that computes its extra context from the assessment and the profile.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from engine import Profile, RulePack
from engine.assessment import HARD_CRITERIA
from engine.formatting import format_value

Bilingual = dict[str, str]
SectionContext = Callable[[dict[str, Any], Profile], dict[str, Any]]


@dataclass(frozen=True)
class ReportSection:
    name: str
    template: str
    context: SectionContext | None = None


REPORT_SECTIONS: list[ReportSection] = [
    ReportSection("verdict", "report/_verdict.html"),
    ReportSection("criteria", "report/_criteria.html"),
    ReportSection("innovation", "report/_innovation.html"),
    ReportSection("shortfalls", "report/_shortfalls.html"),
    ReportSection("disclaimer", "report/_disclaimer.html"),
]


def add_report_section(section: ReportSection, before: str | None = "disclaimer") -> None:
    """Insert a section before the named one (at the end when `before` is None or unknown); once."""
    if any(existing.name == section.name for existing in REPORT_SECTIONS):
        return
    names = [existing.name for existing in REPORT_SECTIONS]
    position = names.index(before) if before in names else len(REPORT_SECTIONS)
    REPORT_SECTIONS.insert(position, section)


def sections_for(assessment: dict[str, Any], profile: Profile) -> list[dict[str, Any]]:
    return [
        {"name": s.name, "template": s.template, "context": s.context(assessment, profile) if s.context else {}}
        for s in REPORT_SECTIONS
    ]


STATUS: dict[bool | None, tuple[str, Bilingual]] = {
    True: ("pass", {"zh": "✓ 符合", "en": "✓ Met"}),
    False: ("fail", {"zh": "✗ 不符合", "en": "✗ Not met"}),
    None: ("unknown", {"zh": "? 待定", "en": "? Unknown"}),
}


def _text(value: Any, unit: str | None) -> Bilingual:
    zh, en = format_value(value, unit)
    return {"zh": zh, "en": en}


def _labels(pack: RulePack | None, target: str) -> dict[str, Bilingual]:
    if pack is None:
        return {}
    found = pack.targets().get(target)
    if found is None or not found.labels:
        return {}
    return {code: label.as_dict() for code, label in found.labels.items()}


def criterion_rows(assessment: dict[str, Any], pack: RulePack | None) -> list[dict[str, Any]]:
    """One row per criterion: the firm's value, the threshold, the gap (in its remedy's unit), the citation."""
    remedy_unit = {
        s["criterion"]: s["remediation"].get("unit")
        for s in assessment.get("shortfalls", [])
        if "item" not in s and "indicator" not in s
    }
    domains = _labels(pack, "tech_domain")
    innovation = assessment.get("innovation", {})
    rows = []
    for criterion_id, criterion in assessment["criteria"].items():
        unit = criterion.get("unit")
        css, status = STATUS[criterion["passed"]]
        actual = _text(criterion["actual"], unit)
        if unit == "domain" and criterion["actual"] in domains:
            actual = domains[criterion["actual"]]
        if criterion_id == "innovation_score" and innovation:
            actual = _text(f"{innovation['min']}–{innovation['max']}", None)
            actual = {"zh": actual["zh"] + " 分", "en": actual["en"] + " points"}
        threshold = _text(criterion["threshold"], unit)
        if unit == "ratio" and criterion["threshold"] is not None:
            threshold = {"zh": "≥ " + threshold["zh"], "en": "≥ " + threshold["en"]}
        gap_unit = remedy_unit.get(criterion_id)
        gap = _text(criterion["gap"], None if gap_unit == "date" else gap_unit)
        rows.append(
            {
                "id": criterion_id,
                "title": criterion.get("title") or {"zh": criterion_id, "en": criterion_id},
                "passed": criterion["passed"],
                "css": css,
                "status": status,
                "actual": actual,
                "threshold": threshold,
                "gap": gap,
                "citation": criterion.get("citation", ""),
                "message": criterion.get("message"),
                "convention": criterion.get("convention"),
            }
        )
    return rows


# the innovation chart: one bar per indicator (its min–max against its maximum), and the total against
# 100 with the pass mark. Geometry in SVG user units.
CHART_WIDTH = 720
LABEL_WIDTH = 230
TRACK_X = LABEL_WIDTH + 10
TRACK_WIDTH = 380
ROW_HEIGHT = 34
BAR_HEIGHT = 16


def _bar(low: int, high: int, maximum: int) -> tuple[float, float]:
    scale = TRACK_WIDTH / maximum if maximum else 0
    x = TRACK_X + low * scale
    width = max((high - low) * scale, 3.0)  # a range of one value is still visible
    return round(x, 1), round(width, 1)


def _percent(low: int, high: int, maximum: int) -> dict[str, float]:
    """The bar as percentages of its track: the page draws it in an SVG without a viewBox, so the bar
    stretches with the screen while every label keeps its real size (a scaled SVG shrank them to 5 px)."""
    if not maximum:
        return {"x_pct": 0.0, "w_pct": 0.0}
    width = max(100 * (high - low) / maximum, 1.0)  # a range of one value is still visible
    x = min(100 * low / maximum, 100 - width)  # a range at the maximum ends at the track's end
    return {"x_pct": round(x, 2), "w_pct": round(width, 2)}


def innovation_chart(assessment: dict[str, Any], pack: RulePack | None) -> dict[str, Any]:
    innovation = assessment["innovation"]
    indicators = pack.indicators() if pack else {}
    targets = pack.targets() if pack else {}
    rows = []
    for index, (indicator_id, indicator) in enumerate(innovation["indicators"].items()):
        maximum = indicator.get("max_points") or (
            indicators[indicator_id].max_points if indicator_id in indicators else 0
        )
        title = indicator.get("title") or (
            indicators[indicator_id].title.as_dict()
            if indicator_id in indicators
            else {"zh": indicator_id, "en": indicator_id}
        )
        x, width = _bar(indicator["min"], indicator["max"], maximum)
        items = []
        for item_id, item in (indicator.get("items") or {}).items():
            target = targets.get(item_id)
            items.append(
                {
                    "id": item_id,
                    "title": target.title.as_dict() if target else {"zh": item_id, "en": item_id},
                    "min": item["min"],
                    "max": item["max"],
                    "max_points": target.max_points if target and target.max_points else None,
                    "rate": item.get("rate"),
                }
            )
        rows.append(
            {
                "id": indicator_id,
                "title": title,
                "min": indicator["min"],
                "max": indicator["max"],
                "max_points": maximum,
                "y": 10 + index * ROW_HEIGHT,
                "x": x,
                "width": width,
                **_percent(indicator["min"], indicator["max"], maximum),
                "items": items,
                "average": indicator.get("average"),
            }
        )
    total_y = 10 + len(rows) * ROW_HEIGHT + 12
    x, width = _bar(innovation["min"], innovation["max"], 100)
    pass_mark = innovation.get("pass_mark")
    mark_x = round(TRACK_X + pass_mark * TRACK_WIDTH / 100, 1) if pass_mark is not None else None
    return {
        "width": CHART_WIDTH,
        "height": total_y + ROW_HEIGHT + 14,
        "label_width": LABEL_WIDTH,
        "track_x": TRACK_X,
        "track_width": TRACK_WIDTH,
        "bar_height": BAR_HEIGHT,
        "value_x": TRACK_X + TRACK_WIDTH + 10,
        "rows": rows,
        "total": {
            "min": innovation["min"],
            "max": innovation["max"],
            "y": total_y,
            "x": x,
            "width": width,
            **_percent(innovation["min"], innovation["max"], 100),
        },
        "pass_mark": pass_mark,
        "mark_x": mark_x,
        "mark_pct": pass_mark if pass_mark is not None else None,  # of a 100-point track
    }


def shortfall_rows(assessment: dict[str, Any]) -> list[dict[str, Any]]:
    """Criteria first (failing before unknown), then the low-scoring items, each with its remedy."""
    criteria = assessment["criteria"]

    def order(shortfall: dict[str, Any]) -> int:
        if "item" in shortfall or "indicator" in shortfall:
            return 2
        return 0 if criteria.get(shortfall.get("criterion"), {}).get("passed") is False else 1

    return sorted(assessment.get("shortfalls", []), key=order)


def criteria_met(assessment: dict[str, Any]) -> dict[str, int]:
    """How many of the eight hard criteria the firm meets: read before the readiness index, so that a high
    index beside 暂不符合 does not read as "nearly there"."""
    criteria = assessment["criteria"]
    met = sum(1 for c in HARD_CRITERIA if criteria.get(c, {}).get("passed") is True)
    return {"met": met, "total": len(HARD_CRITERIA)}


def years_outside_window(assessment: dict[str, Any], profile: Profile) -> list[int]:
    """Years the firm gave figures for that the assessment does not use (outside the window of the
    application date): said on the report, so that a changed date never drops figures unnoticed."""
    window = set(assessment.get("window") or [])
    return sorted({entry.year for entry in profile.years if isinstance(entry.year, int) and entry.year not in window})


def report_context(assessment: dict[str, Any], profile: Profile, pack: RulePack | None) -> dict[str, Any]:
    return {
        "assessment": assessment,
        "unused_years": years_outside_window(assessment, profile),
        "criteria_met": criteria_met(assessment),
        "criteria_rows": criterion_rows(assessment, pack),
        "chart": innovation_chart(assessment, pack),
        "shortfalls": shortfall_rows(assessment),
        "sections": sections_for(assessment, profile),
    }
