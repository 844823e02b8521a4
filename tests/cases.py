"""The readable case files of fixtures/cases/: loading, merging over a base, and subset matching."""

import copy
from pathlib import Path
from typing import Any

import yaml

CASES_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "cases"


def load_bases(directory: Path = CASES_DIR) -> dict[str, Any]:
    return yaml.safe_load((directory / "_bases.yaml").read_text(encoding="utf-8"))


def _jsonable(value: Any) -> Any:
    """YAML dates → ISO strings, as a JSON client would send them."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def merge(base: Any, changes: Any) -> Any:
    """`changes` over `base`: mappings merge, `years` merge by year (`drop: true` removes one),
    `all_years` applies to each year, `append_years` appends entries as they are."""
    if not isinstance(base, dict) or not isinstance(changes, dict):
        return copy.deepcopy(changes)
    result = copy.deepcopy(base)
    for key, value in changes.items():
        if key == "append_years":  # appended as they are, e.g. to duplicate a year
            result.setdefault("years", []).extend(copy.deepcopy(value))
        elif key == "all_years":
            for entry in result.get("years", []):
                entry.update(copy.deepcopy(value))
        elif key == "years" and isinstance(value, list) and isinstance(result.get("years"), list):
            by_year = {entry["year"]: entry for entry in result["years"]}
            for entry in value:
                if entry.get("drop"):
                    result["years"] = [e for e in result["years"] if e["year"] != entry["year"]]
                elif entry["year"] in by_year:
                    by_year[entry["year"]].update(copy.deepcopy(entry))
                else:
                    result["years"].append(copy.deepcopy(entry))
        elif isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merge(result[key], value)
        else:
            result[key] = copy.deepcopy(value)
    return result


def base_profile(changes: dict[str, Any] | None = None, base: str = "healthy") -> dict[str, Any]:
    """A base profile of _bases.yaml with `changes` merged over it, as JSON-ready data."""
    return _jsonable(merge(load_bases()[base], changes or {}))


def load_cases(directory: Path = CASES_DIR) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(id, profile, expected) for every case of every theme file."""
    bases = load_bases(directory)
    cases = []
    for path in sorted(directory.glob("*.yaml")):
        if path.name.startswith("_"):
            continue
        theme = yaml.safe_load(path.read_text(encoding="utf-8"))
        base = bases[theme["base"]] if theme.get("base") else {}
        for case in theme["cases"]:
            profile = _jsonable(merge(base, case.get("input") or {}))
            cases.append((f"{path.stem}: {case['name']}", profile, case["expected"]))
    return cases


def mismatches(expected: Any, actual: Any, path: str = "") -> list[str]:
    """Where `actual` differs from the expected subset (`shortfalls_include` lists shortfall codes)."""
    found: list[str] = []
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{path}: expected an object, got {actual!r}"]
        for key, value in expected.items():
            if key == "shortfalls_include":
                codes = [s["code"] for s in actual.get("shortfalls", [])]
                found += [f"shortfalls: {code} missing (have {codes})" for code in value if code not in codes]
            elif key == "shortfalls_exclude":
                codes = [s["code"] for s in actual.get("shortfalls", [])]
                found += [f"shortfalls: {code} present" for code in value if code in codes]
            elif key not in actual:
                found.append(f"{path}.{key}: missing")
            else:
                found += mismatches(value, actual[key], f"{path}.{key}")
    elif isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        for index, (e, a) in enumerate(zip(expected, actual, strict=True)):
            found += mismatches(e, a, f"{path}[{index}]")
    elif expected != actual or (type(expected) is bool and type(actual) is not bool):
        found.append(f"{path}: expected {expected!r}, got {actual!r}")
    return found
