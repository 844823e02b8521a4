"""The workbook lane (batch.run.score_for_workbook): the scoring processes send back only the rendered rows
and one tally per chunk. The workbook it writes equals, cell for cell on every sheet, the one written from
whole outcomes (each summary crossing to the parent and tallied there)."""

import pickle
import random
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from batch import run_batch
from batch.outcome import RowOutcome
from batch.run import TalliedChunk
from batch.triage import FirmSummary, PoolTally, summarise
from batch.writers import TALLIED, XlsxOutcomeWriter, merge_tally, result_columns
from engine import default_assessor, validate_profile
from tests.batch.conftest import write_jsonl
from tests.hostile.files import firms


def _sheets(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    book = load_workbook(path, read_only=True)
    try:
        return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}
    finally:
        book.close()


def test_the_workbook_lane_writes_the_same_workbook(tmp_path: Path) -> None:
    """More than two chunks (500 rows each), bad rows among the good, towns and verdicts repeated across
    chunks: the lean lane's results, errors and summary sheets equal the whole-outcome lane's."""
    profiles = firms(1_150, seed=11)
    rng = random.Random(5)
    for index in rng.sample(range(len(profiles)), 40):
        profiles[index]["years"][0]["sales_revenue"] = "many"
    towns = ["甲镇", "乙镇", "丙镇", None]
    for index, profile in enumerate(profiles):
        profile["company"]["town"] = towns[(index * 7) % len(towns)]
    source = write_jsonl(tmp_path / "in.jsonl", profiles)

    lean = run_batch(source, tmp_path / "lean.xlsx", workers=2, plan=False)
    whole_path = tmp_path / "whole.xlsx"
    # a copy of the columns: the writer then renders each row itself from the summary that crossed whole
    writer = XlsxOutcomeWriter(whole_path, columns=list(result_columns()))
    whole = run_batch(source, None, workers=2, writer=writer, plan=False)

    assert (lean.rows, lean.assessed, lean.invalid) == (whole.rows, whole.assessed, whole.invalid) == (1_150, 1_110, 40)
    lean_sheets, whole_sheets = _sheets(tmp_path / "lean.xlsx"), _sheets(whole_path)
    assert list(lean_sheets) == list(whole_sheets)
    for title, rows in whole_sheets.items():
        assert lean_sheets[title] == rows, title
    assert len(lean_sheets["结果 Results"]) == 2 + 1_110


def test_the_workbook_lane_with_the_plan_columns(tmp_path: Path) -> None:
    """The default run (the plan's columns filled), in one scoring process: the same workbook either way."""
    source = write_jsonl(tmp_path / "in.jsonl", firms(30, seed=12))
    run_batch(source, tmp_path / "lean.xlsx", workers=1)
    writer = XlsxOutcomeWriter(tmp_path / "whole.xlsx", columns=list(result_columns()))
    run_batch(source, None, workers=1, writer=writer)
    lean, whole = _sheets(tmp_path / "lean.xlsx"), _sheets(tmp_path / "whole.xlsx")
    assert lean == whole
    plan_year = [row[-5] for row in lean["结果 Results"][2:]]  # 最早可申报年度
    assert any(isinstance(year, int) for year in plan_year)


@cache
def _summaries() -> tuple[FirmSummary, ...]:
    profiles = [validate_profile(p) for p in firms(80, seed=21)]
    assessments = default_assessor().assess_many(profiles, ladder_detail=False)
    return tuple(summarise(row, assessment) for row, assessment in enumerate(assessments, start=3))


def _tally_fields(tally: PoolTally) -> dict[str, Any]:
    """Every count with its keys in order (the summary sheet lists ties in the order keys first appeared)."""
    return {
        "counts": (tally.assessed, tally.with_errors, tally.borderline, tally.tiers.with_ladder),
        "by_verdict": list(tally.by_verdict.items()),
        "verdict_labels": list(tally.verdict_labels.items()),
        "by_town": [(town, list(counts.items())) for town, counts in tally.by_town.items()],
        "shortfalls": list(tally.shortfalls.items()),
        "rules_versions": list(tally.rules_versions.items()),
        "tiers": (list(tally.tiers.highest.items()), list(tally.tiers.met.items())),
    }


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=79), max_size=6), st.randoms(use_true_random=False))
def test_tallies_merged_by_chunk_equal_one_tally(cuts: list[int], rng: random.Random) -> None:
    summaries = list(_summaries())
    rng.shuffle(summaries)
    one = PoolTally()
    for summary in summaries:
        one.add(summary)
    merged = PoolTally()
    bounds = [0, *sorted(cuts), len(summaries)]
    for start, end in pairwise(bounds):
        part = PoolTally()
        for summary in summaries[start:end]:
            part.add(summary)
        merge_tally(merged, part)
    assert _tally_fields(merged) == _tally_fields(one)
    assert one.tiers.with_ladder and one.by_town  # the ladder and the towns are counted at all


def test_a_chunk_crosses_whole_where_an_outcome_is_not_in_the_lean_shape() -> None:
    """The flat form carries only rows, rendered lines and assessed-or-not; an outcome without rendered lines
    (or with a whole summary) makes the chunk cross as it is."""
    tally = PoolTally()
    tally.add(_summaries()[0])
    lean = TalliedChunk(
        [RowOutcome(3, TALLIED, rendered=b"<c/>"), RowOutcome(4, None, rendered=b"x\x02y")], [3, 4, 6], tally
    )
    back = pickle.loads(pickle.dumps(lean))
    assert [(o.row, o.summary, o.rendered, o.ok) for o in back.outcomes] == [
        (3, TALLIED, b"<c/>", True),
        (4, None, b"x\x02y", False),
    ]
    assert back.present == [3, 4, 6] and back.tally.assessed == 1 and back.tally.by_verdict == tally.by_verdict
    errors = [{"field": "(row)", "message": {"zh": "坏", "en": "bad"}}]
    whole = TalliedChunk([RowOutcome(5, None, errors=errors, name="甲"), RowOutcome(6, _summaries()[1])], None, tally)
    back = pickle.loads(pickle.dumps(whole))
    assert back.outcomes == whole.outcomes and back.present is None
