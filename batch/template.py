"""The fill-in template (`hnte template`), and profiles written in its layout (for partners and the
benchmark). Row 1 names the column groups, row 2 holds the Chinese (and English) headings, row 3 the
contract key of each column — the row the reader looks for — and row 4 a filled example.
"""

import csv
import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from batch.columns import COLUMNS, GROUPS, NAME_KEY, Column, Kind, column_letter
from batch.scoring import EXAMPLE_MARK
from engine.fields import FieldSpec, catalogue, yes_no_words

VALIDATED_ROWS = 100_000  # data validation reaches this far down the sheet
SHEET_NAME = "企业名单 Firms"
FIELDS_SHEET = "字段说明 Fields"
CODES_SHEET = "代码 Codes"
FIELDS_HEADING = (
    "列 Column",
    "字段名 Key",
    "名称",
    "Name",
    "单位 Unit",
    "说明",
    "Definition",
    "可填的值",
    "Values",
)
CODES_HEADING = ("字段 Field", "代码 Code", "中文", "English", "也接受 Also accepted")

EXAMPLE_PROFILE: dict[str, Any] = {
    "company": {
        "name": f"{EXAMPLE_MARK}江海智能装备有限公司",
        "credit_code": "91320684MA1Y2K3L46",
        "town": "临江新区",
        "registered_on": "2016-09-12",
    },
    "application_date": "2025-05-20",
    "tech_domain": "advanced_manufacturing",
    "years": [
        {
            "year": 2022,
            "sales_revenue": 8200,
            "total_revenue": 8350,
            "high_tech_revenue": 5600,
            "rd_expense": 360,
            "rd_expense_domestic": 360,
            "net_assets": 5100,
            "total_assets": 11000,
            "total_costs": 7400,
            "staff_total": 180,
            "staff_sci_tech": 30,
            "achievements_transformed": 4,
        },
        {
            "year": 2023,
            "sales_revenue": 9400,
            "total_revenue": 9500,
            "high_tech_revenue": 6900,
            "rd_expense": 410,
            "rd_expense_domestic": 400,
            "net_assets": 5900,
            "total_assets": 12600,
            "total_costs": 8300,
            "staff_total": 190,
            "staff_sci_tech": 33,
            "achievements_transformed": 5,
        },
        {
            "year": 2024,
            "sales_revenue": 11000,
            "total_revenue": 11200,
            "high_tech_revenue": 8100,
            "rd_expense": 470,
            "rd_expense_domestic": 455,
            "net_assets": 7000,
            "total_assets": 14100,
            "total_costs": 9600,
            "staff_total": 205,
            "staff_sci_tech": 36,
            "achievements_transformed": 6,
        },
    ],
    "ip": {
        "class1": 3,
        "class2": 12,
        "class2_used": 4,
        "self_developed": True,
        "supports_main_products": True,
        "advancement": "B",
        "core_support": "A",
        "standards": False,
    },
    "rd_management": {
        "rd_org_system": True,
        "rd_accounting_system": True,
        "rd_aux_accounts": True,
        "rd_institution": True,
        "industry_university_research": True,
        "transformation_incentives": True,
        "open_innovation_platform": False,
        "talent_training": True,
        "talent_incentives": True,
    },
    "incidents": [],
}

INSTRUCTIONS = (
    ("填写说明", "How to fill in"),
    (
        "每行一家企业；第 3 行是字段名（请勿修改），从第 4 行起填写。",
        "One firm per row; row 3 holds the field keys (keep it), firms start at row 4.",
    ),
    (
        "第 4 行是示例（企业名称以【示例】开头），不会被评估：请删除或改写。",
        "Row 4 is an example (its name starts with 【示例】) and is not assessed: delete or overwrite it.",
    ),
    (
        "金额单位为万元，最多 4 位小数；人数为全年平均数，可有小数。"
        "数字可带千分位逗号（如 12,000.5），与在线自检表单相同。",
        "Money in 10,000 CNY (万元), at most 4 decimals; staff are annual averages and may be fractional. Numbers "
        "may carry thousands separators (e.g. 12,000.5), as on the online self-check form.",
    ),
    (
        "三个会计年度各占一组列，填写年度（如 2024）及当年数据；不适用的年度整组留空。",
        "Each accounting year has a group of columns: its year (e.g. 2024) and that year's figures; "
        "leave a whole group empty if it does not apply.",
    ),
    (
        "日期填 YYYY-MM-DD（如 2025-06-30）；是/否栏填「是」或「否」（也可填 yes / no）。",
        "Dates as YYYY-MM-DD; yes/no columns take 是 or 否 (or yes / no).",
    ),
    (
        "每一列的含义、单位和可填的值见“字段说明 Fields”表；"
        "技术领域、知识产权自评、事故类型可填中文名称、英文名称或代码（见“代码 Codes”表）。",
        "What each column means, its unit and the values it takes: the Fields sheet. The technology domain, the IP "
        "grades and the incident kind take the Chinese name, the English name or the code (the Codes sheet).",
    ),
    (
        "留空的栏按契约的默认值处理；缺少判断所需的数据时，该条件显示为「未知」。",
        "Empty cells take the contract's defaults; a criterion whose figures are missing shows as unknown.",
    ),
    (
        "最后几组列（高企证书、企业情况、奖励与标准、融资与估值、本年度维持事项）及各年度的从业人员用于培育阶梯，均可留空："
        "留空按默认处理（“否”或未说明），不影响高新技术企业的诊断。已填报年度报表的年度以逗号分隔，如 2022, 2023。",
        "The last groups (HNTE certificate, the enterprise, awards and standards, funding, this year's upkeep) and "
        "each year's employees feed the cultivation ladder and may stay empty: empty cells take their defaults "
        "(no, or not stated) and do not change the HNTE diagnosis. Years of annual reports filed are separated by "
        "commas, e.g. 2022, 2023.",
    ),
    (
        "请勿使用公式：以 = 开头的单元格不予接受（请选择性粘贴为数值）。",
        "No formulas: a cell starting with = is refused (paste values instead).",
    ),
    (
        "完全空白的行会被跳过；其他每一行都会出现在结果或错误表中。",
        "Entirely empty rows are skipped; every other row appears in the results or the errors sheet.",
    ),
    (
        "也可保存为 CSV（UTF-8 或 GB18030），保留第 3 行字段名。",
        "The sheet may also be saved as CSV (UTF-8 or GB18030), keeping the row of field keys.",
    ),
)


def flatten(profile: dict[str, Any]) -> dict[str, Any]:
    """A contract profile → {column key: value} (the inverse of batch.cells.read_row)."""
    flat: dict[str, Any] = {}
    for name, value in profile.items():
        if isinstance(value, dict):
            flat.update({f"{name}.{field}": inner for field, inner in value.items()})
        elif isinstance(value, list):
            for slot, entry in enumerate(value):
                flat.update({f"{name}[{slot}].{field}": inner for field, inner in entry.items()})
        else:
            flat[name] = value
    return flat


def spreadsheet_value(column: Column, value: Any) -> Any:
    """A contract value as a person would type it into the template."""
    if value is None:
        return None
    match column.kind:
        case Kind.yes_no:
            return "是" if value else "否"
        case Kind.choice:
            label = next((c.label for c in column.spec.values if c.code == value), None)
            return label.zh if label else value
        case Kind.date:
            return dt.date.fromisoformat(value) if isinstance(value, str) else value
        case Kind.year_list:
            return ", ".join(str(year) for year in value) if isinstance(value, list) else value
    return value


def _choices(column: Column) -> list[str] | None:
    """The drop-down of a column: the Chinese labels (the reader also takes the English ones and the codes)."""
    match column.kind:
        case Kind.yes_no:
            return ["是", "否"]
        case Kind.choice:
            return [choice.label.zh for choice in column.spec.values]
    return None


def _validation(column: Column) -> dict[str, Any] | None:
    choices = _choices(column)
    if choices:
        return {
            "validate": "list",
            "source": choices,
            # a warning, not a stop: the English labels and the codes (代码 Codes sheet) are accepted as well
            "error_type": "warning",
            "error_title": "请从列表中选择 Choose from the list",
            "error_message": f"请选择：{'、'.join(choices)}（也可填英文名称或代码，见“代码 Codes”表）"
            " / Choose from the list, or type the English label or the code (see the Codes sheet)",
        }
    rules: dict[Kind, dict[str, Any]] = {
        Kind.date: {
            "validate": "date",
            "criteria": "between",
            "minimum": dt.date(1900, 1, 1),
            "maximum": dt.date(2200, 12, 31),
            "error_message": "请输入日期 YYYY-MM-DD / Enter a date",
        },
        Kind.money: {
            "validate": "decimal",
            "criteria": ">=",
            "value": 0,
            "error_message": "请输入不小于 0 的金额（万元）/ Enter an amount ≥ 0 (10,000 CNY)",
        },
        Kind.signed_money: {
            "validate": "decimal",
            "criteria": "between",
            "minimum": -1e12,
            "maximum": 1e12,
            "error_message": "请输入金额（万元，可为负）/ Enter an amount (10,000 CNY, may be negative)",
        },
        Kind.headcount: {
            "validate": "decimal",
            "criteria": ">=",
            "value": 0,
            "error_message": "请输入不小于 0 的人数 / Enter a headcount ≥ 0",
        },
        Kind.count: {
            "validate": "integer",
            "criteria": ">=",
            "value": 0,
            "error_message": "请输入不小于 0 的整数 / Enter a whole number ≥ 0",
        },
        Kind.year: {
            "validate": "integer",
            "criteria": "between",
            "minimum": 1900,
            "maximum": 2200,
            "error_message": "请输入年度，如 2024 / Enter a year, e.g. 2024",
        },
    }
    rule = rules.get(column.kind)
    return {**rule, "error_title": "输入无效 Invalid"} if rule else None


def write_template(path: Path) -> None:
    """The template as .xlsx (with validation and an example row) or .csv (headings, keys, example)."""
    if path.suffix.lower() == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([f"{c.zh} {c.en}" for c in COLUMNS])
            writer.writerow([c.key for c in COLUMNS])
            example = flatten(EXAMPLE_PROFILE)
            writer.writerow([spreadsheet_value(c, example.get(c.key)) for c in COLUMNS])
        return
    write_profiles_xlsx([EXAMPLE_PROFILE], path, instructions=True)


def write_profiles_xlsx(profiles: Iterable[dict[str, Any]], path: Path, instructions: bool = False) -> int:
    """Profiles in the template's layout, streamed (constant memory). Returns the number of rows."""
    import xlsxwriter

    book = xlsxwriter.Workbook(
        str(path),
        {"constant_memory": True, "strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False},
    )
    sheet = book.add_worksheet(SHEET_NAME)
    group_style = book.add_format({"bold": True, "align": "center", "bg_color": "#DCE6F1", "border": 1})
    heading = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#EEF2F7", "border": 1})
    key_style = book.add_format({"font_color": "#7F7F7F", "font_size": 9, "bg_color": "#F7F7F7"})
    date_style = book.add_format({"num_format": "yyyy-mm-dd"})
    text_style = book.add_format({"num_format": "@"})
    start = 0
    for index, column in enumerate(COLUMNS):
        if index + 1 == len(COLUMNS) or COLUMNS[index + 1].group != column.group:
            title = GROUPS[column.group]
            label = f"{title.zh} {title.en}"
            if index > start:
                sheet.merge_range(0, start, 0, index, label, group_style)
            else:
                sheet.write_string(0, start, label, group_style)
            start = index + 1
    # constant_memory writes a row out as soon as a later row is started: each row is written whole, in order
    # (cells written back to an earlier row are silently dropped).
    for index, column in enumerate(COLUMNS):
        # a list of years is text: Excel would read "2022,2023" as one number
        text = column.kind in (Kind.text, Kind.year_list)
        style = date_style if column.kind is Kind.date else text_style if text else None
        sheet.set_column(index, index, 24 if column.key == NAME_KEY else 14, style)
        validation = _validation(column)
        if instructions and validation:
            sheet.data_validation(3, index, VALIDATED_ROWS, index, validation)
    for index, column in enumerate(COLUMNS):
        sheet.write_string(1, index, f"{column.zh}\n{column.en}", heading)
    for index, column in enumerate(COLUMNS):
        sheet.write_string(2, index, column.key, key_style)
    sheet.set_row(1, 45)
    sheet.freeze_panes(3, 1)
    row = 3
    for profile in profiles:
        flat = flatten(profile)
        for index, column in enumerate(COLUMNS):
            value = spreadsheet_value(column, flat.get(column.key))
            if value is None:
                continue
            if isinstance(value, dt.date):
                sheet.write_datetime(row, index, dt.datetime.combine(value, dt.time()), date_style)
            elif isinstance(value, bool):
                sheet.write_string(row, index, "是" if value else "否")
            elif isinstance(value, int | float):
                sheet.write_number(row, index, value)
            else:
                sheet.write_string(row, index, str(value))
        row += 1
    if instructions:
        notes = book.add_worksheet("说明 Instructions")
        notes.set_column(0, 1, 70)
        for line, (zh, en) in enumerate(INSTRUCTIONS):
            notes.write_string(line, 0, zh)
            notes.write_string(line, 1, en)
        _fields_sheet(book.add_worksheet(FIELDS_SHEET), book.add_format({"bold": True, "bg_color": "#EEF2F7"}))
        _codes_sheet(book.add_worksheet(CODES_SHEET), book.add_format({"bold": True, "bg_color": "#EEF2F7"}))
    book.close()
    return row - 3


def _fields_sheet(sheet: Any, bold: Any) -> None:
    """Every column of the firms sheet with its name, unit, definition and values (the field catalogue)."""
    sheet.set_column(0, 1, 12)
    sheet.set_column(2, 3, 28)
    sheet.set_column(4, 4, 14)
    sheet.set_column(5, 8, 48)
    sheet.write_row(0, 0, FIELDS_HEADING, bold)
    for line, (index, column) in enumerate(enumerate(COLUMNS), start=1):
        spec = column.spec
        unit = f"{spec.unit.zh} {spec.unit.en}" if spec.unit else ""
        values = _values_text(spec)
        sheet.write_row(
            line,
            0,
            [
                column_letter(index),
                column.key,
                column.zh,
                column.en,
                unit,
                spec.hint.zh if spec.hint else "",
                spec.hint.en if spec.hint else "",
                values[0],
                values[1],
            ],
        )


def _values_text(spec: FieldSpec) -> tuple[str, str]:
    if spec.type == "bool":
        return ("是 / 否（留空按默认）", "是 (yes) / 否 (no); empty takes the default")
    if spec.values:
        return (spec.allowed("zh"), spec.allowed("en"))
    return ("", "")


def _codes_sheet(sheet: Any, bold: Any) -> None:
    """The allowed values of every choice column in both languages with their codes, and the yes/no words."""
    sheet.set_column(0, 0, 26)
    sheet.set_column(1, 1, 24)
    sheet.set_column(2, 3, 36)
    sheet.set_column(4, 4, 40)
    sheet.write_row(0, 0, CODES_HEADING, bold)
    line = 1
    for spec in catalogue().values():
        heading = spec.heading(short=True)
        for choice in spec.values:
            sheet.write_row(
                line,
                0,
                [
                    f"{heading.zh} {heading.en}",
                    choice.code,
                    choice.label.zh,
                    choice.label.en,
                    "、".join(choice.aliases),
                ],
            )
            line += 1
    words = yes_no_words()
    for answer, zh, en in ((True, "是", "yes"), (False, "否", "no")):
        others = [word for word, meaning in words.items() if meaning is answer and word not in (zh, en)]
        sheet.write_row(line, 0, ["是/否栏 Yes/no columns", en, zh, en, "、".join(others)])
        line += 1
