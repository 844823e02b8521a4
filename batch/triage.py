"""What a bureau needs from one assessment to rank and triage a pool, computed the same way for the
batch workbook and for stored pools.

Coaching candidate (临界点辅导对象; the action plan's 高企培育评审临界点上的企业) — a triage flag, not
a verdict: the verdict `borderline` (临界（取决于专家评分）) says a firm meets every hard criterion and its
innovation range straddles the pass mark; the flag picks the firms most worth an expert's visit, whatever
their verdict. (In the data the flag keeps its first name, `borderline`: FirmSummary.borderline, the
stored column, the `borderline` filter.) A firm is a coaching candidate when
- its innovation range straddles the pass mark (min < pass mark ≤ max), or
- a hard criterion with a numeric value and threshold lies within 10% of that threshold, on either
  side: |actual − threshold| ≤ 10% × threshold (e.g. an R&D ratio of 4.5%–5.5% against 5%, or
  329–401 days since registration against 365). A firm just above a line can drop below it as
  easily as one just below can climb over it.
The 10% is this product's convention for triage, not a policy threshold.
"""

import gc
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache
from typing import Any

from batch.tiers import TierTally, tier_fields
from engine import RulePack, load_packs
from engine.assessment import HARD_CRITERIA
from engine.assessor import HNTE_FAMILY, Assessor
from engine.bilingual import Bilingual
from engine.formatting import format_value
from engine.profile import Profile
from engine.rows import Decision, Row, ShortfallPlace
from engine.views import RuleView

BORDERLINE_MARGIN = Fraction(1, 10)
INNOVATION = "innovation_score"
MAIN_SHORTFALLS = 3
KEYS_KEPT = 100_000  # shortfall keys of the engine's places kept (then anew)
# The flag's name and definition, wherever it is shown (pool view, workbook summary, results column).
COACHING = Bilingual(zh="临界点辅导对象", en="Coaching candidate")
COACHING_DEFINITION = Bilingual(
    zh="辅导对象（非认定结论）：创新能力预测区间跨越及格线，或某项硬性条件距门槛不到 10%"
    "（|实际−门槛| ≤ 10%×门槛，两侧均计）——最值得专家上门辅导的企业。10% 为本产品的分诊约定。",
    en="A coaching candidate (not a verdict): the innovation range straddles the pass mark, or a hard criterion "
    "lies within 10% of its threshold (|actual − threshold| ≤ 10% × threshold, either side) — the firms most "
    "worth an expert's visit. The 10% is this product's triage convention.",
)
HARD_TOTAL = len(HARD_CRITERIA)


def hard_met(outcomes: dict[str, bool | None]) -> int:
    """How many of the eight hard criteria (Art. 11 without the innovation score) the firm meets."""
    return sum(1 for criterion in HARD_CRITERIA if outcomes.get(criterion) is True)


def hard_met_text(outcomes: dict[str, bool | None]) -> dict[str, str]:
    met = hard_met(outcomes)
    return {"zh": f"{met}/{HARD_TOTAL} 条件满足", "en": f"{met} of {HARD_TOTAL} conditions met"}


OUTCOME_LABELS = {
    True: Bilingual(zh="通过", en="Pass"),
    False: Bilingual(zh="未通过", en="Fail"),
    None: Bilingual(zh="未知", en="Unknown"),
}


@cache
def hnte_packs() -> tuple[RulePack, ...]:
    return tuple(pack for pack in load_packs() if pack.family == HNTE_FAMILY)


@cache
def target_titles() -> dict[str, Bilingual]:
    """Every criterion and score item of the HNTE rule packs → its title."""
    titles: dict[str, Bilingual] = {}
    for pack in hnte_packs():
        titles.update({target_id: target.title for target_id, target in pack.targets().items()})
    return titles


@cache
def gap_units() -> dict[str, str]:
    """criterion → the unit its gap is measured in (万元, 人, 件, 分, date), from the packs' shortfalls."""
    units: dict[str, str] = {}
    for pack in hnte_packs():
        for target_id, target in pack.targets().items():
            for rule in target.rules or []:
                if rule.gap and rule.shortfall and rule.shortfall.remediation.unit:
                    units.setdefault(target_id, rule.shortfall.remediation.unit)
    return units


def shortfall_key(shortfall: dict[str, Any]) -> str:
    """A shortfall's identity across firms: criterion, item and code (e.g. innovation_score/ip.core_support)."""
    place = shortfall["criterion"]
    if shortfall.get("item"):
        place += f"/{shortfall.get('indicator')}.{shortfall['item']}"
    return f"{place}:{shortfall['code']}"


def _shortfall_keys(shortfalls: list[dict[str, Any]]) -> list[str]:
    """shortfall_key of each shortfall, once each, in order (inline: ten or so a firm)."""
    return list(
        dict.fromkeys(
            f"{s['criterion']}/{s.get('indicator')}.{s['item']}:{s['code']}"
            if s.get("item")
            else f"{s['criterion']}:{s['code']}"
            for s in shortfalls
        )
    )


def shortfall_label(key: str) -> dict[str, str]:
    place, code = key.rsplit(":", 1)
    target = place.rsplit(".", 1)[-1] if "/" in place else place
    title = target_titles().get(target, Bilingual(zh=target, en=target))
    if code == "missing_data":
        return {"zh": f"{title.zh}：缺少数据", "en": f"{title.en}: data missing"}
    return title.as_dict()


SHORTFALL_GROUPS = {
    "hard": Bilingual(zh="硬性条件", en="Hard criteria"),
    "innovation": Bilingual(zh="创新能力评价及其评分项", en="Innovation score and its items"),
}


@dataclass(frozen=True)
class ShortfallCount:
    label: dict[str, str]
    count: int
    group: str  # "hard" or "innovation" (SHORTFALL_GROUPS)


def shortfall_counts(counted: list[tuple[str, int]]) -> list[ShortfallCount]:
    """Shortfall keys with their firm counts → one entry per label, hard criteria first (then the innovation
    score and its items), each group most frequent first.

    Keys that read the same are one entry (e.g. 技术的先进程度 scored low, or left unassessed): the engine
    decides each criterion and each score item by one band, so a firm has at most one code per place and
    the counts add up to firms.
    """
    merged: dict[tuple[str, str], list[Any]] = {}
    for key, count in counted:
        place = key.split(":", 1)[0]
        group = "hard" if place in HARD_CRITERIA else "innovation"
        label = shortfall_label(key)
        entry = merged.setdefault((group, label["zh"]), [label, 0, group, place == INNOVATION])
        entry[1] += count
    ordered = sorted(merged.values(), key=lambda e: (e[2] != "hard", not e[3], -e[1], e[0]["zh"]))
    return [ShortfallCount(label, count, group) for label, count, group, _ in ordered]


def _number(value: Any) -> Fraction | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return Fraction(str(value))


NUMBER_TYPES = (int, float)  # exactly these: not a bool, not a Decimal


def within_margin_exactly(actual: int | float, threshold: int | float) -> bool:
    """The definition: |actual − threshold| ≤ 10% × threshold, exactly, on the numbers as written (a float
    as its shortest text: 0.055 is 55/1000, not the binary float nearest to it)."""
    exact_actual, exact_threshold = _number(actual), _number(threshold)
    if exact_actual is None or exact_threshold is None or exact_threshold <= 0:
        return False
    return abs(exact_actual - exact_threshold) <= BORDERLINE_MARGIN * exact_threshold


# within_margin decides by floats only where the two sides differ by more than any rounding can move them:
# a float lies within 2^-53 (relative) of its shortest text, and each of the three operations rounds by at
# most 2^-53 of its result, so the error stays below 1e-15 × (|actual| + threshold), far inside RELATIVE_SLACK
# (ABSOLUTE_SLACK for subnormal floats). Closer than that — a ratio exactly at its 10%, 0.055 against 0.05 —
# the exact definition decides. tests/batch/test_borderline_exact.py checks the two against each other.
RELATIVE_SLACK = 1e-9
ABSOLUTE_SLACK = 1e-300  # where a subnormal float has no relative precision left


def within_margin(actual: int | float, threshold: int | float) -> bool:
    """within_margin_exactly, without fractions where integers or floats already tell (for numbers the
    pre-check of borderline_reasons let through: exactly int or float, a positive threshold)."""
    if type(actual) is int and type(threshold) is int:
        return 10 * abs(actual - threshold) <= threshold  # × 10 on both sides: exact integers
    difference, margin = abs(actual - threshold), threshold / 10
    slack = RELATIVE_SLACK * (abs(actual) + abs(threshold)) + ABSOLUTE_SLACK
    if difference < margin - slack:
        return True
    if difference > margin + slack:
        return False
    return within_margin_exactly(actual, threshold)  # also NaN and infinities (never decided above)


def _straddles(low: int, high: int, mark: Any) -> dict[str, str]:
    return {
        "zh": f"创新能力 {low}–{high} 分，跨越及格线 {mark} 分",
        "en": f"Innovation score {low}–{high} points straddles the pass mark of {mark}",
    }


def _near(criterion_id: str, raw_actual: Any, raw_threshold: Any, title: Any, unit: Any) -> dict[str, str] | None:
    """The reason when a hard criterion's value lies within 10% of its threshold, else None."""
    # a cheap float pre-check (with slack) before the exact test: most firms are nowhere near
    if type(raw_actual) not in NUMBER_TYPES or type(raw_threshold) not in NUMBER_TYPES or raw_threshold <= 0:
        return None
    if not abs(raw_actual - raw_threshold) <= 0.11 * raw_threshold or not within_margin(raw_actual, raw_threshold):
        return None
    title = title or target_titles()[criterion_id].as_dict()
    actual_zh, actual_en = format_value(raw_actual, unit)
    threshold_zh, threshold_en = format_value(raw_threshold, unit)
    return {
        "zh": f"{title['zh']}：{actual_zh}，距门槛 {threshold_zh} 不到 10%",
        "en": f"{title['en']}: {actual_en}, within 10% of the threshold {threshold_en}",
    }


def borderline_reasons(assessment: dict[str, Any]) -> list[dict[str, str]]:
    reasons: list[dict[str, str]] = []
    innovation = assessment["innovation"]
    criteria = assessment["criteria"]
    if criteria[INNOVATION]["passed"] is None:
        reasons.append(_straddles(innovation["min"], innovation["max"], innovation["pass_mark"]))
    for criterion_id, entry in criteria.items():
        if criterion_id == INNOVATION:
            continue
        reason = _near(criterion_id, entry.get("actual"), entry.get("threshold"), entry.get("title"), entry.get("unit"))
        if reason is not None:
            reasons.append(reason)
    return reasons


def _main_shortfalls(assessment: dict[str, Any]) -> list[dict[str, Any]]:
    """Failing criteria first, then unknown ones, then score items; at most MAIN_SHORTFALLS (in their
    order within each group)."""
    criteria = assessment["criteria"]
    failing: list[dict[str, Any]] = []
    unknown: list[dict[str, Any]] = []
    items: list[dict[str, Any]] = []
    for shortfall in assessment["shortfalls"]:
        if shortfall.get("item"):
            items.append(shortfall)
        elif criteria.get(shortfall["criterion"], {}).get("passed") is False:
            failing.append(shortfall)
            if len(failing) == MAIN_SHORTFALLS:
                break  # nothing can come before these
        else:
            unknown.append(shortfall)
    return (failing + unknown + items)[:MAIN_SHORTFALLS]


@dataclass(slots=True)  # no __dict__ per firm: a pool holds thousands
class FirmSummary:
    """One assessed firm, as the triage views and the workbook's results sheet show it."""

    row: int
    name: str
    credit_code: str | None
    town: str | None
    verdict: str
    verdict_label: dict[str, str]
    readiness: float | None
    innovation_min: int
    innovation_max: int
    rules_version: str
    outcomes: dict[str, bool | None]
    gaps: dict[str, Any]
    failing: list[str]
    unknown: list[str]
    shortfall_keys: list[str]
    main_shortfalls: dict[str, str]
    borderline: list[dict[str, str]] = field(default_factory=list)
    # the cultivation ladder (batch.tiers): the highest tier reached, the next one, every tier reached
    tier: str | None = None
    tier_title: dict[str, str] | None = None
    next_tier: str | None = None
    next_tier_title: dict[str, str] | None = None
    tiers_met: list[str] = field(default_factory=list)
    # 申报规划 (docs/plan.md): the earliest reachable round, its plan's cost and first steps
    plan_earliest_year: int | None = None
    plan_earliest_date: str | None = None
    plan_cost: float | None = None
    plan_first_steps: dict[str, str] | None = None

    @property
    def is_borderline(self) -> bool:
        """A coaching candidate (临界点辅导对象): see the module's docstring; not the verdict `borderline`."""
        return bool(self.borderline)

    @property
    def hard_met(self) -> int:
        return hard_met(self.outcomes)


def summarise(row: int, assessment: dict[str, Any]) -> FirmSummary:
    company = assessment["company"]
    criteria = assessment["criteria"]
    main = _main_shortfalls(assessment)
    outcomes: dict[str, bool | None] = {}
    gaps: dict[str, Any] = {}
    failing: list[str] = []
    unknown: list[str] = []
    for criterion_id, entry in criteria.items():  # one pass for the four per-criterion fields
        passed = outcomes[criterion_id] = entry["passed"]
        gaps[criterion_id] = entry["gap"]
        if passed is False:
            failing.append(criterion_id)
        elif passed is None:
            unknown.append(criterion_id)
    messages = [s["message"] for s in main if s.get("message")]
    return FirmSummary(
        row=row,
        name=company["name"],
        credit_code=company.get("credit_code"),
        town=company.get("town"),
        verdict=assessment["verdict"],
        verdict_label=assessment.get("verdict_label") or {"zh": assessment["verdict"], "en": assessment["verdict"]},
        readiness=assessment.get("readiness"),
        innovation_min=assessment["innovation"]["min"],
        innovation_max=assessment["innovation"]["max"],
        rules_version=assessment["rules_version"],
        outcomes=outcomes,
        gaps=gaps,
        failing=failing,
        unknown=unknown,
        shortfall_keys=_shortfall_keys(assessment["shortfalls"]),
        main_shortfalls={"zh": "；".join(m["zh"] for m in messages), "en": "; ".join(m["en"] for m in messages)},
        borderline=borderline_reasons(assessment),
        **tier_fields(assessment),
    )


# a criterion's coaching reasons by the value shown (most lie in a narrow band around the threshold, so
# firms share them): id(view) → (the view, {(type, value): reason or None}); the view is kept to tell a
# later rule that reuses its id
_near_kept: dict[int, tuple[RuleView, dict[tuple[type, Any], dict[str, str] | None]]] = {}


def row_borderline_reasons(firm: Row) -> list[dict[str, str]]:
    """borderline_reasons of the firm's assessment, from its row (engine/rows.py)."""
    decision = firm.decision
    reasons: list[dict[str, str]] = []
    if decision.outcomes[INNOVATION] is None:
        reasons.append(_straddles(firm.innovation_min, firm.innovation_max, decision.pass_mark))
    for criterion_id, actual, view in firm.numeric:  # the others show no number against a number
        threshold = view.threshold
        # _near's own pre-check, first inline: most firms are nowhere near
        if (
            criterion_id != INNOVATION
            and type(actual) in NUMBER_TYPES
            and threshold > 0
            and abs(actual - threshold) <= 0.11 * threshold
        ):
            kept = _near_kept.get(id(view))
            if kept is None or kept[0] is not view:
                if len(_near_kept) >= KEYS_KEPT:
                    _near_kept.clear()
                kept = _near_kept[id(view)] = (view, {})
            said = kept[1]
            key = (type(actual), actual)  # near a positive threshold: never a zero of either sign
            if key in said:
                reason = said[key]
            else:
                if len(said) >= KEYS_KEPT:
                    said.clear()
                reason = said[key] = _near(criterion_id, actual, threshold, view.title, view.unit)
            if reason is not None:
                reasons.append(reason)
    return reasons


# the shortfall keys of the engine's places (a pack's, shared by its firms), of a decision's criteria
_keys: dict[ShortfallPlace, str] = {}
_decision_keys: dict[Decision, list[str]] = {}


def _place_key(p: ShortfallPlace) -> str:
    key = _keys.get(p)
    if key is None:
        key = f"{p.criterion}/{p.indicator}.{p.item}:{p.code}" if p.item else f"{p.criterion}:{p.code}"
        if len(_keys) >= KEYS_KEPT:
            _keys.clear()
        _keys[p] = key
    return key


def _row_shortfall_keys(firm: Row) -> list[str]:
    """_shortfall_keys of the firm's shortfalls, from their places: the decision's criteria, then the items."""
    decision = firm.decision
    keys = _decision_keys.get(decision)
    if keys is None:
        if len(_decision_keys) >= KEYS_KEPT:
            _decision_keys.clear()
        keys = _decision_keys[decision] = list(map(_place_key, decision.shortfalls))
    shortfalls = firm.shortfalls
    items = [_keys.get(p) or _place_key(p) for p in shortfalls[len(decision.shortfalls) :]]
    return list(dict.fromkeys(keys + items)) if items else list(dict.fromkeys(keys))


def summarise_rows(assessor: Assessor, rows: Sequence[int], profiles: Sequence[Profile]) -> list[FirmSummary]:
    """summarise(row, assessment) of each profile's assessment, without the assessments (the row path:
    `Assessor.rows_many`, engine/rows.py) — equal field by field (tests/test_rows.py)."""
    firms = assessor.rows_many(profiles, messages=MAIN_SHORTFALLS)
    # no reference cycles here either (see Assessor._planned): the cyclic collector would only re-scan
    collecting = gc.isenabled()
    gc.disable()
    try:
        return [summary_of_row(row, firm) for row, firm in zip(rows, firms, strict=True)]
    finally:
        if collecting:
            gc.enable()


def summary_of_row(row: int, firm: Row) -> FirmSummary:
    """summarise(row, assessment) of the firm's assessment, from its row (`Assessor.rows_many` with
    messages=MAIN_SHORTFALLS)."""
    decision = firm.decision
    zh = []
    en = []
    for message in firm.messages:
        if message:
            zh.append(message["zh"])
            en.append(message["en"])
    verdict = decision.verdict
    place = firm.ladder
    return FirmSummary(
        row=row,
        name=firm.name,
        credit_code=firm.credit_code,
        town=firm.town,
        verdict=verdict,
        verdict_label=decision.verdict_label or {"zh": verdict, "en": verdict},
        readiness=firm.readiness,
        innovation_min=firm.innovation_min,
        innovation_max=firm.innovation_max,
        rules_version=decision.rules_version,
        outcomes=dict(decision.outcomes),
        gaps=firm.gaps,
        failing=list(decision.failing),
        unknown=list(decision.unknown),
        shortfall_keys=_row_shortfall_keys(firm),
        main_shortfalls={"zh": "；".join(zh), "en": "; ".join(en)},
        borderline=row_borderline_reasons(firm),
        # tier_fields of the assessment's ladder
        tier=None if place is None else place.highest,
        tier_title=None if place is None else place.highest_title,
        next_tier=None if place is None else place.next_tier,
        next_tier_title=None if place is None else place.next_title,
        tiers_met=[] if place is None else list(place.met),
    )


PLAN_FIRST_STEPS = 3


def add_plan(summary: FirmSummary, plan: dict[str, Any]) -> None:
    """The plan columns of one firm: its earliest reachable round, the cost, the first steps by date."""
    summary.plan_earliest_year = plan.get("earliest_year")
    summary.plan_earliest_date = plan.get("earliest_date")
    summary.plan_cost = plan.get("earliest_cost")
    chosen = next((c for c in plan["candidates"] if c["date"] == plan.get("earliest_date")), None)
    if chosen is None:
        reasons = [r["message"] for c in plan["candidates"][:1] for r in c["reasons"]]
        summary.plan_first_steps = {"zh": "；".join(r["zh"] for r in reasons) or None,
                                    "en": "; ".join(r["en"] for r in reasons) or None}
        return
    steps = chosen["steps"][:PLAN_FIRST_STEPS]
    summary.plan_first_steps = {
        "zh": "；".join(s["title"]["zh"] for s in steps) or "无需额外措施",
        "en": "; ".join(s["title"]["en"] for s in steps) or "no step needed",
    }


@dataclass
class PoolTally:
    """Counts over a whole batch, kept as it streams by (memory grows with towns and codes, not rows)."""

    assessed: int = 0
    with_errors: int = 0
    borderline: int = 0
    by_verdict: Counter[str] = field(default_factory=Counter)
    by_town: dict[str, Counter[str]] = field(default_factory=dict)
    shortfalls: Counter[str] = field(default_factory=Counter)
    rules_versions: Counter[str] = field(default_factory=Counter)
    verdict_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    tiers: TierTally = field(default_factory=TierTally)

    def add(self, summary: FirmSummary) -> None:
        self.assessed += 1
        self.by_verdict[summary.verdict] += 1
        self.verdict_labels.setdefault(summary.verdict, summary.verdict_label)
        self.by_town.setdefault(summary.town or "", Counter())[summary.verdict] += 1
        self.shortfalls.update(summary.shortfall_keys)
        self.rules_versions[summary.rules_version] += 1
        self.borderline += summary.is_borderline
        self.tiers.add(summary)
