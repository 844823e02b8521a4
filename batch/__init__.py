"""Batch scoring: a spreadsheet (or JSON Lines) of firms in, every firm scored, a workbook out.

- ``batch.template`` — the fill-in template; ``batch.columns`` — its columns (contract paths);
- ``batch.readers`` — streaming readers for .xlsx/.csv/.jsonl; ``batch.cells`` — a row → a profile;
- ``batch.scoring`` — parallel scoring, a process per core; ``batch.triage`` — borderline and counts;
- ``batch.writers`` — the results/errors/summary workbook, .csv and .jsonl; ``batch.run`` — all of it.
"""

from batch.readers import InputRefused
from batch.run import BatchReport, run_batch

__all__ = ["BatchReport", "InputRefused", "run_batch"]
