"""The assessment as a readable terminal report, Chinese by default, English with --lang en."""

from typing import Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from api.report_view import criterion_rows
from cli.ladder_report import render_ladder
from engine.assessment import CRITERIA
from engine.citations import cite
from engine.fields import value_label

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


def _rows(assessment: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each criterion's value, threshold and gap as the web report shows them: with units (万元, 人, %, 件,
    CNY … million), the innovation score as its range, the domain by its name (the field catalogue)."""
    rows = {row["id"]: row for row in criterion_rows(assessment, None)}
    domain = assessment["criteria"].get("tech_domain", {}).get("actual")
    label = value_label("tech_domain", domain) if domain is not None else None
    if "tech_domain" in rows and label is not None:
        rows["tech_domain"]["actual"] = label.as_dict()
    return rows


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
    rows = _rows(assessment)
    for key in CRITERIA_ORDER:
        entry = assessment["criteria"][key]
        passed = entry["passed"]
        result = w["pass"] if passed is True else w["fail"] if passed is False else w["unknown"]
        style = "green" if passed is True else "red" if passed is False else "yellow"
        title = (entry.get("title") or {}).get(lang, key)
        row = rows[key]
        shown = (row["actual"][lang], row["threshold"][lang], row["gap"][lang])
        criteria.add_row(title, Text(result, style=style), *shown)
        notes.append(f"{title}: ", style="bold")
        notes.append(f"{(entry.get('message') or {}).get(lang, '')}")
        notes.append(f"  〔{w['citation']}: {cite(entry['citation'], lang)}〕\n", style="dim")
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
