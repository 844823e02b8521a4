"""What-if: the profile before and after a few changes, both assessed, and what moved.

A change names a field by its contract path — `years[2].rd_expense`, `ip.class1`, `application_date` —
and gives the new value (JSON `null` clears the field). The changed profile is validated like any input,
so a change that breaks the contract is refused with the same bilingual field errors.
"""

import copy
import json
import re
from decimal import Decimal
from typing import Any

from engine.assessor import Assessor
from engine.labels import message
from engine.validation import ProfileInvalid, validate_profile

TOKEN = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]")


def _error(index: int, kind: str, path: str) -> dict[str, Any]:
    template = message(kind) or {"zh": "{path}", "en": "{path}"}
    return {"field": f"changes[{index}].path", "message": {k: v.format(path=path) for k, v in template.items()}}


def parse_path(path: str) -> list[str | int] | None:
    """'years[2].rd_expense' → ['years', 2, 'rd_expense']; None when malformed."""
    tokens: list[str | int] = []
    position = 0
    for match in TOKEN.finditer(path):
        gap = path[position : match.start()]
        if gap not in ("", ".") or (gap == "." and not tokens) or (gap == "" and tokens and match.group(1)):
            return None
        tokens.append(match.group(1) if match.group(1) else int(match.group(2)))
        position = match.end()
    return tokens if tokens and position == len(path) else None


def apply_changes(data: dict[str, Any], changes: list[dict[str, Any]]) -> dict[str, Any]:
    """A copy of `data` with every change made; ProfileInvalid naming each change that cannot be made."""
    changed = copy.deepcopy(data)
    errors = []
    for index, change in enumerate(changes):
        path = change.get("path") if isinstance(change, dict) else None
        tokens = parse_path(path) if isinstance(path, str) else None
        if tokens is None or not isinstance(tokens[0], str):
            errors.append(_error(index, "hnte_change_path", str(path)))
            continue
        node: Any = changed
        for position, token in enumerate(tokens[:-1]):
            following = tokens[position + 1]
            if isinstance(token, int):
                if not isinstance(node, list) or token >= len(node):
                    node = None
                    break
                node = node[token]
            else:
                if not isinstance(node, dict):
                    node = None
                    break
                if node.get(token) is None:
                    if isinstance(following, int):
                        node = None
                        break
                    node[token] = {}
                node = node[token]
        last = tokens[-1]
        if isinstance(last, int) and isinstance(node, list) and last < len(node):
            node[last] = change.get("value")
        elif isinstance(last, str) and isinstance(node, dict):
            node[last] = change.get("value")
        else:
            errors.append(_error(index, "hnte_change_missing", str(path)))
    if errors:
        raise ProfileInvalid(errors)
    return changed


def _pair(before: Any, after: Any) -> dict[str, Any]:
    return {"before": before, "after": after, "changed": before != after}


def _number_change(before: Any, after: Any) -> Any:
    if isinstance(before, int | float) and isinstance(after, int | float) and not isinstance(before, bool):
        return float(Decimal(str(after)) - Decimal(str(before)))
    return None


def delta(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """What moved between two assessments: verdict, readiness, each criterion, each indicator and item."""
    criteria = {}
    for cid, old in before["criteria"].items():
        new = after["criteria"][cid]
        criteria[cid] = {
            "passed": _pair(old["passed"], new["passed"]),
            "actual": {**_pair(old["actual"], new["actual"]), "change": _number_change(old["actual"], new["actual"])},
            "gap": _pair(old["gap"], new["gap"]),
            "changed": old["passed"] != new["passed"] or old["actual"] != new["actual"] or old["gap"] != new["gap"],
        }
    indicators = {}
    for iid, old in before["innovation"]["indicators"].items():
        new = after["innovation"]["indicators"][iid]
        indicators[iid] = {
            "min": {**_pair(old["min"], new["min"]), "change": new["min"] - old["min"]},
            "max": {**_pair(old["max"], new["max"]), "change": new["max"] - old["max"]},
            "items": {
                item: {"min": _pair(value["min"], new["items"][item]["min"]),
                       "max": _pair(value["max"], new["items"][item]["max"])}
                for item, value in old.get("items", {}).items()
            },
        }
    innovation = {
        "min": {**_pair(before["innovation"]["min"], after["innovation"]["min"]),
                "change": after["innovation"]["min"] - before["innovation"]["min"]},
        "max": {**_pair(before["innovation"]["max"], after["innovation"]["max"]),
                "change": after["innovation"]["max"] - before["innovation"]["max"]},
        "indicators": indicators,
    }
    return {
        "verdict": _pair(before["verdict"], after["verdict"]),
        "readiness": {**_pair(before["readiness"], after["readiness"]),
                      "change": _number_change(before["readiness"], after["readiness"])},
        "criteria": criteria,
        "innovation": innovation,
        "changed_criteria": [cid for cid, c in criteria.items() if c["changed"]],
    }


def what_if(assessor: Assessor, data: Any, changes: list[dict[str, Any]]) -> dict[str, Any]:
    """Both assessments and the delta. `data` is the profile as JSON text or a dict."""
    if isinstance(data, bytes | str):
        try:
            data = json.loads(data, parse_float=Decimal)
        except (json.JSONDecodeError, UnicodeDecodeError):
            validate_profile(data)  # raises the contract's error for malformed JSON
    profile = validate_profile(data)
    if not isinstance(data, dict):
        raise ProfileInvalid([_error(0, "hnte_change_path", "(root)")])
    changed = validate_profile(apply_changes(data, changes))
    before, after = assessor.assess_many([profile, changed])
    return {"changes": changes, "before": before, "after": after, "delta": delta(before, after)}
