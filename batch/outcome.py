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
    rendered: str | None = None  # the results-sheet row, rendered by the scoring process (batch.xlsx_out)
    impact: dict[str, Any] | None = None  # a rule-change impact's record of the firm (engine.impact.firm_record)

    @property
    def ok(self) -> bool:
        return self.summary is not None or self.impact is not None


def contract_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Row errors in the contract's shape: field and message only."""
    return [{"field": error["field"], "message": error["message"]} for error in errors]
