"""Rule pack → durable-rules rulesets.

Each group becomes one ruleset; each rule becomes one durable-rules rule whose condition is the
conjunction of the rule's `when` clauses with the parameters in force substituted. Rules fire in
batches (`cap`): one firing hands over every fact of a batch that the rule matches, so the cost per
profile is the assert, not the firing. Ruleset names carry a digest of their definition, because
durable-rules cannot unregister a ruleset: a pack variant gets rulesets of its own.
"""

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from engine.pack import PackError, Rule, RulePack, Target

BATCH_CAP = 1000  # the largest batch of facts one firing may carry; batches are never larger

_OPS = {"==": None, "!=": "$neq", "<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte"}


@dataclass(frozen=True, slots=True)
class CompiledRule:
    name: str  # the durable-rules rule name
    target_id: str
    target: Target
    rule: Rule
    threshold: Any  # resolved


@dataclass(frozen=True, slots=True)
class CompiledGroup:
    name: str
    ruleset_name: str
    definition: dict[str, Any]
    rules: dict[str, CompiledRule]
    fact_names: tuple[str, ...]
    target_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CompiledPack:
    pack: RulePack
    key: str
    groups: tuple[CompiledGroup, ...]
    parameters: dict[str, Any]
    answer_fields: dict[str, tuple[str, ...]]

    @property
    def first_stage(self) -> tuple[CompiledGroup, ...]:
        return self.groups[:-1]

    @property
    def decision(self) -> CompiledGroup:
        return self.groups[-1]


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def compile_condition(when: dict[str, Any], pack: RulePack, values: dict[str, Any]) -> dict[str, Any]:
    clauses: list[dict[str, Any]] = []
    for fact, spec in when.items():
        tests = spec if isinstance(spec, dict) else {"==": spec}
        for op, operand in tests.items():
            if op not in _OPS:
                raise PackError(f"{pack.id}: unknown comparison {op!r} on {fact}")
            operand = _json_value(pack.resolve(operand, values))
            clauses.append({fact: operand} if _OPS[op] is None else {_OPS[op]: {fact: operand}})
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def compile_pack(pack: RulePack, date: dt.date, *, decision_last: bool = True) -> CompiledPack:
    """The pack's rulesets on `date`. The national pack ends with its `decision` group; a ladder pack
    (engine/ladder.py) may not (`decision_last=False`)."""
    values = pack.parameter_values(date)
    key_source = json.dumps(
        {"pack": pack.version, "values": {k: _json_value(v) for k, v in sorted(values.items())}},
        sort_keys=True,
        default=str,
    )
    key = hashlib.sha256(key_source.encode()).hexdigest()[:12]
    groups: list[CompiledGroup] = []
    answer_fields: dict[str, tuple[str, ...]] = {}
    for group in pack.groups:
        definition: dict[str, Any] = {}
        rules: dict[str, CompiledRule] = {}
        fact_names: set[str] = set()
        for target_id, target in group.targets.items():
            if target.answers is not None:
                answer_fields[target_id] = tuple(target.answers.fields)
            for rule in target.rules:
                name = f"r{len(rules)}"
                definition[name] = {"all": [{"m": compile_condition(rule.when, pack, values)}], "cap": BATCH_CAP}
                threshold = pack.resolve(rule.threshold, values)
                rules[name] = CompiledRule(name, target_id, target, rule, threshold)
                fact_names.update(rule.when)
        digest = hashlib.sha256(json.dumps(definition, sort_keys=True).encode()).hexdigest()[:12]
        groups.append(
            CompiledGroup(
                name=group.group,
                ruleset_name=f"{pack.id}.{group.group}.{digest}",
                definition=definition,
                rules=rules,
                fact_names=tuple(sorted(fact_names)),
                target_ids=tuple(group.targets),
            )
        )
    if not groups or (decision_last and groups[-1].name != "decision"):
        raise PackError(f"{pack.id}: the last group must be `decision`")
    return CompiledPack(pack, key, tuple(groups), values, answer_fields)
