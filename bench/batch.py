"""Batch benchmark: synthetic profiles from the fixtures generator written as a filled template (.xlsx),
then `hnte batch` .xlsx → .xlsx end to end, with 1 and with 2 scoring processes: profiles/s, the peak
RSS of the whole process tree (the parent and its scoring processes, summed), and the CPU time the tree
spent per profile — which depends far less than the wall-clock rate on what else the machine runs.

HNTE_BENCH_BATCH_ROWS sets the number of profiles (default 100,000); the input workbook is kept in
var/bench/ and reused, since writing it is not what is measured. Before the end-to-end runs, the CPU per
row of each step around the engine (reading, validating, rendering, crossing to the parent, writing) is
measured in this process (`phase_costs`): those figures move far less with the machine's load.
"""

import os
import resource
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

ROWS = int(os.environ.get("HNTE_BENCH_BATCH_ROWS", "100000"))
WORKERS = tuple(int(w) for w in os.environ.get("HNTE_BENCH_BATCH_WORKERS", "1,2").split(","))
FOLDER = Path("var") / "bench"
PLAN_ROWS = int(os.environ.get("HNTE_BENCH_BATCH_PLAN_ROWS", "5000"))


def input_workbook(rows: int) -> Path:
    from batch.template import write_profiles_xlsx
    from fixtures.generator import pool

    FOLDER.mkdir(parents=True, exist_ok=True)
    path = FOLDER / f"pool-{rows}.xlsx"
    if not path.exists():
        started = time.perf_counter()
        partial = path.with_suffix(".partial.xlsx")
        write_profiles_xlsx(pool(rows), partial)
        partial.rename(path)
        print(f"  (wrote the input, {rows:,} profiles, in {time.perf_counter() - started:.0f} s)")
    return path


def _tree_rss_kb(root: int) -> int:
    """The summed VmRSS of `root` and all its descendants."""
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        try:
            with open(f"/proc/{pid}/status", encoding="ascii") as status:
                total += next((int(line.split()[1]) for line in status if line.startswith("VmRSS:")), 0)
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as children:
                    stack.extend(int(child) for child in children.read().split())
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
    return total


def rows_written(path: Path) -> int:
    """Rows in the results and errors sheets (their two heading rows not counted)."""
    counted = 0
    with zipfile.ZipFile(path) as archive:
        for member in ("xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"):
            with archive.open(member) as stream:
                tail = b""
                while block := stream.read(1 << 22):
                    block = tail + block
                    counted += block.count(b"<row ")
                    tail = block[-4:]  # a tag split across two reads is counted once, in the next
            counted -= 2
    return counted


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(source: Path, workers: int, plan: bool = False, rows: int = ROWS) -> tuple[float, float, float]:
    output = FOLDER / f"out-{workers}.xlsx"
    hnte = Path(sys.executable).with_name("hnte")
    command = [str(hnte), "batch", str(source), "-o", str(output), "--workers", str(workers), "--quiet"]
    command.append("--plan" if plan else "--no-plan")
    started, cpu_before = time.perf_counter(), _children_cpu()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0

    def watch() -> None:
        nonlocal peak
        while process.poll() is None:
            peak = max(peak, _tree_rss_kb(process.pid))
            time.sleep(0.1)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    _, stderr = process.communicate()
    seconds = time.perf_counter() - started
    cpu = _children_cpu() - cpu_before  # the whole tree: hnte reaps its scoring processes
    watcher.join()
    if process.returncode != 0:
        raise RuntimeError(f"hnte batch failed: {stderr.decode(errors='replace')[-2000:]}")
    written = rows_written(output)
    if written != rows:
        raise RuntimeError(f"the output accounts for {written:,} rows, not {rows:,}")
    output.unlink()
    return rows / seconds, peak / 1024, cpu / rows


def reader_cost(source: Path, chunks: int = 8, rounds: int = 3) -> dict[str, float]:
    """CPU per row of parsing the sheet's chunks in this process, by the regular expressions (the reading a
    scoring process uses for plain chunks) and by ElementTree alone: best of `rounds`, interleaved."""
    from batch.readers import open_source
    from batch.xlsx_in import book_tables, parse_chunk

    opened = open_source(source)
    assert opened.sheet is not None and opened.chunks is not None
    tables = book_tables(opened.sheet.path)
    sample = [chunk for _, chunk in zip(range(chunks), opened.chunks, strict=False)]
    opened.chunks.close()  # releases the zip
    rows = sum(len(parse_chunk(opened.sheet, chunk, tables)[0]) for chunk in sample)
    best = {"regular expressions": float("inf"), "ElementTree": float("inf")}
    for _ in range(rounds):
        for name, fast in (("regular expressions", True), ("ElementTree", False)):
            started = time.process_time()
            for chunk in sample:
                parse_chunk(opened.sheet, chunk, tables, fast=fast)
            best[name] = min(best[name], (time.process_time() - started) / rows)
    return best


def phase_costs(source: Path, chunks: int = 8, rounds: int = 3) -> dict[str, float]:
    """CPU per row of each step around the engine, in this process, best of `rounds` (the cyclic GC off, as
    in a scoring process): reading the sheet (the parent's inflating and cutting, a scoring process's parsing
    and cell reading), validating, rendering the workbook rows, what crosses back to the parent (pickled in
    the scoring process, unpickled in the parent) and the parent's writing of the workbook. The engine (the
    row path a workbook-only batch takes: `summarise_rows`) is timed on the first round only: later rounds
    would find its caches holding these very firms."""
    import gc
    import pickle

    from batch.cells import read_row
    from batch.outcome import RowOutcome
    from batch.readers import open_source
    from batch.run import score_for_workbook
    from batch.scoring import ScoringRequest
    from batch.triage import PoolTally, summarise_rows
    from batch.writers import BatchNotes, XlsxOutcomeWriter, render_outcome
    from batch.xlsx_in import book_tables, parse_chunk, sheet_chunks
    from engine import ProfileInvalid, default_assessor, validate_profile

    opened = open_source(source)
    opened.close()
    assert opened.sheet is not None
    sheet = opened.sheet
    keys = tuple(opened.keys)
    request = ScoringRequest(format="xlsx", keys=keys, render_results=True, sheet=sheet, plan=False)
    tables = book_tables(sheet.path)
    assessor = default_assessor()
    costs: dict[str, list[float]] = {}
    rows = 0
    frozen = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        for round_number in range(rounds):
            clock = time.process_time()

            def lap(name: str) -> None:
                nonlocal clock
                now = time.process_time()
                costs.setdefault(name, []).append(now - clock)
                clock = now

            units = [chunk for _, chunk in zip(range(chunks), sheet_chunks(sheet), strict=False)]
            lap("parent: inflate and cut the sheet")
            parsed = [parse_chunk(sheet, chunk, tables)[0] for chunk in units]
            lap("read: parse the rows' XML")
            rows = sum(len(rows_of) for rows_of in parsed)
            readings = [read_row(keys, cells) for rows_of in parsed for _, cells in rows_of]
            lap("read: the cells")
            profiles = []
            for reading in readings:
                try:
                    profiles.append(validate_profile(reading.profile))
                except ProfileInvalid:
                    pass
            lap("validate")
            summaries = summarise_rows(assessor, range(len(profiles)), profiles)
            if round_number == 0:
                lap("engine: row path (first round)")
            clock = time.process_time()
            for summary in summaries:
                render_outcome(RowOutcome(row=summary.row, summary=summary))
            lap("render the workbook rows")
            tally = PoolTally()
            for summary in summaries:
                tally.add(summary)
            lap("tally the summaries (scoring process)")
            results = [score_for_workbook(request, chunk) for chunk in units]
            clock = time.process_time()
            sent = [pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL) for result in results]
            lap("IPC: pickle the chunk's result")
            received = [pickle.loads(blob) for blob in sent]
            lap("IPC: unpickle it (parent)")
            writer = XlsxOutcomeWriter(FOLDER / "phases.xlsx")
            for result in received:
                writer.add_tally(result.tally)
                for outcome in result.outcomes:
                    writer.write(outcome)
            writer.close(BatchNotes(source.name, 0, []))
            lap("parent: write the workbook")
    finally:
        (FOLDER / "phases.xlsx").unlink(missing_ok=True)
        if frozen:
            gc.enable()
    return {name: min(times) / rows for name, times in costs.items()}


def main() -> None:
    print(f"batch: {ROWS:,} synthetic profiles, .xlsx in and out (hnte batch, end to end)")
    source = input_workbook(ROWS)
    reading = reader_cost(source)
    print(
        "  parsing the sheet's rows, one process: "
        + ", ".join(f"{name} {seconds * 1e6:,.0f} µs/row" for name, seconds in reading.items())
    )
    phases = phase_costs(source)
    around = sum(seconds for name, seconds in phases.items() if not name.startswith("engine"))
    print(f"  CPU per row by step, one process (best of 3), {around * 1e6:,.0f} µs around the engine:")
    for name, seconds in phases.items():
        print(f"    {name:<44} {seconds * 1e6:7.1f} µs")
    results = {}
    cores = len(os.sched_getaffinity(0))
    for workers in WORKERS:
        per_second, peak_mb, cpu = run(source, workers)
        results[workers] = per_second
        print(
            f"  {workers} scoring process(es): {per_second:>7,.0f} profiles/s   peak RSS (tree) {peak_mb:,.0f} MB   "
            f"CPU {cpu * 1e6:,.0f} µs/profile (at most {min(workers + 1, cores) / cpu:,.0f}/s on {cores} idle cores)"
        )
    if len(results) > 1:
        low, high = min(results), max(results)
        print(f"  {high} vs {low} process(es): ×{results[high] / results[low]:.2f}")
    # The runs above leave the plan columns out (--no-plan), as the speed goals were set; the workbook's
    # default has them (docs/plan.md): a plan per row, measured on fewer rows.
    planned = min(ROWS, PLAN_ROWS)
    if planned <= 0:  # HNTE_BENCH_BATCH_PLAN_ROWS=0 leaves the plan run out
        return
    per_second, peak_mb, cpu = run(input_workbook(planned), max(WORKERS), plan=True, rows=planned)
    print(
        f"  with the plan columns (the default), {planned:,} rows, {max(WORKERS)} process(es): "
        f"{per_second:>7,.0f} profiles/s   peak RSS (tree) {peak_mb:,.0f} MB   CPU {cpu * 1e6:,.0f} µs/profile"
    )


if __name__ == "__main__":
    main()
