"""The assessment of contract v1 as pydantic models — for the OpenAPI document only.

The engine returns plain dicts and the API sends them as they are (so the API and `hnte assess
--format json` agree byte for byte in content); these models describe that JSON to API readers.
"""

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Text(BaseModel):
    zh: str
    en: str


class Remediation(Text):
    quantity: float | int | dt.date | None = Field(
        None,
        description="how much is missing, in `unit`: a number (staff, 万元, points …), or for the "
        "registration-age and compliance gaps a date (YYYY-MM-DD), the first day on which the criterion is "
        "met; null when no quantity applies",
    )
    unit: str | None = None


class Criterion(BaseModel):
    model_config = ConfigDict(extra="allow")
    passed: bool | None = Field(description="true / false / null = unknown")
    actual: float | int | str | None
    threshold: float | int | str | None
    gap: float | int | str | None = Field(description="what is missing, in the criterion's own unit")
    citation: str
    message: Text
    title: Text | None = None
    unit: str | None = None
    rule: str | None = Field(None, description="the rule of the pack that decided")
    convention: Text | None = Field(None, description="a convention of this product, not the policy's")


class Range(BaseModel):
    model_config = ConfigDict(extra="allow")
    min: int
    max: int


class Indicator(Range):
    items: dict[str, Range] | None = None
    title: Text | None = None
    max_points: int | None = None


class Innovation(BaseModel):
    min: int
    max: int
    pass_mark: int
    indicators: dict[str, Indicator]


class Shortfall(BaseModel):
    model_config = ConfigDict(extra="allow")
    code: str
    criterion: str
    message: Text
    remediation: Remediation
    citation: str | None = None
    indicator: str | None = None
    item: str | None = None


class Company(BaseModel):
    name: str
    credit_code: str | None = None
    town: str | None = None
    registered_on: str


class Assessment(BaseModel):
    """An assessment (contract v1, plus the project's extra fields)."""

    model_config = ConfigDict(extra="allow")
    contract: Literal["1"]
    rules_version: str = Field(examples=["hnte-national-2016@1"])
    application_date: str
    window: list[int]
    verdict: Literal["eligible", "borderline", "incomplete", "not_eligible"]
    readiness: float = Field(ge=0, le=100)
    criteria: dict[str, Criterion]
    innovation: Innovation
    shortfalls: list[Shortfall]
    company: Company | None = None
    verdict_label: Text | None = None
    disclaimer: Text | None = None


class FieldError(BaseModel):
    field: str = Field(examples=["years[1].staff_total"])
    message: Text


class InvalidProfile(BaseModel):
    """422: the offending fields, each with a reason in Chinese and English (the first
    HNTE_MAX_REPORTED_ERRORS of them; `error_count` is the number in all)."""

    detail: list[dict] | str
    errors: list[FieldError] | None = None
    error_count: int | None = Field(None, description="how many field errors there are in all")
    errors_truncated: bool | None = Field(None, description="true when only the first ones are listed")
    message: Text | None = None


class Refusal(BaseModel):
    """A request refused as a whole (400, 401, 403, 404, 409, 413, 415, and 422 for an unreadable upload):
    `detail` in English, `message` in Chinese and English."""

    detail: str
    message: Text


class BatchJob(BaseModel):
    """A batch job: its progress, then where to get its result."""

    id: str
    status: Literal["queued", "running", "done", "failed"]
    done_rows: int
    expected_rows: int | None
    pool_id: int | None
    message: Text | None = Field(None, description="why the job failed, in Chinese and English")
    progress_url: str
    result_url: str | None
    pool_url: str | None


class RulePackSummary(BaseModel):
    id: str
    family: str
    version: str
    title: Text
    effective_from: str
    effective_until: str | None
    in_force_today: bool


class PoolSummary(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: int
    name: str
    owner: str
    source_name: str
    status: Literal["scoring", "ready", "failed"]
    rows: int
    assessed: int
    invalid: int
    empty_rows: int
    created_at: str


# The answers every stored-data operation may give besides its own (documented in /openapi.json).
REFUSED_401 = {401: {"model": Refusal, "description": "No valid token (Authorization: Bearer) or session"}}
REFUSED_404 = {404: {"model": Refusal, "description": "No such thing, or not yours to see (the same answer)"}}
INVALID_QUERY_422 = {
    422: {"model": InvalidProfile, "description": "A query or path parameter out of range, field by field"}
}
REFUSED_403 = {403: {"model": Refusal, "description": "Sent from another site (Origin / Referer not this service's)"}}
