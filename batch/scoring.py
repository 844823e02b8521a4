"""Scoring rows in parallel: a process per core, each owning its own Assessor (durable-rules is not
thread-safe, and separate processes sidestep the GIL). The reader hands chunks of rows to the
workers; results come back in input order; at most a few chunks are in flight, so memory stays
bounded however long the input is.

A worker does all the per-row work — reading cells, validating, assessing (a chunk at a time with
`assess_many`), summarising, and serialising JSON when asked — so the parent only reads and writes.
"""

import gc
import json
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from itertools import islice
from typing import Any

from batch.cells import number_or_plain, read_row
from batch.columns import column_letter
from batch.outcome import RowOutcome
from batch.triage import summarise
from batch.writers import render_result
from batch.xlsx_in import XlsxSheet, parse_chunk
from engine import NoPackInForce, Profile, ProfileInvalid, default_assessor, validate_profile

CHUNK_ROWS = 500
CHUNKS_IN_FLIGHT_PER_WORKER = 2
EXAMPLE_MARK = "【示例】"
EXAMPLE_ROW_ERROR = {
    "zh": "这是模板的示例行（企业名称以【示例】开头），未评估：请删除本行或改写为真实企业",
    "en": "This is the template's example row (the name starts with 【示例】) and was not assessed: delete it or "
    "overwrite it with a real firm",
}


@dataclass(frozen=True)
class ScoringRequest:
    """What to score and what to give back: the input's format and header, and which JSON to keep."""

    format: str  # "xlsx" | "csv" | "jsonl"
    keys: tuple[str | None, ...] = ()
    keep_assessment: bool = False
    keep_profile: bool = False
    render_results: bool = False  # render the results-sheet row here (for .xlsx output)
    sheet: XlsxSheet | None = None  # .xlsx input: chunks are raw rows of this sheet, parsed here


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _read(request: ScoringRequest, row: int, payload: Any) -> tuple[Profile | None, RowOutcome]:
    """One row → its profile, or an outcome carrying every error of the row."""
    outcome = RowOutcome(row=row)
    if request.format == "jsonl":
        try:
            profile = validate_profile(payload)
        except ProfileInvalid as invalid:
            outcome.errors = invalid.errors
            try:
                name = json.loads(payload).get("company", {}).get("name")
                outcome.name = name if isinstance(name, str) else None
            except (ValueError, AttributeError):
                pass
            return None, outcome
        outcome.name = profile.company.name
        if request.keep_profile:
            outcome.profile_json = payload.decode("utf-8").strip() if isinstance(payload, bytes) else str(payload)
        return profile, outcome
    reading = read_row(request.keys, payload)
    company = reading.profile.get("company") or {}
    outcome.name = company.get("name") if isinstance(company.get("name"), str) else None
    errors = list(reading.errors)
    if outcome.name and outcome.name.startswith(EXAMPLE_MARK):
        errors.append(
            {"field": "company.name", "column": _letter(request, "company.name"), "message": EXAMPLE_ROW_ERROR}
        )
    profile = None
    try:
        profile = validate_profile(reading.profile)
    except ProfileInvalid as invalid:
        unread = {error["field"] for error in reading.errors}
        for error in invalid.errors:
            key = reading.column_path(error["field"])
            if key not in unread:  # a cell that could not be read is reported once, as such
                errors.append({"field": key, "column": _letter(request, key), "message": error["message"]})
    if errors:
        outcome.errors = errors
        return None, outcome
    if request.keep_profile:
        outcome.profile_json = json.dumps(number_or_plain(reading.profile), ensure_ascii=False)
    return profile, outcome


def _letter(request: ScoringRequest, key: str) -> str | None:
    return column_letter(request.keys.index(key)) if key in request.keys else None


@dataclass
class ChunkResult:
    """A chunk's outcomes in order; for raw .xlsx chunks also the row numbers present (empty included)."""

    outcomes: list[RowOutcome]
    present: list[int] | None = None


Chunk = list[tuple[int, Any]] | bytes


def read_chunk(
    request: ScoringRequest, chunk: Chunk
) -> tuple[list[RowOutcome], list[tuple[RowOutcome, Profile]], list[int] | None]:
    """A chunk's rows read and validated: every row's outcome (errors filled in), the valid profiles, and
    for raw .xlsx chunks the row numbers present."""
    present = None
    if isinstance(chunk, bytes):
        assert request.sheet is not None
        rows, present = parse_chunk(request.sheet, chunk)
    else:
        rows = chunk
    assessor = default_assessor()
    outcomes: list[RowOutcome] = []
    valid: list[tuple[RowOutcome, Profile]] = []
    for row, payload in rows:
        profile, outcome = _read(request, row, payload)
        outcomes.append(outcome)
        if profile is None:
            continue
        try:
            assessor.pack_for(profile.application_date)
        except NoPackInForce as missing:
            column = _letter(request, "application_date")
            outcome.errors = [
                {
                    "field": "application_date",
                    "message": missing.message,
                    **({"column": column} if request.format != "jsonl" else {}),
                }
            ]
            continue
        valid.append((outcome, profile))
    if request.format == "jsonl":
        for outcome in outcomes:
            for error in outcome.errors or []:
                error.pop("column", None)
    return outcomes, valid, present


def score_rows(request: ScoringRequest, chunk: Chunk) -> ChunkResult:
    """Score one chunk in this process. Every row gives exactly one outcome, in order."""
    outcomes, valid, present = read_chunk(request, chunk)
    assessments = default_assessor().assess_many([profile for _, profile in valid])
    for (outcome, _), assessment in zip(valid, assessments, strict=True):
        outcome.summary = summarise(outcome.row, assessment)
        if request.render_results:
            outcome.rendered = render_result(outcome.summary)
        if request.keep_assessment:
            outcome.assessment_json = json.dumps(assessment, ensure_ascii=False, separators=(",", ":"))
    return ChunkResult(outcomes, present)


def _warm_up() -> None:
    default_assessor()
    # A scoring process allocates many short-lived objects per row; the long-lived ones (rule packs,
    # compiled rulesets) need not be traversed by every collection: about 8% less CPU per row.
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


def chunks(rows: Iterable[tuple[int, Any]], size: int) -> Iterator[list[tuple[int, Any]]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def score_stream(
    request: ScoringRequest,
    units: Iterable[Chunk],
    workers: int,
    on_chunk: Callable[[ChunkResult], None] | None = None,
    work: Callable[[Any, Chunk], ChunkResult] = score_rows,
) -> Iterator[RowOutcome]:
    """Outcomes for every chunk of `units`, in input order. workers = 0 scores in this process. `work`
    (a module-level function) does a chunk's work in a scoring process: scoring, or an impact (batch/impact.py)."""
    if workers <= 0:
        for unit in units:
            result = work(request, unit)
            if on_chunk:
                on_chunk(result)
            yield from result.outcomes
        return
    # spawn, not fork: a worker must not inherit the parent's threads, locks or database connections
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_warm_up) as pool:
        pending: deque[Future[ChunkResult]] = deque()
        try:
            for unit in units:
                pending.append(pool.submit(work, request, unit))
                while len(pending) >= workers * CHUNKS_IN_FLIGHT_PER_WORKER + 1:
                    yield from _collect(pending, on_chunk)
            while pending:
                yield from _collect(pending, on_chunk)
        finally:
            for future in pending:
                future.cancel()


def _collect(pending: deque[Future[ChunkResult]], on_chunk: Callable[[ChunkResult], None] | None) -> list[RowOutcome]:
    result = pending.popleft().result()
    if on_chunk:
        on_chunk(result)
    return result.outcomes
