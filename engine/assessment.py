"""The assessment of contract v1, assembled from the rules that fired for one profile.

Everything that does not depend on the profile (titles, citations, conventions, message templates,
resolved thresholds) is prepared once per compiled pack in a `RuleView`, so that building an assessment
is little more than filling in the firm's values. The dicts in an assessment may be shared between
assessments: treat them as read-only.
"""

from dataclasses import dataclass
from typing import Any

from engine.compiler import CompiledPack
from engine.facts import Derived
from engine.formatting import format_value
from engine.gaps import growth_rate_next_band, transformations_to_next_band
from engine.labels import describe_fields
from engine.money import round_ratio
from engine.pack import Rule, Target
from engine.readiness import criterion_progress, readiness_index
from engine.runtime import RulesEngineError
from engine.views import RuleView, gap_of, shown_actual, views_of

CONTRACT = "1"
CRITERIA = (
    "registration_age",
    "core_ip",
    "tech_domain",
    "sci_tech_staff_ratio",
    "rd_expense_ratio",
    "rd_domestic_share",
    "high_tech_revenue_share",
    "innovation_score",
    "compliance",
)
HARD_CRITERIA = tuple(c for c in CRITERIA if c != "innovation_score")
_PASSED = {value: {"passed": value} for value in (True, False, None)}  # a decision's criteria (shared, read-only)
ENTRIES_PER_RULE = 4096  # criterion entries kept per rule (shared by the firms that show the same); then anew
DISCLAIMER = {
    "zh": "本结果为申报前预诊断，仅供参考，不代表认定机构的正式结论。",
    "en": "This is a pre-application diagnosis for reference only, not the recognition authority's decision.",
}


@dataclass(frozen=True, slots=True)
class NationalResults:
    """What the tier packs read of the national assessment (engine/ladder.py `NATIONAL_RESULTS`)."""

    verdict: str
    innovation_min: int
    innovation_max: int
    readiness: float | None


@dataclass(frozen=True, slots=True)
class ItemOutput:
    """What the national output adds to a score item's rule: when it is short, and its shortfall's words."""

    limit: int | None  # an item scoring below this max has a shortfall
    static_shortfall: dict[str, Any] | None  # an item shortfall that no profile value changes
    message: dict[str, str]


def _item_message(target: Target, points: tuple[int, int] | None) -> dict[str, str]:
    low, high = points or (0, 0)
    band = f"{low}" if low == high else f"{low}–{high}"
    return {
        "zh": f"{target.title.zh}：预计 {band} 分（满分 {target.max_points} 分）。",
        "en": f"{target.title.en}: {band} points predicted (of {target.max_points}).",
    }


def _static_item_shortfall(target_id: str, target: Target, rule: Rule) -> dict[str, Any] | None:
    if target.kind != "item" or rule.shortfall is None:
        return None
    r = rule.shortfall.remediation
    return {
        "criterion": "innovation_score",
        "indicator": target.indicator,
        "item": target_id,
        "message": _item_message(target, rule.points),
        "citation": target.citation,
        "code": rule.shortfall.code,
        "remediation": {"zh": r.zh, "en": r.en, "quantity": r.quantity, "unit": r.unit},
    }


def _item_output(view: RuleView, rule: Rule) -> ItemOutput:
    target = view.target
    limit = target.shortfall.below_points if target.shortfall else None
    if target.answers is not None:
        limit = target.max_points
    return ItemOutput(limit, _static_item_shortfall(view.target_id, target, rule), _item_message(target, view.points))


def missing_text(paths: list[str]) -> dict[str, str]:
    return describe_fields(paths)


def window_text(years: tuple[int, ...]) -> dict[str, str]:
    """The window in words: 2022–2024 年度 / 2022–2024."""
    if not years:
        return {"zh": "（无会计年度）", "en": "(no accounting year)"}
    span = str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"
    return {"zh": f"{span} 年度", "en": span}


def texts(view: RuleView, actual: Any, gap: Any, extra: dict[str, Any]) -> dict[str, str]:
    """The rule's message with the firm's values, each in the words of its language."""
    assert view.message is not None
    zh: dict[str, Any] = {}
    en: dict[str, Any] = {}
    for name in view.placeholders:
        if name in extra:
            value = extra[name]
            if isinstance(value, dict):  # already in both languages
                zh[name], en[name] = value["zh"], value["en"]
            else:
                zh[name] = en[name] = value
        elif name == "threshold":
            zh[name], en[name] = view.threshold_text
        elif name == "actual":
            zh[name], en[name] = format_value(actual, view.unit)
        elif name == "gap":
            zh[name], en[name] = format_value(gap, None)
    return {"zh": view.message.zh.format_map(zh), "en": view.message.en.format_map(en)}


EXTRA_NAMES = frozenset(("innovation_min", "innovation_max", "window"))  # what message_extra holds


def message_extra(derived: Derived, low: int, high: int) -> dict[str, Any]:
    """What a national criterion's entry reads besides the facts: the innovation range, the window's words."""
    return {"innovation_min": low, "innovation_max": high, "window": window_text(derived.window.years)}


def raw_actual(view: RuleView, derived: Derived, extra: dict[str, Any]) -> Any:
    """The value a criterion's rule names (`actual:`) as its entry reads it, before it is shown."""
    fact = view.actual_fact
    if fact is None:
        return None
    return extra[fact] if fact in extra else derived.facts.get(fact)


class AssessmentBuilder:
    """Turns the firings of one profile into the contract's assessment."""

    def __init__(self, compiled: CompiledPack) -> None:
        self.compiled = compiled
        pack = compiled.pack
        self.rules_version = pack.version
        self.targets = pack.targets()
        self.readiness = pack.readiness
        self.views: dict[int, RuleView] = views_of(compiled.groups)
        self.items = {
            id(self.views[id(rule)]): _item_output(self.views[id(rule)], rule.rule)
            for group in compiled.groups
            for rule in group.rules.values()
            if rule.target.kind == "item"
        }
        self.indicators = [
            (
                indicator_id,
                indicator.max_points,
                indicator.title.as_dict(),
                tuple(tid for tid, t in self.targets.items() if t.kind == "item" and t.indicator == indicator_id),
            )
            for indicator_id, indicator in pack.indicators().items()
        ]
        self.top = self._top_of_bands()
        self.band_steps = {
            target_id: [
                (
                    ">=" if step.min is not None else ">",
                    float(pack.resolve(step.min if step.min is not None else step.over, compiled.parameters)),
                )
                for step in target.bands.steps
            ]
            for target_id, target in self.targets.items()
            if target.bands is not None
        }
        verdict = self.targets.get("verdict")
        self.verdict_labels = {k: v.as_dict() for k, v in (verdict.labels or {}).items()} if verdict else {}
        self.readiness_convention = self.readiness.convention.as_dict() if self.readiness else None

    def _top_of_bands(self) -> tuple[int, int]:
        low = high = 0
        for _, max_points, _, members in self.indicators:
            rules = [[r for r in self.targets[tid].rules if r.points] for tid in members]
            low += min(sum(max(r.points[0] for r in rs) for rs in rules), max_points)  # type: ignore[index]
            high += min(sum(max(r.points[1] for r in rs) for rs in rules), max_points)  # type: ignore[index]
        return low, high

    # criteria -----------------------------------------------------------------------------------------
    def criterion(self, derived: Derived, view: RuleView, extra: dict[str, Any]) -> dict[str, Any]:
        fact = view.actual_fact
        raw_actual = None
        if fact is not None:
            raw_actual = extra[fact] if fact in extra else derived.facts.get(fact)
        gap = gap_of(view, derived, raw_actual)
        missing = derived.missing.get(view.target_id)
        # everything the entry shows comes from these: firms that show the same share one entry
        key = (
            raw_actual,
            derived.ratios.get(fact) if fact is not None else None,
            tuple(missing) if missing else None,
            gap,
            *[derived.window.years if name == "window" else extra[name] for name in view.placeholders if name in extra],
        )
        cached = view.cache.get(key)
        if cached is not None:
            return cached
        actual = shown_actual(view, derived, raw_actual, floor_failing=True)
        message = None
        if view.message is not None:
            context = extra
            if missing or view.target.labels:
                context = dict(extra)
                if missing:
                    context["missing"] = missing_text(missing)
                labels = view.target.labels
                if labels and actual in labels:
                    context["actual"] = labels[actual].as_dict()
            message = texts(view, actual, gap, context)
        entry: dict[str, Any] = {
            "passed": view.passed,
            "actual": actual,
            "threshold": view.threshold,
            "gap": gap,
            "citation": view.citation,
            "message": message,
            "title": view.title,
            "unit": view.unit,
            "rule": view.rule_key,
        }
        if view.convention is not None:
            entry["convention"] = view.convention
        if missing:
            entry["missing"] = missing
        if len(view.cache) >= ENTRIES_PER_RULE:
            view.cache.clear()
        view.cache[key] = entry
        return entry

    def criterion_shortfall(
        self, criterion_id: str, view: RuleView, entry: dict[str, Any], window: dict[str, str]
    ) -> dict[str, Any] | None:
        shortfall = view.shortfall
        if shortfall is None:
            return None
        remediation = shortfall.remediation
        missing = missing_text(entry.get("missing", []))
        gap_zh, gap_en = format_value(entry["gap"], remediation.unit if remediation.unit != "date" else None)
        result: dict[str, Any] = {
            "code": shortfall.code,
            "criterion": criterion_id,
            "message": entry["message"],
            "remediation": {
                "zh": remediation.zh.format(gap=gap_zh, missing=missing["zh"], window=window["zh"]),
                "en": remediation.en.format(gap=gap_en, missing=missing["en"], window=window["en"]),
                "quantity": entry["gap"],
                "unit": remediation.unit,
            },
            "citation": entry["citation"],
        }
        if entry.get("missing"):
            result["fields"] = entry["missing"]
        return result

    # items --------------------------------------------------------------------------------------------
    def item_shortfall_code(self, view: RuleView) -> tuple[str, bool] | None:
        """The code of a score item's shortfall under this rule, and whether the firm's facts decide if it has
        one (a step to the next band that may not exist); None when it has none. What `item_shortfall`
        decides before it builds the shortfall (engine/rows.py needs no more)."""
        rule_id = view.rule_id
        item = self.items[id(view)]
        if rule_id != "missing" and view.shortfall is None:
            if item.limit is None or (view.points or (0, 0))[1] >= item.limit or rule_id == "undefined":
                return None
        if item.static_shortfall is not None:
            return item.static_shortfall["code"], False
        if rule_id == "missing":
            return "missing_data", False
        shortfall = view.shortfall or view.target.shortfall
        assert shortfall is not None
        return shortfall.code, view.target.answers is None

    def item_step(self, view: RuleView, derived: Derived) -> tuple[str | None, Any] | None:
        """The step of a score item to its next band, for its shortfall: (None, transformations) or (">=" or
        ">", growth rate); None when there is none (then the item has no shortfall)."""
        shortfall = view.shortfall or view.target.shortfall
        assert shortfall is not None
        steps = self.band_steps.get(view.target_id, [])
        if shortfall.gap == "transformations_to_next_band":
            quantity = transformations_to_next_band(derived, steps)
            return None if quantity is None else (None, quantity)
        bound = growth_rate_next_band(derived, view.target_id, steps)
        if bound is None or bound[1] is None:
            return None
        return bound

    def item_shortfall(self, view: RuleView, derived: Derived) -> dict[str, Any] | None:
        if self.item_shortfall_code(view) is None:
            return None
        rule_id = view.rule_id
        high = (view.points or (0, 0))[1]
        item = self.items[id(view)]
        if item.static_shortfall is not None:
            return item.static_shortfall
        target = view.target
        shortfall = view.shortfall or target.shortfall
        base = {
            "criterion": "innovation_score",
            "indicator": target.indicator,
            "item": view.target_id,
            "message": item.message,
            "citation": target.citation,
        }
        if rule_id == "missing":
            paths = derived.missing.get(view.target_id, [])
            text = missing_text(paths)
            return {
                **base,
                "code": "missing_data",
                "fields": paths,
                "remediation": {
                    "zh": f"补充数据：{text['zh']}。",
                    "en": f"Provide: {text['en']}.",
                    "quantity": None,
                    "unit": None,
                },
            }
        assert shortfall is not None
        r = shortfall.remediation
        if target.answers is not None:
            answers = derived.context["answers"]
            missing = [label for name, label in target.answers.fields.items() if not getattr(answers, name)]
            each = target.answers.points_each
            return {
                **base,
                "code": shortfall.code,
                "remediation": {
                    "zh": r.zh.format(missing_answers="；".join(m.zh for m in missing), points_each=each),
                    "en": r.en.format(missing_answers="; ".join(m.en for m in missing), points_each=each),
                    "quantity": (target.max_points or 0) - high,
                    "unit": r.unit,
                },
            }
        step = self.item_step(view, derived)
        if step is None:
            return None
        op, quantity = step
        if op is None:
            gap_zh = gap_en = str(quantity)
        else:
            percent = format_value(quantity, "ratio")[0]
            gap_zh, gap_en = (
                (f"不低于 {percent}", f"of at least {percent}")
                if op == ">="
                else (f"高于 {percent}", f"above {percent}")
            )
        return {
            **base,
            "code": shortfall.code,
            "remediation": {
                "zh": r.zh.format(gap=gap_zh),
                "en": r.en.format(gap=gap_en),
                "quantity": quantity,
                "unit": r.unit,
            },
        }

    def innovation(self, decided: dict[str, RuleView], derived: Derived) -> tuple[dict[str, Any], int, int]:
        indicators: dict[str, Any] = {}
        total_low = total_high = 0
        context = derived.context
        for indicator_id, max_points, title, members in self.indicators:
            low = high = 0
            item_entries: dict[str, Any] = {}
            for tid in members:
                view = decided[tid]
                points = view.points
                assert points is not None
                low += points[0]
                high += points[1]
                if indicator_id == "growth":
                    rate = context.get(tid)
                    item_entries[tid] = {
                        "rate": round_ratio(*rate) if rate else None,
                        "min": points[0],
                        "max": points[1],
                    }
                else:
                    item_entries[tid] = {"min": points[0], "max": points[1]}
                convention = view.convention
                if convention is not None:  # a product convention behind this item's range: say so
                    item_entries[tid]["convention"] = convention
            low, high = min(low, max_points), min(high, max_points)
            entry: dict[str, Any] = {"min": low, "max": high}
            if not (len(members) == 1 and members[0] == indicator_id):
                entry["items"] = item_entries
            elif "convention" in item_entries[indicator_id]:
                entry["convention"] = item_entries[indicator_id]["convention"]
            if indicator_id == "transformation":
                ratio = context.get("transformation")
                entry["average"] = round_ratio(*ratio) if ratio else None
            entry["title"] = title
            entry["max_points"] = max_points
            indicators[indicator_id] = entry
            total_low += low
            total_high += high
        return indicators, total_low, total_high

    def _progress(self, criterion_id: str, view: RuleView, derived: Derived) -> float:
        """A criterion's part of the readiness index (a passed one is done)."""
        if view.passed is True:
            return 1.0
        assert self.readiness is not None
        fact = view.actual_fact
        ratio = derived.ratios.get(fact) if fact else None
        value = ratio[0] / ratio[1] if ratio else (derived.facts.get(fact) if fact else None)
        return criterion_progress(
            view.passed, value, view.threshold_raw, self.readiness, exclusive=criterion_id == "compliance"
        )

    def score_range(self, decided: dict[str, RuleView]) -> tuple[int, int]:
        """The innovation score's range: the items' bands summed per indicator, each capped at its points
        (what `innovation` sums, without its entries)."""
        total_low = total_high = 0
        for _, max_points, _, members in self.indicators:
            low = high = 0
            for tid in members:
                points = decided[tid].points
                assert points is not None
                low += points[0]
                high += points[1]
            total_low += min(low, max_points)
            total_high += min(high, max_points)
        return total_low, total_high

    # decisions without their presentation ------------------------------------------------------------
    def decide(
        self, derived: Derived, profile_meta: dict[str, Any], decided: dict[str, RuleView], readiness: bool
    ) -> tuple[dict[str, Any], NationalResults]:
        """What the rules decided for one profile — the verdict and each criterion's `passed` — without
        the entries, messages, gaps and shortfalls that present it (`build` has every field of it), and
        the national results the ladder reads (`readiness` only when asked: a ladder rule reads it)."""
        criteria: dict[str, Any] = {}
        progress: list[float] = []
        for criterion_id in CRITERIA:
            view = decided.get(criterion_id)
            if view is None:
                raise RulesEngineError(f"no rule decided {criterion_id}")
            criteria[criterion_id] = _PASSED[view.passed]
            if readiness and self.readiness is not None and criterion_id != "innovation_score":
                progress.append(self._progress(criterion_id, view, derived))
        verdict = decided["verdict"].outcome
        low, high = self.score_range(decided)
        index = None
        if readiness and self.readiness is not None:
            index = readiness_index(progress, (low, high), self.top, self.readiness)
        decision = {
            "application_date": profile_meta["application_date"],
            "company": profile_meta["company"],
            "rules_version": self.rules_version,
            "verdict": verdict,
            "criteria": criteria,
        }
        return decision, NationalResults(verdict, low, high, index)

    # the whole ---------------------------------------------------------------------------------------
    def build(
        self,
        derived: Derived,
        profile_meta: dict[str, Any],
        decided: dict[str, RuleView],
    ) -> dict[str, Any]:
        """The assessment of one profile from the decisive rule of every target (engine/evaluator.py)."""
        indicators, low, high = self.innovation(decided, derived)
        extra = message_extra(derived, low, high)
        criteria: dict[str, Any] = {}
        shortfalls: list[dict[str, Any]] = []
        progress: list[float] = []
        readiness_settings = self.readiness
        pass_mark = None
        for criterion_id in CRITERIA:
            view = decided.get(criterion_id)
            if view is None:
                raise RulesEngineError(f"no rule decided {criterion_id}")
            entry = self.criterion(derived, view, extra)
            criteria[criterion_id] = entry
            if criterion_id == "innovation_score":
                pass_mark = view.threshold
            if view.passed is not True:
                shortfall = self.criterion_shortfall(criterion_id, view, entry, extra["window"])
                if shortfall:
                    shortfalls.append(shortfall)
            if readiness_settings is not None and criterion_id != "innovation_score":
                progress.append(self._progress(criterion_id, view, derived))
        for item in decided.values():
            if item.target.kind == "item":
                shortfall = self.item_shortfall(item, derived)
                if shortfall:
                    shortfalls.append(shortfall)
        verdict = decided["verdict"].outcome
        readiness = readiness_index(progress, (low, high), self.top, readiness_settings) if readiness_settings else None
        return {
            "contract": CONTRACT,
            "rules_version": self.rules_version,
            "application_date": profile_meta["application_date"],
            "window": list(derived.window.years),
            "verdict": verdict,
            "readiness": readiness,
            "criteria": criteria,
            "innovation": {"min": low, "max": high, "pass_mark": pass_mark, "indicators": indicators},
            "shortfalls": shortfalls,
            "company": profile_meta["company"],
            "verdict_label": self.verdict_labels.get(verdict),
            "readiness_convention": self.readiness_convention,
            "disclaimer": DISCLAIMER,
        }
