"""How much of an assessment a client gets: the contract's fields always, the ladder's detail on request.

An assessment with every tier's criteria, routes and score is some 60 kB of JSON, most of it the ladder's
explanations that a page or a workbook shows only when asked. The default view keeps every field of
contract v1 (docs/contract.md) as it is — for a firm failing many items those alone come near 20 kB — and,
of the ladder (docs/ladder.md), only what places the firm: `highest_tier`, `summary` (each tier's status),
`next_tier` named by its `id`, `status` and `route`, and `"detail": "summary"`. `detail=ladder` (HTTP
`?detail=ladder`, CLI `--detail ladder`) gives the whole ladder: each tier's title, labels, criteria, routes,
score, targets and upkeep dates, the next tier's title and what it lacks (`failing`), the rule versions,
the families not loaded, the pools and the monitored items.
"""

from typing import Any

LADDER = "ladder"
DETAILS = (LADDER,)
# the next tier's keys in the default view; its title and `failing` (what it lacks) are detail
NEXT_KEYS = ("id", "status", "route")
SUMMARY = "summary"  # the default view's mark (`ladder.detail`)


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


def next_summary(next_tier: dict[str, Any] | None) -> dict[str, Any] | None:
    """The next tier as the default view names it (engine/ladder.py builds it with this too)."""
    if next_tier is None:
        return None
    return {key: next_tier[key] for key in NEXT_KEYS}


def summary_ladder(highest: str | None, next_tier: dict[str, Any] | None, summary: dict[str, str]) -> dict[str, Any]:
    """The default view's ladder; one function, so that the engine's and `with_detail`'s are the same."""
    return {"highest_tier": highest, "next_tier": next_summary(next_tier), "summary": summary, "detail": SUMMARY}


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
    view["ladder"] = summary_ladder(ladder["highest_tier"], ladder["next_tier"], ladder["summary"])
    return view


def is_summary(assessment: dict[str, Any]) -> bool:
    """An assessment made without the ladder's detail (`Assessor.assess_many(..., ladder_detail=False)`)."""
    ladder = assessment.get("ladder")
    return ladder is not None and ladder.get("detail") == SUMMARY


def summary_view(ladder: dict[str, Any]) -> dict[str, Any]:
    """The default view of a whole ladder section, as `with_detail` gives it."""
    return with_detail({"ladder": ladder})["ladder"]
