"""A rule pack's description turned into lines a policy officer reads: conditions with their values."""

from typing import Any

OPERATORS = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "==": "=", "!=": "≠"}


def _value(value: Any, parameters: dict[str, Any]) -> str:
    if isinstance(value, str) and value.startswith("$"):
        name = value[1:]
        in_force = parameters.get(name, {}).get("in_force")
        return f"{in_force} ({name})" if in_force is not None else value
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def condition_lines(when: dict[str, Any], parameters: dict[str, Any]) -> list[str]:
    """{"usable_ip": {">=": "$min_usable_ip"}} → ["usable_ip ≥ 1 (min_usable_ip)"]."""
    lines = []
    for fact, test in when.items():
        if isinstance(test, dict):
            for operator, value in test.items():
                lines.append(f"{fact} {OPERATORS.get(operator, operator)} {_value(value, parameters)}")
        else:
            lines.append(f"{fact} = {_value(test, parameters)}")
    return lines


def readable_pack(described: dict[str, Any]) -> dict[str, Any]:
    """The description with every rule's `when` also given as readable `conditions`."""
    parameters = described.get("parameters", {})
    for group in described.get("groups", []):
        for target in group.get("targets", {}).values():
            for rule in target.get("rules", []):
                rule["conditions"] = condition_lines(rule.get("when", {}), parameters)
    return described
