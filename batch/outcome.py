"""What scoring one input row gives: an assessment (summarised, and as JSON when asked) or errors."""

from dataclasses import dataclass
from typing import Any

from batch.triage import FirmSummary


@dataclass
class RowOutcome:
    row: int
    summary: FirmSummary | None = None
    errors: list[dict[str, Any]] | None = None  # {"field", "message": {"zh","en"}, and "column" for tables}
    name: str | None = None  # the firm's name as read, when there is one (also for error rows)
    assessment_json: str | None = None  # the contract output, when the output or the store needs it
    profile_json: str | None = None  # the profile as read, when the store needs it
    # the outcome's workbook rows, rendered by the scoring process (batch.writers.render_outcome): the results
    # row (and a coaching candidate's summary line), or the errors-sheet rows; separated by xlsx_out.ROW_BREAK
    rendered: bytes | None = None  # UTF-8
    impact: dict[str, Any] | None = None  # a rule-change impact's record of the firm (engine.impact.firm_record)

    @property
    def ok(self) -> bool:
        return self.summary is not None or self.impact is not None


def contract_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Row errors in the contract's shape: field and message only."""
    return [{"field": error["field"], "message": error["message"]} for error in errors]


class InputRefused(ValueError):
    """A file that cannot be read as a batch at all (the whole file, not a row)."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.message = {"zh": zh, "en": en}


class Unreadable:
    """A cell, or a whole row, that the reader could not decode: it becomes an error of its row, with this
    reason in both languages, and every other row is scored."""

    def __init__(self, zh: str, en: str) -> None:
        self.message = {"zh": zh, "en": en}

    def __reduce__(self) -> tuple[type, tuple[str, str]]:  # crosses to the scoring processes
        return Unreadable, (self.message["zh"], self.message["en"])


def printable(text: str) -> str:
    """Text from a row that failed, fit to show and store: U+0000 (refused in every field, and refused by
    PostgreSQL) shown as U+FFFD."""
    return text.replace("\x00", "\ufffd")
