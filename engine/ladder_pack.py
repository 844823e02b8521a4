"""The ladder's view of a rule pack: which tiers a pack decides, read from its `tier.yaml`.

A ladder pack is an ordinary rule pack (same YAML, loader and compiler as the national pack) with a
`tier.yaml` beside its `pack.yaml`. That file names the tiers the pack decides and, for each, the
criteria it requires, the routes that qualify it (one route whose criteria all pass is enough), the
verdict target of the pack's last group that gives its status, its rank on the ladder, and whether its
criteria are examples a district is expected to edit. Packs without a `tier.yaml` (the national pack)
are not ladder packs.
"""

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml
from pydantic import Field, ValidationError

from engine.bilingual import Bilingual
from engine.pack import PackError, RulePack, Strict

TIER_FILE = "tier.yaml"
STATUSES = ("met", "not_met", "unknown")


class Route(Strict):
    title: Bilingual
    criteria: list[str]


class ScoreIndicator(Strict):
    title: Bilingual
    max_points: int
    items: list[str]
    combine: Literal["sum", "best"]  # best: the firm takes its better item (tech-SME R&D input)


class Score(Strict):
    title: Bilingual
    citation: str
    max_points: int
    indicators: dict[str, ScoreIndicator]


class TierSpec(Strict):
    rank: int
    title: Bilingual
    citation: str
    status: str
    requires: list[str] = Field(default_factory=list)
    routes: dict[str, Route] = Field(default_factory=dict)
    targets: list[str] = Field(default_factory=list)
    score: Score | None = None
    national_criterion: str | None = None
    next_route: str | None = None  # the route the next-tier advice follows (default: the closest to passing)
    upkeep: bool = False
    example: bool = False


class Round(Strict):
    """One provincial round of a tier family: its year (the pack's `round_year` on `opens`), its dates
    and its notice. A date in no loaded round leaves the family's tiers `unknown` (docs/ladder.md)."""

    year: int
    opens: dt.date
    closes: dt.date
    notice: Bilingual
    confirmed: bool = False  # whether the dates were confirmed in the notice itself

    def covers(self, date: dt.date) -> bool:
        return self.opens <= date <= self.closes


class Pool(Strict):
    """One pool of the district's frame (五级梯次培育库) and the tiers that place a firm in it."""

    title: Bilingual
    tiers: list[str]
    extra_tiers: list[str] = Field(default_factory=list)  # provincial titles shown with the pool


class PoolFrame(Strict):
    title: Bilingual
    citation: str
    note: Bilingual | None = None
    pools: dict[str, Pool]


class Monitoring(Strict):
    title: Bilingual
    citation: str
    criteria: list[str]


class LadderFile(Strict):
    uses: list[str] = Field(default_factory=list)
    example_note: Bilingual | None = None
    tiers: dict[str, TierSpec]
    # criteria shown as targets of a tier that a used pack decides (a district plan's yearly targets)
    targets_for: dict[str, list[str]] = Field(default_factory=dict)
    # criteria tracked for every firm, pool firms and certificate holders alike (ladder.monitoring)
    monitoring: Monitoring | None = None
    # the rounds whose criteria this pack holds; empty: the pack is not keyed by round
    rounds: list[Round] = Field(default_factory=list)
    # once the pack has ended: `drop` (not shown) or `last_plan` (its targets and monitoring shown as the
    # last plan's, for reference, not as requirements)
    after_end: Literal["drop", "last_plan"] = "drop"
    last_plan_note: Bilingual | None = None
    pools: PoolFrame | None = None


@dataclass(frozen=True, slots=True)
class LadderPack:
    """A rule pack together with the tiers it decides."""

    pack: RulePack
    uses: tuple[str, ...]
    tiers: dict[str, TierSpec]
    example_note: Bilingual | None
    targets_for: dict[str, list[str]]
    monitoring: Monitoring | None = None
    rounds: tuple[Round, ...] = ()
    after_end: str = "drop"
    last_plan_note: Bilingual | None = None
    pools: PoolFrame | None = None

    @property
    def family(self) -> str:
        return self.pack.family

    def round_on(self, date: dt.date) -> Round | None:
        return next((r for r in self.rounds if r.covers(date)), None)


def _check(pack: RulePack, spec: LadderFile) -> None:
    targets = pack.targets()
    last = pack.groups[-1].targets if pack.groups else {}
    for tier_id, tier in spec.tiers.items():
        where = f"{pack.id}/{TIER_FILE}: tier {tier_id}"
        if tier.status not in last or last[tier.status].kind != "verdict":
            raise PackError(f"{where}: status {tier.status} is not a verdict of the last group")
        verdicts = {rule.verdict for rule in last[tier.status].rules}
        if not verdicts <= set(STATUSES):
            raise PackError(f"{where}: status verdicts must be among {', '.join(STATUSES)}")
        named = list(tier.requires) + list(tier.targets)
        named += [c for route in tier.routes.values() for c in route.criteria]
        if tier.national_criterion:
            named.append(tier.national_criterion)
        for criterion in named:
            if criterion not in targets or targets[criterion].kind != "criterion":
                raise PackError(f"{where}: {criterion} is not a criterion of the pack")
        if tier.next_route is not None and tier.next_route not in tier.routes:
            raise PackError(f"{where}: next_route {tier.next_route} is not one of its routes")
        if tier.score is not None:
            for indicator in tier.score.indicators.values():
                for item in indicator.items:
                    if item not in targets or targets[item].kind != "item":
                        raise PackError(f"{where}: score item {item} is not an item of the pack")
        if tier.example and spec.example_note is None:
            raise PackError(f"{where}: an example tier needs the pack's example_note")
    for tier_id, criteria in spec.targets_for.items():
        for criterion in criteria:
            if criterion not in targets or targets[criterion].kind != "criterion":
                raise PackError(f"{pack.id}/{TIER_FILE}: target {criterion} for {tier_id} is not a criterion")
    for criterion in spec.monitoring.criteria if spec.monitoring else []:
        if criterion not in targets or targets[criterion].kind != "criterion":
            raise PackError(f"{pack.id}/{TIER_FILE}: monitoring {criterion} is not a criterion")
    if spec.after_end == "last_plan" and spec.last_plan_note is None:
        raise PackError(f"{pack.id}/{TIER_FILE}: after_end: last_plan needs last_plan_note")
    header = pack.header
    for round_ in spec.rounds:
        where = f"{pack.id}/{TIER_FILE}: round {round_.year}"
        if round_.opens > round_.closes:
            raise PackError(f"{where}: opens after it closes")
        if round_.opens < header.effective_from or (
            header.effective_until is not None and round_.closes > header.effective_until
        ):
            raise PackError(f"{where}: outside the pack's effective period")
        round_year = pack.parameter_values(round_.opens).get("round_year")
        if round_year is not None and int(round_year) != round_.year:
            raise PackError(f"{where}: round_year on {round_.opens} is {round_year}")


def ladder_pack(pack: RulePack) -> LadderPack | None:
    """The pack's tiers, or None when the pack has no tier.yaml."""
    path: Path = pack.source / TIER_FILE
    if not path.exists():
        return None
    try:
        with path.open(encoding="utf-8") as handle:
            spec = LadderFile.model_validate(yaml.safe_load(handle))
    except (OSError, yaml.YAMLError, ValidationError) as error:
        raise PackError(f"{path}: {error}") from error
    _check(pack, spec)
    return LadderPack(
        pack,
        tuple(spec.uses),
        spec.tiers,
        spec.example_note,
        spec.targets_for,
        spec.monitoring,
        tuple(spec.rounds),
        spec.after_end,
        spec.last_plan_note,
        spec.pools,
    )


def ladder_packs(packs: list[RulePack]) -> list[LadderPack]:
    """The ladder packs among `packs`; tier ids and ranks must be unique across them."""
    found = [lp for lp in (ladder_pack(p) for p in packs) if lp is not None]
    seen_ids: dict[str, str] = {}
    for lp in found:
        for tier_id in lp.tiers:
            other = seen_ids.get(tier_id)
            if other is not None and other != lp.family:
                raise PackError(f"tier {tier_id} is decided by both {other} and {lp.family}")
            seen_ids[tier_id] = lp.family
    # a pool may name tiers of packs not loaded (a district running without the provincial packs): the
    # output lists the tiers in force only
    return found
