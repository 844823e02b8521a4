"""The assessment of contract v1, assembled from the rules that fired for one profile."""

from fractions import Fraction
from typing import Any

from engine.compiler import CompiledGroup, CompiledPack, CompiledRule
from engine.facts import Derived
from engine.formatting import format_value
from engine.gaps import GAPS, growth_rate_next_band, transformations_to_next_band
from engine.money import round_ratio
from engine.readiness import criterion_progress, readiness_index
from engine.runtime import RulesEngineError

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
DISCLAIMER = {
    "zh": "本结果为申报前预诊断，仅供参考，不代表认定机构的正式结论。",
    "en": "This is a pre-application diagnosis for reference only, not the recognition authority's decision.",
}


def fired_by_target(group: CompiledGroup, names: list[str]) -> dict[str, list[CompiledRule]]:
    result: dict[str, list[CompiledRule]] = {}
    for name in names:
        rule = group.rules[name]
        result.setdefault(rule.target_id, []).append(rule)
    for target_id in group.target_ids:
        if target_id not in result:
            raise RulesEngineError(f"rule group {group.name} decided nothing for {target_id}")
    return result


def _decisive(rules: list[CompiledRule]) -> CompiledRule:
    """Of the outcomes that fired for one criterion, a failing one wins, then an unknown one."""
    for wanted in (False, None, True):
        for rule in rules:
            if rule.rule.passed is wanted:
                return rule
    return rules[0]


def _plain_number(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _missing_text(paths: list[str]) -> dict[str, str]:
    return {"zh": "、".join(paths), "en": ", ".join(paths)}


def _texts(template: Any, unit: str | None, actual: Any, threshold: Any, gap: Any, extra: dict[str, Any]) -> dict[str, str]:
    zh: dict[str, Any] = {}
    en: dict[str, Any] = {}
    for key, value, value_unit in (("actual", actual, unit), ("threshold", threshold, unit), ("gap", gap, None)):
        zh[key], en[key] = format_value(value, value_unit)
    for key, value in extra.items():
        zh[key] = en[key] = value
        if isinstance(value, dict) and {"zh", "en"} <= value.keys():  # already in both languages
            zh[key], en[key] = value["zh"], value["en"]
    return {"zh": template.zh.format(**zh), "en": template.en.format(**en)}


class AssessmentBuilder:
    """Turns the firings of one profile into the contract's assessment."""

    def __init__(self, compiled: CompiledPack) -> None:
        self.compiled = compiled
        pack = compiled.pack
        self.targets = pack.targets()
        self.indicators = pack.indicators()
        self.readiness = pack.readiness
        self.top = self._top_of_bands()
        self.band_steps = {
            target_id: [
                (">=" if step.min is not None else ">", float(pack.resolve(step.min if step.min is not None else step.over, compiled.parameters)))
                for step in target.bands.steps
            ]
            for target_id, target in self.targets.items()
            if target.bands is not None
        }

    def _top_of_bands(self) -> tuple[int, int]:
        low = high = 0
        for indicator_id, indicator in self.indicators.items():
            items = [t for t in self.targets.values() if t.kind == "item" and t.indicator == indicator_id]
            low += min(sum(max(r.points[0] for r in t.rules if r.points) for t in items), indicator.max_points)
            high += min(sum(max(r.points[1] for r in t.rules if r.points) for t in items), indicator.max_points)
        return low, high

    # criteria -----------------------------------------------------------------------------------------
    def criterion(self, derived: Derived, compiled_rule: CompiledRule, extra: dict[str, Any]) -> dict[str, Any]:
        rule, target = compiled_rule.rule, compiled_rule.target
        raw_actual = derived.facts.get(rule.actual) if rule.actual else None
        if rule.actual in extra:
            raw_actual = extra[rule.actual]
        actual = raw_actual
        if target.unit == "ratio" and rule.actual in derived.context:
            actual = round_ratio(*derived.context[rule.actual])
        threshold = compiled_rule.threshold
        threshold = float(threshold) if target.unit == "ratio" and threshold is not None else threshold
        gap = GAPS[rule.gap](derived, compiled_rule.threshold, raw_actual) if rule.gap else None
        missing = derived.missing.get(compiled_rule.target_id, [])
        context: dict[str, Any] = {**extra, "missing": _missing_text(missing)}
        if target.unit == "domain" and target.labels and actual in target.labels:
            context["actual"] = target.labels[actual].as_dict()
        message = _texts(rule.message, target.unit, actual, threshold, gap, context) if rule.message else None
        entry: dict[str, Any] = {
            "passed": rule.passed,
            "actual": actual if target.unit == "ratio" else _plain_number(actual),
            "threshold": threshold if target.unit == "ratio" else _plain_number(threshold),
            "gap": gap,
            "citation": target.citation,
            "message": message,
            "title": target.title.as_dict(),
            "unit": target.unit,
            "rule": f"{compiled_rule.target_id}.{rule.id}",
        }
        convention = rule.convention or target.convention
        if convention is not None:
            entry["convention"] = convention.as_dict()
        if missing:
            entry["missing"] = missing
        return entry

    def criterion_shortfall(self, criterion_id: str, compiled_rule: CompiledRule, entry: dict[str, Any], derived: Derived) -> dict[str, Any] | None:
        shortfall = compiled_rule.rule.shortfall
        if shortfall is None:
            return None
        remediation = shortfall.remediation
        context = {"missing": _missing_text(entry.get("missing", []))}
        gap_zh, gap_en = format_value(entry["gap"], remediation.unit if remediation.unit not in ("date",) else None)
        texts = {
            "zh": remediation.zh.format(gap=gap_zh, **{k: v["zh"] for k, v in context.items()}),
            "en": remediation.en.format(gap=gap_en, **{k: v["en"] for k, v in context.items()}),
        }
        result: dict[str, Any] = {
            "code": shortfall.code,
            "criterion": criterion_id,
            "message": entry["message"],
            "remediation": {**texts, "quantity": entry["gap"], "unit": remediation.unit},
            "citation": entry["citation"],
        }
        if entry.get("missing"):
            result["fields"] = entry["missing"]
        return result

    # items --------------------------------------------------------------------------------------------
    def item_shortfall(self, target_id: str, compiled_rule: CompiledRule, derived: Derived) -> dict[str, Any] | None:
        target, rule = compiled_rule.target, compiled_rule.rule
        low, high = rule.points or (0, 0)
        band = f"{low}" if low == high else f"{low}–{high}"
        message = {
            "zh": f"{target.title.zh}：预计 {band} 分（满分 {target.max_points} 分）。",
            "en": f"{target.title.en}: {band} points predicted (of {target.max_points}).",
        }
        base = {"criterion": "innovation_score", "indicator": target.indicator, "item": target_id,
                "message": message, "citation": target.citation}
        if rule.id == "missing":
            paths = derived.missing.get(target_id, [])
            text = _missing_text(paths)
            return {**base, "code": "missing_data", "fields": paths,
                    "remediation": {"zh": f"补充数据：{text['zh']}。", "en": f"Provide: {text['en']}.", "quantity": None, "unit": None}}
        if rule.shortfall is not None:
            r = rule.shortfall.remediation
            return {**base, "code": rule.shortfall.code,
                    "remediation": {"zh": r.zh, "en": r.en, "quantity": None, "unit": r.unit}}
        shortfall = target.shortfall
        if shortfall is None or rule.id == "undefined":
            return None
        if target.answers is not None:
            if high >= (target.max_points or 0):
                return None
            answers = derived.facts.get(f"{target_id}_answers", 0)
            missing = [label for name, label in target.answers.fields.items() if not self._answer(derived, name)]
            del answers
            r = shortfall.remediation
            quantity = (target.max_points or 0) - high
            values = {"points_each": target.answers.points_each}
            return {**base, "code": shortfall.code, "remediation": {
                "zh": r.zh.format(missing_answers="；".join(m.zh for m in missing), **values),
                "en": r.en.format(missing_answers="; ".join(m.en for m in missing), **values),
                "quantity": quantity, "unit": r.unit}}
        if shortfall.below_points is None or high >= shortfall.below_points:
            return None
        steps = self.band_steps.get(target_id, [])
        if shortfall.gap == "transformations_to_next_band":
            quantity: Any = transformations_to_next_band(derived, steps)
            gap_zh = gap_en = str(quantity)
        else:
            quantity = growth_rate_next_band(derived, target_id, steps)
            gap_zh, gap_en = format_value(quantity, "ratio")
        if quantity is None:
            return None
        r = shortfall.remediation
        return {**base, "code": shortfall.code, "remediation": {
            "zh": r.zh.format(gap=gap_zh), "en": r.en.format(gap=gap_en), "quantity": quantity, "unit": r.unit}}

    def _answer(self, derived: Derived, name: str) -> bool:
        return bool(getattr(derived.context["answers"], name))

    def innovation(self, items: dict[str, CompiledRule], derived: Derived) -> tuple[dict[str, Any], int, int]:
        indicators: dict[str, Any] = {}
        total_low = total_high = 0
        for indicator_id, indicator in self.indicators.items():
            members = [(tid, rule) for tid, rule in items.items() if rule.target.indicator == indicator_id]
            low = min(sum(rule.rule.points[0] for _, rule in members), indicator.max_points)  # type: ignore[index]
            high = min(sum(rule.rule.points[1] for _, rule in members), indicator.max_points)  # type: ignore[index]
            entry: dict[str, Any] = {"min": low, "max": high}
            if not (len(members) == 1 and members[0][0] == indicator_id):
                entry["items"] = {}
                for tid, rule in members:
                    item: dict[str, Any] = {"min": rule.rule.points[0], "max": rule.rule.points[1]}  # type: ignore[index]
                    if rule.target.bands is not None and indicator_id == "growth":
                        rate = derived.context.get(tid)
                        item = {"rate": round_ratio(*rate) if rate else None, **item}
                    entry["items"][tid] = item
            if indicator_id == "transformation":
                ratio = derived.context.get("transformation")
                entry["average"] = round_ratio(*ratio) if ratio else None
            entry["title"] = indicator.title.as_dict()
            entry["max_points"] = indicator.max_points
            indicators[indicator_id] = entry
            total_low += low
            total_high += high
        return indicators, total_low, total_high

    # the whole ---------------------------------------------------------------------------------------
    def build(
        self,
        derived: Derived,
        profile_meta: dict[str, Any],
        first_stage: dict[str, list[CompiledRule]],
        decision: dict[str, list[CompiledRule]],
        innovation: tuple[dict[str, Any], int, int],
        items: dict[str, CompiledRule],
    ) -> dict[str, Any]:
        indicators, low, high = innovation
        extra = {"innovation_min": low, "innovation_max": high}
        criteria: dict[str, Any] = {}
        shortfalls: list[dict[str, Any]] = []
        progress: list[Fraction] = []
        chosen: dict[str, CompiledRule] = {}
        for criterion_id in CRITERIA:
            rules = decision.get(criterion_id) or first_stage.get(criterion_id)
            if not rules:
                raise RulesEngineError(f"no rule decided {criterion_id}")
            chosen[criterion_id] = _decisive(rules)
        for criterion_id in CRITERIA:
            compiled_rule = chosen[criterion_id]
            entry = self.criterion(derived, compiled_rule, extra)
            criteria[criterion_id] = entry
            if entry["passed"] is not True:
                shortfall = self.criterion_shortfall(criterion_id, compiled_rule, entry, derived)
                if shortfall:
                    shortfalls.append(shortfall)
            if criterion_id in HARD_CRITERIA and self.readiness is not None:
                raw = compiled_rule.rule.actual
                value: Any = None
                if raw and raw in derived.context:
                    value = Fraction(*derived.context[raw])
                elif raw:
                    value = derived.facts.get(raw)
                progress.append(criterion_progress(
                    entry["passed"], value, compiled_rule.threshold, self.readiness,
                    exclusive=criterion_id == "compliance"))
        for target_id, compiled_rule in items.items():
            shortfall = self.item_shortfall(target_id, compiled_rule, derived)
            if shortfall:
                shortfalls.append(shortfall)
        verdict_rule = decision["verdict"][0]
        verdict = verdict_rule.rule.verdict
        labels = verdict_rule.target.labels or {}
        readiness = readiness_index(progress, (low, high), self.top, self.readiness) if self.readiness else None
        return {
            "contract": CONTRACT,
            "rules_version": self.compiled.pack.version,
            "application_date": profile_meta["application_date"],
            "window": list(derived.window.years),
            "verdict": verdict,
            "readiness": readiness,
            "criteria": criteria,
            "innovation": {
                "min": low,
                "max": high,
                "pass_mark": chosen["innovation_score"].threshold,
                "indicators": indicators,
            },
            "shortfalls": shortfalls,
            "company": profile_meta["company"],
            "verdict_label": labels[verdict].as_dict() if verdict in labels else None,
            "readiness_convention": self.readiness.convention.as_dict() if self.readiness else None,
            "disclaimer": DISCLAIMER,
        }
