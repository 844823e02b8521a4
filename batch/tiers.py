"""The cultivation ladder in batches and pools (docs/ladder.md): each firm's tier for the results sheet
and the pool view, and the tier summary of a whole batch.

A firm's tier is the highest tier of the ladder it reaches (`ladder.highest_tier`); the next tier is the
one above it that it does not reach yet. Tiers overlap (a recognised HNTE is usually a tech-based SME
too), so the summary counts both: firms whose highest tier it is, and firms that reach it at all.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from engine import load_packs
from engine.pack import ladder_packs

NO_TIER = {"zh": "未达到任何层级", "en": "No tier reached"}


@cache
def ladder_tiers() -> dict[str, tuple[dict[str, str], bool]]:
    """Every tier of the loaded ladder packs, by rank: its title and whether its criteria are examples."""
    specs = {tier_id: spec for lp in ladder_packs(load_packs()) for tier_id, spec in lp.tiers.items()}
    ordered = sorted(specs.items(), key=lambda item: item[1].rank)
    return {tier_id: (spec.title.as_dict(), spec.example) for tier_id, spec in ordered}


def tier_fields(assessment: dict[str, Any]) -> dict[str, Any]:
    """The ladder fields of batch.triage.FirmSummary; empty when no tier pack is loaded."""
    ladder = assessment.get("ladder")
    if not ladder:
        return {}
    # the default view (a workbook row's) names the tiers by id alone: their titles are the packs'
    tiers = ladder.get("tiers") or {}
    highest = ladder.get("highest_tier")
    nxt = ladder.get("next_tier")
    return {
        "tier": highest,
        "tier_title": _title(highest, tiers) if highest else None,
        "next_tier": nxt["id"] if nxt else None,
        "next_tier_title": (nxt.get("title") or _title(nxt["id"], tiers)) if nxt else None,
        "tiers_met": [tier_id for tier_id, status in ladder["summary"].items() if status == "met"],
    }


def _title(tier_id: str, tiers: dict[str, Any]) -> dict[str, str] | None:
    if tier_id in tiers:
        return tiers[tier_id]["title"]
    known = ladder_tiers().get(tier_id)
    return known[0] if known else None


def tier_cell(tier_id: str | None, title: dict[str, str] | None = None) -> str | None:
    """A tier as one cell: both languages, and a mark when its criteria are the district's examples."""
    if tier_id is None:
        return None
    known_title, example = ladder_tiers().get(tier_id, (None, False))
    title = title or known_title or {"zh": tier_id, "en": tier_id}
    mark = "（示例标准 example criteria）" if example else ""
    return f"{title['zh']} {title['en']}{mark}"


def highest_tier_cell(summary: Any) -> str | None:
    """The results sheet's tier column (summary: batch.triage.FirmSummary); empty without the ladder."""
    if summary.tier is None:
        return f"{NO_TIER['zh']} {NO_TIER['en']}" if summary.next_tier else None
    return tier_cell(summary.tier, summary.tier_title)


def next_tier_cell(summary: Any) -> str | None:
    return tier_cell(summary.next_tier, summary.next_tier_title)


@dataclass
class TierTally:
    """Counts by tier over a batch, kept as it streams by (memory grows with tiers, not rows)."""

    highest: Counter[str] = field(default_factory=Counter)  # "" = no tier reached
    met: Counter[str] = field(default_factory=Counter)
    with_ladder: int = 0

    def add(self, summary: Any) -> None:
        if summary.tier is None and summary.next_tier is None:
            return  # assessed without the ladder
        self.with_ladder += 1
        self.highest[summary.tier or ""] += 1
        self.met.update(summary.tiers_met)

    def write(self, line: Callable[..., None], gap: Callable[[], None]) -> None:
        """The summary sheet's tier section: per tier, the firms at it and the firms reaching it."""
        if not self.with_ladder:
            return
        headings = ("按培育层级 By tier", "最高层级企业数 Firms at it", "达到该层级 Firms reaching it", "占比 Share")
        line(*headings, bold=True)
        tiers = ladder_tiers()
        for tier_id in [*tiers, *(t for t in self.met if t not in tiers)]:
            share = round(self.met[tier_id] / self.with_ladder, 4)
            line(tier_cell(tier_id), self.highest[tier_id], self.met[tier_id], share)
        line(f"{NO_TIER['zh']} {NO_TIER['en']}", self.highest[""], None, None)
        if any(example for _, example in tiers.values()):
            line("示例标准：区县可配置层级的随附标准为示例，不代表官方标准。", "Example criteria, not official ones.")
        gap()
