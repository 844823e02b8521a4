"""The pipeline: profiles → derived facts → first-stage rulesets → innovation sums → decision ruleset →
assessments. Profiles are processed in batches so that each rule fires once per batch, not per profile.
"""

import datetime as dt
import gc
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from engine import tallies
from engine.assessment import AssessmentBuilder
from engine.compiler import BATCH_CAP, CompiledPack, compile_pack
from engine.evaluator import Evaluator, PackRun
from engine.facts import FactPlan, FactsMemo, derivable
from engine.ladder import LadderEvaluator, SummaryMemo
from engine.pack import RulePack, load_packs, pack_in_force
from engine.profile import Profile
from engine.rows import Row, RowBuilder
from engine.runtime import DurableRuntime

HNTE_FAMILY = "hnte-national"
BATCH_SIZE = 500
T = TypeVar("T")


class Assessor:
    """Assesses profiles under the pack in force on each application date (or a given pack).

    One per process: it owns the durable-rules rulesets, and its calls into durable-rules are
    serialised by the runtime's lock.
    """

    def __init__(
        self, packs: list[RulePack] | None = None, runtime: DurableRuntime | None = None, *, reference: bool = False
    ) -> None:
        """`reference=True` asserts every profile into durable-rules (no signature cache): the reference
        path of the differential test and of `make bench`."""
        self.packs = packs if packs is not None else load_packs()
        self.runtime = runtime or DurableRuntime(cache=not reference)
        self._compiled: dict[tuple[str, dt.date | None], CompiledPack] = {}
        self._by_key: dict[str, tuple[CompiledPack, AssessmentBuilder]] = {}
        self._runs: dict[str, PackRun] = {}
        self._rows: dict[str, RowBuilder] = {}
        self._lock = threading.RLock()
        self.evaluator = Evaluator(self.runtime)
        # the facts any loaded pack reads, derived in one pass per profile (engine/facts.py)
        self.facts = FactPlan(set().union(*(pack.facts_read() for pack in self.packs)))
        # the cultivation ladder (engine/ladder.py): None when no tier pack is loaded
        self.ladder = LadderEvaluator.for_packs(self.packs, self.runtime, self.facts)

    def pack_for(self, date: dt.date, family: str = HNTE_FAMILY) -> RulePack:
        return pack_in_force(self.packs, family, date)

    def compiled(self, pack: RulePack, date: dt.date) -> tuple[CompiledPack, AssessmentBuilder]:
        period = pack.period_start(date)  # every date of a period compiles to the same rulesets
        cache_key = (pack.version, period)
        with self._lock:
            compiled = self._compiled.get(cache_key)
            if compiled is None:
                compiled = compile_pack(pack, period or date)
                self._compiled[cache_key] = compiled
            if compiled.key not in self._by_key:
                builder = AssessmentBuilder(compiled)
                self._by_key[compiled.key] = (compiled, builder)
                self._runs[compiled.key] = PackRun(compiled, builder.views, tallies.for_pack(compiled, {}), derivable)
                self._rows[compiled.key] = RowBuilder(builder)
            return self._by_key[compiled.key]

    def assess(self, profile: Profile, pack: RulePack | None = None) -> dict[str, Any]:
        return self.assess_many([profile], pack)[0]

    def assess_many(
        self, profiles: Sequence[Profile], pack: RulePack | None = None, *, ladder_detail: bool = True
    ) -> list[dict[str, Any]]:
        """Assessments in the order of `profiles`. Raises NoPackInForce if a date has no pack.

        `ladder_detail=False` builds the ladder as the default view shows it (engine/detail.py) — equal to
        `with_detail(assessment)` of the full one, without building every tier's criteria entries: what the
        default JSON, a workbook row and the pool view need."""
        return self._planned(profiles, pack, lambda c, b, chunk: self._run(c, b, chunk, ladder_detail))

    def decide_many(
        self,
        profiles: Sequence[Profile],
        pack: RulePack | None = None,
        *,
        memo: FactsMemo | None = None,
        summaries: SummaryMemo | None = None,
    ) -> list[dict[str, Any]]:
        """The decisions alone, in the order of `profiles`: the rules fire exactly as for `assess_many`
        (same evaluator, cache and tallies), but nothing presents them. Each is
        `{application_date, company, rules_version, verdict, criteria: {id: {passed}}, ladder: {summary}}`
        (no `ladder` without tier packs) — field for field that projection of the full assessment
        (`decision_of`). What an impact compares (engine/impact.py `firm_record`).

        `memo` keeps the profiles' facts for another assessor deciding the same profiles (an impact's
        changed packs): derived once, when both run the same fact providers. `summaries` (engine/ladder.py
        `SummaryMemo`) keeps the ladder's summaries likewise: a profile whose facts reach the very same
        tier packs unchanged (the national results equal) is not run through them again."""
        return self._planned(profiles, pack, lambda c, b, chunk: self._decide(c, b, chunk, memo, summaries))

    def rows_many(
        self, profiles: Sequence[Profile], pack: RulePack | None = None, *, messages: int
    ) -> list[Row]:
        """What a workbook row and the pool view show of each profile (engine/rows.py), in the order of
        `profiles`, without building the assessments: the rules fire exactly as for `assess_many`, and the
        row holds what `batch.triage.summarise` reads of the assessment — the messages of the first
        `messages` shortfalls (failing criteria, then unknown ones, then score items)."""
        return self._planned(profiles, pack, lambda c, b, chunk: self._row_run(c, b, chunk, messages))

    def _planned(
        self,
        profiles: Sequence[Profile],
        pack: RulePack | None,
        run: Callable[[CompiledPack, AssessmentBuilder, list[Profile]], list[T]],
    ) -> list[T]:
        plans: dict[str, list[int]] = {}
        builders: dict[str, tuple[CompiledPack, AssessmentBuilder]] = {}
        by_date: dict[Any, tuple[CompiledPack, AssessmentBuilder]] = {}  # a pool has few dates: look each up once
        for index, profile in enumerate(profiles):
            date = profile.application_date
            found = by_date.get(date)
            if found is None:
                found = by_date[date] = self.compiled(pack or self.pack_for(date), date)
            compiled = found[0]
            plans.setdefault(compiled.key, []).append(index)
            builders[compiled.key] = found
        results: list[Any] = [None] * len(profiles)
        # An assessment is a tree of small dicts with no reference cycles: refcounting frees them, and the
        # cyclic collector would only re-scan every live object of the process, batch after batch.
        collecting = gc.isenabled()
        gc.disable()
        try:
            size = min(BATCH_SIZE, BATCH_CAP)
            for key, indexes in plans.items():
                compiled, builder = builders[key]
                for start in range(0, len(indexes), size):
                    chunk = indexes[start : start + size]
                    for index, result in zip(chunk, run(compiled, builder, [profiles[i] for i in chunk]), strict=True):
                        results[index] = result
        finally:
            if collecting:
                gc.enable()
        return results

    def _run(
        self, compiled: CompiledPack, builder: AssessmentBuilder, profiles: list[Profile], ladder_detail: bool = True
    ) -> list[dict[str, Any]]:
        derived = self.facts.derive_many(profiles, compiled.answer_fields)
        decided = self.evaluator.run(self._runs[compiled.key], [d.facts for d in derived])
        assessments = [
            builder.build(d, _meta(p), chosen) for d, p, chosen in zip(derived, profiles, decided, strict=True)
        ]
        if self.ladder is not None:
            self.ladder.attach(profiles, derived, assessments, ladder_detail)
        return assessments

    def _row_run(
        self, compiled: CompiledPack, builder: AssessmentBuilder, profiles: list[Profile], messages: int
    ) -> list[Row]:
        derived = self.facts.derive_many(profiles, compiled.answer_fields)
        decided = self.evaluator.run(self._runs[compiled.key], [d.facts for d in derived])
        make = self._rows[compiled.key].row
        rows = [make(d, p, chosen, messages) for d, p, chosen in zip(derived, profiles, decided, strict=True)]
        if self.ladder is not None:
            places = self.ladder.places(profiles, derived, [row.national for row in rows])
            for row, place in zip(rows, places, strict=True):
                row.ladder = place
        return rows

    def _decide(
        self,
        compiled: CompiledPack,
        builder: AssessmentBuilder,
        profiles: list[Profile],
        memo: FactsMemo | None,
        summaries: SummaryMemo | None,
    ) -> list[dict[str, Any]]:
        fields = compiled.answer_fields
        if memo is None:
            derived = self.facts.derive_many(profiles, fields)
        else:
            derived = memo.derive_many(self.facts, profiles, fields)
        decided = self.evaluator.run(self._runs[compiled.key], [d.facts for d in derived])
        readiness = self.ladder is not None and self.ladder.reads_readiness
        made = [
            builder.decide(d, _meta(p), chosen, readiness)
            for d, p, chosen in zip(derived, profiles, decided, strict=True)
        ]
        decisions = [decision for decision, _ in made]
        if self.ladder is not None:
            ladders = self.ladder.decide(profiles, derived, [results for _, results in made], summaries)
            for decision, summary in zip(decisions, ladders, strict=True):
                decision["ladder"] = {"summary": summary}
        return decisions


DECISION_FIELDS = ("application_date", "company", "rules_version", "verdict")


def decision_of(assessment: dict[str, Any]) -> dict[str, Any]:
    """The decisions of a full assessment (`assess_many`): what `decide_many` gives for the same profile."""
    decision = {name: assessment[name] for name in DECISION_FIELDS}
    decision["criteria"] = {c: {"passed": entry["passed"]} for c, entry in assessment["criteria"].items()}
    if "ladder" in assessment:
        decision["ladder"] = {"summary": assessment["ladder"]["summary"]}
    return decision


def _meta(profile: Profile) -> dict[str, Any]:
    company = profile.company
    return {
        "application_date": profile.application_date.isoformat(),
        "company": {
            "name": company.name,
            "credit_code": company.credit_code,
            "town": company.town,
            "registered_on": company.registered_on.isoformat(),
        },
    }


_default: Assessor | None = None
_default_lock = threading.Lock()


def default_assessor() -> Assessor:
    """The process's assessor over the project's rules/ (created on first use)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Assessor()
        return _default
