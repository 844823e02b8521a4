"""The planner's data (rules/plan/): application rounds and the cost model of the levers.

Both files are conventions of this product, not policy: they are read here, validated, and never
hard-coded in Python. Thresholds come from the rule pack in force, not from these files.
"""

import datetime as dt
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

from engine.bilingual import Bilingual

PLAN_DIR = Path(__file__).resolve().parents[2] / "rules" / "plan"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MonthDay(Strict):
    month: int = Field(ge=1, le=12)
    day: int = Field(ge=1, le=31)


class Rounds(Strict):
    convention: Bilingual
    citation: str
    default: MonthDay
    rounds: dict[int, dt.date] = Field(default_factory=dict)
    horizon: int = Field(ge=1, le=10)

    def date_of(self, year: int) -> dt.date:
        if year in self.rounds:
            return self.rounds[year]
        return dt.date(year, self.default.month, self.default.day)

    def upcoming(self, as_of: dt.date, count: int | None = None) -> list[dt.date]:
        """The next rounds on or after `as_of` (this year's when it is still ahead)."""
        count = count or self.horizon
        dates: list[dt.date] = []
        year = as_of.year
        while len(dates) < count:
            date = self.date_of(year)
            if date >= as_of:
                dates.append(date)
            year += 1
        return dates


class Priced(Strict):
    citation: str
    title: Bilingual


class PerWan(Priced):
    price_per_wan: float = Field(ge=0)


class Hire(Priced):
    price_per_person_year: float = Field(ge=0)
    min_days_in_year: int = Field(ge=0)


class IpKind(Strict):
    class_: str = Field(alias="class", pattern="^class[12]$")
    price: float = Field(ge=0)
    lead_days: int = Field(ge=0)
    title: Bilingual


class Timed(Priced):
    price: float = Field(ge=0)
    lead_days: int = Field(ge=0)


class Measure(Strict):
    price: float = Field(ge=0)
    lead_days: int = Field(ge=0)


class Management(Priced):
    measures: dict[str, Measure]


class Levers(Strict):
    convention: Bilingual
    currency: str
    sci_tech_hire: Hire
    rd_expense: PerWan
    rd_expense_domestic: PerWan
    high_tech_revenue: PerWan
    net_assets: PerWan
    ip_kinds: dict[str, IpKind]
    ip_citation: str
    standards: Timed
    transformation: Timed
    rd_management: Management
    reasons: dict[str, Bilingual]
    assumptions: dict[str, Bilingual]
    least: dict[str, Bilingual]
    summary: dict[str, Bilingual]


class PlanConfig(Strict):
    rounds: Rounds
    levers: Levers


def _read(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@lru_cache(maxsize=4)
def load_plan_config(folder: str | None = None) -> PlanConfig:
    """rules/plan/ (or $HNTE_PLAN_DIR): rounds.yaml and levers.yaml."""
    path = Path(folder or os.environ.get("HNTE_PLAN_DIR") or PLAN_DIR)
    return PlanConfig(rounds=Rounds.model_validate(_read(path / "rounds.yaml")),
                      levers=Levers.model_validate(_read(path / "levers.yaml")))
