"""Tallies: the facts the evaluator (engine/evaluator.py) adds before a group from what the pack's earlier
groups decided. Python counts and sums here; the rules of the later group decide from the results (a pass
mark, a tier's status, the verdict). Every tally comes from a declaration of the pack:

- the pack's `tallies:` (pack.yaml): `score` — the bands of the pack's indicators summed, each indicator
  capped at its points (the national innovation range); `counts` — the criteria the earlier groups
  decided that failed / are unknown (the national verdict);
- each tier of `tier.yaml`: `<tier>_required_failed` / `_required_unknown` over its required criteria,
  `<tier>_routes_passed` / `_routes_unknown` over its routes, and, with a `score`, the score sums
  (`<indicator>_min` / `_max`, `score_min` / `score_max`, `score_range`);
- `<target>_outcome` read by a later group of the same pack: the earlier target's outcome.

A tally is added before a group only when that group reads one of its facts.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

NOT_APPLICABLE = "not_applicable"  # the outcome of a criterion that does not apply to the firm


@dataclass(frozen=True, slots=True)
class Tally:
    provides: frozenset[str]
    add: Callable[[dict[str, Any], dict[str, Any]], None]  # (one profile's facts, its decided views)


@dataclass(frozen=True, slots=True)
class ScoreIndicator:
    id: str
    max_points: int
    combine: str  # sum, or best: the better item counts
    items: tuple[str, ...]


def score(
    indicators: Sequence[ScoreIndicator], low_name: str, high_name: str, *, per_indicator: bool, range_name: str | None
) -> Tally:
    """Item points summed (or the best taken) per indicator, each capped, and their total."""
    names = [(i, f"{i.id}_min", f"{i.id}_max") for i in indicators]
    # (items, cap, takes the best, low fact, high fact) — read once per profile and indicator: keep it flat
    flat = [(i.items, i.max_points, i.combine == "best", low, high) for i, low, high in names]

    def add(values: dict[str, Any], chosen: dict[str, Any]) -> None:
        low_total = high_total = 0
        for items, cap, best, low_fact, high_fact in flat:
            points = [chosen[item].points or (0, 0) for item in items]
            if best:
                low, high = max(p[0] for p in points), max(p[1] for p in points)
            elif len(points) == 1:
                low, high = points[0]
            else:
                low = high = 0
                for item_low, item_high in points:
                    low += item_low
                    high += item_high
            if low > cap:
                low = cap
            if high > cap:
                high = cap
            if per_indicator:
                values[low_fact] = low
                values[high_fact] = high
            low_total += low
            high_total += high
        values[low_name], values[high_name] = low_total, high_total
        if range_name is not None:
            values[range_name] = str(low_total) if low_total == high_total else f"{low_total}–{high_total}"

    provides = {low_name, high_name} | ({range_name} if range_name else set())
    if per_indicator:
        provides |= {name for _, low, high in names for name in (low, high)}
    return Tally(frozenset(provides), add)


def outcome_counts(criteria: Sequence[str], failed_name: str, unknown_name: str) -> Tally:
    """How many of `criteria` (those decided) failed and how many are unknown."""
    criteria = tuple(criteria)

    def add(values: dict[str, Any], chosen: dict[str, Any]) -> None:
        failed = unknown = 0
        for criterion in criteria:
            view = chosen.get(criterion)
            if view is not None:
                outcome = view.outcome
                failed += outcome == "failed"
                unknown += outcome == "unknown"
        values[failed_name] = failed
        values[unknown_name] = unknown

    return Tally(frozenset({failed_name, unknown_name}), add)


def route_state(criteria: Sequence[str], chosen: dict[str, Any]) -> str:
    """met when every applicable criterion passes; not_met when one fails or none applies; else unknown."""
    unknown = applicable = False
    for criterion in criteria:
        outcome = chosen[criterion].outcome if criterion in chosen else "unknown"
        if outcome == "failed":
            return "not_met"
        if outcome != NOT_APPLICABLE:
            applicable = True
            unknown = unknown or outcome == "unknown"
    if not applicable:
        return "not_met"
    return "unknown" if unknown else "met"


def route_states_key(tier_id: str) -> tuple[str, str]:
    """Where a tier's route states are kept among a profile's facts (never a fact: not a string key)."""
    return ("routes", tier_id)


def tier_counts(tier_id: str, requires: Sequence[str], routes: Sequence[Sequence[str]]) -> Tally:
    """A tier's required criteria failed / unknown and its routes met / unknown; the route states are kept
    for the output (`route_states_key`)."""
    required = outcome_counts(requires, f"{tier_id}_required_failed", f"{tier_id}_required_unknown")
    routes = tuple(tuple(r) for r in routes)
    key = route_states_key(tier_id)
    passed_name, unknown_name = f"{tier_id}_routes_passed", f"{tier_id}_routes_unknown"
    count_required = required.add

    def add(values: dict[str, Any], chosen: dict[str, Any]) -> None:
        count_required(values, chosen)
        states = [route_state(criteria, chosen) for criteria in routes]
        values[key] = states
        values[passed_name] = states.count("met")
        values[unknown_name] = states.count("unknown")

    return Tally(required.provides | {passed_name, unknown_name}, add)


def outcome_fact(target_id: str) -> str:
    return f"{target_id}_outcome"


def outcomes(target_ids: Sequence[str]) -> Tally:
    """`<target>_outcome` of targets an earlier group decided."""
    pairs = tuple((t, outcome_fact(t)) for t in target_ids)

    def add(values: dict[str, Any], chosen: dict[str, Any]) -> None:
        for target_id, name in pairs:
            values[name] = chosen[target_id].outcome

    return Tally(frozenset(name for _, name in pairs), add)


def stage_tallies(
    groups: Sequence[Any], declared: Sequence[Tally], counts: tuple[str, str] | None, kinds: dict[str, str]
) -> list[list[Tally]]:
    """The tallies to add before each group: the declared ones whose facts it reads, the counts over the
    criteria decided before it (`counts`: the failed and unknown fact names), and the outcomes of earlier
    targets it reads. `kinds` maps each target to its kind."""
    result: list[list[Tally]] = []
    decided: list[str] = []
    for group in groups:
        reads = set(group.fact_names)
        before = [tally for tally in declared if tally.provides & reads]
        if counts is not None and reads & set(counts):
            criteria = [t for t in decided if kinds[t] == "criterion"]
            before.append(outcome_counts(criteria, *counts))
        earlier = [t for t in sorted(decided) if outcome_fact(t) in reads]
        if earlier:
            before.append(outcomes(earlier))
        result.append(before)
        decided += group.target_ids
    return result


def for_pack(compiled: Any, tiers: dict[str, Any]) -> list[list[Tally]]:
    """The tallies of a compiled pack (engine/compiler.py) with the tiers it decides (`TierSpec`s), per group."""
    pack = compiled.pack
    targets = pack.targets()
    declared: list[Tally] = []
    counts = None
    spec = pack.header.tallies
    if spec is not None and spec.score is not None:
        indicators = [
            ScoreIndicator(
                indicator_id,
                indicator.max_points,
                "sum",
                tuple(t for t, target in targets.items() if target.kind == "item" and target.indicator == indicator_id),
            )
            for indicator_id, indicator in pack.indicators().items()
        ]
        declared.append(score(indicators, spec.score["min"], spec.score["max"], per_indicator=False, range_name=None))
    if spec is not None and spec.counts is not None:
        counts = (spec.counts["failed"], spec.counts["unknown"])
    for tier in tiers.values():
        if tier.score is not None:
            indicators = [
                ScoreIndicator(i, indicator.max_points, indicator.combine, tuple(indicator.items))
                for i, indicator in tier.score.indicators.items()
            ]
            declared.append(score(indicators, "score_min", "score_max", per_indicator=True, range_name="score_range"))
    for tier_id, tier in tiers.items():
        declared.append(tier_counts(tier_id, tier.requires, [route.criteria for route in tier.routes.values()]))
    kinds = {t: target.kind for t, target in targets.items()}
    return stage_tallies(compiled.groups, declared, counts, kinds)
