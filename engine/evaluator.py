"""The single evaluator: one compiled pack's groups, in order, over a batch of profiles' facts.

Every pack goes through `Evaluator.run` — the national pack and every tier pack of the ladder alike.
For each group it

1. adds the facts that the group reads and that earlier groups decided (the pack's *tallies*,
   engine/tallies.py: score sums, counts of failed / unknown criteria, route states, earlier outcomes);
2. hands each distinct set of the group's facts once to `DurableRuntime.fire` (signature-cached,
   engine/runtime.py) — profiles with identical facts fire identical rules;
3. keeps, per profile and target, the decisive rule that fired (not-applicable wins, then failing, then
   unknown, else the first fired), as the pack's *view* of that rule (whatever its output needs).

That is the run of one representative profile per *run signature*. A tally is a function of the views
decided before it, so which rules fire in every group — and every tally added — depends only on where
each fact from outside the pack lies relative to the constants its groups compare it with: the signature
(engine/signature.py) over every group's conditions at once, tallies left out. Profiles whose run
signature was seen before (in any batch) get that run's views and tallies without a group being run;
only the others go through the groups (durable-rules deciding, as above). With the runtime's cache off
(the reference path) every profile runs through every group.

Nothing here knows a pack, a tier or a criterion: what is added between groups comes from the pack's
declarations (engine/tallies.py builds the tallies from them), what a rule means from its view.
"""

from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import compress
from operator import is_, itemgetter
from typing import Any, Protocol

from engine.compiler import CompiledGroup, CompiledPack
from engine.pack import PackError
from engine.runtime import DurableRuntime, RulesEngineError
from engine.signature import ABSENT, Signature
from engine.tallies import NOT_APPLICABLE, Tally

OUTCOME = {True: "passed", False: "failed", None: "unknown"}
_DECISIVE = (NOT_APPLICABLE, "failed", "unknown")
DECIDED_CACHE_LIMIT = 100_000  # distinct firings kept per pack run (the firings of a signature are shared)
RUNS_CACHE_LIMIT = 20_000  # run signatures kept per pack run (1.6–2.6 kB each: ≤ ~50 MB); then anew
# A pack whose profiles rarely share a run signature (the national pack: its items' bands combine into
# nearly one signature per firm) would pay the signature and gain nothing: every PROBE profiles the share
# that found their run is checked, and below MIN_SHARE the pack runs staged for the next PAUSE profiles.
# Each probe found wanting doubles the pause, up to MAX_PAUSE: a pool of 100,000 probes a few times only.
PROBE, MIN_SHARE, PAUSE, MAX_PAUSE = 2_000, 0.5, 20_000, 160_000
STAGE_CACHE_LIMIT = 10_000  # group signatures kept per stage (as the runtime keeps per ruleset); then anew


_drain = deque(maxlen=0).extend  # runs an iterator to its end (a map of calls) at C speed


_first, _second = itemgetter(0), itemgetter(1)
_missing = partial(is_, None)


def _unseen(
    keys: list[tuple[Any, ...]], found: list[Any], facts: Sequence[dict[str, Any]]
) -> dict[tuple[Any, ...], dict[str, Any]]:
    """The first profile's facts of each key not found (`found` None): the look-up is a C loop, the Python
    loop runs over the few missed."""
    unseen: dict[tuple[Any, ...], dict[str, Any]] = {}
    for index in compress(range(len(keys)), map(_missing, found)):
        key = keys[index]
        if key not in unseen:
            unseen[key] = facts[index]
    return unseen


class RuleOutcome(Protocol):
    """What the evaluator reads of a rule's view: its outcome (passed, failed, unknown, not_applicable, or a
    verdict target's verdict) and its points (items)."""

    outcome: str
    points: tuple[int, int] | None


def outcome_of(kind: str, passed: bool | None, verdict: str | None) -> str:
    """A rule's outcome: a verdict target's verdict; otherwise not_applicable, passed, failed or unknown."""
    if verdict == NOT_APPLICABLE:
        return NOT_APPLICABLE
    if kind == "verdict":
        return verdict or ""
    return OUTCOME[passed]


def decisive(views: Sequence[Any]) -> Any:
    """Of the outcomes that fired for one target, not-applicable wins, then failing, then unknown."""
    if len(views) == 1:
        return views[0]
    for wanted in _DECISIVE:
        for view in views:
            if view.outcome == wanted:
                return view
    return views[0]


@dataclass(frozen=True, slots=True)
class Stage:
    """One group of a pack and the tallies it reads, added before it fires."""

    group: CompiledGroup
    tallies: tuple[Tally, ...]
    absent: tuple[Any, ...]  # one ABSENT per fact name: the default of the distinct-facts key
    signature: Signature  # the group's firing signature (engine/signature.py)


class PackRun:
    """A compiled pack ready to run: its stages and the view of each of its rules."""

    def __init__(
        self,
        compiled: CompiledPack,
        views: dict[int, Any],
        tallies: Sequence[Sequence[Tally]],
        given: Callable[[str], bool] | None = None,
    ) -> None:
        """`given` says whether a fact reaches the pack from outside it (a provider, another pack's export):
        a group that reads a fact neither given nor tallied before it is refused (PackError) rather than
        handed to durable-rules with the fact absent."""
        self.compiled = compiled
        self.views = views
        self.stages = tuple(
            Stage(group, tuple(before), (ABSENT,) * len(group.fact_names), Signature(group.definition))
            for group, before in zip(compiled.groups, tallies, strict=True)
        )
        if given is not None:
            for stage in self.stages:
                tallied = set().union(*(tally.provides for tally in stage.tallies))
                unknown = [name for name in stage.group.fact_names if name not in tallied and not given(name)]
                if unknown:
                    raise PackError(
                        f"{compiled.pack.id}/{stage.group.name}: reads {', '.join(unknown)}, which no fact provider "
                        "derives, no tally of the pack adds and no other pack exports"
                    )
        # (group index, rule names fired) → the decisive view per target, in firing order (shared: read-only)
        self._decided: dict[tuple[int, tuple[str, ...]], dict[str, Any]] = {}
        tallied = frozenset().union(*(tally.provides for stage in self.stages for tally in stage.tallies))
        every_rule = {
            f"{index}/{name}": rule
            for index, group in enumerate(compiled.groups)
            for name, rule in group.definition.items()
        }
        self.signature = Signature(every_rule, tallied)
        # every key a tally writes among the facts: what a found run puts into a profile's facts
        self.written: frozenset[Any] = frozenset().union(*(t.writes for stage in self.stages for t in stage.tallies))
        # run signature → (the decisive view per target, the tallies added), shared: read-only
        self.runs: dict[tuple[Any, ...], tuple[dict[str, Any], dict[Any, Any]]] = {}
        # per stage: the group's signature → its decisive views (shared: read-only)
        self.stage_views: list[dict[tuple[Any, ...], dict[str, Any]]] = [{} for _ in self.stages]
        self.looked = self.found = self.paused = 0  # profiles looked up / found since the last probe; to skip
        self.pause = 0  # the last pause (0: the last probe found enough)

    def decided_by(self, stage: int, names: tuple[str, ...]) -> dict[str, Any]:
        key = (stage, names)
        cached = self._decided.get(key)
        if cached is None:
            group = self.stages[stage].group
            fired: dict[str, list[Any]] = {}
            views = self.views
            rules = group.rules
            for name in names:
                rule = rules[name]
                fired.setdefault(rule.target_id, []).append(views[id(rule)])
            if len(fired) != len(group.target_ids):
                undecided = [t for t in group.target_ids if t not in fired]
                raise RulesEngineError(f"rule group {group.name} decided nothing for {', '.join(undecided)}")
            cached = {target_id: decisive(found) for target_id, found in fired.items()}
            if len(self._decided) >= DECIDED_CACHE_LIMIT:
                self._decided.clear()
            self._decided[key] = cached
        return cached


class Evaluator:
    """Runs packs over batches of facts; one per Assessor (it shares its runtime and so its cache)."""

    def __init__(self, runtime: DurableRuntime) -> None:
        self.runtime = runtime

    def run(self, run: PackRun, facts: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        """Every group of the pack over `facts` (one dict per profile, which gains the tallies); the decisive
        view per target for each profile, in the order the groups decided them. The dicts returned are
        read-only: profiles of one run signature share theirs."""
        if not self.runtime.cache or run.paused > 0:
            run.paused = max(run.paused - len(facts), 0)
            return self.staged(run, facts)
        keys = list(map(run.signature.of, facts))
        known = run.runs
        found = list(map(known.get, keys))
        unseen = _unseen(keys, found, facts)
        run.looked += len(facts)
        run.found += len(facts) - len(unseen)
        if run.looked >= PROBE:
            if run.found < MIN_SHARE * run.looked:  # each probe found wanting pauses twice as long as the last
                run.pause = min(run.pause * 2, MAX_PAUSE) if run.pause else PAUSE
                run.paused = run.pause
            else:
                run.pause = 0
            run.looked = run.found = 0
        if unseen:
            representatives = list(unseen.values())
            decided = self.staged(run, representatives)
            written = run.written
            # every fact a tally wrote (a new key or one it overwrote), in the representative's order
            new = {
                key: (chosen, {name: value for name, value in values.items() if name in written})
                for key, values, chosen in zip(unseen, representatives, decided, strict=True)
            }
            if len(known) + len(new) > RUNS_CACHE_LIMIT:
                known.clear()
            known.update(new)
            # read back from `new`, not `known`: another thread may clear `known` in between
            found = [new[key] if entry is None else entry for key, entry in zip(keys, found, strict=True)]
        _drain(map(dict.update, facts, map(_second, found)))
        return list(map(_first, found))

    def staged(self, run: PackRun, facts: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        """`run` without the run-signature cache: every group over every profile of `facts`."""
        # the per-profile steps are C loops (map over dict.update, a tally's add): this runs for every
        # profile of a pack that rarely shares a run signature (the national pack), once per group
        decided: list[dict[str, Any]] = [{} for _ in facts]
        update = dict.update
        for index, stage in enumerate(run.stages):
            for tally in stage.tallies:
                _drain(map(tally.add, facts, decided))
            if self.runtime.cache:
                views = self._by_signature(run, index, facts)
            else:
                views = self._by_facts(run, index, facts)
            _drain(map(update, decided, views))
        return decided

    def _by_signature(self, run: PackRun, index: int, facts: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        """The decisive views of stage `index` for each profile, by the group's signature: a signature seen
        before gets its views at once; the others go to the runtime (signature-cached, engine/runtime.py,
        durable-rules deciding for those it has not seen)."""
        stage = run.stages[index]
        known = run.stage_views[index]
        keys = list(map(stage.signature.of, facts))
        views: list[dict[str, Any] | None] = list(map(known.get, keys))
        if None not in views:
            return views  # type: ignore[return-value]
        unseen = _unseen(keys, views, facts)
        fired = self.runtime.fire(stage.group, list(unseen.values()))
        new = {key: run.decided_by(index, names) for key, names in zip(unseen, fired, strict=True)}
        if len(known) + len(new) > STAGE_CACHE_LIMIT:
            known.clear()
        known.update(new)
        return [new[key] if found is None else found for key, found in zip(keys, views, strict=True)]

    def _by_facts(self, run: PackRun, index: int, facts: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        """The reference path's: profiles with the same facts for the group get the same firings; each
        distinct set goes to durable-rules once (no signature anywhere)."""
        stage = run.stages[index]
        names = stage.group.fact_names
        absent = stage.absent
        slots: list[int] = []
        distinct: dict[tuple[Any, ...], int] = {}
        batch: list[dict[str, Any]] = []
        for values in facts:
            key = tuple(map(values.get, names, absent))
            slot = distinct.get(key)
            if slot is None:
                slot = distinct[key] = len(batch)
                batch.append(values)
            slots.append(slot)
        outcomes = [run.decided_by(index, fired) for fired in self.runtime.fire(stage.group, batch)]
        return [outcomes[slot] for slot in slots]
