"""Writers for the batch output: an .xlsx workbook (results, errors, summary), a flat .csv, or .jsonl.

Every writer takes the outcomes in input order, one at a time, and keeps no rows in memory: the
workbook streams its results sheet into the zip (batch.xlsx_out), and the errors sheet and the
borderline list wait in temporary files until the summary sheet is written at the end.

No text from an input can run as a formula in the reader's spreadsheet: every string is written as
a string cell (never parsed as a formula), and one that starts with = + - @ (or a tab or carriage
return) also carries Excel's quote prefix, so editing the cell keeps it text; in .csv such text gets a
leading apostrophe. Numbers stay numbers (a negative net asset is a number, not text).
"""

import csv
import json
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import IO, Any, Protocol

from batch.columns import BY_KEY
from batch.outcome import RowOutcome, contract_errors
from batch.tiers import highest_tier_cell, next_tier_cell
from batch.triage import (
    COACHING,
    COACHING_DEFINITION,
    HARD_TOTAL,
    OUTCOME_LABELS,
    SHORTFALL_GROUPS,
    FirmSummary,
    PoolTally,
    gap_units,
    shortfall_counts,
    target_titles,
)
from batch.xlsx_out import (
    HEADER_STYLE,
    ROW_BREAK,
    SheetLayout,
    StreamingWorkbook,
    is_formula_like,
    render_cells,
)
from engine.assessment import CRITERIA

OUTPUT_FORMATS = ("xlsx", "csv", "jsonl")
TOP_SHORTFALLS = 20


# A gap column's unit in each heading: the English heading carries an English unit.
GAP_UNIT_HEADINGS = {
    "date": ("日期", "date"),
    "万元": ("万元", "10,000 CNY"),
    "人": ("人", "persons"),
    "件": ("件", "items"),
    "项": ("项", "items"),
    "分": ("分", "points"),
    "days": ("天", "days"),
}


@dataclass(frozen=True)
class ResultColumn:
    """One column of the results sheet: its headings and how a firm's summary fills it."""

    zh: str
    en: str
    value: Callable[[FirmSummary], Any]
    width: int = 12


OUTCOME_TEXTS = {passed: f"{label.zh} {label.en}" for passed, label in OUTCOME_LABELS.items()}  # 通过 Pass …


def _criterion_columns() -> list[ResultColumn]:
    columns = []
    titles = target_titles()
    for criterion_id in CRITERIA:
        title = titles[criterion_id]
        unit = gap_units().get(criterion_id)
        unit_text = GAP_UNIT_HEADINGS.get(unit or "", (unit, unit)) if unit else None
        columns.append(
            ResultColumn(
                f"{title.zh}",
                f"{title.en}",
                lambda s, c=criterion_id: OUTCOME_TEXTS[s.outcomes.get(c)],
                width=10,
            )
        )
        columns.append(
            ResultColumn(
                f"差距（{unit_text[0]}）" if unit_text else "差距",
                f"Gap ({unit_text[1]})" if unit_text else "Gap",
                lambda s, c=criterion_id: s.gaps.get(c),
                width=10,
            )
        )
    return columns


@cache
def result_columns() -> list[ResultColumn]:
    """The results sheet, in order. Extend the list (e.g. a tier column): the writers are driven by it."""
    return [
        ResultColumn("行号", "Row", lambda s: s.row, 6),
        ResultColumn("企业名称", "Firm", lambda s: s.name, 28),
        ResultColumn("统一社会信用代码", "Credit code", lambda s: s.credit_code, 20),
        ResultColumn("所在区镇", "Town", lambda s: s.town, 14),
        ResultColumn("结论", "Verdict", lambda s: s.verdict_label["zh"], 14),
        ResultColumn("结论代码", "Verdict code", lambda s: s.verdict, 12),
        ResultColumn("培育层级", "Ladder tier", highest_tier_cell, 18),
        ResultColumn("下一层级", "Next tier", next_tier_cell, 18),
        ResultColumn("硬性条件满足（/8）", "Hard criteria met (of 8)", lambda s: s.hard_met, 8),
        ResultColumn("准备度", "Readiness", lambda s: s.readiness, 8),
        ResultColumn("创新能力最低分", "Innovation min", lambda s: s.innovation_min, 8),
        ResultColumn("创新能力最高分", "Innovation max", lambda s: s.innovation_max, 8),
        *_criterion_columns(),
        ResultColumn("主要不足", "Main shortfalls (zh)", lambda s: s.main_shortfalls["zh"], 50),
        ResultColumn("Main shortfalls", "Main shortfalls (en)", lambda s: s.main_shortfalls["en"], 50),
        ResultColumn(
            f"{COACHING.zh}（原因）",
            f"{COACHING.en} because",
            lambda s: "；".join(r["zh"] for r in s.borderline) or None,
            30,
        ),
        ResultColumn("最早可申报年度", "Earliest round year", lambda s: s.plan_earliest_year, 10),
        ResultColumn("规划成本（万元）", "Plan cost (10,000 CNY)", lambda s: s.plan_cost, 10),
        ResultColumn("首要措施", "First steps (zh)", lambda s: (s.plan_first_steps or {}).get("zh"), 50),
        ResultColumn("First steps", "First steps (en)", lambda s: (s.plan_first_steps or {}).get("en"), 50),
        ResultColumn("规则版本", "Rules version", lambda s: s.rules_version, 20),
    ]


ERROR_COLUMNS = (
    ("行号", "Row", 6),
    ("企业名称", "Firm", 28),
    ("字段", "Field", 26),
    ("列", "Column", 6),
    ("列名", "Column heading", 22),
    ("原因", "Reason", 50),
    ("Reason", "Reason (en)", 50),
)


@dataclass
class BatchNotes:
    """What the writer says about the input as a whole, besides its rows."""

    input_name: str = ""
    empty_rows: int = 0
    ignored_columns: list[str] = field(default_factory=list)


class _Tallied:
    """Stands for a results row's summary that was tallied where the row was scored (batch.run's workbook
    lane): the outcome is assessed and its row comes rendered, but its FirmSummary did not cross to this
    process — its counts arrive with its chunk's PoolTally (XlsxOutcomeWriter.add_tally)."""

    def __reduce__(self) -> str:  # unpickled as this module's one instance (a reference, a few bytes)
        return "TALLIED"

    def __repr__(self) -> str:
        return "TALLIED"


TALLIED: Any = _Tallied()


def merge_tally(into: PoolTally, part: PoolTally) -> None:
    """`part`'s counts added to `into`, as if its summaries had been added one by one after `into`'s: every
    counter keeps the order in which its keys first appeared (the summary sheet lists ties in that order)."""
    into.assessed += part.assessed
    into.with_errors += part.with_errors
    into.borderline += part.borderline
    into.by_verdict.update(part.by_verdict)
    for verdict, label in part.verdict_labels.items():
        into.verdict_labels.setdefault(verdict, label)
    for town, counts in part.by_town.items():
        into.by_town.setdefault(town, Counter()).update(counts)
    into.shortfalls.update(part.shortfalls)
    into.rules_versions.update(part.rules_versions)
    into.tiers.highest.update(part.tiers.highest)
    into.tiers.met.update(part.tiers.met)
    into.tiers.with_ladder += part.tiers.with_ladder


class OutcomeWriter(Protocol):
    def write(self, outcome: RowOutcome) -> None: ...
    def close(self, notes: BatchNotes) -> None: ...


def error_rows(outcome: RowOutcome) -> list[list[Any]]:
    rows = []
    for error in outcome.errors or []:
        column = BY_KEY.get(error["field"])
        rows.append(
            [
                outcome.row,
                outcome.name,
                error["field"],
                error.get("column"),
                f"{column.zh} {column.en}" if column else None,
                error["message"]["zh"],
                error["message"]["en"],
            ]
        )
    return rows


class XlsxOutcomeWriter:
    """The workbook: results (streamed), errors and summary. A result row may come pre-rendered from
    the scoring process (RowOutcome.rendered); otherwise it is rendered here from the columns."""

    def __init__(self, path: Path, columns: list[ResultColumn] | None = None) -> None:
        self.columns = columns or result_columns()
        self.book = StreamingWorkbook(
            path,
            [
                SheetLayout("结果 Results", [c.width for c in self.columns], frozen_rows=2, frozen_columns=2),
                SheetLayout("错误 Errors", [w for _, _, w in ERROR_COLUMNS], frozen_rows=2, frozen_columns=2),
                SheetLayout("汇总 Summary", [36] + [14] * 12),
            ],
        )
        self.results, self.errors, self.summary = self.book.sheets
        for sheet, headings in (
            (self.results, [(c.zh, c.en) for c in self.columns]),
            (self.errors, [(zh, en) for zh, en, _ in ERROR_COLUMNS]),
        ):
            sheet.append([zh for zh, _ in headings], HEADER_STYLE)
            sheet.append([en for _, en in headings], HEADER_STYLE)
        self.tally = PoolTally()
        self.borderline: IO[bytes] = tempfile.TemporaryFile("w+b")  # the coaching candidates' rendered lines

    def write(self, outcome: RowOutcome) -> None:
        rendered = outcome.rendered if self.columns is result_columns() else None
        if outcome.summary is not None:
            summary = outcome.summary
            if summary is not TALLIED:
                self.tally.add(summary)
            if rendered is not None:
                row, _, coaching = rendered.partition(ROW_BREAK)
            else:
                row = render_cells([column.value(summary) for column in self.columns]).encode()
                coaching = render_cells(borderline_entry(summary)).encode() if summary.borderline else b""
            self.results.append_rendered(row)
            if coaching:
                # one line each in the file: a line feed in a cell's text is written as its character reference
                self.borderline.write(coaching.replace(b"\n", b"&#10;") + b"\n")
        else:
            self.tally.with_errors += 1
            if rendered is not None:
                for row in rendered.split(ROW_BREAK):
                    self.errors.append_rendered(row)
            else:
                for values in error_rows(outcome):
                    self.errors.append(values)

    def add_tally(self, part: PoolTally) -> None:
        """The counts of a chunk whose summaries were tallied where it was scored (their outcomes: TALLIED)."""
        merge_tally(self.tally, part)

    def close(self, notes: BatchNotes) -> None:
        SummarySheet(self, notes).write()
        self.borderline.close()
        self.book.close()


def borderline_entry(summary: FirmSummary) -> list[Any]:
    return [
        summary.row,
        summary.name,
        summary.town,
        summary.verdict_label["zh"],
        f"{summary.hard_met}/{HARD_TOTAL}",
        summary.readiness,
        f"{summary.innovation_min}–{summary.innovation_max}",
        "；".join(r["zh"] for r in summary.borderline),
        "; ".join(r["en"] for r in summary.borderline),
    ]


def render_result(summary: FirmSummary, columns: list[ResultColumn] | None = None) -> str:
    """A results row, rendered where the firm was scored (see batch.xlsx_out)."""
    return render_cells([column.value(summary) for column in columns or result_columns()])


def render_outcome(outcome: RowOutcome) -> bytes | None:
    """An outcome's workbook rows, rendered where the row was scored (RowOutcome.rendered, batch.xlsx_out): the
    results row and, for a coaching candidate, its line of the summary sheet; or the errors-sheet rows."""
    summary = outcome.summary
    if summary is not None:
        row = render_result(summary).encode()
        return row + ROW_BREAK + render_cells(borderline_entry(summary)).encode() if summary.borderline else row
    rows = error_rows(outcome)
    return ROW_BREAK.join(render_cells(values).encode() for values in rows) if rows else None


class SummarySheet:
    """The summary: totals, firms by verdict and by town, the most frequent shortfalls, the borderline list."""

    def __init__(self, writer: XlsxOutcomeWriter, notes: BatchNotes) -> None:
        self.writer, self.notes, self.tally = writer, notes, writer.tally
        self.sheet = writer.summary

    def line(self, *values: Any, bold: bool = False) -> None:
        self.sheet.append(values, HEADER_STYLE if bold else 0)

    def gap(self) -> None:
        self.sheet.append(())

    def write(self) -> None:
        tally, notes = self.tally, self.notes
        self.line("批量预诊断汇总 Batch pre-diagnosis summary", bold=True)
        self.line("输入文件 Input", notes.input_name)
        self.line("已评估企业 Firms assessed", tally.assessed)
        self.line("有错误的行 Rows with errors（见「错误」表 see Errors）", tally.with_errors)
        self.line("跳过的空行 Empty rows skipped", notes.empty_rows)
        if notes.ignored_columns:
            self.line("未识别而忽略的列 Columns ignored", "、".join(notes.ignored_columns))
        self.line("规则版本 Rules version", "、".join(f"{v}（{n}）" for v, n in tally.rules_versions.most_common()))
        self.gap()
        verdicts = [v for v, _ in tally.by_verdict.most_common()]
        self.line("按结论 By verdict", "企业数 Firms", bold=True)
        for verdict in verdicts:
            label = tally.verdict_labels[verdict]
            self.line(f"{label['zh']} {label['en']}", tally.by_verdict[verdict])
        self.gap()
        self.line("按区镇 By town", *(tally.verdict_labels[v]["zh"] for v in verdicts), "合计 Total", bold=True)
        for town, counts in sorted(tally.by_town.items(), key=lambda item: -sum(item[1].values())):
            self.line(town or "（未填 not given）", *(counts.get(v, 0) for v in verdicts), sum(counts.values()))
        self.gap()
        self.line("最常见的不足 Most frequent shortfalls", "企业数 Firms", "占比 Share", bold=True)
        entries = shortfall_counts(tally.shortfalls.most_common())
        for group, title in SHORTFALL_GROUPS.items():  # hard criteria first, then the score items
            in_group = [e for e in entries if e.group == group][:TOP_SHORTFALLS]
            if in_group:
                self.line(f"{title.zh} {title.en}")
            for entry in in_group:
                share = round(entry.count / tally.assessed, 4) if tally.assessed else None
                self.line(f"  {entry.label['zh']} {entry.label['en']}", entry.count, share)
        self.gap()
        tally.tiers.write(self.line, self.gap)
        self.line(f"{COACHING.zh} {COACHING.en}s（{tally.borderline}）", bold=True)
        self.line(COACHING_DEFINITION.zh)
        self.line(COACHING_DEFINITION.en)
        self.line(
            "行号 Row",
            "企业名称 Firm",
            "区镇 Town",
            "结论 Verdict",
            f"硬性条件满足 Hard criteria met（/{HARD_TOTAL}）",
            "准备度 Readiness",
            "创新能力 Innovation",
            "原因 Reasons",
            "Reasons (en)",
            bold=True,
        )
        self.writer.borderline.seek(0)
        for line in self.writer.borderline:
            self.sheet.append_rendered(line.rstrip(b"\n"))


def _csv_text(value: Any) -> Any:
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


class CsvOutcomeWriter:
    """One line per input row: the results columns, then a status and the row's errors."""

    def __init__(self, path: Path, columns: list[ResultColumn] | None = None) -> None:
        self.columns = columns or result_columns()
        self.handle = path.open("w", encoding="utf-8-sig", newline="")
        self.csv = csv.writer(self.handle)
        self.csv.writerow([c.zh for c in self.columns] + ["状态", "错误", "Errors"])
        self.csv.writerow([c.en for c in self.columns] + ["Status", "错误（中文）", "Errors (en)"])

    def write(self, outcome: RowOutcome) -> None:
        if outcome.summary is not None:
            values = [column.value(outcome.summary) for column in self.columns] + ["已评估 assessed", None, None]
        else:
            values = [None] * len(self.columns) + [
                "有错误 invalid",
                "；".join(f"{e['field']}：{e['message']['zh']}" for e in outcome.errors or []),
                "; ".join(f"{e['field']}: {e['message']['en']}" for e in outcome.errors or []),
            ]
            values[0], values[1] = outcome.row, outcome.name
        self.csv.writerow([_csv_text(v) for v in values])

    def close(self, notes: BatchNotes) -> None:
        self.handle.close()


class JsonlOutcomeWriter:
    """One object per input row, in input order: {"row", "assessment"} or {"row", "errors"}."""

    def __init__(self, path: Path) -> None:
        self.handle = path.open("w", encoding="utf-8")

    def write(self, outcome: RowOutcome) -> None:
        if outcome.assessment_json is not None:
            self.handle.write(f'{{"row": {outcome.row}, "assessment": {outcome.assessment_json}}}\n')
        else:
            errors = json.dumps(contract_errors(outcome.errors or []), ensure_ascii=False)
            self.handle.write(f'{{"row": {outcome.row}, "errors": {errors}}}\n')

    def close(self, notes: BatchNotes) -> None:
        self.handle.close()


def output_format(path: Path) -> str:
    from batch.readers import InputRefused

    suffix = path.suffix.lower().lstrip(".")
    if suffix not in OUTPUT_FORMATS:
        raise InputRefused(
            f"不支持的输出类型「.{suffix}」：请使用 .xlsx、.csv 或 .jsonl",
            f"Unsupported output type “.{suffix}”: use .xlsx, .csv or .jsonl",
        )
    return suffix


def open_writer(path: Path) -> OutcomeWriter:
    kind = output_format(path)
    if kind == "xlsx":
        return XlsxOutcomeWriter(path)
    if kind == "csv":
        return CsvOutcomeWriter(path)
    return JsonlOutcomeWriter(path)
