"""The impact workbook: a summary, the firms that flip (verdict or tier, and on which criteria), the counts
by town, by criterion and by tier. Written with XlsxWriter (text as strings, never as formulas)."""

from pathlib import Path
from typing import Any

import xlsxwriter

VERDICT_WORDS = {
    "eligible": "符合 eligible",
    "borderline": "临界 borderline",
    "not_eligible": "不符合 not eligible",
    "incomplete": "数据不全 incomplete",
}


def _verdict(value: str | None) -> str:
    return VERDICT_WORDS.get(value or "", value or "")


def write_impact_workbook(report: dict[str, Any], path: Path) -> None:
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    try:
        bold = workbook.add_format({"bold": True, "bg_color": "#E8EEF7"})
        summary = workbook.add_worksheet("概要 Summary")
        summary.set_column(0, 0, 40)
        summary.set_column(1, 2, 60)
        lines: list[tuple[str, Any]] = [
            ("企业数 Firms assessed", report["firms"]),
            ("无效行 Invalid rows", report["invalid_rows"]),
            ("有变化的企业 Firms that flip", report["flipped"]),
            ("结论变化 Verdict flips", report["verdict_flips"]),
            ("层级变化 Tier flips", report["tier_flips"]),
            ("修改前规则 Rules before", ", ".join(report["rules_versions"]["before"])),
            ("修改后规则 Rules after", ", ".join(report["rules_versions"]["after"])),
        ]
        lines += [(f"参数 {path}", str(value)) for path, value in report["override"]["parameters"].items()]
        lines += [("替换的规则包 Replaced pack", name) for name in report["override"]["packs"]]
        for index, (label, value) in enumerate(lines):
            summary.write_string(index, 0, label, bold)
            if isinstance(value, int):
                summary.write_number(index, 1, value)
            else:
                summary.write_string(index, 1, str(value))
        row = len(lines) + 1
        summary.write_row(row, 0, ["结论变化 Verdict: before → after", "企业数 Firms"], bold)
        for move in report["transitions"]:
            row += 1
            summary.write_string(row, 0, f"{_verdict(move['before'])} → {_verdict(move['after'])}")
            summary.write_number(row, 1, move["firms"])

        firms = workbook.add_worksheet("变化企业 Firms that flip")
        header = [
            "行 Row",
            "企业 Firm",
            "信用代码 Credit code",
            "镇区 Town",
            "结论（前）Verdict before",
            "结论（后）Verdict after",
            "结论依据的条件 Criteria behind the verdict",
            "层级变化 Tier flips",
        ]
        firms.write_row(0, 0, header, bold)
        firms.set_column(0, 0, 8)
        firms.set_column(1, 7, 28)
        firms.freeze_panes(1, 0)
        for index, change in enumerate(report["changes"], start=1):
            verdict = change.get("verdict") or {}
            tiers = "; ".join(
                f"{tier}: {move['before']} → {move['after']}"
                + (f" ({', '.join(move['criteria'])})" if move["criteria"] else "")
                for tier, move in (change.get("tiers") or {}).items()
            )
            firms.write_number(index, 0, change["row"])
            for column, value in enumerate(
                [
                    change["name"],
                    change.get("credit_code") or "",
                    change.get("town") or "",
                    _verdict(verdict.get("before")),
                    _verdict(verdict.get("after")),
                    ", ".join(verdict.get("criteria", [])),
                    tiers,
                ],
                start=1,
            ):
                firms.write_string(index, column, value)

        towns = workbook.add_worksheet("按镇 By town")
        keys = ["town", "firms", "verdict_flips", "became_eligible", "no_longer_eligible", "tier_flips"]
        towns.write_row(
            0,
            0,
            [
                "镇区 Town",
                "企业 Firms",
                "结论变化 Verdict flips",
                "新符合 Became eligible",
                "不再符合 No longer eligible",
                "层级变化 Tier flips",
            ],
            bold,
        )
        towns.set_column(0, 5, 22)
        for index, town in enumerate(report["by_town"], start=1):
            towns.write_string(index, 0, town["town"])
            for column, key in enumerate(keys[1:], start=1):
                towns.write_number(index, column, town[key])

        criteria = workbook.add_worksheet("按条件 By criterion")
        criteria.write_row(0, 0, ["条件 Criterion", "结果改变的企业 Firms whose outcome changed"], bold)
        criteria.set_column(0, 1, 40)
        for index, (criterion, count) in enumerate(report["criteria"].items(), start=1):
            criteria.write_string(index, 0, criterion)
            criteria.write_number(index, 1, count)

        tiers_sheet = workbook.add_worksheet("按层级 By tier")
        tiers_sheet.write_row(
            0, 0, ["层级 Tier", "新达到 Gained", "不再达到 Lost", "前 Before", "后 After", "企业 Firms"], bold
        )
        tiers_sheet.set_column(0, 5, 18)
        row = 0
        for tier_id, moves in report["tiers"].items():
            for move in moves["moves"]:
                row += 1
                tiers_sheet.write_string(row, 0, tier_id)
                tiers_sheet.write_number(row, 1, moves["gained"])
                tiers_sheet.write_number(row, 2, moves["lost"])
                tiers_sheet.write_string(row, 3, move["before"] or "")
                tiers_sheet.write_string(row, 4, move["after"] or "")
                tiers_sheet.write_number(row, 5, move["firms"])
    finally:
        workbook.close()
