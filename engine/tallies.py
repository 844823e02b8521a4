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
    # every key `add` writes among the facts: `provides` and what is kept there for the output (route states)
    extra_writes: frozenset[Any] = frozenset()

    @property
    def writes(self) -> frozenset[Any]:
        return self.provides | self.extra_writes


@dataclass(frozen=True, slots=True)
class ScoreIndicator:
    id: str
    max_points: int
    combine: str  # sum, or best: the better item counts
    items: tuple[str, ...]


def _generated(
    name: str, body: list[str], namespace: dict[str, Any]
) -> Callable[[dict[str, Any], dict[str, Any]], None]:
    """`add(values, chosen)` from its body's lines: a tally runs once per profile and group, so it is written
    out flat (no loop, no inner function per item), like a signature (engine/signature.py)."""
    source = "def add(values, chosen):\n" + "".join(f"    {line}\n" for line in body or ["pass"])
    exec(compile(source, f"<tally {name}>", "exec"), namespace)
    return namespace["add"]  # type: ignore[no-any-return]


def score(
    indicators: Sequence[ScoreIndicator], low_name: str, high_name: str, *, per_indicator: bool, range_name: str | None
) -> Tally:
    """Item points summed (or the best taken) per indicator, each capped, and their total."""
    names = [(i, f"{i.id}_min", f"{i.id}_max") for i in indicators]
    namespace: dict[str, Any] = {"NONE": (0, 0)}  # an item with no points counts (0, 0)
    body = ["low_total = high_total = 0"]
    for n, (indicator, low_fact, high_fact) in enumerate(names):
        namespace[f"cap{n}"] = indicator.max_points
        points = [f"(chosen[{item!r}].points or NONE)" for item in indicator.items]
        if indicator.combine == "best":  # the better of the items, low and high apart
            body += [f"p = {points[0]}", "low, high = p[0], p[1]"]
            for item in points[1:]:
                body += [f"p = {item}", "if p[0] > low: low = p[0]", "if p[1] > high: high = p[1]"]
        elif len(points) == 1:
            body.append(f"low, high = {points[0]}")
        else:
            body.append("low = high = 0")
            for item in points:
                body += [f"p = {item}", "low += p[0]", "high += p[1]"]
        body += [f"if low > cap{n}: low = cap{n}", f"if high > cap{n}: high = cap{n}"]
        if per_indicator:
            body += [f"values[{low_fact!r}] = low", f"values[{high_fact!r}] = high"]
        body += ["low_total += low", "high_total += high"]
    body.append(f"values[{low_name!r}], values[{high_name!r}] = low_total, high_total")
    if range_name is not None:
        body.append(
            f"values[{range_name!r}] = str(low_total) if low_total == high_total else f'{{low_total}}–{{high_total}}'"
        )
    add = _generated(f"score {low_name}", body, namespace)
    provides = {low_name, high_name} | ({range_name} if range_name else set())
    if per_indicator:
        provides |= {name for _, low, high in names for name in (low, high)}
    return Tally(frozenset(provides), add)


class _Undecided:
    """What a tally reads of a criterion no earlier group decided."""

    __slots__ = ("outcome",)

    def __init__(self, outcome: str | None) -> None:
        self.outcome = outcome


def _outcomes(criteria: Sequence[str], undecided: str) -> str:
    """A tuple expression of the criteria's outcomes, an undecided one's read from `undecided`."""
    return "(" + "".join(f"g({c!r}, {undecided}).outcome, " for c in criteria) + ")"


def outcome_counts(criteria: Sequence[str], failed_name: str, unknown_name: str) -> Tally:
    """How many of `criteria` (those decided) failed and how many are unknown."""
    body = _count_lines(criteria, failed_name, unknown_name)
    return Tally(frozenset({failed_name, unknown_name}), _generated(failed_name, body, {"SKIP": _Undecided(None)}))


def _count_lines(criteria: Sequence[str], failed_name: str, unknown_name: str) -> list[str]:
    # a criterion not decided counts neither way (its outcome None)
    return [
        "g = chosen.get",
        f"o = {_outcomes(criteria, 'SKIP')}",
        f"values[{failed_name!r}] = o.count('failed')",
        f"values[{unknown_name!r}] = o.count('unknown')",
    ]


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


def _route_state_of(outcomes: tuple[str, ...]) -> str:
    """`route_state` of a route's criteria's outcomes (an undecided one's "unknown")."""
    if "failed" in outcomes:
        return "not_met"
    if outcomes.count(NOT_APPLICABLE) == len(outcomes):
        return "not_met"
    return "unknown" if "unknown" in outcomes else "met"


def tier_counts(tier_id: str, requires: Sequence[str], routes: Sequence[Sequence[str]]) -> Tally:
    """A tier's required criteria failed / unknown and its routes met / unknown; the route states are kept
    for the output (`route_states_key`)."""
    failed_name, unknown_name = f"{tier_id}_required_failed", f"{tier_id}_required_unknown"
    passed_name, routes_unknown = f"{tier_id}_routes_passed", f"{tier_id}_routes_unknown"
    namespace: dict[str, Any] = {
        "SKIP": _Undecided(None),
        "UNKNOWN": _Undecided("unknown"),  # route_state: a criterion not decided is unknown
        "state": _route_state_of,
        "KEY": route_states_key(tier_id),
    }
    states = ", ".join(f"state({_outcomes(criteria, 'UNKNOWN')})" for criteria in routes)
    body = [
        *_count_lines(requires, failed_name, unknown_name),
        f"values[KEY] = s = [{states}]",
        f"values[{passed_name!r}] = s.count('met')",
        f"values[{routes_unknown!r}] = s.count('unknown')",
    ]
    add = _generated(f"{tier_id} counts", body, namespace)
    provides = frozenset({failed_name, unknown_name, passed_name, routes_unknown})
    return Tally(provides, add, frozenset({route_states_key(tier_id)}))


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
