"""The template as a person sees it in Excel: read back from the real file with openpyxl, cell by cell."""

import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from batch.columns import COLUMNS, GROUPS
from batch.template import INSTRUCTIONS, write_template
from engine.fields import catalogue

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Workbook:
    path: Path = tmp_path_factory.mktemp("template") / "template.xlsx"
    write_template(path)
    return load_workbook(path)


def test_every_column_shows_its_chinese_and_english_heading_and_its_key(book: Workbook) -> None:
    sheet = book.worksheets[0]
    assert sheet.max_column == len(COLUMNS)
    for index, column in enumerate(COLUMNS, start=1):
        heading = sheet.cell(row=2, column=index).value
        assert heading, f"column {index} ({column.key}) has no heading"
        zh, _, en = heading.partition("\n")
        assert zh == column.zh and CJK.search(zh), (column.key, heading)
        assert en == column.en and en and not CJK.search(en), (column.key, heading)
        assert sheet.cell(row=3, column=index).value == column.key


def test_every_column_lies_under_its_group_title(book: Workbook) -> None:
    sheet = book.worksheets[0]
    titles: dict[int, str] = {}
    for merged in sheet.merged_cells.ranges:
        for column in range(merged.min_col, merged.max_col + 1):
            titles[column] = sheet.cell(row=1, column=merged.min_col).value
    for index, column in enumerate(COLUMNS, start=1):
        title = titles.get(index) or sheet.cell(row=1, column=index).value
        group = GROUPS[column.group]
        assert title == f"{group.zh} {group.en}", (column.key, title)


def test_the_instructions_sheet_reads_in_both_languages(book: Workbook) -> None:
    lines = [tuple(row) for row in book["说明 Instructions"].iter_rows(values_only=True)]
    assert lines[: len(INSTRUCTIONS)] == list(INSTRUCTIONS)
    for zh, en in INSTRUCTIONS[1:]:
        # the English may quote what is typed into a cell (是, 否, the example's mark) and the unit 万元
        quoted = re.sub(r"万元|是|否|【示例】", "", en)
        assert CJK.search(zh) and en and not CJK.search(quoted), en


def test_the_fields_sheet_explains_every_column(book: Workbook) -> None:
    rows = list(book["字段说明 Fields"].iter_rows(values_only=True))
    assert len(rows) == len(COLUMNS) + 1
    for row, column in zip(rows[1:], COLUMNS, strict=True):
        assert row[1] == column.key and row[2] == column.zh and row[3] == column.en
        if column.spec.hint:
            assert row[5] == column.spec.hint.zh and row[6] == column.spec.hint.en
    sales = next(row for row in rows if row[1] == "years[0].sales_revenue")
    assert sales[4] == "万元 10,000 CNY" and "视同销售收入" in sales[5]


def test_the_codes_sheet_lists_every_value_in_both_languages_with_its_code(book: Workbook) -> None:
    rows = list(book["代码 Codes"].iter_rows(values_only=True))
    listed = {(row[1], row[2], row[3]) for row in rows[1:]}
    for spec in catalogue().values():
        for choice in spec.values:
            assert (choice.code, choice.label.zh, choice.label.en) in listed, (spec.path, choice.code)
    assert ("advanced_manufacturing", "先进制造与自动化", "Advanced manufacturing and automation") in listed
    assert ("safety", "重大安全事故", "Major safety accident") in listed
    assert ("yes", "是", "yes") in listed and ("no", "否", "no") in listed


def test_every_drop_down_offers_the_catalogue_labels(book: Workbook) -> None:
    sheet = book.worksheets[0]
    lists = {}
    for rule in sheet.data_validations.dataValidation:
        if rule.type == "list":
            for cells in rule.sqref.ranges:
                lists[cells.min_col] = rule.formula1
    for index, column in enumerate(COLUMNS, start=1):
        if column.spec.values:
            assert lists[index] == '"' + ",".join(c.label.zh for c in column.spec.values) + '"', column.key
