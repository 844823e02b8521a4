"""Rule-change impact: a pool assessed under the packs as they are and under changed packs, and what flips.

An override is data, like the packs: parameter paths and their new values (`<pack id>.<parameter>: value`,
or a parameter name that only one pack has), or a copied pack folder that replaces the pack of the same
id. The changed packs are `RulePack.with_overrides` variants (their own rulesets, `rules_version`
`id@version+<digest>`); durable-rules decides both sides.

For every firm, `compare` says whether the verdict or a tier's status flips and on which criteria (the
national criteria and the tier's own whose outcome changed); `ImpactTally` counts the flips overall, by
town, by criterion and by tier. The CLI (`hnte impact`), the pool API and the policy page share it.
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from engine.pack import PackError, RulePack, _check_threshold_decimals, load_pack


class OverrideError(ValueError):
    """An override that cannot be applied; says why in both languages."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.message = {"zh": zh, "en": en}


@dataclass(frozen=True)
class Override:
    parameters: dict[str, dict[str, Any]] = field(default_factory=dict)  # pack id → parameter → value
    folders: tuple[str, ...] = ()  # copied pack folders, each replacing the pack of its id

    def describe(self) -> dict[str, Any]:
        paths = {f"{pack}.{name}": value for pack, values in self.parameters.items() for name, value in values.items()}
        return {"parameters": paths, "packs": [Path(folder).name for folder in self.folders]}


def _value(path: str, value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float | str | dt.date):
        raise OverrideError(f"{path}：取值须为数字、日期或文字", f"{path}: the value must be a number, a date or text")
    if isinstance(value, dt.date):
        return value
    return value


def parse_override(data: Any, packs: list[RulePack]) -> Override:
    """`{path: value}` (a flat mapping, or `{pack id: {parameter: value}}`) checked against `packs`."""
    if not isinstance(data, dict) or not data:
        raise OverrideError("修改内容须为“参数路径: 新值”的映射", "The override must map parameter paths to values")
    by_id = {pack.id: pack for pack in packs}
    owners: dict[str, list[str]] = {}
    for pack in packs:
        for name in pack.parameters:
            owners.setdefault(name, []).append(pack.id)
    flat: dict[str, Any] = {}
    for key, value in data.items():
        key = str(key)
        if isinstance(value, dict) and key in by_id:
            flat.update({f"{key}.{name}": item for name, item in value.items()})
        else:
            flat[key] = value
    chosen: dict[str, dict[str, Any]] = {}
    for path, value in flat.items():
        pack_id, _, name = path.rpartition(".")
        if not pack_id:
            found = sorted(set(owners.get(name, [])))
            if len(found) != 1:
                where = "、".join(found) if found else "无 / none"
                raise OverrideError(
                    f"参数 {name} 须写成“规则包.参数”（所在规则包：{where}）",
                    f"Parameter {name}: write it as <pack id>.{name} (packs that have it: {where})",
                )
            pack_id = found[0]
        pack = by_id.get(pack_id)
        if pack is None or name not in pack.parameters:
            raise OverrideError(f"未知的参数路径 {path}", f"Unknown parameter path {path}")
        value = _value(path, value)
        try:
            _check_threshold_decimals(pack_id, name, value)
        except PackError as error:
            raise OverrideError(f"{path}：小数位过多", str(error)) from None
        chosen.setdefault(pack_id, {})[name] = value
    return Override(parameters=chosen)


def read_override(path: Path, packs: list[RulePack]) -> Override:
    """A YAML file of parameter paths, or a copied pack folder (with its pack.yaml)."""
    if path.is_dir():
        try:
            pack = load_pack(path)
        except (PackError, OSError) as error:
            raise OverrideError(
                f"无法读取规则包目录 {path.name}", f"Cannot read the pack folder {path.name}: {error}"
            ) from None
        if pack.id not in {p.id for p in packs}:
            raise OverrideError(f"规则包 {pack.id} 不在当前规则中", f"Pack {pack.id} is not among the rules in use")
        return Override(folders=(str(path.resolve()),))
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise OverrideError(
            f"无法读取修改文件 {path.name}", f"Cannot read the override file {path.name}: {error}"
        ) from None
    return parse_override(data, packs)


def apply_override(packs: list[RulePack], override: Override) -> list[RulePack]:
    """The packs with the override applied (the others as they are)."""
    replaced = {pack.id: pack for pack in (load_pack(Path(folder)) for folder in override.folders)}
    changed = []
    for pack in packs:
        pack = replaced.get(pack.id, pack)
        values = override.parameters.get(pack.id)
        changed.append(pack.with_overrides(values) if values else pack)
    return changed


# comparing --------------------------------------------------------------------------------------------
def _flipped(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return [c for c in before if c in after and before[c].get("passed") != after[c].get("passed")]


def compare(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any] | None:
    """What flips for one firm (None when neither the verdict nor a tier's status changes): the verdict
    with the national criteria whose outcome changed, each tier whose status changed with its own.

    Reads of each side the verdict, the national criteria's `passed`, the ladder's `summary` and — only
    for a tier whose status flips — that tier's criteria (from the whole ladder)."""
    criteria = _flipped(before["criteria"], after["criteria"])
    change: dict[str, Any] = {}
    if before["verdict"] != after["verdict"]:
        change["verdict"] = {"before": before["verdict"], "after": after["verdict"], "criteria": criteria}
    # the statuses from the ladder's summary (tier → status, as its tiers say); a tier's own criteria only
    # for a tier that flips — an assessor's decisions (`decide_many`) have the summary alone
    ladder_before, ladder_after = before.get("ladder") or {}, after.get("ladder") or {}
    summary_before, summary_after = ladder_before.get("summary", {}), ladder_after.get("summary", {})
    tiers = {}
    for tier_id in dict.fromkeys([*summary_before, *summary_after]):
        status_b, status_a = summary_before.get(tier_id), summary_after.get(tier_id)
        if status_b != status_a:
            b = ladder_before["tiers"].get(tier_id) if status_b is not None else None
            a = ladder_after["tiers"].get(tier_id) if status_a is not None else None
            own = _flipped((b or {}).get("criteria", {}), (a or {}).get("criteria", {}))
            tiers[tier_id] = {"before": status_b, "after": status_a, "criteria": own}
    if tiers:
        change["tiers"] = tiers
    return change or None


def firm_record(row: int, before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """One firm's part of an impact: who it is, both verdicts and tier statuses, and what flipped."""
    company = before["company"]
    return {
        "row": row,
        "name": company["name"],
        "credit_code": company.get("credit_code"),
        "town": company.get("town"),
        "verdict": [before["verdict"], after["verdict"]],
        "criteria": _flipped(before["criteria"], after["criteria"]),
        "tiers": [(before.get("ladder") or {}).get("summary", {}), (after.get("ladder") or {}).get("summary", {})],
        "change": compare(before, after),
    }


NO_TOWN = "（未填镇区）"
ELIGIBLE = "eligible"


class ImpactTally:
    """Counts over the firms of a pool; `report()` is the impact's JSON."""

    def __init__(self, override: Override, versions: tuple[list[str], list[str]]) -> None:
        self.override = override
        self.versions = versions
        self.firms = 0
        self.invalid = 0
        self.verdicts: tuple[Counter[str], Counter[str]] = (Counter(), Counter())
        self.transitions: Counter[tuple[str, str]] = Counter()
        self.criteria: Counter[str] = Counter()  # firms whose outcome of the criterion changed
        self.tier_moves: dict[str, Counter[tuple[str | None, str | None]]] = {}
        self.towns: dict[str, Counter[str]] = {}
        self.changes: list[dict[str, Any]] = []

    def add(self, record: dict[str, Any]) -> None:
        self.firms += 1
        before, after = record["verdict"]
        self.verdicts[0][before] += 1
        self.verdicts[1][after] += 1
        self.criteria.update(record["criteria"])
        town = self.towns.setdefault(record["town"] or NO_TOWN, Counter())
        town["firms"] += 1
        change = record["change"]
        if change is None:
            return
        self.changes.append({k: record[k] for k in ("row", "name", "credit_code", "town")} | change)
        if "verdict" in change:
            self.transitions[(before, after)] += 1
            town["verdict_flips"] += 1
            town["became_eligible"] += after == ELIGIBLE
            town["no_longer_eligible"] += before == ELIGIBLE
        for tier_id, move in change.get("tiers", {}).items():
            self.tier_moves.setdefault(tier_id, Counter())[(move["before"], move["after"])] += 1
            self.criteria.update(f"{tier_id}.{c}" for c in move["criteria"])
        if "tiers" in change:
            town["tier_flips"] += 1

    def report(self) -> dict[str, Any]:
        towns = [
            {
                "town": town,
                "firms": counts["firms"],
                "verdict_flips": counts["verdict_flips"],
                "became_eligible": counts["became_eligible"],
                "no_longer_eligible": counts["no_longer_eligible"],
                "tier_flips": counts["tier_flips"],
            }
            for town, counts in sorted(self.towns.items())
        ]
        tiers = {
            tier_id: {
                "gained": sum(n for (b, a), n in moves.items() if a == "met"),
                "lost": sum(n for (b, a), n in moves.items() if b == "met"),
                "moves": [{"before": b, "after": a, "firms": n} for (b, a), n in moves.most_common()],
            }
            for tier_id, moves in sorted(self.tier_moves.items())
        }
        return {
            "override": self.override.describe(),
            "rules_versions": {"before": self.versions[0], "after": self.versions[1]},
            "firms": self.firms,
            "invalid_rows": self.invalid,
            "flipped": len(self.changes),
            "verdict_flips": sum(self.transitions.values()),
            "tier_flips": sum(1 for change in self.changes if "tiers" in change),
            "verdicts": {"before": dict(self.verdicts[0]), "after": dict(self.verdicts[1])},
            "transitions": [{"before": b, "after": a, "firms": n} for (b, a), n in self.transitions.most_common()],
            "criteria": dict(self.criteria.most_common()),
            "tiers": tiers,
            "by_town": towns,
            "changes": sorted(self.changes, key=lambda change: change["row"]),
        }
