"""The company profile of contract v1, as pydantic models with every validation rule of the contract.

JSON ``null`` means the same as an absent field (the default applies), except for ``tech_domain``,
``ip.advancement`` and ``ip.core_support`` where ``null`` means unknown. Unknown fields are ignored.
Cross-field rules raise errors named ``hnte_*`` whose bilingual text lives in ``engine.validation``.
"""

import datetime as dt
import math
import re
from collections.abc import Callable
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from engine.credit_code import credit_code_is_valid
from engine.fields import catalogue

PLACES = 4  # money and headcounts: at most 4 decimals (contract, "Units and numbers")
# Every number of a profile lies within ±MAX_MAGNITUDE (万元, heads, counts, years): far above any real firm,
# and refused before any arithmetic, so an absurd figure (1e100000, a 5,000-digit count) costs nothing.
MAX_MAGNITUDE = 10**15
MIN_MAGNITUDE = -MAX_MAGNITUDE
# Lists are bounded for the same reason: 25,000 incidents in a 1 MB body would cost a second of CPU each time.
MAX_LIST = 300  # entries of `years` and of `recognition.annual_reports_filed` (1900–2200 holds 301 years)
MAX_INCIDENTS = 1_000


class Oversized:
    """A number written with more digits than any figure of the contract can have (see engine.validation):
    kept as this marker instead of being converted, so the field that holds it is named in its error."""

    def __repr__(self) -> str:
        return "<number with too many digits>"


def _too_large() -> PydanticCustomError:
    return PydanticCustomError("hnte_too_large", "too large", {"limit": f"{MAX_MAGNITUDE:,}"})


def _no_nul(value: str) -> str:
    # U+0000 ends a string in C and PostgreSQL refuses it: no text of a profile may hold it.
    if "\x00" in value:
        raise PydanticCustomError("hnte_nul_character", "the NUL character (U+0000) is not allowed")
    return value


def _bounded_int(value: Any) -> Any:
    """An integer field's magnitude bound; its type is then checked strictly by pydantic."""
    if type(value) is int and MIN_MAGNITUDE <= value <= MAX_MAGNITUDE:  # the common case, first
        return value
    if isinstance(value, Oversized) or (
        isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_MAGNITUDE
    ):
        raise _too_large()
    return value


def _amount(value: Any, *, signed: bool) -> Decimal:
    """A contract amount, checked in one pass (pydantic's own decimal-places check is slow Python).

    A number given as text ("3200") or a boolean is a wrong type, not a number to guess at.
    """
    if isinstance(value, str | bool):
        raise PydanticCustomError("hnte_number_type", "a number is required")
    if isinstance(value, Oversized):
        raise _too_large()
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise PydanticCustomError("finite_number", "a finite number is required")
        number = Decimal(str(value))
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise PydanticCustomError("finite_number", "a finite number is required")
        number = value
    else:
        raise PydanticCustomError("decimal_type", "a number is required")
    if number.copy_abs() > MAX_MAGNITUDE:  # copy_abs: abs() would round, and overflow on 1e999999999
        raise _too_large()
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -PLACES and number.normalize().as_tuple().exponent < -PLACES:
        raise PydanticCustomError("decimal_max_places", "too many decimals", {"decimal_places": PLACES})
    if not signed and number < 0:
        raise PydanticCustomError("greater_than_equal", "must not be negative", {"ge": 0})
    return number


FLOAT_MAX = float(MAX_MAGNITUDE)  # exact: 10^15 < 2^53
DECIMAL_MAX = Decimal(MAX_MAGNITUDE)


def _amount_check(*, signed: bool) -> Callable[[Any], Decimal]:
    """_amount with a shortcut for the common inputs: a float, an int or a Decimal within the bounds and with
    at most PLACES decimals is accepted without the general checks; every other input (and so every
    refusal) is decided by _amount itself. tests/test_fast_validation.py checks that both always agree.

    A float's repr is its shortest round-trip text, the text Decimal(str(value)) reads: from 1e-4 up to 1e16
    it is positional ("729.26", "1.0") with no trailing zero beyond a lone ".0", so the digits after its point
    are its decimals; below 1e-4 it has an exponent ("5e-05") and takes the general path.

    Why not pydantic's own Decimal with ge/le/decimal_places/allow_inf_nan (issue 12 asked): measured on the
    seeded pool it is about twice as slow as this (its decimal-places check calls Decimal methods per value),
    and it does not say the same things — in lax mode it takes "3200" as a number, in strict mode it refuses
    ints and floats given as Python values, and it names the magnitude limit "at most 1e15" per side.
    """
    float_low, float_high = (-FLOAT_MAX if signed else 0.0), FLOAT_MAX
    int_low = MIN_MAGNITUDE if signed else 0
    decimal_low = -DECIMAL_MAX if signed else Decimal(0)

    def check(value: Any) -> Decimal:
        kind = type(value)
        if kind is Decimal:  # first: the batch's cells and a JSON body's numbers with a point are Decimals
            if value.is_finite() and decimal_low <= value <= DECIMAL_MAX:
                # its decimals from its text (a third of as_tuple's cost): positional with n digits after the
                # point means an exponent of -n; an exponent form ("1E+3", "1E-7") takes the general path
                text = str(value)
                point = text.find(".")
                if "E" not in text and (point < 0 or len(text) - point <= PLACES + 1):
                    return value
        elif kind is float:
            if float_low <= value <= float_high:  # NaN fails both comparisons, ±inf the bounds
                text = repr(value)
                if len(text) - text.find(".") <= PLACES + 1 and "e" not in text:
                    return Decimal(text)
        elif kind is int:
            if int_low <= value <= MAX_MAGNITUDE:
                return Decimal(value)
        return _amount(value, signed=signed)

    return check


_unsigned = _amount_check(signed=False)
_signed = _amount_check(signed=True)


Money = Annotated[Decimal, BeforeValidator(_unsigned), Field(description="万元, ≥ 0, at most 4 decimals")]
SignedMoney = Annotated[Decimal, BeforeValidator(_signed), Field(description="万元, at most 4 decimals")]
Headcount = Annotated[Decimal, BeforeValidator(_unsigned), Field(description="annual average, ≥ 0, at most 4 decimals")]
# The bounds come before the magnitude check so that pydantic-core applies them (after a BeforeValidator
# pydantic would run them as Python functions, and the JSON schema would say "ge"/"le" instead of
# "minimum"/"maximum"); the magnitude check still runs first, and the refusals read the same.
Count = Annotated[StrictInt, Field(ge=0), BeforeValidator(_bounded_int)]
WholeNumber = Annotated[StrictInt, BeforeValidator(_bounded_int)]
Text = Annotated[str, AfterValidator(_no_nul)]


def _iso_date(value: Any) -> Any:
    # Only a calendar date as YYYY-MM-DD: a timestamp or a date-time would be a guess at what was meant.
    if isinstance(value, dt.datetime):
        raise PydanticCustomError("hnte_date_format", "a date as YYYY-MM-DD is required")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and ISO_DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise PydanticCustomError("hnte_date_invalid", "no such date") from None
    raise PydanticCustomError("hnte_date_format", "a date as YYYY-MM-DD is required")


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
Date = Annotated[dt.date, BeforeValidator(_iso_date)]
CHINA = ZoneInfo("Asia/Shanghai")


def today_in_china() -> dt.date:
    """The default application date: today where the firms are (UTC+8), not where the server is."""
    return dt.datetime.now(CHINA).date()


def _codes(path: str) -> dict[str, str]:
    return {choice.code: choice.code for choice in catalogue()[path].values}


# The allowed values are the field catalogue's (rules/fields.yaml), where their labels live too.
TechDomain = StrEnum("TechDomain", _codes("tech_domain"))  # type: ignore[misc]
Grade = Literal["A", "B", "C", "D", "E"]  # the Guidelines' grades; tests/test_field_catalogue.py checks the catalogue

# Fields where null means "unknown" rather than "absent".
NULL_MEANS_UNKNOWN = frozenset({"tech_domain", "advancement", "core_support"})


class ContractModel(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _null_is_absent(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for value in data.values():  # most objects hold no null: they are passed on as they are
                if value is None:
                    return {k: v for k, v in data.items() if v is not None or k in NULL_MEANS_UNKNOWN}
        return data


class Company(ContractModel):
    name: Annotated[Text, Field(min_length=1, max_length=200)]
    credit_code: Text | None = None
    town: Text | None = None
    registered_on: Date

    @field_validator("credit_code")
    @classmethod
    def _check_credit_code(cls, value: str | None) -> str | None:
        if value is not None and not credit_code_is_valid(value):
            raise PydanticCustomError("hnte_credit_code", "malformed unified social credit code")
        return value


class YearFigures(ContractModel):
    year: WholeNumber  # any year: those outside the window are ignored
    sales_revenue: Money | None = None
    total_revenue: Money | None = None
    high_tech_revenue: Money | None = None
    rd_expense: Money | None = None
    rd_expense_domestic: Money | None = None
    net_assets: SignedMoney | None = None
    total_assets: Money | None = None
    total_costs: Money | None = None
    staff_total: Headcount | None = None
    staff_sci_tech: Headcount | None = None
    achievements_transformed: Count = 0
    employees: Headcount | None = None  # 从业人员 (ladder: Jiangsu gazelle), docs/ladder.md

    @model_validator(mode="after")
    def _parts_within_wholes(self) -> "YearFigures":
        for part, whole in (
            ("staff_sci_tech", "staff_total"),
            ("rd_expense_domestic", "rd_expense"),
            ("high_tech_revenue", "total_revenue"),
        ):
            part_value, whole_value = getattr(self, part), getattr(self, whole)
            if part_value is not None and whole_value is not None and part_value > whole_value:
                raise PydanticCustomError(
                    "hnte_part_exceeds_whole", "{part} exceeds {whole}", {"part": part, "whole": whole, "at": part}
                )
        return self


class IntellectualProperty(ContractModel):
    class1: Count = 0
    class2: Count = 0
    class2_used: Count = 0
    self_developed: StrictBool = True
    supports_main_products: StrictBool = True
    advancement: Grade | None = None
    core_support: Grade | None = None
    standards: StrictBool = False

    @model_validator(mode="after")
    def _used_within_owned(self) -> "IntellectualProperty":
        if self.class2_used > self.class2:
            raise PydanticCustomError(
                "hnte_part_exceeds_whole",
                "{part} exceeds {whole}",
                {"part": "class2_used", "whole": "class2", "at": "class2_used"},
            )
        return self

    @property
    def usable_class2(self) -> int:
        return self.class2 - self.class2_used

    @property
    def usable(self) -> int:
        return self.class1 + self.usable_class2


class RdManagement(ContractModel):
    rd_org_system: StrictBool = False
    rd_accounting_system: StrictBool = False
    rd_aux_accounts: StrictBool = False
    rd_institution: StrictBool = False
    industry_university_research: StrictBool = False
    transformation_incentives: StrictBool = False
    open_innovation_platform: StrictBool = False
    talent_training: StrictBool = False
    talent_incentives: StrictBool = False


IncidentKind = StrEnum("IncidentKind", _codes("incidents[].kind"))  # type: ignore[misc]


class Incident(ContractModel):
    kind: IncidentKind
    date: Date
    note: Text | None = None


Year = Annotated[StrictInt, Field(ge=1900, le=2200), BeforeValidator(_bounded_int)]  # bounds first: see Count


# Optional sections of the cultivation ladder (docs/ladder.md). An absent section takes its defaults,
# so a v1 profile is assessed exactly as before; `None` means "not stated" (unknown) where allowed.
class Recognition(ContractModel):
    """The HNTE certificate the firm currently holds (absent: none)."""

    certificate_date: Date
    certificate_number: Annotated[Text, Field(max_length=50)] | None = None
    # years whose annual development report was filed
    annual_reports_filed: Annotated[list[Year], Field(max_length=MAX_LIST)] | None = None
    change_unreported: StrictBool = False  # a name or major change not reported within 3 months
    application_fraud: StrictBool = False  # found to have seriously falsified the application
    cancelled_on: Date | None = None  # the day the recognition authority cancelled the status, if it has
    relocation: Literal["whole", "partial"] | None = None  # moved to another authority's region (Art. 18)


class Enterprise(ContractModel):
    """Self-declared status; the negative flags default to "not the case", as incidents do."""

    cit_audit_based: StrictBool = True  # resident enterprise, CIT assessed on its accounts (查账征收)
    registered_in_jiangsu: StrictBool | None = None  # None: read from the credit code when given
    branch_office: StrictBool = False
    sales_or_trading_company: StrictBool = False
    large_soe_or_foreign_base: StrictBool = False
    excluded_sector: StrictBool = False
    restricted_industry: StrictBool = False
    super_deduction_excluded_industry: StrictBool = False
    abnormal_operation_list: StrictBool = False
    serious_dishonesty_list: StrictBool = False
    research_misconduct: StrictBool = False
    serious_fraud: StrictBool = False  # 严重弄虚作假 in the previous or current year (tech-SME, 67号)
    specialised_sme: StrictBool = False  # a recognised 专精特新 enterprise (any level)
    sci_tech_little_giant: StrictBool = False  # a recognised 科技小巨人 enterprise


class Achievements(ContractModel):
    national_award_year: Year | None = None  # latest national S&T award with the firm among the first three
    provincial_rd_institution: StrictBool = False
    standard_led_year: Year | None = None  # latest international, national or industry standard it led
    tech_sme_enrolled_year: Year | None = None  # latest year the firm was enrolled as a tech-SME (入库)


class Funding(ContractModel):
    private_investment: StrictBool = False
    investment_received: StrictBool | None = None  # any investment; None: read from private_investment
    listed: StrictBool = False
    valuation_usd: Money | None = None  # 万美元 (10,000 US dollars)
    valuation_cny: Money | None = None  # 万元
    core_tech_breakthrough: StrictBool = False


class Upkeep(ContractModel):
    """This year's facts for the action plan's yearly targets (the application date's year)."""

    ip_applications: Count | None = None
    ip_applications_class1: Count | None = None
    rd_projects_filed: StrictBool | None = None
    super_deduction_used: StrictBool | None = None

    @model_validator(mode="after")
    def _class1_within_all(self) -> "Upkeep":
        if (
            self.ip_applications is not None
            and self.ip_applications_class1 is not None
            and self.ip_applications_class1 > self.ip_applications
        ):
            raise PydanticCustomError(
                "hnte_part_exceeds_whole",
                "{part} exceeds {whole}",
                {"part": "ip_applications_class1", "whole": "ip_applications", "at": "ip_applications_class1"},
            )
        return self


def _shared(model: type[ContractModel]) -> Callable[[], Any]:
    """The default of a section left out: one instance for every profile (the models are frozen), instead of
    a validation of an empty object per section and profile."""
    instance = model()
    return lambda: instance


class Profile(ContractModel):
    company: Company
    application_date: Date = Field(default_factory=today_in_china)
    tech_domain: TechDomain | None = None
    years: list[YearFigures] = Field(default_factory=list, max_length=MAX_LIST)
    # expected figures of years not closed yet (docs/plan.md); the assessment never reads them
    projections: list[YearFigures] = Field(default_factory=list, max_length=MAX_LIST)
    ip: IntellectualProperty = Field(default_factory=_shared(IntellectualProperty))
    rd_management: RdManagement = Field(default_factory=_shared(RdManagement))
    incidents: list[Incident] = Field(default_factory=list, max_length=MAX_INCIDENTS)
    recognition: Recognition | None = None
    enterprise: Enterprise = Field(default_factory=_shared(Enterprise))
    achievements: Achievements = Field(default_factory=_shared(Achievements))
    funding: Funding = Field(default_factory=_shared(Funding))
    upkeep: Upkeep = Field(default_factory=_shared(Upkeep))

    @model_validator(mode="after")
    def _cross_checks(self) -> "Profile":
        for section in ("years", "projections"):
            seen: set[int] = set()
            for index, entry in enumerate(getattr(self, section)):
                if entry.year in seen:
                    raise PydanticCustomError(
                        "hnte_duplicate_year",
                        "year {year} appears twice",
                        {"year": entry.year, "at": f"{section}.{index}.year"},
                    )
                seen.add(entry.year)
        if self.company.registered_on > self.application_date:
            raise PydanticCustomError(
                "hnte_registered_after_application",
                "registered after the application date",
                {"at": "company.registered_on"},
            )
        _ladder_cross_checks(self)
        return self

    def year(self, year: int) -> YearFigures | None:
        for entry in self.years:
            if entry.year == year:
                return entry
        return None


def _ladder_cross_checks(profile: Profile) -> None:
    """Dates of the ladder sections cannot lie after the application date (docs/ladder.md)."""
    if profile.recognition is not None and profile.recognition.certificate_date > profile.application_date:
        raise PydanticCustomError(
            "hnte_certificate_after_application",
            "certificate dated after the application date",
            {"at": "recognition.certificate_date"},
        )
    recognition = profile.recognition
    if recognition is not None and recognition.cancelled_on is not None:
        if not recognition.certificate_date <= recognition.cancelled_on <= profile.application_date:
            raise PydanticCustomError(
                "hnte_cancelled_outside_certificate",
                "cancelled before the certificate date or after the application date",
                {"at": "recognition.cancelled_on"},
            )
    year = profile.application_date.year
    for name in ("national_award_year", "standard_led_year", "tech_sme_enrolled_year"):
        value = getattr(profile.achievements, name)
        if value is not None and value > year:
            raise PydanticCustomError(
                "hnte_year_after_application",
                "year after the application year",
                {"at": f"achievements.{name}"},
            )
