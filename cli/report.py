"""The assessment as a readable terminal report, Chinese by default, English with --lang en."""

from typing import Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from cli.ladder_report import render_ladder
from engine.assessment import CRITERIA

CRITERIA_ORDER = CRITERIA
WORDS = {
    "zh": {
        "title": "高新技术企业申报预诊断",
        "verdict": "结论",
        "readiness": "准备度指数",
        "window": "评价窗口",
        "rules": "规则版本",
        "criterion": "条件",
        "result": "结果",
        "actual": "企业数值",
        "threshold": "要求",
        "gap": "差距",
        "citation": "依据",
        "innovation": "创新能力评价",
        "indicator": "指标",
        "range": "预计得分",
        "max": "满分",
        "pass_mark": "及格线",
        "shortfalls": "短板与建议",
        "none": "无",
        "pass": "✔ 通过",
        "fail": "✘ 未通过",
        "unknown": "？待定",
        "convention": "本产品约定",
        "company": "企业",
        "date": "申报日期",
    },
    "en": {
        "title": "HNTE pre-diagnosis",
        "verdict": "Verdict",
        "readiness": "Readiness",
        "window": "Window",
        "rules": "Rules",
        "criterion": "Criterion",
        "result": "Result",
        "actual": "Firm's value",
        "threshold": "Required",
        "gap": "Gap",
        "citation": "Source",
        "innovation": "Innovation score",
        "indicator": "Indicator",
        "range": "Predicted",
        "max": "Max",
        "pass_mark": "Pass mark",
        "shortfalls": "Shortfalls and remedies",
        "none": "none",
        "pass": "✔ pass",
        "fail": "✘ fail",
        "unknown": "? unknown",
        "convention": "product convention",
        "company": "Firm",
        "date": "Application date",
    },
}
VERDICT_STYLE = {
    "eligible": "bold green",
    "borderline": "bold yellow",
    "incomplete": "bold cyan",
    "not_eligible": "bold red",
}


def _value(value: Any, unit: str | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and unit == "ratio":
        return f"{value * 100:.2f}%"
    return str(value)


def render(assessment: dict[str, Any], lang: str = "zh") -> Group:
    w = WORDS[lang]
    verdict = assessment["verdict"]
    label = (assessment.get("verdict_label") or {}).get(lang, verdict)
    company = assessment.get("company") or {}
    head = Text()
    head.append(f"{w['company']}: {company.get('name', '')}    {w['date']}: {assessment['application_date']}\n")
    head.append(f"{w['verdict']}: ")
    head.append(label, style=VERDICT_STYLE.get(verdict, "bold"))
    head.append(f"    {w['readiness']}: {assessment['readiness']}\n")
    head.append(
        f"{w['window']}: {', '.join(map(str, assessment['window'])) or w['none']}    "
        f"{w['rules']}: {assessment['rules_version']}"
    )

    criteria = Table(title=w["criterion"], show_lines=False, expand=True)
    for column in ("criterion", "result", "actual", "threshold", "gap"):
        criteria.add_column(w[column], overflow="fold")
    notes = Text()
    for key in CRITERIA_ORDER:
        entry = assessment["criteria"][key]
        passed = entry["passed"]
        result = w["pass"] if passed is True else w["fail"] if passed is False else w["unknown"]
        style = "green" if passed is True else "red" if passed is False else "yellow"
        unit = entry.get("unit")
        title = (entry.get("title") or {}).get(lang, key)
        criteria.add_row(
            title,
            Text(result, style=style),
            _value(entry["actual"], unit),
            _value(entry["threshold"], unit),
            _value(entry["gap"], None),
        )
        notes.append(f"{title}: ", style="bold")
        notes.append(f"{(entry.get('message') or {}).get(lang, '')}")
        notes.append(f"  〔{w['citation']}: {entry['citation']}〕\n", style="dim")
        if entry.get("convention"):
            notes.append(f"    * {w['convention']}: {entry['convention'][lang]}\n", style="dim")

    innovation = assessment["innovation"]
    scores = Table(
        title=f"{w['innovation']} {innovation['min']}–{innovation['max']} / 100  "
        f"({w['pass_mark']} {innovation['pass_mark']})",
        expand=True,
    )
    scores.add_column(w["indicator"])
    scores.add_column(w["range"])
    scores.add_column(w["max"])
    for key, indicator in innovation["indicators"].items():
        title = (indicator.get("title") or {}).get(lang, key)
        scores.add_row(title, f"{indicator['min']}–{indicator['max']}", str(indicator.get("max_points", "")))

    lines = Text()
    for number, shortfall in enumerate(assessment["shortfalls"], 1):
        lines.append(f"{number}. {shortfall['message'][lang]}\n", style="bold")
        lines.append(f"   → {shortfall['remediation'][lang]}\n")
    if not assessment["shortfalls"]:
        lines.append(w["none"])
    parts = [Panel(head, title=w["title"]), criteria, notes, scores, Panel(lines, title=w["shortfalls"])]
    if assessment.get("readiness_convention"):
        parts.append(Text(f"* {w['readiness']}: {assessment['readiness_convention'][lang]}", style="dim"))
    parts += render_ladder(assessment, lang)  # the cultivation ladder, when tier packs are loaded
    if assessment.get("disclaimer"):
        parts.append(Text(assessment["disclaimer"][lang], style="dim italic"))
    return Group(*parts)


def print_report(assessment: dict[str, Any], lang: str = "zh", console: Console | None = None) -> None:
    (console or Console()).print(render(assessment, lang))
