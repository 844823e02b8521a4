"""Rule packs: declarative YAML files in ``rules/``, with dated parameters (like OpenFisca's).

A pack is a folder with ``pack.yaml`` (id, version, effective dates, the documents it cites, its
groups) and one YAML file per group. A group compiles to one durable-rules ruleset. Targets inside a
group are the contract's criteria and score items; each has rules (the outcomes it can have), written
either directly (``rules``), as numeric ``bands`` or as yes/no ``answers``; the loader expands the latter
two into plain rules so that the compiler sees one shape.

``$name`` anywhere in a rule refers to a parameter of the pack; the value in force on the application
date is used. ``RulePack.with_overrides`` gives a variant with some parameters replaced, for what-if and
rule-impact work, with no code.
"""

import bisect
import datetime as dt
import hashlib
import json
import os
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from string import Formatter
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from engine.bilingual import Bilingual

DEFAULT_RULES_DIR = Path(__file__).resolve().parent.parent / "rules"
TIER_FILE = "tier.yaml"  # beside pack.yaml: the ladder tiers the pack decides (a tier pack)
STATUSES = ("met", "not_met", "unknown")
MAX_THRESHOLD_DECIMALS = 8  # see engine.money: ratios are compared exactly against such thresholds


class PackError(ValueError):
    """A rule pack that cannot be loaded; says which file and what is wrong."""


class NoPackInForce(LookupError):
    """No rule pack of the family covers the application date."""

    def __init__(self, family: str, date: dt.date) -> None:
        super().__init__(f"no {family} rule pack is in force on {date.isoformat()}")
        self.family = family
        self.date = date
        self.message = {
            "zh": f"没有在 {date.isoformat()} 生效的规则包（{family}），无法评估该申报日期。",
            "en": f"No {family} rule pack is in force on {date.isoformat()}; that application date cannot be assessed.",
        }


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Parameter(Strict):
    description: Bilingual
    unit: str
    values: dict[dt.date, Any]

    def value_on(self, date: dt.date) -> Any:
        in_force = [d for d in self.values if d <= date]
        if not in_force:
            return None
        return self.values[max(in_force)]


class Remediation(Strict):
    zh: str
    en: str
    unit: str | None = None
    quantity: int | None = None  # for a remedy whose quantity no profile changes


class Shortfall(Strict):
    code: str
    remediation: Remediation
    # item-level shortfalls only: the item is short when its band's max is below this
    below_points: int | None = None
    gap: str | None = None


class Rule(Strict):
    id: str
    when: dict[str, Any]
    passed: bool | None = None
    points: tuple[int, int] | None = None
    verdict: str | None = None
    actual: str | None = None
    threshold: Any = None
    gap: str | None = None
    message: Bilingual | None = None
    shortfall: Shortfall | None = None
    convention: Bilingual | None = None


class BandStep(Strict):
    min: Any = None  # value >= min
    over: Any = None  # value > over
    points: tuple[int, int]

    @model_validator(mode="after")
    def _one_bound(self) -> "BandStep":
        if (self.min is None) == (self.over is None):
            raise ValueError("a band step has exactly one of min / over")
        return self


class Bands(Strict):
    value: str
    data: str
    steps: list[BandStep]
    otherwise: tuple[int, int]
    undefined: tuple[int, int]
    missing: tuple[int, int]
    undefined_shortfall: Shortfall | None = None


class Answers(Strict):
    points_each: int
    fields: dict[str, Bilingual]


class Target(Strict):
    kind: Literal["criterion", "item", "verdict"]
    title: Bilingual
    citation: str
    indicator: str | None = None
    unit: str | None = None
    max_points: int | None = None
    convention: Bilingual | None = None
    parameters: dict[str, Parameter] = Field(default_factory=dict)
    rules: list[Rule] = Field(default_factory=list)
    bands: Bands | None = None
    answers: Answers | None = None
    shortfall: Shortfall | None = None
    labels: dict[str, Bilingual] | None = None

    @model_validator(mode="before")
    @classmethod
    def _labels_of_a_field(cls, data: Any) -> Any:
        """``labels_from: tech_domain``: the value labels of an input field, from the field catalogue."""
        if isinstance(data, dict) and "labels_from" in data:
            from engine.fields import catalogue

            data = dict(data)
            path = data.pop("labels_from")
            spec = catalogue().get(path)
            if spec is None or not spec.values:
                raise ValueError(f"labels_from: {path} is no field with values in rules/fields.yaml")
            data.setdefault("labels", {c.code: c.label.as_dict() for c in spec.values})
        return data


class Indicator(Strict):
    id: str
    title: Bilingual
    max_points: int
    citation: str


class Group(Strict):
    group: str
    indicator: Indicator | None = None
    remedies: dict[str, Shortfall] = Field(default_factory=dict)  # shared by several rules (YAML anchors)
    parameters: dict[str, Parameter] = Field(default_factory=dict)
    targets: dict[str, Target]


class Document(Strict):
    zh: str
    en: str
    in_force: dt.date


class Readiness(Strict):
    convention: Bilingual
    hard_weight: float
    innovation_weight: float
    failed_cap: float
    unknown_progress: float
    min_weight: int


class Tallies(Strict):
    """Facts the evaluator adds before a group from what the pack's earlier groups decided (engine/tallies.py):
    `score` names the facts of the summed indicator bands, `counts` those of the failed / unknown criteria."""

    score: dict[Literal["min", "max"], str] | None = None
    counts: dict[Literal["failed", "unknown"], str] | None = None


class PackHeader(Strict):
    id: str
    family: str
    version: int
    title: Bilingual
    effective_from: dt.date
    effective_until: dt.date | None = None
    documents: dict[str, Document] = Field(default_factory=dict)
    groups: list[str]
    readiness: str | None = None
    tallies: Tallies | None = None


# tier packs (tier.yaml) -------------------------------------------------------------------------------
class Route(Strict):
    title: Bilingual
    criteria: list[str]


class ScoreIndicator(Strict):
    title: Bilingual
    max_points: int
    items: list[str]
    combine: Literal["sum", "best"]  # best: the firm takes its better item (tech-SME R&D input)


class Score(Strict):
    title: Bilingual
    citation: str
    max_points: int
    indicators: dict[str, ScoreIndicator]


class TierSpec(Strict):
    rank: int
    title: Bilingual
    citation: str
    status: str
    requires: list[str] = Field(default_factory=list)
    routes: dict[str, Route] = Field(default_factory=dict)
    targets: list[str] = Field(default_factory=list)
    score: Score | None = None
    national_criterion: str | None = None
    next_route: str | None = None  # the route the next-tier advice follows (default: the closest to passing)
    upkeep: bool = False
    example: bool = False


class Round(Strict):
    """One provincial round of a tier family: its year (the pack's `round_year` on `opens`), its dates
    and its notice. A date in no loaded round leaves the family's tiers `unknown` (docs/ladder.md)."""

    year: int
    opens: dt.date
    closes: dt.date
    notice: Bilingual
    confirmed: bool = False  # whether the dates were confirmed in the notice itself

    def covers(self, date: dt.date) -> bool:
        return self.opens <= date <= self.closes


class Pool(Strict):
    """One pool of the district's frame (五级梯次培育库) and the tiers that place a firm in it."""

    title: Bilingual
    tiers: list[str]
    extra_tiers: list[str] = Field(default_factory=list)  # provincial titles shown with the pool


class PoolFrame(Strict):
    title: Bilingual
    citation: str
    note: Bilingual | None = None
    pools: dict[str, Pool]


class Monitoring(Strict):
    title: Bilingual
    citation: str
    criteria: list[str]


class Ladder(Strict):
    """A pack's `tier.yaml`: the ladder tiers it decides (docs/ladder.md)."""

    uses: list[str] = Field(default_factory=list)
    example_note: Bilingual | None = None
    tiers: dict[str, TierSpec]
    # criteria shown as targets of a tier that a used pack decides (a district plan's yearly targets)
    targets_for: dict[str, list[str]] = Field(default_factory=dict)
    # criteria tracked for every firm, pool firms and certificate holders alike (ladder.monitoring)
    monitoring: Monitoring | None = None
    # the rounds whose criteria this pack holds; empty: the pack is not keyed by round
    rounds: list[Round] = Field(default_factory=list)
    # once the pack has ended: `drop` (not shown) or `last_plan` (its targets and monitoring shown as the
    # last plan's, for reference, not as requirements)
    after_end: Literal["drop", "last_plan"] = "drop"
    last_plan_note: Bilingual | None = None
    pools: PoolFrame | None = None


# libyaml's parser with the same safe constructors: the packs read ~6× faster (every process loads them)
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.load(handle, Loader=_SAFE_LOADER)
    except (OSError, yaml.YAMLError) as error:
        raise PackError(f"{path}: {error}") from error


def _expand_bands(target: Target) -> list[Rule]:
    """Numeric bands → one rule per band (value in [bound, next bound)), plus the data statuses."""
    bands = target.bands
    assert bands is not None
    rules: list[Rule] = []
    upper: tuple[str, Any] | None = None  # the previous (higher) step's bound
    for index, step in enumerate(bands.steps):
        condition: dict[str, Any] = {}
        if step.min is not None:
            condition[">="] = step.min
        else:
            condition[">"] = step.over
        if upper is not None:
            condition["<" if upper[0] == ">=" else "<="] = upper[1]
        rules.append(Rule(id=f"band_{index + 1}", when={bands.data: "ok", bands.value: condition}, points=step.points))
        upper = (">=", step.min) if step.min is not None else (">", step.over)
    assert upper is not None
    below = {"<": upper[1]} if upper[0] == ">=" else {"<=": upper[1]}
    rules.append(Rule(id="below_bands", when={bands.data: "ok", bands.value: below}, points=bands.otherwise))
    rules.append(
        Rule(
            id="undefined", when={bands.data: "undefined"}, points=bands.undefined, shortfall=bands.undefined_shortfall
        )
    )
    rules.append(Rule(id="missing", when={bands.data: "missing"}, points=bands.missing))
    return rules


def answer_count_fact(target_id: str) -> str:
    return f"{target_id}_answers"


def _expand_answers(target_id: str, target: Target) -> list[Rule]:
    """Yes/no answers → one rule per number of yes answers, worth points_each apiece."""
    answers = target.answers
    assert answers is not None
    fact = answer_count_fact(target_id)
    return [
        Rule(id=f"yes_{count}", when={fact: count}, points=(count * answers.points_each,) * 2)
        for count in range(len(answers.fields) + 1)
    ]


class RulePack:
    """A loaded pack: its header, its groups with expanded rules, and its parameters."""

    def __init__(
        self,
        header: PackHeader,
        groups: list[Group],
        readiness: Readiness | None,
        source: Path,
        overrides: dict[str, Any] | None = None,
        ladder: Ladder | None = None,
    ) -> None:
        self.header = header
        self.ladder = ladder  # the tiers it decides (tier.yaml); None: not a tier pack (the national pack)
        self.groups = groups
        self.readiness = readiness
        self.source = source
        self.overrides = dict(overrides or {})
        self.parameters: dict[str, Parameter] = {}
        for group in groups:
            for name, parameter in group.parameters.items():
                self._add_parameter(name, parameter, group.group)
            for target in group.targets.values():
                for name, parameter in target.parameters.items():
                    self._add_parameter(name, parameter, group.group)
        unknown = set(self.overrides) - set(self.parameters)
        if unknown:
            raise PackError(f"{self.header.id}: no parameter named {', '.join(sorted(unknown))}")

    def _add_parameter(self, name: str, parameter: Parameter, where: str) -> None:
        if name in self.parameters:
            raise PackError(f"{self.header.id}/{where}: parameter {name} is declared twice")
        self.parameters[name] = parameter

    # identity ---------------------------------------------------------------------------------------
    @property
    def id(self) -> str:
        return self.header.id

    @property
    def family(self) -> str:
        return self.header.family

    @cached_property
    def version(self) -> str:
        """What `rules_version` reports: id@version, and a digest of any overridden parameters."""
        base = f"{self.header.id}@{self.header.version}"
        if not self.overrides:
            return base
        digest = hashlib.sha256(json.dumps(self.overrides, sort_keys=True, default=str).encode()).hexdigest()[:8]
        return f"{base}+{digest}"

    def covers(self, date: dt.date) -> bool:
        until = self.header.effective_until
        return self.header.effective_from <= date and (until is None or date <= until)

    def with_overrides(self, overrides: dict[str, Any]) -> "RulePack":
        """The same pack with parameters replaced at every date (a what-if or rule-impact variant)."""
        return RulePack(
            self.header, self.groups, self.readiness, self.source, {**self.overrides, **overrides}, self.ladder
        )

    # parameters ---------------------------------------------------------------------------------------
    @cached_property
    def change_dates(self) -> tuple[dt.date, ...]:
        """Every date on which some parameter takes a new value, in order."""
        return tuple(sorted({d for parameter in self.parameters.values() for d in parameter.values}))

    def period_start(self, date: dt.date) -> dt.date | None:
        """The last parameter change on or before `date`: dates with the same start share every value."""
        index = bisect.bisect_right(self.change_dates, date)
        return self.change_dates[index - 1] if index else None

    def parameter_values(self, date: dt.date) -> dict[str, Any]:
        """Every parameter's value in force on `date` (overrides win)."""
        values = {name: parameter.value_on(date) for name, parameter in self.parameters.items()}
        values.update(self.overrides)
        return values

    def resolve(self, value: Any, values: dict[str, Any]) -> Any:
        """`$name` → the parameter's value; anything else unchanged (recursively in dicts)."""
        if isinstance(value, str) and value.startswith("$"):
            name = value[1:]
            if name not in values:
                raise PackError(f"{self.header.id}: unknown parameter {value}")
            resolved = values[name]
            if resolved is None:
                raise PackError(f"{self.header.id}: parameter {value} has no value in force")
            return resolved
        if isinstance(value, dict):
            return {key: self.resolve(item, values) for key, item in value.items()}
        return value

    @property
    def tiers(self) -> dict[str, TierSpec]:
        """The ladder tiers the pack decides (none for a pack without tier.yaml)."""
        return self.ladder.tiers if self.ladder is not None else {}

    def round_on(self, date: dt.date) -> Round | None:
        """The loaded round (tier.yaml `rounds`) that covers `date`, if any."""
        return next((r for r in self.ladder.rounds if r.covers(date)), None) if self.ladder is not None else None

    def targets(self) -> dict[str, Target]:
        return {name: target for group in self.groups for name, target in group.targets.items()}

    def facts_read(self) -> set[str]:
        """Every fact the pack's rules test, show (`actual`), name in a message or take a gap from."""
        names: set[str] = set()
        for target in self.targets().values():
            for rule in target.rules:
                names.update(rule.when)
                if rule.actual:
                    names.add(rule.actual)
                if rule.gap:
                    names.add(rule.gap)
                if rule.message is not None:
                    for text in (rule.message.zh, rule.message.en):
                        names.update(name for _, name, _, _ in Formatter().parse(text) if name)
        return names

    def indicators(self) -> dict[str, Indicator]:
        return {group.indicator.id: group.indicator for group in self.groups if group.indicator}

    def describe(self, date: dt.date | None = None) -> dict[str, Any]:
        """The whole pack as plain data, parameters resolved on `date`, for people to read."""
        date = date or dt.date.today()
        return {
            "id": self.id,
            "family": self.family,
            "version": self.version,
            "title": self.header.title.as_dict(),
            "effective_from": self.header.effective_from.isoformat(),
            "effective_until": self.header.effective_until.isoformat() if self.header.effective_until else None,
            "documents": {k: d.model_dump(mode="json") for k, d in self.header.documents.items()},
            "parameters": {
                name: {
                    **parameter.model_dump(mode="json"),
                    "in_force": _plain(self.parameter_values(date)[name]),
                    "overridden": name in self.overrides,
                }
                for name, parameter in self.parameters.items()
            },
            "groups": [group.model_dump(mode="json", exclude_none=True) for group in self.groups],
            "readiness": self.readiness.model_dump(mode="json") if self.readiness else None,
        }


def _plain(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else value


def _check_threshold_decimals(pack_id: str, name: str, value: Any) -> None:
    if isinstance(value, float | int) and not isinstance(value, bool):
        exponent = Decimal(str(value)).as_tuple().exponent
        if isinstance(exponent, int) and -exponent > MAX_THRESHOLD_DECIMALS:
            raise PackError(f"{pack_id}: parameter {name} has more than {MAX_THRESHOLD_DECIMALS} decimals")


def load_pack(folder: Path) -> RulePack:
    header_data = _read_yaml(folder / "pack.yaml")
    try:
        header = PackHeader.model_validate(header_data)
        groups = []
        for file_name in header.groups:
            group = Group.model_validate(_read_yaml(folder / file_name))
            for target_id, target in group.targets.items():
                expanded = list(target.rules)
                if target.bands is not None:
                    expanded += _expand_bands(target)
                if target.answers is not None:
                    expanded += _expand_answers(target_id, target)
                if not expanded:
                    raise PackError(f"{folder / file_name}: target {target_id} has no rules")
                group.targets[target_id] = target.model_copy(update={"rules": expanded})
            groups.append(group)
        readiness = Readiness.model_validate(_read_yaml(folder / header.readiness)) if header.readiness else None
    except ValueError as error:  # pydantic's ValidationError is a ValueError
        raise PackError(f"{folder}: {error}") from error
    ladder = None
    if (folder / TIER_FILE).exists():
        try:
            ladder = Ladder.model_validate(_read_yaml(folder / TIER_FILE))
        except ValueError as error:
            raise PackError(f"{folder / TIER_FILE}: {error}") from error
    pack = RulePack(header, groups, readiness, folder, ladder=ladder)
    if ladder is not None:
        _check_ladder(pack, ladder)
    for name, parameter in pack.parameters.items():
        for value in parameter.values.values():
            _check_threshold_decimals(pack.id, name, value)
    return pack


def load_packs(rules_dir: Path | None = None) -> list[RulePack]:
    """Every pack below `rules_dir` (default: the project's rules/, or $HNTE_RULES_DIR)."""
    rules_dir = rules_dir or Path(os.environ.get("HNTE_RULES_DIR") or DEFAULT_RULES_DIR)
    packs = [load_pack(path.parent) for path in sorted(rules_dir.glob("*/pack.yaml"))]
    if not packs:
        raise PackError(f"no rule pack found in {rules_dir}")
    return packs


def _check_ladder(pack: "RulePack", spec: Ladder) -> None:
    """A tier.yaml against its pack: statuses are verdicts of the last group, named criteria and items exist."""
    targets = pack.targets()
    last = pack.groups[-1].targets if pack.groups else {}
    for tier_id, tier in spec.tiers.items():
        where = f"{pack.id}/{TIER_FILE}: tier {tier_id}"
        if tier.status not in last or last[tier.status].kind != "verdict":
            raise PackError(f"{where}: status {tier.status} is not a verdict of the last group")
        verdicts = {rule.verdict for rule in last[tier.status].rules}
        if not verdicts <= set(STATUSES):
            raise PackError(f"{where}: status verdicts must be among {', '.join(STATUSES)}")
        named = list(tier.requires) + list(tier.targets)
        named += [c for route in tier.routes.values() for c in route.criteria]
        if tier.national_criterion:
            named.append(tier.national_criterion)
        for criterion in named:
            if criterion not in targets or targets[criterion].kind != "criterion":
                raise PackError(f"{where}: {criterion} is not a criterion of the pack")
        if tier.next_route is not None and tier.next_route not in tier.routes:
            raise PackError(f"{where}: next_route {tier.next_route} is not one of its routes")
        if tier.score is not None:
            for indicator in tier.score.indicators.values():
                for item in indicator.items:
                    if item not in targets or targets[item].kind != "item":
                        raise PackError(f"{where}: score item {item} is not an item of the pack")
        if tier.example and spec.example_note is None:
            raise PackError(f"{where}: an example tier needs the pack's example_note")
    for tier_id, criteria in spec.targets_for.items():
        for criterion in criteria:
            if criterion not in targets or targets[criterion].kind != "criterion":
                raise PackError(f"{pack.id}/{TIER_FILE}: target {criterion} for {tier_id} is not a criterion")
    for criterion in spec.monitoring.criteria if spec.monitoring else []:
        if criterion not in targets or targets[criterion].kind != "criterion":
            raise PackError(f"{pack.id}/{TIER_FILE}: monitoring {criterion} is not a criterion")
    if spec.after_end == "last_plan" and spec.last_plan_note is None:
        raise PackError(f"{pack.id}/{TIER_FILE}: after_end: last_plan needs last_plan_note")
    header = pack.header
    for round_ in spec.rounds:
        where = f"{pack.id}/{TIER_FILE}: round {round_.year}"
        if round_.opens > round_.closes:
            raise PackError(f"{where}: opens after it closes")
        if round_.opens < header.effective_from or (
            header.effective_until is not None and round_.closes > header.effective_until
        ):
            raise PackError(f"{where}: outside the pack's effective period")
        round_year = pack.parameter_values(round_.opens).get("round_year")
        if round_year is not None and int(round_year) != round_.year:
            raise PackError(f"{where}: round_year on {round_.opens} is {round_year}")


def ladder_packs(packs: list[RulePack]) -> list[RulePack]:
    """The tier packs among `packs`; tier ids must be unique across them."""
    found = [p for p in packs if p.ladder is not None]
    seen_ids: dict[str, str] = {}
    for pack in found:
        for tier_id in pack.tiers:
            other = seen_ids.get(tier_id)
            if other is not None and other != pack.family:
                raise PackError(f"tier {tier_id} is decided by both {other} and {pack.family}")
            seen_ids[tier_id] = pack.family
    # a pool may name tiers of packs not loaded (a district running without the provincial packs): the
    # output lists the tiers in force only
    return found


def pack_in_force(packs: list[RulePack], family: str, date: dt.date) -> RulePack:
    candidates = [p for p in packs if p.family == family and p.covers(date)]
    if not candidates:
        raise NoPackInForce(family, date)
    return max(candidates, key=lambda p: p.header.effective_from)
