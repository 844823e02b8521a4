"""How much of an assessment a client gets: the contract's fields always, the ladder's detail on request.

An assessment with every tier's criteria, routes and score is some 45 kB of JSON, most of it the ladder's
explanations that a page or a workbook shows only when asked. The default view keeps every field of
contract v1 (docs/contract.md) as it is and, of the ladder (docs/ladder.md), what places the firm: each
tier's status, title, rank, route and upkeep dates, the highest tier, the next tier with what it still
lacks (a national criterion by its id and outcome: its entry is in `criteria`), the summary and the rule
versions, the five pools with their status and tiers, and each monitored item's outcome. `detail=ladder`
(HTTP `?detail=ladder`, CLI `--detail ladder`) gives the whole ladder: each tier's criteria, routes and score,
the pools' note and citation, and each monitored item's message, citation and convention too.
"""

from typing import Any

LADDER = "ladder"
DETAILS = (LADDER,)
# the keys of a tier kept in the default view; the rest (criteria, routes, score, targets …) is detail
TIER_KEYS = ("status", "status_label", "title", "rank", "rules_version", "route", "example", "upkeep")


class UnknownDetail(ValueError):
    def __init__(self, value: str) -> None:
        self.message = {
            "zh": f"未知的详细程度 {value!r}；可选：{', '.join(DETAILS)}",
            "en": f"Unknown detail {value!r}; one of: {', '.join(DETAILS)}",
        }
        super().__init__(self.message["en"])


def parse_detail(value: str | None) -> frozenset[str]:
    """`ladder`, or a comma-separated list; empty or None: the default view."""
    chosen = frozenset(part.strip() for part in (value or "").split(",") if part.strip())
    for part in chosen:
        if part not in DETAILS:
            raise UnknownDetail(part)
    return chosen


def _tier_summary(tier: dict[str, Any]) -> dict[str, Any]:
    return {key: tier[key] for key in TIER_KEYS if key in tier}


tier_summary = _tier_summary  # the engine builds the default view's tiers with it (engine/ladder.py)


def _next_tier(next_tier: dict[str, Any] | None) -> dict[str, Any] | None:
    """A national criterion the next tier lacks is named with its outcome; the whole entry is the
    assessment's own `criteria[id]`, already in the view."""
    if next_tier is None:
        return None
    failing = [
        {key: entry[key] for key in ("id", "source", "passed", "gap")} if "source" in entry else entry
        for entry in next_tier["failing"]
    ]
    return {**next_tier, "failing": failing}


def _pools(pools: dict[str, Any] | None) -> dict[str, Any] | None:
    if pools is None:
        return None
    return {"title": pools["title"], "pools": pools["pools"]}


def _monitoring(monitoring: dict[str, Any] | None) -> dict[str, Any] | None:
    if monitoring is None:
        return None
    criteria = {key: {"passed": item["passed"], "title": item["title"]} for key, item in monitoring["criteria"].items()}
    kept = ("title", "rules_version", "last_plan", "effective_until")  # an ended plan's items are for reference
    return {
        **{key: monitoring[key] for key in kept if key in monitoring},
        "criteria": criteria,
    }


def with_detail(assessment: dict[str, Any], detail: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The assessment as a client asked for it (the engine's dicts are shared: nothing is changed).

    An assessment made without the ladder's detail (`is_summary`) is already the default view, and cannot
    give the detail."""
    if is_summary(assessment):
        if LADDER in detail:
            raise ValueError("the ladder's detail was not built for this assessment (ladder_detail=False)")
        return assessment
    ladder = assessment.get("ladder")
    if ladder is None or LADDER in detail:
        return assessment
    view = dict(assessment)
    view["ladder"] = {
        **{key: value for key, value in ladder.items() if key != "tiers"},
        "next_tier": _next_tier(ladder.get("next_tier")),
        **({"pools": _pools(ladder["pools"])} if "pools" in ladder else {}),
        **({"monitoring": _monitoring(ladder["monitoring"])} if "monitoring" in ladder else {}),
        "tiers": {tier_id: _tier_summary(tier) for tier_id, tier in ladder["tiers"].items()},
        "detail": "summary",
    }
    return view


def is_summary(assessment: dict[str, Any]) -> bool:
    """An assessment made without the ladder's detail (`Assessor.assess_many(..., ladder_detail=False)`)."""
    ladder = assessment.get("ladder")
    return ladder is not None and ladder.get("detail") == "summary"


def summary_view(ladder: dict[str, Any]) -> dict[str, Any]:
    """The default view of a whole ladder section, as `with_detail` gives it."""
    return with_detail({"ladder": ladder})["ladder"]
