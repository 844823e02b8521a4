"""Scoring rows in parallel: a process per core, each owning its own Assessor (durable-rules is not
thread-safe, and separate processes sidestep the GIL). The reader hands chunks of rows to the
workers; results come back in input order; at most a few chunks are in flight, so memory stays
bounded however long the input is.

A worker does all the per-row work — reading cells, validating, assessing (a chunk at a time: `rows_many`,
the row path, when only the workbook row is needed; `assess_many` when the JSON is kept), summarising, and
serialising JSON when asked — so the parent only reads and writes.
"""

import gc
import json
import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from itertools import islice
from typing import Any

from batch.cells import number_or_plain, read_row
from batch.columns import column_letter
from batch.outcome import RowOutcome, Unreadable, printable
from batch.triage import add_plan, summarise, summarise_rows
from batch.writers import render_outcome
from batch.xlsx_in import XlsxSheet, parse_chunk
from engine import NoPackInForce, Profile, ProfileInvalid, default_assessor, validate_profile
from engine.validation import parse_json

CHUNK_ROWS = 500
CHUNKS_IN_FLIGHT_PER_WORKER = 2
WAIT_STEP = 0.25  # seconds between checks for a stop while a chunk is scored elsewhere
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
    plan: bool = True  # the 申报规划 columns (docs/plan.md): earliest round, its cost, its first steps


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _read(request: ScoringRequest, row: int, payload: Any) -> tuple[Profile | None, RowOutcome]:
    """One row → its profile, or an outcome carrying every error of the row."""
    outcome = RowOutcome(row=row)
    if isinstance(payload, Unreadable):
        outcome.errors = [{"field": "(row)", "message": payload.message}]
        return None, outcome
    if request.format == "jsonl":
        data: Any = None
        try:
            data = parse_json(payload)
            profile = validate_profile(data)
        except ProfileInvalid as invalid:
            outcome.errors = invalid.errors
            company = data.get("company") if isinstance(data, dict) else None
            name = company.get("name") if isinstance(company, dict) else None
            outcome.name = printable(name) if isinstance(name, str) else None
            return None, outcome
        outcome.name = profile.company.name
        if request.keep_profile:
            # the fields as read, not the raw line: its unknown fields may hold what no store takes (U+0000,
            # numbers of thousands of digits)
            given = number_or_plain(profile.model_dump(exclude_unset=True))
            outcome.profile_json = json.dumps(given, ensure_ascii=False, default=str)
        return profile, outcome
    reading = read_row(request.keys, payload)
    company = reading.profile.get("company") or {}
    outcome.name = printable(company["name"]) if isinstance(company.get("name"), str) else None
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
    assessor = default_assessor()
    profiles = [profile for _, profile in valid]
    rows = [outcome.row for outcome, _ in valid]
    if request.keep_assessment:  # the JSON has the whole assessment, the ladder's detail too: summarised from it
        assessments = assessor.assess_many(profiles)
        summaries = [summarise(row, assessment) for row, assessment in zip(rows, assessments, strict=True)]
        for (outcome, _), assessment in zip(valid, assessments, strict=True):
            outcome.assessment_json = json.dumps(assessment, ensure_ascii=False, separators=(",", ":"))
    else:  # a workbook row alone: the row path (engine/rows.py) builds no assessment
        summaries = summarise_rows(assessor, rows, profiles)
    plans = _plans(assessor, profiles) if request.plan else [None] * len(valid)
    for (outcome, _), summary, plan in zip(valid, summaries, plans, strict=True):
        outcome.summary = summary
        if plan is not None:
            add_plan(summary, plan)
    if request.render_results:
        for outcome in outcomes:
            outcome.rendered = render_outcome(outcome)
    return ChunkResult(outcomes, present)


def _plans(assessor: Any, profiles: list[Profile]) -> list[dict[str, Any] | None]:
    """Each firm's plan from today; a round no pack covers leaves the plan columns empty."""
    from engine.plan import Planner

    try:
        return list(Planner(assessor).plan_many(profiles))
    except NoPackInForce:
        return [None] * len(profiles)


def _warm_up(parent: int | None = None) -> None:
    # Ctrl-C reaches every process of the terminal's group: the parent alone decides what stops (it ends
    # this process itself), and a scoring process whose parent died (SIGKILL) ends within a second.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if parent is not None:
        threading.Thread(target=_exit_when_orphaned, args=(parent,), daemon=True).start()
    default_assessor()
    # A scoring process allocates millions of short-lived objects per chunk and makes no reference cycles
    # (a collection after each chunk finds none): the automatic collector only traversed them, again and
    # again — about 12% of the CPU per row even with a 50,000-allocation threshold. It is off here, the
    # long-lived objects (rule packs, compiled rulesets) are frozen out of reach, and one collection comes
    # before each chunk (_in_scoring_process), so a cycle would still be freed.
    gc.freeze()
    gc.disable()


def _in_scoring_process(work: Callable[[Any, Chunk], ChunkResult], request: Any, unit: Chunk) -> ChunkResult:
    # before the chunk, not after: the previous chunk's result has been sent and freed by now, so the
    # collection only looks at what stayed (caches filled on the way), which is then frozen too
    gc.collect()
    gc.freeze()
    return work(request, unit)


def _exit_when_orphaned(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


def _submit(
    pool: ProcessPoolExecutor, work: Callable[[Any, Chunk], ChunkResult], request: ScoringRequest, unit: Chunk
) -> Future[ChunkResult]:
    # A scoring process may start during a submit: it inherits this thread's blocked Ctrl-C, so a Ctrl-C
    # while it boots (before _warm_up ignores it) cannot end it with a traceback. Ours is delivered after.
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        return pool.submit(_in_scoring_process, work, request, unit)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


def _stop(pool: ProcessPoolExecutor) -> None:
    """End the scoring processes now (an interrupt, a refusal, a stopping server): no chunk is finished
    or left running as an orphan."""
    processes = list((pool._processes or {}).values())  # ProcessPoolExecutor has no public terminate (3.11)
    for process in processes:
        process.terminate()
    # wait=True: the executor's own thread ends now, seeing its processes gone; left running, it races the
    # interpreter's exit hook for its wake-up pipe (a traceback at exit in Python 3.11)
    pool.shutdown(wait=True, cancel_futures=True)
    for process in processes:
        process.join(timeout=5)


def chunks(rows: Iterable[tuple[int, Any]], size: int) -> Iterator[list[tuple[int, Any]]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def score_stream(
    request: ScoringRequest,
    units: Iterable[Chunk],
    workers: int,
    on_chunk: Callable[[ChunkResult], None] | None = None,
    while_waiting: Callable[[], None] | None = None,
    work: Callable[[Any, Chunk], ChunkResult] = score_rows,
) -> Iterator[RowOutcome]:
    """Outcomes for every chunk of `units`, in input order. workers = 0 scores in this process.
    `while_waiting` is called about every WAIT_STEP seconds while a chunk is being scored elsewhere: an
    exception it raises (a stopping server) ends the scoring processes at once. `work` (a module-level
    function) does a chunk's work in a scoring process: scoring, or an impact (batch/impact.py)."""
    if workers <= 0:
        for unit in units:
            result = work(request, unit)
            if on_chunk:
                on_chunk(result)
            yield from result.outcomes
        return
    # spawn, not fork: a worker must not inherit the parent's threads, locks or database connections
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_warm_up, initargs=(os.getpid(),))
    pending: deque[Future[ChunkResult]] = deque()

    def collect() -> list[RowOutcome]:
        while while_waiting and not wait([pending[0]], timeout=WAIT_STEP).done:
            while_waiting()
        result = pending.popleft().result()
        if on_chunk:
            on_chunk(result)
        return result.outcomes

    try:
        for unit in units:
            pending.append(_submit(pool, work, request, unit))
            while len(pending) >= workers * CHUNKS_IN_FLIGHT_PER_WORKER + 1:
                yield from collect()
        while pending:
            yield from collect()
        # inside the try: a Ctrl-C while the processes are being told to stop would otherwise leave them
        # half told, and the interpreter's exit waiting for them (measured: a hang, once the batch ended
        # just as the interrupt came)
        pool.shutdown()
    except BaseException:  # an error, an interrupt, or the consumer closing this generator early
        _stop(pool)
        raise
