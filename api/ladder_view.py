"""The cultivation ladder as pages show it (docs/ladder.md): the report's ladder section, and the tier
words the bureau's pool view and the batch workbook use. Importing this module adds the section to the
self-check report (before the disclaimer).
"""

from typing import Any

from api.report_view import ReportSection, add_report_section
from batch.tiers import ladder_tiers
from engine import Profile
from engine.detail import is_summary
from engine.ladder import explaining

Bilingual = dict[str, str]
STATUS_CSS = {"met": "pass", "not_met": "fail", "unknown": "unknown"}
STATUS_WORDS: dict[str, Bilingual] = {
    "met": {"zh": "✓ 符合", "en": "✓ Met"},
    "not_met": {"zh": "✗ 暂不符合", "en": "✗ Not met"},
    "unknown": {"zh": "? 待定", "en": "? Unknown"},
}
PASSED_CSS = {True: "pass", False: "fail", None: "unknown"}
NONE = {"zh": "无", "en": "none"}


def criterion_view(entry: dict[str, Any]) -> dict[str, Any]:
    gap = entry.get("gap")
    return {
        "id": entry.get("id"),
        "css": PASSED_CSS[entry["passed"]],
        "title": entry.get("title") or {"zh": entry.get("id", ""), "en": entry.get("id", "")},
        "message": entry.get("message") or {"zh": "", "en": ""},
        "gap": None if gap is None or entry["passed"] is True else str(gap),
        "citation": entry.get("citation", ""),
        "convention": entry.get("convention"),
    }


def _note(tier: dict[str, Any]) -> Bilingual | None:
    route = tier.get("route")
    return tier["routes"][route]["title"] if route else None


def ladder_context(assessment: dict[str, Any], profile: Profile) -> dict[str, Any]:
    """Everything the ladder section shows, in reading order; empty when no tier pack is loaded."""
    ladder = assessment.get("ladder")
    if not ladder:
        return {"ladder": None}
    if is_summary(assessment):  # the default view has no tier's criteria to show
        raise ValueError("the report's ladder needs the ladder's detail (assess with ladder_detail=True)")
    tiers = []
    for tier_id, tier in ladder["tiers"].items():
        tiers.append(
            {
                "id": tier_id,
                "title": tier["title"],
                "status": tier["status"],
                "css": STATUS_CSS.get(tier["status"], "unknown"),
                "label": tier.get("status_label") or STATUS_WORDS[tier["status"]],
                "note": _note(tier),
                "example": bool(tier.get("example")),
                "citation": tier["citation"],
                "rules_version": tier["rules_version"],
                "criteria": [criterion_view(tier["criteria"][c]) for c in explaining(tier)],
            }
        )
    highest = ladder.get("highest_tier")
    nxt = ladder.get("next_tier")
    hnte = ladder["tiers"].get("hnte") or {}
    last_plan = hnte.get("last_plan_targets")
    monitoring = ladder.get("monitoring")
    pools = ladder.get("pools")
    notes = sorted({tuple(t["example_note"].items()) for t in ladder["tiers"].values() if t.get("example_note")})
    return {
        "ladder": {
            "highest": ladder["tiers"][highest]["title"] if highest else NONE,
            "next": None
            if nxt is None
            else {"title": nxt["title"], "failing": [criterion_view(f) for f in nxt["failing"]]},
            "tiers": tiers,
            "upkeep": hnte.get("upkeep"),
            "targets": [criterion_view(t) for t in (hnte.get("targets") or {}).values()],
            # an ended plan's targets: for reference, not requirements (docs/ladder.md)
            "last_plan": None
            if not last_plan
            else {
                "note": last_plan["note"],
                "targets": [criterion_view(t) for t in last_plan["targets"].values()],
            },
            "monitoring": None
            if not monitoring
            else {
                "title": monitoring["title"],
                "note": monitoring.get("note"),
                "criteria": [criterion_view(c) for c in monitoring["criteria"].values()],
            },
            "pools": None
            if not pools
            else {
                "title": pools["title"],
                "citation": pools["citation"],
                "items": [
                    {
                        "id": pool_id,
                        "title": pool["title"],
                        "status": pool["status"],
                        "css": STATUS_CSS.get(pool["status"], "unknown"),
                        "label": STATUS_WORDS[pool["status"]],
                        "tiers": [ladder["tiers"][t]["title"] for t in pool["tiers"] + pool["extra_tiers"]],
                    }
                    for pool_id, pool in pools["pools"].items()
                ],
            },
            "example_notes": [dict(note) for note in notes],
            "unavailable": [u["message"] for u in ladder.get("unavailable", [])],
        }
    }


def tier_titles() -> dict[str, dict[str, Any]]:
    """The pool view's tiers, by rank: title, and whether its criteria are the district's examples."""
    return {tier_id: {"title": title, "example": example} for tier_id, (title, example) in ladder_tiers().items()}


add_report_section(ReportSection("ladder", "report/_ladder.html", ladder_context))
