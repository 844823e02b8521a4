"""A whole batch: open the input, score its rows in parallel, write every outcome, in input order."""

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from batch.outcome import RowOutcome
from batch.readers import InputRefused, open_source
from batch.scoring import CHUNK_ROWS, ChunkResult, ScoringRequest, chunks, default_workers, score_stream
from batch.writers import BatchNotes, OutcomeWriter, XlsxOutcomeWriter, open_writer, output_format

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
    cannot be read at all, or that has more than `max_rows` rows; a bad row is an outcome with errors."""
    started = time.perf_counter()
    if output_path is not None:
        output_format(output_path)  # refuse an unknown output type before reading anything
    source = open_source(input_path)
    if writer is None and output_path is not None:
        writer = open_writer(output_path)
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
    report = BatchReport(ignored_columns=source.ignored_columns)
    done = 0
    last_row = source.header_rows  # for counting the empty rows between the chunks of a raw sheet
    sheet_empty_rows = 0

    def advance(result: ChunkResult) -> None:
        nonlocal done, last_row, sheet_empty_rows
        done += len(result.outcomes)
        if result.present is not None:
            non_empty = {outcome.row for outcome in result.outcomes}
            for number in result.present:
                sheet_empty_rows += (number - last_row - 1) + (number not in non_empty)
                last_row = number
        if progress:
            progress(done, source.estimated_rows)

    if progress:
        progress(0, source.estimated_rows)
    units = source.chunks if source.chunks is not None else chunks(source.rows, CHUNK_ROWS)
    try:
        for outcome in score_stream(request, units, default_workers() if workers is None else workers, advance):
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
    finally:
        source.close()
        report.empty_rows = source.empty_rows + sheet_empty_rows
        if writer:
            writer.close(BatchNotes(input_path.name, report.empty_rows, source.ignored_columns))
    report.seconds = time.perf_counter() - started
    return report


def too_many_rows(limit: int) -> InputRefused:
    return InputRefused(
        f"文件超过 {limit:,} 行的上限：请拆分后分批上传，或使用命令行 hnte batch",
        f"The file has more than {limit:,} rows, the limit here: split it, or use `hnte batch` on the command line",
    )
