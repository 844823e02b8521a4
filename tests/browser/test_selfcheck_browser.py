"""A firm self-checks in a real browser: fills the form, reads the report, switches to English, prints
it to PDF, saves its answers and loads them again."""

import datetime as dt
import io
import json
import re
import unicodedata
from pathlib import Path

from playwright.sync_api import Page, expect
from pypdf import PdfReader

from engine import default_assessor, validate_profile
from tests.browser.conftest import ARTIFACTS, screenshot

EXAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "examples"
# The firm of rd-ratio-short: sales fell into the 4% tier while R&D stayed near 3%.
FIRM = json.loads((EXAMPLES / "rd-ratio-short.json").read_text(encoding="utf-8"))
RD_MANAGEMENT = (
    "rd_org_system",
    "rd_accounting_system",
    "rd_aux_accounts",
    "rd_institution",
    "industry_university_research",
    "transformation_incentives",
    "open_innovation_platform",
    "talent_training",
    "talent_incentives",
)


def expected_assessment() -> dict:
    """What the engine says of the firm typed in (the page must show it, not recompute it)."""
    return default_assessor().assess(validate_profile(FIRM))


def pdf_text(pdf: bytes) -> str:
    # Chromium's PDF maps some CJK glyphs to Kangxi radicals (⼚ for 厂): NFKC folds them back.
    return unicodedata.normalize("NFKC", "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))


def fill_as_a_firm(page: Page) -> None:
    """Types the firm's answers into the form, field by field, as a person would."""
    page.goto("/")
    company = FIRM["company"]
    page.fill("#f-company-name", company["name"])
    page.fill("#f-company-town", company["town"])
    page.fill("#f-company-registered_on", company["registered_on"])
    page.fill("#f-application_date", FIRM["application_date"])
    page.select_option("#f-tech_domain", FIRM["tech_domain"])
    # the year headers follow the application date
    first = int(FIRM["application_date"][:4]) - 3
    expect(page.locator("#f-years-0-year")).to_have_value(str(first))
    expect(page.locator("#f-years-2-year")).to_have_value(str(first + 2))
    for entry in FIRM["years"]:
        column = entry["year"] - first
        for name, value in entry.items():
            if name != "year":
                page.fill(f"#f-years-{column}-{name}", str(value))
    ip = FIRM["ip"]
    for name in ("class1", "class2", "class2_used"):
        page.fill(f"#f-ip-{name}", str(ip.get(name, 0)))
    for name in ("advancement", "core_support"):
        page.select_option(f"#f-ip-{name}", ip.get(name) or "")
    for name, default in (("self_developed", True), ("supports_main_products", True), ("standards", False)):
        page.set_checked(f"#f-ip-{name}", ip.get(name, default))
    for name in RD_MANAGEMENT:
        page.set_checked(f"#f-rd_management-{name}", FIRM["rd_management"].get(name, False))


def test_a_firm_fills_the_form_and_reads_verdict_failing_criterion_and_remedy(page: Page) -> None:
    fill_as_a_firm(page)
    page.click("#submit-button")
    expected = expected_assessment()
    assert expected["verdict"] == "not_eligible" and expected["criteria"]["rd_expense_ratio"]["passed"] is False
    expect(page.locator("#verdict-label")).to_have_text("暂不符合")
    row = page.locator("#criterion-rd_expense_ratio")
    expect(row).to_have_attribute("data-passed", "fail")
    expect(row).to_contain_text("✗ 不符合")
    rd = expected["criteria"]["rd_expense_ratio"]
    expect(row).to_contain_text(f"{rd['actual'] * 100:.2f}%")
    expect(row).to_contain_text(f"{rd['gap']:,} 万元")
    expect(row).to_contain_text(rd["citation"])
    [shortfall] = [s for s in expected["shortfalls"] if s["criterion"] == "rd_expense_ratio"]
    expect(page.locator("#shortfalls")).to_contain_text(shortfall["remediation"]["zh"])
    expect(page.locator("#innovation .range-chart svg")).to_have_count(len(expected["innovation"]["indicators"]) + 1)
    expect(page.locator("#innovation .rc-total svg")).to_be_visible()
    expect(page.locator("#disclaimer")).to_contain_text("不代表认定机构的正式结论")
    screenshot(page, "report-zh")


def test_the_report_switches_to_english_and_prints_to_pdf(page: Page) -> None:
    fill_as_a_firm(page)
    page.click("#submit-button")
    expect(page.locator("#verdict-label")).to_have_text("暂不符合")
    page.click("#lang-switch")
    expect(page.locator("#verdict-label")).to_have_text("Not eligible yet")
    expect(page.locator("#criterion-rd_expense_ratio")).to_contain_text("R&D expense to sales ratio")
    expect(page.locator("#criterion-rd_expense_ratio")).to_contain_text("Not met")
    screenshot(page, "report-en")
    page.emulate_media(media="print")
    expect(page.locator(".report-actions")).to_be_hidden()  # the print CSS keeps only the report
    expect(page.locator(".site-nav")).to_be_hidden()
    pdf = page.pdf(format="A4", print_background=True)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "report-en.pdf").write_bytes(pdf)
    text = pdf_text(pdf)
    assert "Not eligible yet" in text
    assert "R&D expense to sales ratio" in text


def test_the_chinese_report_prints_with_its_verdict(page: Page) -> None:
    fill_as_a_firm(page)
    page.click("#submit-button")
    expect(page.locator("#verdict-label")).to_have_text("暂不符合")
    pdf = page.pdf(format="A4")
    assert 1 <= len(PdfReader(io.BytesIO(pdf)).pages) <= 6
    text = pdf_text(pdf)
    assert "暂不符合" in text
    assert FIRM["company"]["name"] in text


def test_server_errors_appear_next_to_the_inputs(page: Page) -> None:
    fill_as_a_firm(page)
    page.fill("#f-years-2-staff_sci_tech", "999")  # more S&T staff than staff
    page.fill("#f-company-registered_on", "2025-07-01")  # after the application date
    page.click("#submit-button")
    expect(page.locator("#error-summary")).to_be_visible()
    cell = page.locator("td.has-error", has=page.locator("#f-years-2-staff_sci_tech"))
    expect(cell).to_contain_text("不得大于")
    expect(page.locator(".field.has-error", has=page.locator("#f-company-registered_on"))).to_contain_text(
        "注册日期不得晚于申报日期"
    )
    expect(page.locator("#f-years-2-staff_sci_tech")).to_have_value("999")  # nothing typed is lost
    screenshot(page, "form-errors")


def test_a_required_field_is_checked_in_the_browser_before_sending(page: Page) -> None:
    page.goto("/")
    expect(page.locator("#f-application_date")).to_have_value(dt.date.today().isoformat())
    page.click("#submit-button")
    assert page.url.endswith("/")  # not sent
    assert page.locator("#f-company-name").evaluate("input => input.validity.valueMissing")


def test_answers_are_saved_as_json_and_loaded_again(page: Page, tmp_path: Path) -> None:
    fill_as_a_firm(page)
    with page.expect_download() as download_info:
        page.click("#save-button")
    saved = tmp_path / "answers.json"
    download_info.value.save_as(saved)
    profile = json.loads(saved.read_text(encoding="utf-8"))
    assert validate_profile(profile) == validate_profile(FIRM)  # the same answers, as a contract profile

    page.goto("/")
    page.set_input_files("#profile-file", str(saved))
    page.click("#load-button")
    expect(page.locator("#f-company-name")).to_have_value(FIRM["company"]["name"])
    expect(page.locator("#f-years-1-rd_expense")).to_have_value(str(FIRM["years"][1]["rd_expense"]))
    expect(page.locator("#f-ip-advancement")).to_have_value(FIRM["ip"]["advancement"])
    page.click("#submit-button")
    expect(page.locator("#verdict-label")).to_have_text("暂不符合")

    page.click("#edit-button")  # back from the report to the filled form
    expect(page.locator("#f-years-2-sales_revenue")).to_have_value(str(FIRM["years"][2]["sales_revenue"]))


def test_inline_messages_appear_while_typing_in_the_page_language(page: Page) -> None:
    page.goto("/")
    page.fill("#f-years-1-rd_expense", "-5")
    page.press("#f-years-1-rd_expense", "Tab")
    expect(page.locator("td", has=page.locator("#f-years-1-rd_expense"))).to_contain_text("不得小于 0")
    page.fill("#f-years-1-rd_expense", "12.34567")
    page.press("#f-years-1-rd_expense", "Tab")
    expect(page.locator("td", has=page.locator("#f-years-1-rd_expense"))).to_contain_text("最多 4 位小数")
    page.fill("#f-years-1-rd_expense", "12.3456")
    page.press("#f-years-1-rd_expense", "Tab")
    expect(page.locator("td", has=page.locator("#f-years-1-rd_expense")).locator(".client-error")).to_have_text("")
    page.goto("/?lang=en")
    page.fill("#f-company-credit_code", "123")
    page.press("#f-company-credit_code", "Tab")
    expect(page.locator(".field", has=page.locator("#f-company-credit_code"))).to_contain_text("18")
    page.click("#submit-button")  # the name is missing: the browser keeps the form and says so
    expect(page.locator(".field", has=page.locator("#f-company-name"))).to_contain_text("This field is required")


def test_api_docs_and_rule_pages_render_under_the_content_security_policy(page: Page) -> None:
    page.goto("/docs")
    # exactly this path: /v1/assessments/what-if is listed too
    expect(page.locator(".opblock-summary-path", has_text=re.compile(r"^/v1/assessments$"))).to_be_visible()
    page.goto("/rulepacks/hnte-national-2016?lang=en")
    expect(page.locator("#rd_expense_ratio")).to_contain_text("R&D expense to sales ratio")
