"""Input validation at the edge: every offending field, with a reason in Chinese and English.

pydantic reports each field's own errors, but stops at the first cross-field error of an object and skips
an object's cross-field checks once one of its fields failed. So the contract's cross-field rules are also
run over the raw input, on every value that parses by itself, and both lists are merged: every offending
field is named once for each reason.
"""

import datetime as dt
import json
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError

from engine.fields import field_for
from engine.labels import field_label, message
from engine.profile import ISO_DATE, MAX_LIST, Oversized, Profile, today_in_china

# A profile nests 3 levels deep; JSON nested deeper than this is refused (Python's own parser would fail
# with a RecursionError near 1,000 levels). Numbers with more characters than MAX_NUMBER_CHARS are not
# converted at all (Python refuses integers of 4,300+ digits, and converting a huge Decimal to an integer
# grows with the square of its digits): the field holding one is named in a "too large" error.
MAX_JSON_DEPTH = 64
MAX_NUMBER_CHARS = 40

# (part, whole) pairs of a year entry: the part may not exceed the whole
YEAR_PARTS = (
    ("staff_sci_tech", "staff_total"),
    ("rd_expense_domestic", "rd_expense"),
    ("high_tech_revenue", "total_revenue"),
)


class ProfileInvalid(ValueError):
    """A profile that breaks the contract; `errors` lists every offending field."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__(f"{len(errors)} invalid field(s)")
        self.errors = errors


def field_path(loc: tuple[Any, ...]) -> str:
    """('years', 1, 'staff_total') → 'years[1].staff_total'."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += ("." if path else "") + str(part)
    return path or "(root)"


def _translate(error: dict[str, Any]) -> tuple[str, str, dict[str, str]]:
    """(field path, error type, bilingual reason)."""
    kind = error["type"]
    ctx = dict(error.get("ctx") or {})
    loc = tuple(error["loc"])
    if "at" in ctx:
        loc = loc + tuple(int(p) if p.isdigit() else p for p in str(ctx.pop("at")).split("."))
    template = message(kind) or message("fallback")
    assert template is not None
    ctx.setdefault("msg", error.get("msg", ""))
    choices = field_for(field_path(loc)) if kind in ("enum", "literal_error") else None
    if choices is not None and choices.values:  # the allowed values in the reader's language, with their codes
        template = message("hnte_choice") or template
        ctx["codes"] = ", ".join(choice.code for choice in choices.values)
    text: dict[str, str] = {}
    for lang in ("zh", "en"):
        values = {k: v for k, v in ctx.items()}
        if choices is not None and choices.values:
            values["allowed"] = choices.allowed(lang)
        for key in ("part", "whole"):  # field names in words
            if key in values:
                values[key] = field_label(str(values[key]))[lang]
        try:
            text[lang] = template[lang].format(**values)
        except (KeyError, IndexError):
            fallback = message("fallback")
            assert fallback is not None
            text[lang] = fallback[lang].format(msg=error.get("msg", ""))
    return field_path(loc), kind, text


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    try:
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _date(value: Any) -> dt.date | None:
    if isinstance(value, str) and ISO_DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _year_checks(section: str, years: Any) -> list[dict[str, Any]]:
    """Duplicated years and parts above their wholes in one list of year entries."""
    found: list[dict[str, Any]] = []
    if isinstance(years, list):
        seen: set[int] = set()
        for index, entry in enumerate(years[:MAX_LIST]):  # beyond it, the list's length is the error
            if not isinstance(entry, dict):
                continue
            year = entry.get("year")
            if isinstance(year, int) and not isinstance(year, bool):
                if year in seen:
                    found.append(
                        {"type": "hnte_duplicate_year", "loc": (section, index, "year"), "ctx": {"year": year}}
                    )
                seen.add(year)
            for part, whole in YEAR_PARTS:
                part_value, whole_value = _number(entry.get(part)), _number(entry.get(whole))
                if part_value is not None and whole_value is not None and part_value > whole_value:
                    found.append(
                        {
                            "type": "hnte_part_exceeds_whole",
                            "loc": (section, index, part),
                            "ctx": {"part": part, "whole": whole},
                        }
                    )
    return found


def _raw_cross_checks(data: Any) -> list[dict[str, Any]]:
    """The contract's cross-field rules over the raw input, wherever the values involved parse."""
    found: list[dict[str, Any]] = []
    if not isinstance(data, dict):
        return found
    for section in ("years", "projections"):
        found += _year_checks(section, data.get(section))
    ip = data.get("ip")
    if isinstance(ip, dict):
        used, owned = ip.get("class2_used"), ip.get("class2")
        used = used if isinstance(used, int) and not isinstance(used, bool) else None
        owned = 0 if owned is None else owned if isinstance(owned, int) and not isinstance(owned, bool) else None
        if used is not None and owned is not None and used > owned:
            found.append(
                {
                    "type": "hnte_part_exceeds_whole",
                    "loc": ("ip", "class2_used"),
                    "ctx": {"part": "ip.class2_used", "whole": "ip.class2"},
                }
            )
    company = data.get("company")
    registered = _date(company.get("registered_on")) if isinstance(company, dict) else None
    applied = data.get("application_date")
    application = today_in_china() if applied is None else _date(applied)
    if registered is not None and application is not None and registered > application:
        found.append({"type": "hnte_registered_after_application", "loc": ("company", "registered_on")})
    return found


def _json_int(text: str) -> int | Oversized:
    return int(text) if len(text) <= MAX_NUMBER_CHARS else Oversized()


def _json_float(text: str) -> Decimal | Oversized:
    if len(text) > MAX_NUMBER_CHARS:
        return Oversized()
    try:
        return Decimal(text)
    except ArithmeticError:  # an exponent beyond what Decimal holds (1e999999999999999999)
        return Oversized()


def _depth_exceeds(data: Any, limit: int) -> bool:
    """Whether containers nest more than `limit` deep (iterative: no recursion on hostile input)."""
    stack = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict | list):
            if depth > limit:
                return True
            stack.extend((child, depth + 1) for child in (node.values() if isinstance(node, dict) else node))
    return False


def _root_error(kind: str, ctx: dict[str, Any]) -> ProfileInvalid:
    path, _, text = _translate({"type": kind, "loc": (), "ctx": ctx})
    return ProfileInvalid([{"field": path, "message": text}])


def parse_json(text: str | bytes) -> Any:
    """JSON text → Python values, with numbers as validate_profile expects them; ProfileInvalid when
    the text is not JSON or nests deeper than MAX_JSON_DEPTH. Never stalls or overflows on hostile input.

    Not pydantic's `validate_json` (issue 12 weighed it for the API body): its parser hands every number to
    the validators as a binary float or an int, so 0.1000000000000000055511151231257827 would pass rounded
    (the contract refuses its 34 decimals), 1.00000 would lose its written form, and a 51-digit number would
    be converted instead of refused by its length; invalid JSON would read differently too."""
    try:
        data = json.loads(text, parse_float=_json_float, parse_int=_json_int)
    except RecursionError:
        raise _root_error("hnte_json_depth", {"limit": MAX_JSON_DEPTH}) from None
    except (ValueError, ArithmeticError) as error:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise _root_error("json_invalid", {"error": str(error)[:200]}) from None
    # bracket count first: a profile has a few dozen at most, so the walk runs only on odd input
    opening = (b"[", b"{") if isinstance(text, bytes) else ("[", "{")
    brackets = text.count(opening[0]) + text.count(opening[1])  # type: ignore[arg-type]
    if brackets > MAX_JSON_DEPTH and _depth_exceeds(data, MAX_JSON_DEPTH):
        raise _root_error("hnte_json_depth", {"limit": MAX_JSON_DEPTH})
    return data


def validate_profile(data: Any) -> Profile:
    """A Profile from a dict or JSON text, or ProfileInvalid naming every offending field."""
    if isinstance(data, bytes | str):
        data = parse_json(data)
    try:
        return Profile.model_validate(data)
    except ValidationError as error:
        raw = [dict(e) for e in error.errors()] + _raw_cross_checks(data)
        errors: list[dict[str, Any]] = []
        seen: set[tuple[str, str]] = set()
        for item in raw:
            path, kind, text = _translate(item)
            if (path, kind) not in seen:
                seen.add((path, kind))
                errors.append({"field": path, "message": text})
        raise ProfileInvalid(errors) from None
