"""A whole batch: open the input, score its rows in parallel, write every outcome, in input order."""

import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from batch.outcome import RowOutcome
from batch.output import DISK_FULL, OutputRefused, StagedOutput, check_target, write_failed
from batch.readers import InputRefused, open_source
from batch.scoring import (
    CHUNK_ROWS,
    Chunk,
    ChunkResult,
    ScoringRequest,
    chunks,
    default_workers,
    score_rows,
    score_stream,
)
from batch.triage import PoolTally
from batch.writers import (
    TALLIED,
    BatchNotes,
    OutcomeWriter,
    XlsxOutcomeWriter,
    open_writer,
    output_format,
    result_columns,
)
from batch.xlsx_in import XlsxSheet

Progress = Callable[[int, int | None], None]  # (rows done, rows expected or None)


class OutcomeSink(Protocol):
    """Anything else that takes the outcomes as they stream by (e.g. a stored pool)."""

    keeps_json: bool

    def write(self, outcome: RowOutcome) -> None: ...


@dataclass
class BatchReport:
    rows: int = 0
    assessed: int = 0
    invalid: int = 0
    empty_rows: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def run_batch(
    input_path: Path,
    output_path: Path | None,
    workers: int | None = None,
    progress: Progress | None = None,
    sinks: Sequence[OutcomeSink] = (),
    writer: OutcomeWriter | None = None,
    max_rows: int | None = None,
    plan: bool = True,
) -> BatchReport:
    """Score `input_path` into `output_path` (format by extension). Raises InputRefused for a file that
    cannot be read at all, or that has more than `max_rows` rows (counted as they are read, before they
    are scored); OutputRefused when the output cannot be written; BatchCancelled when the process stops.
    A bad row is an outcome with errors. The output appears only when the whole batch succeeded."""
    started = time.perf_counter()
    check_stopping()
    if output_path is not None:
        output_format(output_path)  # refuse an unknown output type before reading anything
        check_target(input_path, output_path)
    source = open_source(input_path)
    staged = None
    if writer is None and output_path is not None:
        try:
            staged = StagedOutput(output_path)
        except OutputRefused:
            source.close()
            raise
        writer = open_writer(staged.temp)
    keep_json = output_path is not None and output_path.suffix.lower() == ".jsonl"
    request = ScoringRequest(
        format=source.format,
        keys=tuple(source.keys),
        keep_assessment=keep_json or any(sink.keeps_json for sink in sinks),
        keep_profile=any(sink.keeps_json for sink in sinks),
        render_results=isinstance(writer, XlsxOutcomeWriter),
        sheet=source.sheet,
        plan=plan,
    )
    # the workbook lane: only the rendered rows and a tally per chunk come back from the scoring processes
    lean = isinstance(writer, XlsxOutcomeWriter) and writer.columns is result_columns() and not sinks
    report = BatchReport(ignored_columns=source.ignored_columns)
    done = 0
    last_row = source.header_rows  # for counting the empty rows between the chunks of a raw sheet
    sheet_empty_rows = 0

    def advance(result: ChunkResult) -> None:
        nonlocal done, last_row, sheet_empty_rows
        check_stopping()
        done += len(result.outcomes)
        if isinstance(result, TalliedChunk):
            assert isinstance(writer, XlsxOutcomeWriter)
            writer.add_tally(result.tally)
        if result.present is not None:
            non_empty = {outcome.row for outcome in result.outcomes}
            for number in result.present:
                sheet_empty_rows += (number - last_row - 1) + (number not in non_empty)
                last_row = number
        if progress:
            progress(done, source.estimated_rows)

    if progress:
        progress(0, source.estimated_rows)
    units: Iterable[Chunk] = source.chunks if source.chunks is not None else chunks(source.rows, CHUNK_ROWS)
    if max_rows is not None:
        units = within_limit(units, max_rows, source.sheet)
    workers = default_workers() if workers is None else workers
    succeeded = False
    try:
        work = score_for_workbook if lean else score_rows
        with closing(score_stream(request, units, workers, advance, check_stopping, work)) as outcomes:
            for outcome in outcomes:
                report.rows += 1
                if max_rows is not None and report.rows > max_rows:
                    raise too_many_rows(max_rows)
                if outcome.ok:
                    report.assessed += 1
                else:
                    report.invalid += 1
                if writer:
                    writer.write(outcome)
                for sink in sinks:
                    sink.write(outcome)
        report.empty_rows = source.empty_rows + sheet_empty_rows
        if writer:
            writer.close(BatchNotes(input_path.name, report.empty_rows, source.ignored_columns))
        if staged:
            staged.commit()
        succeeded = True
    except OSError as error:
        if output_path is None or error.errno not in DISK_FULL:
            raise
        raise write_failed(error, output_path) from None
    finally:
        source.close()
        if not succeeded:
            if writer:
                with suppress(Exception):  # releases its files; what it wrote is dropped below
                    writer.close(BatchNotes(input_path.name, 0, []))
            if staged:
                staged.discard()
    report.seconds = time.perf_counter() - started
    return report


@dataclass
class TalliedChunk(ChunkResult):
    """A chunk scored for the workbook alone: its outcomes carry their rendered rows, and the summaries'
    counts come as one tally (`tally`), the outcomes' summaries as TALLIED."""

    tally: PoolTally = field(default_factory=PoolTally)

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # what crosses is three flat lists, not an object per row: pickling a dataclass per outcome cost
        # more than the rest of the chunk; an outcome not in the lean shape crosses whole
        lean = all(o.rendered is not None and o.summary in (None, TALLIED) for o in self.outcomes)
        if not lean:
            return TalliedChunk, (self.outcomes, self.present, self.tally)
        rows = [o.row for o in self.outcomes]
        rendered = [o.rendered for o in self.outcomes]
        assessed = bytes(o.summary is not None for o in self.outcomes)
        return _rebuilt, (rows, rendered, assessed, self.present, self.tally)


def _rebuilt(
    rows: list[int], rendered: list[bytes], assessed: bytes, present: list[int] | None, tally: PoolTally
) -> TalliedChunk:
    outcomes = [
        RowOutcome(row, TALLIED if ok else None, rendered=text)
        for row, text, ok in zip(rows, rendered, assessed, strict=True)
    ]
    return TalliedChunk(outcomes, present, tally)


def score_for_workbook(request: ScoringRequest, chunk: Chunk) -> TalliedChunk:
    """score_rows, with what crosses back to the parent cut to what the workbook writer reads: the rendered
    rows, and the chunk's summaries tallied here. Pickling each FirmSummary (its dicts of outcomes, gaps,
    labels) and unpickling it in the parent cost more than rendering the row (docs/batch.md)."""
    scored = score_rows(request, chunk)
    tally = PoolTally()
    for outcome in scored.outcomes:
        if outcome.rendered is None:
            continue  # not rendered (an outcome with no row to show): it crosses whole, as before
        if outcome.summary is not None:
            tally.add(outcome.summary)
            outcome.summary = TALLIED
        outcome.errors = None  # an error row is in `rendered`; `ok` reads the summary alone
        outcome.name = None
    return TalliedChunk(scored.outcomes, scored.present, tally)


def within_limit(units: Iterable[Chunk], max_rows: int, sheet: XlsxSheet | None) -> Iterator[Chunk]:
    """The units, refused with too_many_rows as soon as the rows read exceed `max_rows`: before the
    extra rows are scored. Rows of a raw sheet chunk are counted by their values (cheap byte searches);
    the header's rows are allowed for, and the exact count of outcomes is checked again as they come."""
    seen = -(sheet.header_rows if sheet else 0)
    for unit in units:
        seen += len(unit) if isinstance(unit, list) else _rows_with_values(unit, sheet.prefix if sheet else b"")
        if seen > max_rows:
            raise too_many_rows(max_rows)
        yield unit


def _rows_with_values(chunk: bytes, prefix: bytes) -> int:
    marks = (b"<" + prefix + b"v>", b"<" + prefix + b"is>")
    return sum(1 for row in chunk.split(b"</" + prefix + b"row>") if marks[0] in row or marks[1] in row)


STOPPING = threading.Event()  # set when the process stops: running batches end at once, writing nothing


def check_stopping() -> None:
    if STOPPING.is_set():
        raise BatchCancelled()


class BatchCancelled(InputRefused):
    def __init__(self) -> None:
        super().__init__(
            "服务停止，评分已中断，未保存结果：请重新上传文件",
            "The service stopped: scoring was interrupted and nothing was kept; upload the file again",
        )


class TooManyRows(InputRefused):
    """More rows than the limit (an upload's HNTE_UPLOAD_MAX_ROWS)."""


def too_many_rows(limit: int) -> TooManyRows:
    return TooManyRows(
        f"文件超过 {limit:,} 行的上限：请拆分后分批上传，或使用命令行 hnte batch",
        f"The file has more than {limit:,} rows, the limit here: split it, or use `hnte batch` on the command line",
    )
