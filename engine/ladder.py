"""The cultivation ladder: every tier pack in force decides its tiers for a batch of profiles, and the
assessment gains a `ladder` section (docs/ladder.md).

Each ladder pack runs group by group, like the national pack: one durable-rules firing per group per
batch. Before a group that needs them, Python adds what the earlier groups decided — each tier's count
of failed / unknown required criteria and of passed / unknown routes, and the score sums — so that the
later groups' rules (a pass mark, the tier's status) decide from them. Packs run in dependency order
(`uses` in tier.yaml); a pack's criterion outcomes (`<criterion>_outcome`: passed, failed, unknown,
not_applicable) and tier statuses (`<tier>_status`) become facts of the packs that read them.
"""

import datetime as dt
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from engine import tallies
from engine.assessment import NationalResults
from engine.compiler import CompiledPack, compile_pack
from engine.detail import summary_ladder
from engine.evaluator import Evaluator, PackRun
from engine.facts import FactPlan, Facts, Provider, derivable
from engine.ladder_views import CACHE_LIMIT, entry_of
from engine.pack import NoPackInForce, PackError, PoolFrame, Round, RulePack, TierSpec, ladder_packs, pack_in_force
from engine.profile import Profile
from engine.runtime import DurableRuntime
from engine.tallies import outcome_fact, route_state, route_states_key
from engine.views import RuleView, views_of


@dataclass(slots=True)
class TierPlan:
    tier_id: str
    spec: TierSpec
    criteria: tuple[str, ...]  # required and route criteria, in order, each once
    routes: tuple[tuple[str, tuple[str, ...]], ...]
    route_entries: dict[str, dict[str, dict[str, Any]]]  # route → state → its (shared) output
    static: dict[str, Any]  # title, rank, citation, rules_version, example
    labels: dict[str, dict[str, str]]
    states_key: tuple[str, str]  # where the evaluator keeps the tier's route states among the facts
    cache: dict[tuple[Any, ...], dict[str, Any]] = field(default_factory=dict)
    # what the default view reads of a tier ({"status": …}), one shared dict per status
    heads: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass(slots=True)
class PackPlan:
    pack: RulePack  # a tier pack (its `ladder`: tier.yaml)
    compiled: CompiledPack
    run: PackRun
    tiers: list[TierPlan]
    providers: tuple[Provider, ...]  # the fact providers that read its parameters (a certificate, a round)
    own_facts: bool  # it reads a copy of the profile's facts (its providers' facts differ between packs)
    exports: list[tuple[str, str]]  # (target id, fact name) read by other ladder packs
    last_plan: bool = False  # an ended plan shown for reference (tier.yaml `after_end: last_plan`)

    @property
    def version(self) -> str:
        return self.compiled.pack.version


@dataclass(slots=True)
class DatePlan:
    packs: list[PackPlan]
    order: list[str]  # tier ids by rank
    ranks: dict[str, int]
    unavailable: list[dict[str, Any]]
    # tiers of a round-keyed family with no round loaded for the date: shown as unknown (docs/ladder.md)
    not_loaded: dict[str, dict[str, Any]] = field(default_factory=dict)
    pools: dict[str, Any] | None = None  # the district's pool frame (five pools), from the pack declaring it


def _dependency_order(in_force: dict[str, RulePack]) -> tuple[list[RulePack], list[str]]:
    """Packs ordered so that each runs after those it uses; families whose dependencies are not in
    force are left out (returned second)."""
    ordered: list[RulePack] = []
    left_out: list[str] = []
    done: set[str] = set()
    pending = dict(sorted(in_force.items()))
    while pending:
        progressed = False
        for family, lp in list(pending.items()):
            if any(u not in in_force or u in left_out for u in lp.ladder.uses):
                left_out.append(family)
            elif all(u in done for u in lp.ladder.uses):
                ordered.append(lp)
                done.add(family)
            else:
                continue
            del pending[family]
            progressed = True
        if not progressed:
            raise PackError(f"ladder packs use each other in a cycle: {', '.join(pending)}")
    return ordered, left_out


def _tier_plan(tier_id: str, spec: TierSpec, lp: RulePack, compiled: CompiledPack, date: dt.date) -> TierPlan:
    criteria = list(spec.requires)
    for route in spec.routes.values():
        criteria += [c for c in route.criteria if c not in criteria]
    static: dict[str, Any] = {
        "title": spec.title.as_dict(),
        "rank": spec.rank,
        "citation": spec.citation,
        "rules_version": lp.version,
    }
    round_ = lp.round_on(date)
    if round_ is not None:
        static["round"] = _round_entry(round_, loaded=True)
    if spec.example:
        assert lp.ladder.example_note is not None
        static["example"] = True
        static["example_note"] = lp.ladder.example_note.as_dict()
    labels = {k: v.as_dict() for k, v in (lp.targets()[spec.status].labels or {}).items()}
    route_entries = {
        route_id: {
            state: {"title": route.title.as_dict(), "status": state, "criteria": list(route.criteria)}
            for state in ("met", "not_met", "unknown")
        }
        for route_id, route in spec.routes.items()
    }
    routes = tuple((route_id, tuple(route.criteria)) for route_id, route in spec.routes.items())
    key = route_states_key(tier_id)
    return TierPlan(tier_id, spec, tuple(criteria), routes, route_entries, static, labels, key)


class LadderEvaluator:
    """Decides every ladder tier for batches of profiles; one per Assessor (it shares its runtime)."""

    def __init__(self, packs: list[RulePack], runtime: DurableRuntime, facts: FactPlan) -> None:
        self.packs = packs
        self.facts = facts
        self.runtime = runtime
        self._plans: dict[dt.date, DatePlan] = {}
        # every fact a ladder rule reads, whatever its date: the outcomes worth exporting to other packs
        self._read = {
            fact for lp in packs for target in lp.targets().values() for rule in target.rules for fact in rule.when
        }
        self._compiled: dict[tuple[str, dt.date | None, bool], PackPlan] = {}
        self._lock = threading.RLock()
        self.evaluator = Evaluator(runtime)
        # what reaches a tier pack from outside it: the national results, other tier packs' exports
        self._exported = set(NATIONAL_RESULTS)
        # (date, tier statuses) → the highest and the next tier with their titles (`places`)
        self._places: dict[tuple[dt.date, tuple[str, ...]], tuple[Any, ...]] = {}
        for pack in packs:
            self._exported |= {outcome_fact(t) for t in pack.targets()} | {f"{t}_status" for t in pack.tiers}

    def _given(self, name: str) -> bool:
        return name in self._exported or derivable(name)

    @classmethod
    def for_packs(cls, packs: list[RulePack], runtime: DurableRuntime, facts: FactPlan) -> "LadderEvaluator | None":
        found = ladder_packs(packs)
        return cls(found, runtime, facts) if found else None

    # plans ------------------------------------------------------------------------------------------
    def plan(self, date: dt.date) -> DatePlan:
        with self._lock:
            plan = self._plans.get(date)
            if plan is None:
                plan = self._plan(date)
                self._plans[date] = plan
            return plan

    def _plan(self, date: dt.date) -> DatePlan:
        in_force: dict[str, RulePack] = {}
        unavailable: list[dict[str, Any]] = []
        not_loaded: dict[str, dict[str, Any]] = {}
        last_plans: set[str] = set()
        for family in sorted({lp.family for lp in self.packs}):
            members = [lp for lp in self.packs if lp.family == family]
            try:
                chosen: RulePack | None = pack_in_force(members, family, date)
            except NoPackInForce as missing:
                chosen, message = None, missing.message
            if chosen is not None and chosen.ladder.rounds and chosen.round_on(date) is None:
                chosen, message = None, _round_message(family, date)
            if chosen is not None:
                in_force[family] = chosen
                continue
            ended = [lp for lp in members if lp.ladder.after_end == "last_plan" and _ended(lp, date)]
            if ended:  # an ended plan: shown as the last plan's, for reference
                in_force[family] = max(ended, key=lambda lp: lp.header.effective_from)
                last_plans.add(family)
                continue
            keyed = [lp for lp in members if lp.ladder.rounds]
            unavailable.append({"family": family, "message": _round_message(family, date) if keyed else message})
            if keyed:
                not_loaded.update(_not_loaded(max(keyed, key=lambda lp: lp.header.effective_from), date))
        ordered, left_out = _dependency_order(in_force)
        for family in left_out:
            uses = ", ".join(in_force[family].ladder.uses)
            message = {
                "zh": f"{family} 依赖的规则包（{uses}）在该日期不生效，未评价。",
                "en": f"{family} needs packs ({uses}) not in force on that date; not assessed.",
            }
            unavailable.append({"family": family, "message": message})
        packs = [self._pack_plan(lp, date, lp.family in last_plans) for lp in ordered]
        decided_by = {tier.tier_id: pp.pack.family for pp in packs for tier in pp.tiers}
        ranks: dict[str, int] = {tier_id: tier["rank"] for tier_id, tier in not_loaded.items()}
        for pp in packs:
            for tier_id in pp.pack.ladder.targets_for:
                if decided_by.get(tier_id) not in pp.pack.ladder.uses:
                    raise PackError(f"{pp.pack.id}: targets for {tier_id}, which no pack it uses decides")
            for tier in pp.tiers:
                if tier.spec.rank in ranks.values():
                    raise PackError(f"two ladder tiers share rank {tier.spec.rank} on {date.isoformat()}")
                ranks[tier.tier_id] = tier.spec.rank
        order = sorted(ranks, key=ranks.__getitem__)
        frames = [lp.ladder.pools for lp in self.packs if lp.ladder.pools is not None and lp.family in in_force]
        pools = _pool_frame(frames[0], ranks) if frames else None
        return DatePlan(packs, order, ranks, unavailable, not_loaded, pools)

    def _pack_plan(self, lp: RulePack, date: dt.date, last_plan: bool = False) -> PackPlan:
        if last_plan:  # an ended plan is read as it stood on its last day
            assert lp.header.effective_until is not None
            date = lp.header.effective_until
        period = lp.period_start(date)  # every date of a parameter period compiles alike
        key = (lp.version, period, last_plan)
        with self._lock:
            cached = self._compiled.get(key)
            if cached is not None:
                return cached
            compiled = compile_pack(lp, period or date, decision_last=False)
            views = views_of(compiled.groups)
            tiers = [_tier_plan(tier_id, spec, lp, compiled, date) for tier_id, spec in lp.tiers.items()]
            run = PackRun(compiled, views, tallies.for_pack(compiled, lp.tiers), self._given)
            providers, own = self.facts.per_pack(compiled.parameters)
            exports = [(t, f"{t}_outcome") for t in lp.targets() if f"{t}_outcome" in self._read]
            exports += [(tier.spec.status, f"{tier.tier_id}_status") for tier in tiers]
            exports = [(target, name) for target, name in exports if name in self._read]
            plan = PackPlan(lp, compiled, run, tiers, providers, own, exports, last_plan)
            self._compiled[key] = plan
            return plan

    # evaluation -------------------------------------------------------------------------------------
    def attach(
        self,
        profiles: Sequence[Profile],
        derived: Sequence[Facts],
        assessments: list[dict[str, Any]],
        detail: bool = True,
    ) -> None:
        """Adds `ladder` to each assessment (profiles of a batch may have different dates).

        `detail=False` builds the default view's ladder (engine/detail.py) directly: each tier's status,
        route and dates, and the criteria entries of the next tier only — not every tier's criteria,
        routes, score and targets that the view would drop."""
        by_date: dict[dt.date, list[int]] = {}
        for index, profile in enumerate(profiles):
            by_date.setdefault(profile.application_date, []).append(index)
        for date, indexes in by_date.items():
            plan = self.plan(date)
            chunk = [profiles[i] for i in indexes]
            bases = [_national_results(derived[i], assessments[i]) for i in indexes]
            ladders = self._evaluate(plan, chunk, bases, [assessments[i] for i in indexes], detail)
            for index, ladder in zip(indexes, ladders, strict=True):
                assessments[index]["ladder"] = ladder

    def _evaluate(
        self,
        plan: DatePlan,
        profiles: list[Profile],
        bases: list[Facts],
        assessments: list[dict[str, Any]],
        detail: bool = True,
    ) -> list[dict[str, Any]]:
        tiers: list[dict[str, Any]] = [{} for _ in profiles]
        # without detail: what builds each tier's full output, for the one tier the default view explains
        deferred: list[dict[str, _Deferred]] = [{} for _ in profiles]
        monitors: list[dict[str, Any] | None] = [None for _ in profiles]
        for pp in plan.packs:
            parameters = pp.compiled.parameters
            facts = FactPlan.for_pack_many(bases, pp.providers, pp.own_facts, parameters)
            decided: list[dict[str, RuleView]] = self.evaluator.run(pp.run, [lf.values for lf in facts])
            for i, (lf, chosen) in enumerate(zip(facts, decided, strict=True)):
                values = bases[i].values
                for target_id, name in pp.exports:
                    values[name] = chosen[target_id].outcome
                if not detail:
                    for tier in pp.tiers:
                        states = lf.values.get(tier.states_key)
                        tiers[i][tier.tier_id] = _tier_head(tier, lf, chosen, states, profiles[i])
                        deferred[i][tier.tier_id] = (pp, tier, lf, chosen, states, profiles[i])
                    # neither the ladder's targets nor the monitoring section are in the default view
                else:
                    for tier in pp.tiers:
                        states = lf.values.get(tier.states_key)
                        tiers[i][tier.tier_id] = _tier(pp, tier, lf, chosen, states, profiles[i])
                for tier_id, target_ids in pp.pack.ladder.targets_for.items() if detail else ():
                    extra = {t: entry_of(chosen[t], lf, parameters) for t in target_ids if not chosen[t].not_applicable}
                    if extra and tier_id in tiers[i]:
                        if pp.last_plan:  # the ended plan's targets: for reference, not requirements
                            tiers[i][tier_id] = {**tiers[i][tier_id], "last_plan_targets": _last_plan(pp, extra)}
                        else:
                            tiers[i][tier_id].setdefault("targets", {}).update(extra)
                monitoring = pp.pack.ladder.monitoring if detail else None  # detail only (engine/detail.py)
                if monitoring is not None:
                    entries = {
                        c: entry_of(chosen[c], lf, parameters)
                        for c in monitoring.criteria
                        if not chosen[c].not_applicable
                    }
                    section: dict[str, Any] = {
                        "title": monitoring.title.as_dict(),
                        "citation": monitoring.citation,
                        "rules_version": pp.version,
                        "criteria": entries,
                    }
                    if pp.last_plan:
                        section.update(_last_plan(pp, {}))
                        del section["targets"]
                    monitors[i] = section
        if not detail:
            return [
                _summary_ladder(plan, t, a, m, d)
                for t, a, m, d in zip(tiers, assessments, monitors, deferred, strict=True)
            ]
        return [_ladder(plan, t, a, m) for t, a, m in zip(tiers, assessments, monitors, strict=True)]

    def decide(
        self,
        profiles: Sequence[Profile],
        derived: Sequence[Facts],
        national: Sequence[NationalResults],
        memo: "SummaryMemo | None" = None,
    ) -> list[dict[str, str]]:
        """Each profile's tier statuses (the ladder's `summary`), decided exactly as `attach` decides them —
        the same packs, groups, tallies and exports — without building any tier's output.

        With `memo`, a profile whose facts reach the ladder exactly as they did for another assessor with
        the very same tier packs (an impact's other side) gets that summary: the same packs over the same
        facts decide the same."""
        summaries: list[dict[str, str]] = [{} for _ in profiles]
        by_date: dict[dt.date, list[int]] = {}
        for index, profile in enumerate(profiles):
            if memo is None:
                by_date.setdefault(profile.application_date, []).append(index)
                continue
            values = _national_facts(derived[index], national[index]).values
            found = memo.summary(self, profile, values)
            if found is None:
                memo.keep(self, profile, values)
                by_date.setdefault(profile.application_date, []).append(index)
            else:
                summaries[index] = found
        for date, indexes in by_date.items():
            plan = self.plan(date)
            bases = [_national_facts(derived[i], national[i]) for i in indexes]
            # the summary in the ladder's order: a tier no pack decides is its not-loaded round's, the others
            # are filled in below (every tier of the order is one or the other: `_plan`)
            template = {t: plan.not_loaded[t]["status"] if t in plan.not_loaded else "" for t in plan.order}
            statuses = [template.copy() for _ in indexes]
            for pp in plan.packs:
                parameters = pp.compiled.parameters
                facts = FactPlan.for_pack_many(bases, pp.providers, pp.own_facts, parameters)
                decided: list[dict[str, RuleView]] = self.evaluator.run(pp.run, [lf.values for lf in facts])
                exports = pp.exports
                tiers = [(tier.tier_id, tier.spec.status) for tier in pp.tiers]
                for base, chosen, found in zip(bases, decided, statuses, strict=True):
                    values = base.values
                    for target_id, name in exports:
                        values[name] = chosen[target_id].outcome
                    for tier_id, status in tiers:
                        found[tier_id] = chosen[status].verdict or ""
            for index, found in zip(indexes, statuses, strict=True):
                summaries[index] = found
                if memo is not None:
                    memo.decided(profiles[index], found)
        return summaries

    def places(
        self, profiles: Sequence[Profile], derived: Sequence[Facts], national: Sequence[NationalResults]
    ) -> "list[TierPlace]":
        """Each profile's place on the ladder as a workbook row and the pool view show it — the statuses that
        `decide` gives, and the highest and the next tier with their titles as `attach` places them."""
        places: list[TierPlace] = []
        for profile, summary in zip(profiles, self.decide(profiles, derived, national), strict=True):
            date = profile.application_date
            key = (date, tuple(summary.values()))
            found = self._places.get(key)
            if found is None:
                if len(self._places) >= CACHE_LIMIT:
                    self._places.clear()
                found = self._places[key] = _place(self.plan(date), summary)
            places.append(TierPlace(summary, *found))
        return places

    @property
    def reads_readiness(self) -> bool:
        """Whether a tier rule reads the national readiness index (else a decision need not compute it)."""
        return "readiness" in self._read


@dataclass(frozen=True, slots=True)
class TierPlace:
    """A profile's place on the ladder (`LadderEvaluator.places`): every tier's status (the ladder's
    `summary`), the highest tier met and the next one, with their titles (None: no such tier)."""

    summary: dict[str, str]
    met: tuple[str, ...]  # the tiers met, in the ladder's order
    highest: str | None
    highest_title: dict[str, str] | None
    next_tier: str | None
    next_title: dict[str, str] | None


def _place(plan: DatePlan, summary: dict[str, str]) -> tuple[Any, ...]:
    """The highest and the next tier of `summary` with their titles, chosen as `_ladder` chooses them."""
    met = [t for t in plan.order if summary[t] == "met"]
    highest = met[-1] if met else None
    floor = plan.ranks[highest] if highest else None
    next_id = next(
        (t for t in plan.order if summary[t] != "met" and (floor is None or plan.ranks[t] > floor)),
        None,
    )
    # a tier's title as its output has it: its pack's, else the not-loaded round's
    titles = {tier_id: tier["title"] for tier_id, tier in plan.not_loaded.items()}
    titles.update({tier.tier_id: tier.static["title"] for pp in plan.packs for tier in pp.tiers})
    return (
        tuple(t for t, status in summary.items() if status == "met"),
        highest,
        titles[highest] if highest else None,
        next_id,
        titles[next_id] if next_id else None,
    )


class SummaryMemo:
    """The ladder's summaries of profiles decided by one assessor, for another deciding the same profiles
    (an impact's changed packs): reused when the tier packs are the very same objects, the fact providers
    the same and the facts that reach the ladder — the profile's, the national pack's tallies and results —
    equal. Otherwise the ladder runs."""

    def __init__(self) -> None:
        # id(profile) → (the profile, kept alive; tier packs; providers; facts reaching the ladder; summary)
        self._kept: dict[int, list[Any]] = {}

    @staticmethod
    def _same(ladder: LadderEvaluator, kept: list[Any]) -> bool:
        packs = kept[1]
        return (
            len(packs) == len(ladder.packs)
            and all(a is b for a, b in zip(packs, ladder.packs, strict=True))
            and kept[2] == ladder.facts.parametric
        )

    def summary(self, ladder: LadderEvaluator, profile: Profile, values: dict[str, Any]) -> dict[str, str] | None:
        kept = self._kept.get(id(profile))
        if kept is None or kept[0] is not profile or kept[4] is None or not self._same(ladder, kept):
            return None
        return kept[4] if kept[3] == values else None

    def keep(self, ladder: LadderEvaluator, profile: Profile, values: dict[str, Any]) -> None:
        """Before the ladder runs (it adds its exports to the facts): what reaches it."""
        self._kept[id(profile)] = [profile, tuple(ladder.packs), ladder.facts.parametric, dict(values), None]

    def decided(self, profile: Profile, summary: dict[str, str]) -> None:
        self._kept[id(profile)][4] = summary


NATIONAL_RESULTS = ("national_verdict", "innovation_min", "innovation_max", "readiness")


def _national_results(facts: Facts, assessment: dict[str, Any]) -> Facts:
    """The national assessment's results as facts of the tier packs (its score range is a tally already)."""
    innovation = assessment["innovation"]
    results = NationalResults(assessment["verdict"], innovation["min"], innovation["max"], assessment["readiness"])
    return _national_facts(facts, results)


def _national_facts(facts: Facts, results: NationalResults) -> Facts:
    values = facts.values
    values["national_verdict"] = results.verdict
    values["innovation_min"] = results.innovation_min
    values["innovation_max"] = results.innovation_max
    if results.readiness is not None:  # no fact is None (None is absent to the evaluator)
        values["readiness"] = results.readiness
    return facts


_Deferred = tuple["PackPlan", TierPlan, Facts, dict[str, RuleView], list[str] | None, Profile]


# output -----------------------------------------------------------------------------------------------
def _tier(
    pp: PackPlan, tier: TierPlan, lf: Facts, chosen: dict[str, RuleView], states: list[str] | None, profile: Profile
) -> dict[str, Any]:
    spec = tier.spec
    parameters = pp.compiled.parameters
    status = chosen[spec.status].verdict or ""
    criteria: dict[str, Any] = {}
    for criterion_id in tier.criteria:
        view = chosen[criterion_id]
        if view.static is not None:
            criteria[criterion_id] = view.static
        elif not view.not_applicable:
            criteria[criterion_id] = entry_of(view, lf, parameters)
    states = states or [route_state(criteria_ids, chosen) for _, criteria_ids in tier.routes]
    # a tier with nothing of its own beyond its entries is shared by the firms that show the same
    shareable = spec.score is None and not spec.targets and not spec.upkeep
    if shareable:
        key = (status, *states, *map(id, criteria.values()))
        cached = tier.cache.get(key)
        if cached is not None:
            return cached
    result: dict[str, Any] = {"status": status, "status_label": tier.labels.get(status), **tier.static}
    result["criteria"] = criteria
    if spec.requires:
        result["required"] = spec.requires
    if tier.routes:
        result["routes"] = {
            route_id: tier.route_entries[route_id][state]
            for (route_id, _), state in zip(tier.routes, states, strict=True)
        }
        met = [route_id for (route_id, _), state in zip(tier.routes, states, strict=True) if state == "met"]
        result["route"] = met[0] if met and status == "met" else None
    if spec.score is not None:
        result["score"] = _score(spec, lf.values, chosen)
    if spec.targets:
        targets = {t: entry_of(chosen[t], lf, parameters) for t in spec.targets if not chosen[t].not_applicable}
        if targets:
            result["targets"] = targets
    if spec.upkeep and profile.recognition is not None:
        values = lf.values
        result["upkeep"] = {
            "certificate_date": values["certificate_date"],
            "valid_until": values["valid_until"],
            "reapply_year": values["expiry_year"],
            "annual_report": {"year": values["report_year"], "due": values["report_due"]},
        }
    if spec.national_criterion:
        result["national_criterion"] = spec.national_criterion
    if spec.next_route:
        result["next_route"] = spec.next_route
    if shareable:
        if len(tier.cache) >= CACHE_LIMIT:
            tier.cache.clear()
        tier.cache[key] = result
    return result


def _tier_head(
    tier: TierPlan, lf: Facts, chosen: dict[str, RuleView], states: list[str] | None, profile: Profile
) -> dict[str, Any]:
    """The tier as the default view needs it: its status alone (`summary`), without its entries."""
    status = chosen[tier.spec.status].verdict or ""
    head = tier.heads.get(status)
    if head is None:
        head = tier.heads[status] = {"status": status}
    return head


def _score(spec: TierSpec, values: dict[str, Any], chosen: dict[str, RuleView]) -> dict[str, Any]:
    score = spec.score
    assert score is not None
    indicators: dict[str, Any] = {}
    for indicator_id, indicator in score.indicators.items():
        items = {}
        for item in indicator.items:
            points = chosen[item].points or (0, 0)
            items[item] = {"min": points[0], "max": points[1]}
        indicators[indicator_id] = {
            "title": indicator.title.as_dict(),
            "min": values[f"{indicator_id}_min"],
            "max": values[f"{indicator_id}_max"],
            "max_points": indicator.max_points,
            "combine": indicator.combine,
            "items": items,
        }
    return {
        "title": score.title.as_dict(),
        "min": values["score_min"],
        "max": values["score_max"],
        "max_points": score.max_points,
        "citation": score.citation,
        "indicators": indicators,
    }


def _placed(plan: DatePlan, summary: dict[str, str]) -> tuple[str | None, str | None]:
    """The highest tier met, and the next tier: the lowest-ranked above it not met."""
    met = [t for t in plan.order if summary[t] == "met"]
    highest = met[-1] if met else None
    floor = plan.ranks[highest] if highest else None
    next_id = next(
        (t for t in plan.order if summary[t] != "met" and (floor is None or plan.ranks[t] > floor)),
        None,
    )
    return highest, next_id


def _ladder(
    plan: DatePlan, tiers: dict[str, Any], assessment: dict[str, Any], monitoring: dict[str, Any] | None
) -> dict[str, Any]:
    ordered = {tier_id: tiers.get(tier_id) or plan.not_loaded[tier_id] for tier_id in plan.order}
    summary = {tier_id: tier["status"] for tier_id, tier in ordered.items()}
    highest, next_id = _placed(plan, summary)
    ladder: dict[str, Any] = {
        "highest_tier": highest,
        "next_tier": _next(next_id, ordered, assessment) if next_id else None,
        "summary": summary,
        "tiers": ordered,
        "rules_versions": sorted({pp.version for pp in plan.packs}),
    }
    if plan.unavailable:
        ladder["unavailable"] = plan.unavailable
    if plan.pools is not None:
        ladder["pools"] = _pools(plan.pools, summary)
    if monitoring is not None:
        ladder["monitoring"] = monitoring
    return ladder


def _summary_ladder(
    plan: DatePlan,
    heads: dict[str, Any],
    assessment: dict[str, Any],
    monitoring: dict[str, Any] | None,
    deferred: dict[str, _Deferred],
) -> dict[str, Any]:
    """The default view's ladder (engine/detail.py `summary_view` of `_ladder`'s output): the tiers'
    statuses, and the next tier by id, status and route (the route closest to passing, from its decided
    rules: no tier's entries are built). The monitoring section is detail."""
    summary = {tier_id: (heads.get(tier_id) or plan.not_loaded[tier_id])["status"] for tier_id in plan.order}
    highest, next_id = _placed(plan, summary)
    next_tier = _next_head(next_id, summary[next_id], deferred.get(next_id)) if next_id else None
    return summary_ladder(highest, next_tier, summary)


# rounds, ended plans and the pool frame -------------------------------------------------------------
def _ended(lp: RulePack, date: dt.date) -> bool:
    until = lp.header.effective_until
    return until is not None and until < date


def _round_entry(round_: Round, *, loaded: bool) -> dict[str, Any]:
    return {
        "year": round_.year,
        "opens": round_.opens.isoformat(),
        "closes": round_.closes.isoformat(),
        "notice": round_.notice.as_dict(),
        "confirmed": round_.confirmed,
        "loaded": loaded,
    }


def _round_message(family: str, date: dt.date) -> dict[str, str]:
    return {
        "zh": f"{family}：未载入{date.year}年度评价条件（{date.isoformat()} 不在已载入的任何批次内）。",
        "en": f"{family}: the criteria of the {date.year} round are not loaded "
        f"({date.isoformat()} is in no loaded round).",
    }


def _not_loaded(lp: RulePack, date: dt.date) -> dict[str, dict[str, Any]]:
    """The tiers of a round-keyed family on a date no loaded round covers: unknown, saying which round
    is missing and which was loaded last (the criteria of an old round are never reused)."""
    year = date.year
    latest = max(lp.ladder.rounds, key=lambda r: r.opens)
    label = {"zh": f"待定 — 未载入{year}年度评价条件", "en": f"Unknown — criteria of the {year} round not loaded"}
    tiers: dict[str, dict[str, Any]] = {}
    for tier_id, spec in lp.tiers.items():
        tiers[tier_id] = {
            "status": "unknown",
            "status_label": label,
            "title": spec.title.as_dict(),
            "rank": spec.rank,
            "citation": spec.citation,
            "rules_version": None,
            "criteria": {},
            "round": {
                "year": year,
                "loaded": False,
                "message": {
                    "zh": f"{year}年度的评价条件未载入本产品，无法判断；已载入的最近批次为{latest.year}年度"
                    f"（{latest.opens.isoformat()}至{latest.closes.isoformat()}），其条件不适用于其他年度。",
                    "en": f"The criteria of the {year} round are not loaded, so the tier cannot be judged; the latest "
                    f"loaded round is {latest.year} ({latest.opens.isoformat()} to {latest.closes.isoformat()}), "
                    "whose criteria do not apply to other rounds.",
                },
                "latest_loaded": _round_entry(latest, loaded=True),
            },
        }
    return tiers


def _last_plan(pp: PackPlan, targets: dict[str, Any]) -> dict[str, Any]:
    header = pp.compiled.pack.header
    note = pp.pack.ladder.last_plan_note
    assert note is not None
    return {
        "last_plan": True,
        "plan": header.title.as_dict(),
        "effective_from": header.effective_from.isoformat(),
        "effective_until": header.effective_until.isoformat() if header.effective_until else None,
        "note": note.as_dict(),
        "targets": targets,
    }


def _pool_frame(frame: PoolFrame, ranks: dict[str, int]) -> dict[str, Any]:
    """The frame as it stands on a date: each pool with its tiers in force (by rank)."""
    pools = {}
    for pool_id, pool in frame.pools.items():
        pools[pool_id] = {
            "title": pool.title.as_dict(),
            "tiers": sorted((t for t in pool.tiers if t in ranks), key=ranks.__getitem__),
            "extra_tiers": sorted((t for t in pool.extra_tiers if t in ranks), key=ranks.__getitem__),
        }
    return {
        "title": frame.title.as_dict(),
        "citation": frame.citation,
        "note": frame.note.as_dict() if frame.note else None,
        "pools": pools,
    }


def _pools(frame: dict[str, Any], summary: dict[str, str]) -> dict[str, Any]:
    """Each pool's status from its tiers' statuses: met when one is met, else unknown when one is
    unknown, else not_met (a count over the tiers' verdicts, like a tier's over its criteria)."""
    pools = {}
    for pool_id, pool in frame["pools"].items():
        statuses = [summary[t] for t in pool["tiers"] + pool["extra_tiers"]]
        status = "met" if "met" in statuses else "unknown" if "unknown" in statuses else "not_met"
        pools[pool_id] = {**pool, "status": status}
    return {**frame, "pools": pools}


def _closest_route(
    routes: Sequence[tuple[str, Sequence[str]]], passed: dict[str, bool | None], preferred: str | None
) -> tuple[str | None, list[str]]:
    """The route closest to passing and its criteria not passed (`passed`: the criteria that apply):
    the tier's `next_route`, else the fewest failing, then the fewest not passed, then the first listed."""
    route_id = None
    best: list[str] = []
    best_key: tuple[int, int] | None = None
    for rid, criteria_ids in routes:
        short = [c for c in criteria_ids if c in passed and passed[c] is not True]
        if rid == preferred:
            return rid, short
        # a route that only lacks data is closer than one that fails; then the fewest not passed
        key = (sum(passed[c] is False for c in short), len(short))
        if best_key is None or key < best_key:
            best, route_id, best_key = short, rid, key
    return route_id, best


def _next(tier_id: str, tiers: dict[str, Any], assessment: dict[str, Any]) -> dict[str, Any]:
    """The next tier and what it takes: its required criteria not passed, and those of the route
    closest to passing."""
    tier = tiers[tier_id]
    criteria = tier["criteria"]
    passed = {c: entry["passed"] for c, entry in criteria.items()}
    # a required criterion that does not apply (an upkeep check without a certificate) is not listed
    wanted = [c for c in tier.get("required", []) if c in passed and passed[c] is not True]
    routes = [(rid, route["criteria"]) for rid, route in (tier.get("routes") or {}).items()]
    route_id, best = _closest_route(routes, passed, tier.get("next_route"))
    wanted += [c for c in best if c not in wanted]
    failing: list[dict[str, Any]] = []
    national = tier.get("national_criterion")
    for criterion_id in wanted:
        if criterion_id == national:
            for cid, entry in assessment["criteria"].items():
                if entry["passed"] is not True:
                    failing.append({"id": cid, "source": assessment["rules_version"], **entry})
        else:
            failing.append({"id": criterion_id, **criteria[criterion_id]})
    return {"id": tier_id, "title": tier["title"], "status": tier["status"], "route": route_id, "failing": failing}


def _next_head(tier_id: str, status: str, deferred: _Deferred | None) -> dict[str, Any]:
    """The default view's next tier (`_next`'s id, status and route) from the tier's decided rules,
    without building its entries. A tier not loaded (no `deferred`) has no routes."""
    if deferred is None:
        return {"id": tier_id, "status": status, "route": None}
    _, tier, _, chosen, _, _ = deferred
    passed: dict[str, bool | None] = {}
    for criterion_id in tier.criteria:  # the criteria `_tier` lists: static entries, and those that apply
        view = chosen[criterion_id]
        if view.static is not None:
            passed[criterion_id] = view.static["passed"]
        elif not view.not_applicable:
            passed[criterion_id] = view.passed
    route, _ = _closest_route(tier.routes, passed, tier.spec.next_route)
    return {"id": tier_id, "status": status, "route": route}


def explaining(tier: dict[str, Any]) -> list[str]:
    """The criteria that explain a tier's status: what qualified a met tier (its required criteria and
    the route that passed), what a tier not met still lacks (its criteria not passed)."""
    criteria = tier["criteria"]
    if tier["status"] == "met":
        wanted = list(tier.get("required", []))
        route = tier.get("route")
        if route:
            wanted += [c for c in tier["routes"][route]["criteria"] if c not in wanted]
        return [c for c in wanted if c in criteria] or list(criteria)
    return [c for c, entry in criteria.items() if entry["passed"] is not True]
