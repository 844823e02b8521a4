"""Input validation at the edge: every offending field, with a reason in Chinese and English."""

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from engine.profile import Profile

# pydantic error type → (zh, en); {…} fields come from the error's context.
MESSAGES: dict[str, tuple[str, str]] = {
    "missing": ("缺少必填字段", "This field is required"),
    "int_type": ("应为整数", "Must be a whole number"),
    "int_from_float": ("应为整数", "Must be a whole number"),
    "int_parsing": ("应为整数", "Must be a whole number"),
    "bool_type": ("应为 true 或 false", "Must be true or false"),
    "bool_parsing": ("应为 true 或 false", "Must be true or false"),
    "decimal_type": ("应为数字", "Must be a number"),
    "decimal_parsing": ("应为数字", "Must be a number"),
    "hnte_number_type": ("应为数字（不能是文本或布尔值）", "Must be a number (not text or a boolean)"),
    "decimal_max_places": ("小数位数不得超过 {decimal_places} 位", "At most {decimal_places} decimal places"),
    "finite_number": ("应为有限数值", "Must be a finite number"),
    "greater_than_equal": ("不得小于 {ge}", "Must be at least {ge}"),
    "less_than_equal": ("不得大于 {le}", "Must be at most {le}"),
    "string_type": ("应为文本", "Must be text"),
    "string_too_short": ("不得为空", "Must not be empty"),
    "string_too_long": ("长度不得超过 {max_length} 个字符", "At most {max_length} characters"),
    "date_type": ("应为 YYYY-MM-DD 格式的日期", "Must be a date as YYYY-MM-DD"),
    "date_parsing": ("应为 YYYY-MM-DD 格式的日期", "Must be a date as YYYY-MM-DD"),
    "date_from_datetime_parsing": ("应为 YYYY-MM-DD 格式的日期", "Must be a date as YYYY-MM-DD"),
    "date_from_datetime_inexact": ("应为日期，不含时刻", "Must be a date without a time"),
    "enum": ("取值应为以下之一：{expected}", "Must be one of: {expected}"),
    "literal_error": ("取值应为以下之一：{expected}", "Must be one of: {expected}"),
    "list_type": ("应为列表", "Must be a list"),
    "model_type": ("应为对象", "Must be an object"),
    "model_attributes_type": ("应为对象", "Must be an object"),
    "dict_type": ("应为对象", "Must be an object"),
    "json_invalid": ("不是有效的 JSON：{error}", "Not valid JSON: {error}"),
    "json_type": ("应为 JSON 文本", "Must be JSON text"),
    "hnte_credit_code": (
        "统一社会信用代码格式错误或校验位不符（GB 32100-2015）",
        "Malformed unified social credit code, or wrong check character (GB 32100-2015)",
    ),
    "hnte_part_exceeds_whole": ("{part} 不得大于 {whole}", "{part} must not exceed {whole}"),
    "hnte_duplicate_year": ("年度 {year} 重复出现", "Year {year} appears more than once"),
    "hnte_registered_after_application": (
        "注册日期不得晚于申报日期",
        "The registration date must not be after the application date",
    ),
    # the ladder's optional sections (docs/ladder.md)
    "hnte_certificate_after_application": (
        "证书发证日期不得晚于申报（评估）日期",
        "The certificate date must not be after the application (assessment) date",
    ),
    "hnte_year_after_application": (
        "年份不得晚于申报（评估）年度",
        "The year must not be after the application (assessment) year",
    ),
}


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


def _translate(error: dict[str, Any]) -> dict[str, Any]:
    kind = error["type"]
    ctx = dict(error.get("ctx") or {})
    loc = tuple(error["loc"])
    if "at" in ctx:
        loc = loc + tuple(int(p) if p.isdigit() else p for p in str(ctx.pop("at")).split("."))
    zh, en = MESSAGES.get(kind, ("取值无效：{msg}", "Invalid value: {msg}"))
    ctx.setdefault("msg", error.get("msg", ""))
    try:
        message = {"zh": zh.format(**ctx), "en": en.format(**ctx)}
    except (KeyError, IndexError):
        message = {"zh": f"取值无效：{error.get('msg', '')}", "en": f"Invalid value: {error.get('msg', '')}"}
    return {"field": field_path(loc), "message": message}


def _raw_cross_checks(data: Any) -> list[dict[str, Any]]:
    """Profile-level checks that pydantic skips once a nested field failed: still report them."""
    found: list[dict[str, Any]] = []
    if not isinstance(data, dict):
        return found
    years = data.get("years")
    if isinstance(years, list):
        seen: set[Any] = set()
        for index, entry in enumerate(years):
            year = entry.get("year") if isinstance(entry, dict) else None
            if isinstance(year, int) and not isinstance(year, bool):
                if year in seen:
                    found.append(
                        {"type": "hnte_duplicate_year", "loc": (), "ctx": {"year": year, "at": f"years.{index}.year"}}
                    )
                seen.add(year)
    company = data.get("company")
    registered = company.get("registered_on") if isinstance(company, dict) else None
    applied = data.get("application_date")
    try:
        registered_on = dt.date.fromisoformat(registered) if isinstance(registered, str) else None
        application = dt.date.fromisoformat(applied) if isinstance(applied, str) else dt.date.today()
    except ValueError:
        registered_on = None
    if registered_on is not None and registered_on > application:
        found.append({"type": "hnte_registered_after_application", "loc": (), "ctx": {"at": "company.registered_on"}})
    return found


def validate_profile(data: Any) -> Profile:
    """A Profile from a dict or JSON text, or ProfileInvalid naming every offending field."""
    if isinstance(data, bytes | str):
        try:
            data = json.loads(data, parse_float=Decimal)
        except json.JSONDecodeError as error:
            raise ProfileInvalid(
                [_translate({"type": "json_invalid", "loc": (), "ctx": {"error": str(error)}})]
            ) from None
    try:
        return Profile.model_validate(data)
    except ValidationError as error:
        raw = [dict(e) for e in error.errors()]
        raw += [e for e in _raw_cross_checks(data) if e["type"] not in {r["type"] for r in raw}]
        translated: list[dict[str, Any]] = []
        for item in raw:
            entry = _translate(item)
            if entry not in translated:
                translated.append(entry)
        raise ProfileInvalid(translated) from None
