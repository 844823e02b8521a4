"""Everyday use in a real Chromium: a phone 390 px wide (nothing scrolls sideways, the menu breaks only
between its items, chart text at least 11 px as drawn), the printed report (page 1 holds the verdict and
the whole criteria table), and the form's checks (letters in a figure, the latest year's required
figures, figures kept with their year when the application date changes)."""

import io
import json
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from engine import default_assessor, validate_profile
from tests.browser.conftest import ARTIFACTS, screenshot
from tests.browser.test_selfcheck_browser import FIRM, fill_as_a_firm

EXAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "examples"
EXAMPLE_NAMES = sorted(p.stem for p in EXAMPLES.glob("*.json") if not p.name.endswith(".expected.json"))
PHONE = {"width": 390, "height": 844}

# Elements of the page reaching past the right edge of the screen (their selector and right edge).
OVERFLOWING = """(allowScrollBoxes) => [...document.querySelectorAll("body *")]
  .filter(e => e.getClientRects().length && e.checkVisibility())
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
  .filter(e => !(allowScrollBoxes && e.closest(".table-scroll")))
  .slice(0, 8)
  .map(e => e.tagName + "." + e.className + "#" + e.id + " → " + Math.round(e.getBoundingClientRect().right))"""
# Every piece of text in the charts with its size as drawn: the computed font size times the SVG's scale.
CHART_TEXT = """(selector) => {
  const sizes = [];
  for (const root of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode;
      if (!node.textContent.trim()) continue;
      const element = node.parentElement;
      let size = parseFloat(getComputedStyle(element).fontSize);
      if (element.closest("svg") && element.getScreenCTM) {
        const m = element.getScreenCTM();
        size *= Math.hypot(m.a, m.b);
      }
      const clipped = element.scrollWidth > element.clientWidth + 1 && getComputedStyle(element).display !== "inline";
      sizes.push({text: node.textContent.trim().slice(0, 40), size, clipped});
    }
  }
  return sizes;
}"""
# The menu's items that take more than one line (a word broken in two).
BROKEN_MENU_ITEMS = """() => [...document.querySelectorAll(".site-nav a, .lang-switch a, .lang-switch button")]
  .filter(a => a.getClientRects().length !== 1).map(a => a.textContent.trim())"""


def assert_fits_the_phone(page: Page, name: str, allow_scroll_boxes: bool = False) -> None:
    width, inner = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    assert inner == PHONE["width"]
    assert width <= inner, f"{name}: the page scrolls sideways ({width} > {inner})"
    assert page.evaluate(OVERFLOWING, allow_scroll_boxes) == [], name
    assert page.evaluate(BROKEN_MENU_ITEMS) == [], name
    screenshot(page, f"phone-{name}")


def assert_chart_text_readable(page: Page, selector: str, minimum: float = 11.0) -> list[dict[str, Any]]:
    texts = page.evaluate(CHART_TEXT, selector)
    assert texts, f"no chart text under {selector}"
    small = [t for t in texts if t["size"] < minimum]
    assert not small, f"chart text under {minimum} px: {small}"
    clipped = [t for t in texts if t["clipped"]]
    assert not clipped, f"chart text cut off: {clipped}"
    return texts


def report_of(page: Page, name: str, lang: str, tmp_path: Path) -> dict[str, Any]:
    """Loads a worked example into the form as a saved answers file, as a firm would, and asks for the report."""
    profile = json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))
    saved = tmp_path / f"{name}.json"
    saved.write_text(json.dumps(profile, ensure_ascii=False), encoding="utf-8")
    page.goto(f"/?lang={lang}")
    page.set_input_files("#profile-file", str(saved))
    page.click("#load-button")
    expect(page.locator("#f-company-name")).to_have_value(profile["company"]["name"])
    page.click("#submit-button")
    expect(page.locator("#verdict-label")).to_be_visible()
    return default_assessor().assess(validate_profile(profile))


def folded(text: str) -> str:
    # Chromium's PDF maps some CJK glyphs to Kangxi radicals (⼚ for 厂): NFKC folds them back; table cells
    # wrap long titles over lines, so spaces and line breaks are left out of the comparison.
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


# --- the phone ---------------------------------------------------------------------------------------


@pytest.fixture
def phone(browser: Browser, base_url: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=base_url, viewport=PHONE, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" and "status of 422" not in m.text else None)
    yield page
    context.close()
    assert not errors, errors


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_on_a_phone_the_form_and_the_report_fit_the_screen(phone: Page, lang: str, tmp_path: Path) -> None:
    phone.goto(f"/?lang={lang}")
    assert_fits_the_phone(phone, f"form-{lang}")
    phone.locator("#section-ladder > summary").click()  # the ladder's employee table too
    assert_fits_the_phone(phone, f"form-ladder-{lang}")
    # each figure shows its year above it on the phone (the headings are far above)
    expect(phone.locator("td:has(#f-years-2-rd_expense) .year-tag")).to_be_visible()
    expect(phone.locator("td:has(#f-years-2-rd_expense) .year-tag")).to_have_text(
        phone.locator("#f-years-2-year").input_value()
    )

    report_of(phone, "rd-ratio-short", lang, tmp_path)
    assert_fits_the_phone(phone, f"report-{lang}")
    texts = assert_chart_text_readable(phone, "#innovation .range-chart")
    assert any(t["text"].startswith(("合计", "Total")) for t in texts)
    phone.locator("#criteria").screenshot(path=str(ARTIFACTS / f"phone-criteria-{lang}.png"))
    phone.locator("#innovation .range-chart").screenshot(path=str(ARTIFACTS / f"phone-chart-{lang}.png"))


def test_on_a_wide_screen_the_chart_text_is_its_real_size(page: Page, tmp_path: Path) -> None:
    page.set_viewport_size({"width": 1366, "height": 900})
    report_of(page, "eligible-firm", "en", tmp_path)
    for text in assert_chart_text_readable(page, "#innovation .range-chart"):
        assert text["size"] >= 12
    page.locator("#innovation").screenshot(path=str(ARTIFACTS / "chart-1366-en.png"))


# --- print ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "lang"), [(name, "zh") for name in EXAMPLE_NAMES] + [("rd-ratio-short", "en"), ("eligible-firm", "en")]
)
def test_page_one_of_the_pdf_holds_the_verdict_and_every_criterion(
    page: Page, name: str, lang: str, tmp_path: Path
) -> None:
    assessment = report_of(page, name, lang, tmp_path)
    pdf = page.pdf(format="A4", print_background=True)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"print-{name}-{lang}.pdf").write_bytes(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    first = folded(reader.pages[0].extract_text())
    assert folded(assessment["verdict_label"][lang]) in first
    for criterion_id, criterion in assessment["criteria"].items():
        assert folded(criterion["title"][lang]) in first, f"{criterion_id} is not on page 1"
    # the criteria table ends on page 1: the innovation section's heading follows it there or on page 2
    assert folded("认定条件逐项诊断" if lang == "zh" else "Each condition of recognition") in first
    assert len(reader.pages) <= 4, f"{len(reader.pages)} pages"
    if name == "rd-ratio-short":
        page.emulate_media(media="print")
        page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi: how page 1 looks
        page.screenshot(path=str(ARTIFACTS / f"print-page1-{lang}.png"))


# --- the form's checks ----------------------------------------------------------------------------------


def test_letters_typed_into_a_figure_stay_and_are_flagged_in_both_languages(page: Page) -> None:
    page.goto("/")
    figure = page.locator("#f-years-1-rd_expense")
    figure.click()
    page.keyboard.type("12abc")
    page.keyboard.press("Tab")
    expect(figure).to_have_value("12abc")  # not silently emptied
    cell = page.locator("td", has=figure)
    expect(cell.locator(".client-error")).to_contain_text("应为数字")
    expect(cell.locator(".client-error")).to_contain_text("Must be a number")
    expect(figure).to_have_attribute("aria-invalid", "true")
    assert figure.evaluate("input => !input.checkValidity()")  # the form is not sent with it
    screenshot(page, "form-letters-in-a-figure")
    figure.fill("1,234.5")  # thousands commas are a number
    figure.press("Tab")
    expect(cell.locator(".client-error")).to_have_text("")
    assert figure.evaluate("input => input.checkValidity()")
    page.goto("/?lang=en")
    page.fill("#f-ip-class1", "two")
    page.press("#f-ip-class1", "Tab")
    expect(page.locator(".field", has=page.locator("#f-ip-class1")).locator(".client-error")).to_contain_text(
        "Must be a number"
    )
    page.fill("#f-ip-class1", "2.5")
    page.press("#f-ip-class1", "Tab")
    expect(page.locator(".field", has=page.locator("#f-ip-class1")).locator(".client-error")).to_contain_text(
        "whole number"
    )


def test_a_blank_latest_year_figure_is_flagged_before_sending(page: Page) -> None:
    fill_as_a_firm(page)
    latest = page.locator("#f-years-2-year").input_value()
    page.fill("#f-years-2-staff_total", "")
    page.click("#submit-button")
    summary = page.locator("#latest-year-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("最近一年")
    expect(summary).to_contain_text("Assess")
    hint = page.locator("td", has=page.locator("#f-years-2-staff_total")).locator(".latest-hint")
    expect(hint).to_be_visible()
    expect(hint).to_contain_text(f"最近一年（{latest}）必填")
    expect(page.locator("#verdict-label")).to_have_count(0)  # still the form
    screenshot(page, "form-latest-year-blank")
    page.click("#submit-button")  # sent as it is on the second press: that criterion is unknown
    expect(page.locator("#verdict-label")).to_be_visible()
    expect(page.locator("#criterion-sci_tech_staff_ratio")).to_have_attribute("data-passed", "unknown")


def test_the_latest_year_hint_shows_while_typing_once_that_year_has_figures(page: Page) -> None:
    page.goto("/?lang=en")
    page.fill("#f-years-0-sales_revenue", "1000")
    page.press("#f-years-0-sales_revenue", "Tab")
    expect(page.locator(".latest-hint:visible")).to_have_count(0)  # filling from the left: not told off early
    page.fill("#f-years-2-sales_revenue", "1200")
    page.press("#f-years-2-sales_revenue", "Tab")
    latest = page.locator("#f-years-2-year").input_value()
    for name in ("total_revenue", "staff_total"):
        hint = page.locator("td", has=page.locator(f"#f-years-2-{name}")).locator(".latest-hint")
        expect(hint).to_contain_text(f"Needed for the latest year ({latest})")
    page.fill("#f-years-2-staff_total", "40")
    page.press("#f-years-2-staff_total", "Tab")
    expect(page.locator("td", has=page.locator("#f-years-2-staff_total")).locator(".latest-hint")).to_be_hidden()


def test_changing_the_application_date_keeps_figures_with_their_year_and_warns(page: Page, tmp_path: Path) -> None:
    fill_as_a_firm(page)
    years = [page.locator(f"#f-years-{c}-year").input_value() for c in range(3)]
    figures = [page.locator(f"#f-years-{c}-sales_revenue").input_value() for c in range(3)]
    page.fill("#f-application_date", "2026-03-01")
    expect(page.locator("#date-warning")).to_be_visible()
    assert [page.locator(f"#f-years-{c}-year").input_value() for c in range(3)] == years
    assert [page.locator(f"#f-years-{c}-sales_revenue").input_value() for c in range(3)] == figures
    warning = page.locator("#date-warning")
    expect(warning).to_contain_text("2023–2025")  # the new window
    expect(warning).to_contain_text(years[0])  # the year that fell out of it
    expect(warning).to_contain_text("were not moved")
    screenshot(page, "form-date-changed")
    # the saved answers hold every figure under the year it was typed for
    with page.expect_download() as download:
        page.click("#save-button")
    saved = tmp_path / "answers.json"
    download.value.save_as(saved)
    profile = json.loads(saved.read_text(encoding="utf-8"))
    assert profile["application_date"] == "2026-03-01"
    typed = {entry["year"]: entry for entry in FIRM["years"]}
    for entry in profile["years"]:
        assert {k: float(v) for k, v in entry.items()} == {k: float(v) for k, v in typed[entry["year"]].items()}
    # back to the first date: the warning goes, nothing moved
    page.fill("#f-application_date", FIRM["application_date"])
    expect(page.locator("#date-warning")).to_be_hidden()
    assert [page.locator(f"#f-years-{c}-year").input_value() for c in range(3)] == years
    # assessed with the new date: the report says which typed year it did not use
    page.fill("#f-application_date", "2026-03-01")
    page.click("#submit-button")
    expect(page.locator("#unused-years")).to_contain_text(years[0])
    expect(page.locator("#verdict")).to_contain_text("2023、2024、2025")


def test_on_a_blank_form_the_year_headings_follow_the_date(page: Page) -> None:
    page.goto("/?lang=en")
    page.fill("#f-application_date", "2027-05-01")
    expect(page.locator("#f-years-0-year")).to_have_value("2024")
    expect(page.locator("#f-years-2-year")).to_have_value("2026")
    expect(page.locator("#date-warning")).to_be_hidden()
