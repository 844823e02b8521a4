"""The assessment of contract v1 as pydantic models — for the OpenAPI document only.

The engine returns plain dicts and the API sends them as they are (so the API and `hnte assess
--format json` agree byte for byte in content); these models describe that JSON to API readers.
"""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Text(BaseModel):
    zh: str
    en: str


class Remediation(Text):
    quantity: float | int | None = None
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
    """422: every offending field, with a reason in Chinese and English."""

    detail: list[dict] | str
    errors: list[FieldError] | None = None
    message: Text | None = None


class RulePackSummary(BaseModel):
    id: str
    family: str
    version: str
    title: Text
    effective_from: str
    effective_until: str | None
    in_force_today: bool
