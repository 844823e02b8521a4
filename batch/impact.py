"""Rule-change impact over a batch file (`hnte impact POOL --override FILE`) or stored profiles.

The rows are read and validated exactly as `hnte batch` reads them (batch.scoring.read_chunk), in a
process per core; each process assesses its chunk under the packs as they are and under the changed packs
(engine/impact.py) and sends back one small record per firm, so the parent only counts.
"""

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from batch.outcome import RowOutcome
from batch.readers import open_source
from batch.scoring import CHUNK_ROWS, ChunkResult, ScoringRequest, chunks, default_workers, read_chunk, score_stream
from engine import Assessor, Profile, default_assessor
from engine.facts import FactsMemo
from engine.impact import ImpactTally, Override, apply_override, firm_record
from engine.ladder import SummaryMemo


@dataclass(frozen=True)
class ImpactRequest(ScoringRequest):
    override: Override = field(default_factory=Override)


_changed: dict[str, Assessor] = {}  # per process: the changed packs' assessor of each override


def changed_assessor(override: Override, base: Assessor | None = None) -> Assessor:
    """The assessor of the changed packs (sharing the base's durable-rules runtime and its cache)."""
    base = base or default_assessor()
    key = json.dumps([override.describe(), override.folders, id(base)], sort_keys=True, default=str)
    assessor = _changed.get(key)
    if assessor is None:
        if len(_changed) > 8:  # a long-lived server sees many overrides: keep the last few
            _changed.clear()
        assessor = _changed[key] = Assessor(apply_override(base.packs, override), base.runtime)
    return assessor


def versions(assessor: Assessor) -> list[str]:
    return sorted({pack.version for pack in assessor.packs})


def impact_records(
    profiles: list[tuple[int, Profile]], override: Override, base: Assessor | None = None
) -> list[dict[str, Any]]:
    """One record per (row, profile): both assessments compared (engine.impact.firm_record)."""
    base = base or default_assessor()
    changed = changed_assessor(override, base)
    only = [profile for _, profile in profiles]
    # The decisions alone (Assessor.decide_many: verdict, criteria passed, tier statuses) are all a record
    # reads, but for a tier whose status flips, whose own criteria it names: only the firms with such a
    # tier are assessed again, whole.
    # the profiles' facts derived once for both sides; a firm whose national results do not change is not
    # run again through tier packs that the override leaves as they are
    memo, summaries = FactsMemo(), SummaryMemo()
    before = base.decide_many(only, memo=memo, summaries=summaries)
    after = changed.decide_many(only, memo=memo, summaries=summaries)
    again = [i for i, (b, a) in enumerate(zip(before, after, strict=True)) if _tier_flips(b, a)]
    if again:
        again_profiles = [only[i] for i in again]
        whole = zip(again, base.assess_many(again_profiles), changed.assess_many(again_profiles), strict=True)
        for i, b, a in whole:
            before[i], after[i] = b, a
    return [firm_record(row, b, a) for (row, _), b, a in zip(profiles, before, after, strict=True)]


def _tier_flips(before: dict[str, Any], after: dict[str, Any]) -> bool:
    return (before.get("ladder") or {}).get("summary") != (after.get("ladder") or {}).get("summary")


def impact_rows(request: ImpactRequest, chunk: Any) -> ChunkResult:
    """A chunk's impact in a scoring process: each valid row gets its record, a bad row its errors."""
    outcomes, valid, present = read_chunk(request, chunk)
    records = impact_records([(outcome.row, profile) for outcome, profile in valid], request.override)
    for (outcome, _), record in zip(valid, records, strict=True):
        outcome.impact = record
    return ChunkResult(outcomes, present)


@dataclass
class ImpactRun:
    report: dict[str, Any]
    seconds: float


def tally_outcomes(outcomes: Iterable[RowOutcome], override: Override, base: Assessor | None = None) -> ImpactTally:
    base = base or default_assessor()
    tally = ImpactTally(override, (versions(base), versions(changed_assessor(override, base))))
    for outcome in outcomes:
        if outcome.impact is not None:
            tally.add(outcome.impact)
        else:
            tally.invalid += 1
    return tally


def run_impact(pool: Path, override: Override, workers: int | None = None) -> ImpactRun:
    """The impact of `override` over the batch file `pool` (.xlsx/.csv/.jsonl)."""
    started = time.perf_counter()
    source = open_source(pool)
    request = ImpactRequest(format=source.format, keys=tuple(source.keys), sheet=source.sheet, override=override)
    units = source.chunks if source.chunks is not None else chunks(source.rows, CHUNK_ROWS)
    try:
        stream = score_stream(request, units, default_workers() if workers is None else workers, work=impact_rows)
        tally = tally_outcomes(stream, override)
    finally:
        source.close()
    return ImpactRun(tally.report(), time.perf_counter() - started)
