"""The self-check pages without a browser: the form, its conversion to a profile, errors next to inputs,
saving and loading answers, escaping of what the firm typed."""

import html
import json
import re

from fastapi.testclient import TestClient

from api.selfcheck_form import form_from_profile, profile_from_form
from engine import default_assessor, validate_profile
from tests.api.conftest import example


def hidden_profile(page: str) -> dict:
    match = re.search(r'name="profile_json" value="([^"]*)"', page)
    assert match, "the report carries the answers"
    return json.loads(html.unescape(match.group(1)))


def test_the_form_has_its_sections_definitions_and_today_as_application_date(client: TestClient) -> None:
    page = client.get("/").text
    for section in ("section-company", "section-years", "section-ip", "section-rd", "section-incidents"):
        assert f'id="{section}"' in page
    assert "主营业务收入 + 其他业务收入" in page  # 销售收入 as §4 defines it
    assert "183 天" in page  # 科技人员
    assert "发明专利" in page  # Class I IP
    import datetime as dt

    assert f'name="application_date" value="{dt.date.today().isoformat()}"' in page
    english = client.get("/?lang=en").text
    assert "Main business + other business revenue" in english


def test_form_values_round_trip_to_the_same_assessment() -> None:
    for name in ("eligible-firm", "rd-ratio-short", "young-firm-with-incident", "borderline-unknown-grades"):
        profile = example(name)
        converted = profile_from_form(form_from_profile(profile).values).profile
        assessor = default_assessor()
        assert assessor.assess(validate_profile(converted)) == assessor.assess(validate_profile(profile)), name


def test_blank_inputs_are_absent_and_blank_columns_are_absent_years() -> None:
    fields = {
        "company.name": "甲公司",
        "company.registered_on": "2020-01-01",
        "application_date": "2025-06-30",
        "years[0].year": "2022",
        "years[1].year": "2023",
        "years[1].sales_revenue": "1,200.5",
        "years[1].staff_total": "",
        "years[2].year": "2024",
        "ip.class1": "2",
        "ip.advancement": "",
    }
    converted = profile_from_form(fields)
    profile = converted.profile
    assert [entry["year"] for entry in profile["years"]] == [2023]
    assert "staff_total" not in profile["years"][0]
    assert str(profile["years"][0]["sales_revenue"]) == "1200.5"
    assert profile["ip"]["class1"] == 2 and profile["ip"]["advancement"] is None
    assert profile["ip"]["self_developed"] is False  # an unticked box is a "no"
    assert converted.year_column == [1]


def test_the_report_shows_verdict_criteria_chart_shortfalls_and_disclaimer(client: TestClient) -> None:
    values = form_from_profile(example("rd-ratio-short")).values
    response = client.post("/report", data=values)
    assert response.status_code == 200
    page = response.text
    assert page.index('id="verdict"') < page.index('id="criteria"') < page.index('id="innovation"')
    assert "暂不符合" in page
    assert 'id="criterion-rd_expense_ratio" class="criterion criterion-fail"' in page
    assert "710 万元" in page  # the gap, in its unit
    assert "第十一条（五）" in page
    assert "<svg" in page and "及格线 71" in page
    assert "2022–2024 年度研发费用合计需再增加 710 万元" in page  # the remedy
    assert "不代表认定机构的正式结论" in page
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-rules-version"] == "hnte-national-2016@1"
    assert hidden_profile(page)["company"]["name"] == "三厂电子科技有限公司"


def test_the_report_in_english(client: TestClient) -> None:
    values = {**form_from_profile(example("rd-ratio-short")).values, "lang": "en"}
    page = client.post("/report", data=values).text
    assert "Not eligible yet" in page and "R&amp;D expense to sales ratio" in page
    assert "not the recognition authority" in page


def test_errors_are_shown_next_to_the_inputs_typed(client: TestClient) -> None:
    values = form_from_profile(example("eligible-firm")).values
    values["years[0].sales_revenue"] = ""  # a blank column before the error column
    for key in list(values):
        if key.startswith("years[0].") and key != "years[0].year":
            values[key] = ""
    values["years[2].staff_sci_tech"] = "999"
    values["company.credit_code"] = "123"
    response = client.post("/report", data=values)
    assert response.status_code == 422
    page = response.text
    # the error of profile years[1] (form column 2) is placed in column 2
    year_tag = r'(<span class="year-tag"[^>]*>\d+</span>\s*)?'  # the phone layout's year above each input
    cell = r"<td class=\"has-error\">\s*" + year_tag + r"<input type=\"text\" id=\"f-years-2-staff_sci_tech\""
    assert re.search(cell, page)
    assert "统一社会信用代码格式错误" in page
    assert f"{values['years[2].year']} 年 科技人员" in page  # the summary names the input in words
    assert 'value="999"' in page  # what was typed is kept


def test_letters_in_a_figure_are_kept_and_refused_by_name(client: TestClient) -> None:
    """A figure is a text input (a number input would drop the letters without a word): the server keeps
    what was typed and says, next to it, in both languages, that it is no number."""
    values = form_from_profile(example("eligible-firm")).values
    values["years[1].rd_expense"] = "12O.5"  # a letter O for a zero
    response = client.post("/report", data=values)
    assert response.status_code == 422
    page = response.text
    assert 'value="12O.5"' in page
    cell = re.search(r'<td class="has-error">.*?id="f-years-1-rd_expense".*?</td>', page, re.S)
    assert cell and "应为数字" in cell.group(0)
    english = client.post("/report", data={**values, "lang": "en"}).text
    cell = re.search(r'<td class="has-error">.*?id="f-years-1-rd_expense".*?</td>', english, re.S)
    assert cell and 'value="12O.5"' in cell.group(0) and "Must be a number" in cell.group(0)


def test_an_application_date_without_a_pack_is_an_error_on_that_input(client: TestClient) -> None:
    values = form_from_profile(example("eligible-firm")).values
    values["application_date"] = "2012-01-01"
    values["company.registered_on"] = "2010-01-01"
    page = client.post("/report", data=values).text
    assert "没有在 2012-01-01 生效的规则包" in page


def test_save_and_load_answers(client: TestClient) -> None:
    values = form_from_profile(example("young-firm-with-incident")).values
    saved = client.post("/profile.json", data=values)
    assert saved.status_code == 200
    assert saved.headers["content-disposition"].startswith("attachment;")
    profile = saved.json()
    assert validate_profile(profile)  # a valid contract profile
    loaded = client.post("/edit", files={"profile_file": ("answers.json", saved.content, "application/json")})
    assert loaded.status_code == 200
    assert f'value="{html.escape(profile["company"]["name"])}"' in loaded.text
    again = client.post("/report", data=form_from_profile(profile).values)
    direct = client.post("/report", data=values)
    assert hidden_profile(again.text) == hidden_profile(direct.text)


def test_loading_a_bad_file_says_why(client: TestClient) -> None:
    page = client.post("/edit", files={"profile_file": ("x.json", b"\xff\xfe not json", "application/json")})
    assert page.status_code == 422 and "无法读取该文件" in page.text
    page = client.post("/edit", files={"profile_file": ("x.json", b"[1, 2]", "application/json")})
    assert page.status_code == 422


def test_the_report_page_switches_language_and_edits_with_the_same_answers(client: TestClient) -> None:
    report = client.post("/report", data=form_from_profile(example("eligible-firm")).values).text
    carried = json.dumps(hidden_profile(report), ensure_ascii=False)
    english = client.post("/report", data={"profile_json": carried, "lang": "en"}).text
    assert hidden_profile(english) == hidden_profile(report)
    edit = client.post("/edit", data={"profile_json": carried}).text
    assert 'value="江海智能装备有限公司"' in edit


def test_what_the_firm_typed_is_escaped_everywhere(client: TestClient) -> None:
    evil = '<script>alert("x")</script>'
    values = {**form_from_profile(example("eligible-firm")).values, "company.name": evil, "company.town": evil}
    values["incidents[0].kind"] = "quality"
    values["incidents[0].date"] = "2020-01-01"
    values["incidents[0].note"] = evil
    for response in (client.post("/report", data=values), client.post("/report", data={**values, "ip.class1": "x"})):
        assert "<script>alert" not in response.text
        assert "&lt;script&gt;" in response.text
