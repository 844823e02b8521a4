"""One evaluator for every pack (docs/engine.md): what it adds between groups is declared by the pack, every
fact a rule reads has a provider (or is a tally or another pack's export), and the gap kinds are one registry."""

import datetime as dt
import random
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from engine import Assessor, load_packs, validate_profile
from engine.compiler import compile_pack
from engine.facts import PROVIDERS, FactPlan, _load_providers, _reads
from engine.gaps import GAPS
from engine.ladder import NATIONAL_RESULTS
from engine.pack import DEFAULT_RULES_DIR, PackError
from engine.tallies import for_pack, outcome_fact
from fixtures.generator import ladder_profile
from tests.cases import base_profile

NATIONAL = DEFAULT_RULES_DIR / "hnte-national-2016"


def _profiles(count: int = 150) -> list:  # type: ignore[type-arg]
    rng = random.Random(20261202)
    dates = (dt.date(2024, 6, 30), dt.date(2025, 6, 30))
    return [validate_profile(ladder_profile(rng, i, dates[i % 2])) for i in range(count)]


def _copy_national(tmp_path: Path) -> Path:
    target = tmp_path / "rules" / NATIONAL.name
    shutil.copytree(NATIONAL, target)
    return target


def _replace_everywhere(folder: Path, old: str, new: str) -> None:
    for path in folder.glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(rf"\b{old}\b", new, text), encoding="utf-8")


def test_the_tallies_between_groups_are_named_by_the_pack(tmp_path: Path) -> None:
    """Renaming the declared count facts in pack.yaml and in the decision rules changes nothing: the
    evaluator adds what the pack declares, under the pack's names."""
    folder = _copy_national(tmp_path)
    _replace_everywhere(folder, "failed_criteria", "hard_criteria_failed")
    _replace_everywhere(folder, "unknown_criteria", "hard_criteria_unknown")
    assert "hard_criteria_failed" in (folder / "pack.yaml").read_text(encoding="utf-8")
    profiles = [validate_profile(base_profile(None)), *_profiles()]
    original = Assessor([p for p in load_packs() if p.family == "hnte-national"]).assess_many(profiles)
    renamed = Assessor(load_packs(tmp_path / "rules")).assess_many(profiles)
    assert renamed == original
    assert {a["verdict"] for a in original} >= {"eligible", "not_eligible", "borderline"}


def test_a_group_reading_a_fact_nobody_adds_is_refused(tmp_path: Path) -> None:
    """Without its declared tallies the national decision group would read facts nobody adds: refused by
    name before durable-rules sees the pack."""
    folder = _copy_national(tmp_path)
    pack_yaml = folder / "pack.yaml"
    text = pack_yaml.read_text(encoding="utf-8")
    pack_yaml.write_text(text[: text.index("\ntallies:")] + "\n", encoding="utf-8")
    with pytest.raises(PackError, match="decision: reads failed_criteria"):
        Assessor(load_packs(tmp_path / "rules")).assess(_profiles(1)[0])


def test_every_fact_a_rule_reads_is_derived_tallied_or_exported() -> None:
    _load_providers()
    packs = load_packs()
    exported = set(NATIONAL_RESULTS)  # what the orchestration adds from the national assessment
    for pack in packs:
        exported |= {outcome_fact(t) for t in pack.targets()}
        exported |= {f"{tier_id}_status" for tier_id in pack.tiers}
    for pack in packs:
        for date in sorted({pack.header.effective_from, *pack.change_dates}):
            compiled = compile_pack(pack, date, decision_last=pack.ladder is None)
            for group, tallies in zip(compiled.groups, for_pack(compiled, pack.tiers), strict=True):
                tallied = set().union(*(t.provides for t in tallies))
                for fact in group.fact_names:
                    derived = any(_reads(p, {fact}) for p in PROVIDERS)
                    assert derived or fact in tallied or fact in exported, f"{pack.id}/{group.name}: {fact}"


def test_only_the_facts_the_loaded_packs_read_are_derived() -> None:
    profile = _profiles(1)[0]
    national = Assessor([p for p in load_packs() if p.family == "hnte-national"])
    every = Assessor()
    compiled, _ = national.compiled(national.pack_for(profile.application_date), profile.application_date)
    few = national.facts.derive(profile, compiled.answer_fields).values
    many = every.facts.derive(profile, compiled.answer_fields).values
    assert "last_year_sales_data" in many and "evaluation_year" in many
    assert "last_year_sales_data" not in few and "evaluation_year" not in few
    assert {name: many[name] for name in few} == few  # one derivation: the same facts under the same names


def test_the_fact_plan_of_every_pack_runs_every_provider_once_per_profile() -> None:
    """No provider is left out of the full plan, and none is registered twice (a fact has one provider)."""
    _load_providers()
    names = [p.name for p in PROVIDERS]
    assert len(names) == len(set(names))
    plan = FactPlan()
    assert len(plan.common) + len(plan.parametric) == len(PROVIDERS)
    provided = [name for p in PROVIDERS for name in p.provides]
    assert len(provided) == len(set(provided))


def test_every_gap_in_the_rules_is_a_kind_of_the_one_registry() -> None:
    for pack in load_packs():
        for target in pack.targets().values():
            for rule in target.rules:
                if rule.gap:
                    assert rule.gap in GAPS, f"{pack.id}: {rule.gap}"


def test_an_unknown_gap_kind_is_refused_for_the_national_pack_too(tmp_path: Path) -> None:
    folder = _copy_national(tmp_path)
    path = folder / "criteria.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("gap: sci_tech_staff_to_hire", "gap: staff_wanted", 1), encoding="utf-8")
    with pytest.raises(PackError, match="staff_wanted"):
        Assessor(load_packs(tmp_path / "rules")).assess(_profiles(1)[0])


def test_a_tier_file_is_read_and_checked_with_its_pack(tmp_path: Path) -> None:
    source = DEFAULT_RULES_DIR / "tech-sme-2022"
    shutil.copytree(source, tmp_path / "tech-sme-2022")
    packs = load_packs(tmp_path)
    assert packs[0].ladder is not None and packs[0].tiers
    path = tmp_path / "tech-sme-2022" / "tier.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("status: ", "status: no_", 1), encoding="utf-8")
    with pytest.raises(PackError, match=r"tier\.yaml"):
        load_packs(tmp_path)


def test_a_run_signature_seen_before_gives_the_same_views_and_tallies_without_running_the_groups() -> None:
    """A pack run keeps its runs by run signature: facts seen before (here each profile's facts twice, then
    all of them again) run no group and assert nothing into durable-rules, and get exactly the views and
    tallies that running every group gives."""
    profiles = _profiles(300)
    assessor = Assessor(load_packs())
    date = profiles[0].application_date
    compiled, _ = assessor.compiled(assessor.pack_for(date), date)
    run = assessor._runs[compiled.key]
    facts = [assessor.facts.derive(p, compiled.answer_fields).facts for p in profiles if p.application_date == date]
    staged = [dict(f) for f in facts]
    expected = assessor.evaluator.staged(run, staged)
    runs = 0
    original = assessor.evaluator.staged

    def counting(pack_run, batch):  # type: ignore[no-untyped-def]
        nonlocal runs
        runs += len(batch)
        return original(pack_run, batch)

    assessor.evaluator.staged = counting  # type: ignore[method-assign]
    twice = [dict(f) for f in facts for _ in range(2)]
    assert assessor.evaluator.run(run, twice) == [views for views in expected for _ in range(2)]
    assert twice == [values for values in staged for _ in range(2)]  # the same tallies added
    assert runs == len(run.runs) <= len(facts)
    runs, asserted = 0, assessor.runtime.asserted
    again = [dict(f) for f in facts]
    assert assessor.evaluator.run(run, again) == expected and again == staged
    assert runs == 0 and assessor.runtime.asserted == asserted


def _plain_score(indicators: list[tuple[int, str, list[str]]], chosen: dict) -> list[tuple[int, int]]:  # type: ignore[type-arg]
    """Each indicator's (low, high): its items' points summed, or the best of them, capped."""
    result = []
    for cap, combine, items in indicators:
        points = [chosen[item].points or (0, 0) for item in items]
        pick = max if combine == "best" else sum
        result.append((min(pick(p[0] for p in points), cap), min(pick(p[1] for p in points), cap)))
    return result


def test_the_tallies_added_are_what_the_decided_views_count_and_sum() -> None:
    """Every tally a pack run adds (national and every tier pack, over generated profiles) equals what a plain
    count and sum over the decided views gives: the tallies are generated code (engine/tallies.py), and the
    reference path runs the same code, so the differential test alone could not catch a wrong one."""
    from engine.evaluator import Evaluator
    from engine.tallies import route_state, route_states_key

    assessor = Assessor(load_packs())
    ran: list = []  # type: ignore[type-arg]
    original = Evaluator.run

    def keeping(self, run, facts):  # type: ignore[no-untyped-def]
        decided = original(self, run, facts)
        ran.append((run, facts, decided))
        return decided

    Evaluator.run = keeping  # type: ignore[method-assign]
    try:
        profiles = _profiles(300)
        assessor.rows_many(profiles, messages=3)
    finally:
        Evaluator.run = original  # type: ignore[method-assign]
    tier_specs = {tier_id: spec for lp in assessor.ladder.packs for tier_id, spec in lp.tiers.items()}
    checked = 0
    for run, facts, decided in ran:
        pack = run.compiled.pack
        targets = pack.targets()
        criteria = [t for t, target in targets.items() if target.kind == "criterion"]
        for values, chosen in zip(facts, decided, strict=True):
            if pack.ladder is None:
                indicators = [
                    (indicator.max_points, "sum", [t for t in targets if targets[t].indicator == indicator_id])
                    for indicator_id, indicator in pack.indicators().items()
                ]
                sums = _plain_score(indicators, chosen)
                assert (values["innovation_min"], values["innovation_max"]) == tuple(map(sum, zip(*sums, strict=True)))
                reading = next(i for i, g in enumerate(run.compiled.groups) if "failed_criteria" in g.fact_names)
                earlier = {t for g in run.compiled.groups[:reading] for t in g.target_ids}
                before = [c for c in criteria if c in earlier]
                outcomes = [chosen[c].outcome for c in before]
                assert values["failed_criteria"] == outcomes.count("failed")
                assert values["unknown_criteria"] == outcomes.count("unknown")
                checked += 1
                continue
            for tier_id in pack.tiers:
                spec = tier_specs[tier_id]
                required = [chosen[c].outcome for c in spec.requires if c in chosen]
                states = [route_state(route.criteria, chosen) for route in spec.routes.values()]
                assert values[f"{tier_id}_required_failed"] == required.count("failed")
                assert values[f"{tier_id}_required_unknown"] == required.count("unknown")
                assert values[route_states_key(tier_id)] == states
                assert values[f"{tier_id}_routes_passed"] == states.count("met")
                assert values[f"{tier_id}_routes_unknown"] == states.count("unknown")
                if spec.score is not None:
                    indicators = [(i.max_points, i.combine, list(i.items)) for i in spec.score.indicators.values()]
                    sums = _plain_score(indicators, chosen)
                    for (low, high), indicator_id in zip(sums, spec.score.indicators, strict=True):
                        assert (values[f"{indicator_id}_min"], values[f"{indicator_id}_max"]) == (low, high)
                    low, high = map(sum, zip(*sums, strict=True))
                    assert (values["score_min"], values["score_max"]) == (low, high)
                    assert values["score_range"] == (str(low) if low == high else f"{low}–{high}")
                checked += 1
    assert checked > 300 * 4


def test_a_found_run_writes_every_tally_even_one_that_overwrites_a_fact() -> None:
    """A tally may write a key already among the facts (a name another pack wrote first): a profile that finds
    its run gets that tally's value too, as the reference path writes it."""
    profiles = _profiles(50) * 6  # each profile's facts six times: all but the first find their run
    date = profiles[0].application_date
    profiles = [p for p in profiles if p.application_date == date]

    def tallied(reference: bool) -> list[tuple[Any, Any]]:
        assessor = Assessor(load_packs(), reference=reference)
        compiled, _ = assessor.compiled(assessor.pack_for(date), date)
        facts = [d.facts for d in assessor.facts.derive_many(profiles, compiled.answer_fields)]
        for values in facts:
            values["failed_criteria"] = -1  # a tally's name, already there
        assessor.evaluator.run(assessor._runs[compiled.key], facts)
        return [(values["failed_criteria"], values["unknown_criteria"]) for values in facts]

    expected = tallied(reference=True)
    assert all(failed >= 0 for failed, _ in expected)
    assert tallied(reference=False) == expected
