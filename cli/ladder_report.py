"""The cultivation ladder in the terminal report: every tier with its status, the next tier and what it
takes, a recognised firm's upkeep, and for each tier the criteria that explain its status (docs/ladder.md).
"""

from typing import Any

from rich.console import RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from engine.citations import cite
from engine.detail import is_summary
from engine.ladder import explaining
from engine.ladder_views import text_of

WORDS = {
    "zh": {
        "title": "培育阶梯",
        "tier": "层级",
        "status": "结论",
        "route": "符合途径 / 说明",
        "highest": "已达到的最高层级",
        "next": "下一层级",
        "takes": "尚需",
        "none": "无",
        "upkeep": "高企资格维持",
        "valid_until": "证书有效期至",
        "reapply": "重新认定年度",
        "report_due": "年报截止",
        "targets": "年度目标与事项",
        "example": "示例标准",
        "citation": "依据",
        "met": "符合",
        "not_met": "暂不符合",
        "unknown": "待定",
        "gap": "差距",
        "unavailable": "未评价",
        "last_plan": "上一期行动方案的目标（仅供参考）",
        "pools": "五级梯次培育库",
    },
    "en": {
        "title": "Cultivation ladder",
        "tier": "Tier",
        "status": "Status",
        "route": "Route / note",
        "highest": "Highest tier reached",
        "next": "Next tier",
        "takes": "still needs",
        "none": "none",
        "upkeep": "Keeping HNTE status",
        "valid_until": "certificate valid until",
        "reapply": "apply again in",
        "report_due": "annual report due",
        "targets": "Yearly targets and tasks",
        "example": "example criteria",
        "citation": "Source",
        "met": "met",
        "not_met": "not met",
        "unknown": "unknown",
        "gap": "gap",
        "unavailable": "Not assessed",
        "last_plan": "The last action plan's targets (for reference)",
        "pools": "The five cultivation pools",
    },
}
STATUS_STYLE = {"met": "green", "not_met": "red", "unknown": "yellow"}
MARK = {True: ("✔", "green"), False: ("✘", "red"), None: ("？", "yellow")}


def _criterion_line(entry: dict[str, Any], lang: str, w: dict[str, str]) -> Text:
    mark, style = MARK[entry["passed"]]
    line = Text(f"  {mark} ", style=style)
    line.append(f"{entry['title'][lang]}: ", style="bold")
    line.append((entry.get("message") or {}).get(lang, ""))
    if entry.get("gap") is not None and entry["passed"] is not True:
        gap = text_of(entry["gap"], entry.get("gap_unit") or entry.get("unit"))[0 if lang == "zh" else 1]
        line.append(f"  [{w['gap']}: {gap}]")
    line.append(f"  〔{w['citation']}: {cite(entry['citation'], lang)}〕", style="dim")
    return line


def render_ladder(assessment: dict[str, Any], lang: str = "zh") -> list[RenderableType]:
    ladder = assessment.get("ladder")
    if not ladder:
        return []
    if is_summary(assessment):  # the default view has no tier's criteria to show
        raise ValueError("the report's ladder needs the ladder's detail (assess with ladder_detail=True)")
    w = WORDS[lang]
    tiers = ladder["tiers"]
    table = Table(title=w["title"], expand=True)
    for column in ("tier", "status", "route"):
        table.add_column(w[column], overflow="fold")
    for tier in tiers.values():
        status = tier["status"]
        note = ""
        if tier.get("route"):
            note = tier["routes"][tier["route"]]["title"][lang]
        if tier.get("example"):
            note = (
                f"{note}（{w['example']}）"
                if note and lang == "zh"
                else f"{note} ({w['example']})"
                if note
                else w["example"]
            )
        label = (tier.get("status_label") or {}).get(lang) or w.get(status, status)
        table.add_row(tier["title"][lang], Text(label, style=STATUS_STYLE.get(status, "")), note)

    head = Text()
    highest = ladder.get("highest_tier")
    head.append(f"{w['highest']}: ", style="bold")
    head.append(tiers[highest]["title"][lang] if highest else w["none"])
    nxt = ladder.get("next_tier")
    if nxt:
        head.append(f"\n{w['next']}: ", style="bold")
        head.append(f"{nxt['title'][lang]} — {w['takes']}:\n")
        for entry in nxt["failing"]:
            head.append_text(_criterion_line(entry, lang, w))
            head.append("\n")
    parts: list[RenderableType] = [table, Panel(head, title=w["title"])]

    details = Text()
    for tier in tiers.values():
        details.append(f"{tier['title'][lang]} — ", style="bold")
        details.append(w.get(tier["status"], tier["status"]), style=STATUS_STYLE.get(tier["status"], ""))
        details.append(f"  〔{w['citation']}: {cite(tier['citation'], lang)}〕\n", style="dim")
        for criterion_id in explaining(tier):
            details.append_text(_criterion_line(tier["criteria"][criterion_id], lang, w))
            details.append("\n")
    notes = {tier["example_note"][lang] for tier in tiers.values() if tier.get("example_note")}
    for note in sorted(notes):
        details.append(f"* {note}\n", style="dim")
    parts.append(details)

    hnte = tiers.get("hnte") or {}
    if hnte.get("upkeep") or hnte.get("targets"):
        upkeep = hnte.get("upkeep") or {}
        text = Text()
        if upkeep:
            text.append(
                f"{w['valid_until']} {upkeep['valid_until']}    {w['reapply']} {upkeep['reapply_year']}    "
                f"{w['report_due']} {upkeep['annual_report']['due']}\n"
            )
        for entry in (hnte.get("targets") or {}).values():
            text.append_text(_criterion_line(entry, lang, w))
            text.append("\n")
        parts.append(Panel(text, title=f"{w['upkeep']} / {w['targets']}" if lang == "en" else w["upkeep"]))
    last_plan = hnte.get("last_plan_targets")
    if last_plan:  # an ended plan: for reference, not requirements
        text = Text(f"{last_plan['note'][lang]}\n", style="dim")
        for entry in last_plan["targets"].values():
            text.append_text(_criterion_line(entry, lang, w))
            text.append("\n")
        parts.append(Panel(text, title=w["last_plan"]))
    monitoring = ladder.get("monitoring")
    if monitoring:
        text = Text(f"{monitoring['note'][lang]}\n", style="dim") if monitoring.get("note") else Text()
        for entry in monitoring["criteria"].values():
            text.append_text(_criterion_line(entry, lang, w))
            text.append("\n")
        parts.append(Panel(text, title=monitoring["title"][lang]))
    pools = ladder.get("pools")
    if pools:
        text = Text()
        for pool in pools["pools"].values():
            status = pool["status"]
            text.append(f"{pool['title'][lang]}: ", style="bold")
            text.append(w.get(status, status), style=STATUS_STYLE.get(status, ""))
            names = [tiers[t]["title"][lang] for t in pool["tiers"] + pool["extra_tiers"]]
            text.append(f"  ({'、'.join(names) if lang == 'zh' else ', '.join(names)})\n", style="dim")
        text.append(f"〔{w['citation']}: {cite(pools['citation'], lang)}〕", style="dim")
        parts.append(Panel(text, title=w["pools"]))
    for missing in ladder.get("unavailable", []):
        parts.append(Text(f"{w['unavailable']}: {missing['message'][lang]}", style="dim"))
    return parts
