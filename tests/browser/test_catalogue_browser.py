"""One wording everywhere (issue 9, item 3): what a firm picks on the form in a real browser, typed as it
reads into the real Excel template, is the same answer — the incident kind that once made the template
refuse a valid firm, the domain and the IP grades — and gives the same assessment."""

import json
import subprocess
import sys
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import Page

from batch.columns import COLUMNS
from engine.fields import catalogue

ROOT = Path(__file__).resolve().parents[2]
FIRM = json.loads((ROOT / "fixtures" / "examples" / "young-firm-with-incident.json").read_text(encoding="utf-8"))


def _shown_options(page: Page, select: str) -> list[str]:
    return [text.strip() for text in page.locator(f"{select} option").all_inner_texts()][1:]  # after "— … —"


def test_the_forms_words_are_the_templates_words(page: Page, tmp_path: Path) -> None:
    page.goto("/")
    offered = {
        "tech_domain": _shown_options(page, "#f-tech_domain"),
        "ip.advancement": _shown_options(page, "#f-ip-advancement"),
        "incidents[].kind": _shown_options(page, "#f-incidents-0-kind"),
    }
    for path, shown in offered.items():
        assert shown == [choice.label.zh for choice in catalogue()[path].values], path
    assert "重大安全事故" in offered["incidents[].kind"]

    # the firm answers on the form, picking by the words it sees
    company = FIRM["company"]
    page.fill("#f-company-name", company["name"])
    page.fill("#f-company-registered_on", company["registered_on"])
    page.fill("#f-application_date", FIRM["application_date"])
    page.select_option("#f-tech_domain", label="生物与新医药")
    page.select_option("#f-ip-advancement", label="C 一般")
    page.select_option("#f-incidents-0-kind", label="重大质量事故")
    page.fill("#f-incidents-0-date", FIRM["incidents"][0]["date"])
    page.click("#submit-button")
    answers = json.loads(page.locator("input[name=profile_json]").first.input_value())
    assert answers["tech_domain"] == "biomedicine" and answers["ip"]["advancement"] == "C"
    assert answers["incidents"] == [{"kind": "quality", "date": FIRM["incidents"][0]["date"]}]
    shown_verdict = page.locator("#verdict-label").inner_text()

    # a tax agent deletes the example row and types the same words into the real template
    template = tmp_path / "pool.xlsx"
    assert subprocess.run([sys.executable, "-m", "cli.main", "template", "-o", str(template)], cwd=ROOT).returncode == 0
    book = load_workbook(template)
    sheet = book.worksheets[0]
    typed = {
        "company.name": company["name"],
        "company.registered_on": company["registered_on"],
        "application_date": FIRM["application_date"],
        "tech_domain": "生物与新医药",
        "ip.advancement": "C 一般",
        "incidents[0].kind": "重大质量事故",
        "incidents[0].date": FIRM["incidents"][0]["date"],
    }
    keys = [column.key for column in COLUMNS]
    sheet.delete_rows(4)
    for key, value in typed.items():
        sheet.cell(row=4, column=keys.index(key) + 1, value=value)
    book.save(template)
    result = subprocess.run(
        [sys.executable, "-m", "cli.main", "batch", str(template), "-o", str(tmp_path / "out.xlsx"), "--quiet"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    out = load_workbook(tmp_path / "out.xlsx", read_only=True)
    assert list(out["错误 Errors"].iter_rows(min_row=3, values_only=True)) == []
    (row,) = list(out["结果 Results"].iter_rows(min_row=3, values_only=True))
    assert row[1] == company["name"]
    assert shown_verdict in row, (shown_verdict, row)
