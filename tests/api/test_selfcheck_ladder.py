"""The self-check form's cultivation-ladder section (docs/ladder.md): its inputs reach the report's ladder,
blank inputs leave the profile as it was, and saved answers carry them."""

import html
import json
import re

import pytest
from fastapi.testclient import TestClient

from api.selfcheck_form import LADDER_FIELDS, form_from_profile, profile_from_form
from engine import default_assessor, validate_profile
from tests.api.conftest import EXAMPLE_NAMES, example
from tests.api.test_selfcheck import hidden_profile
from tests.ladder.test_ladder import profile_of

LADDER_SECTIONS = ("recognition", "enterprise", "achievements", "funding", "upkeep")


def tier_status(page: str, tier: str) -> str:
    match = re.search(rf'id="tier-{tier}" class="[^"]*" data-status="(\w+)"', page)
    assert match, f"the report shows the tier {tier}"
    return match.group(1)


def without_hidden_answers(page: str) -> str:
    return re.sub(r'name="profile_json" value="[^"]*"', "", page)


def ladder_values(**changes: str) -> dict[str, str]:
    """The form of a firm without a certificate (the eligible example) with some ladder inputs filled in."""
    return {**form_from_profile(example("eligible-firm")).values, **changes}


def test_the_form_has_a_collapsed_ladder_section_with_definitions(client: TestClient) -> None:
    page = client.get("/").text
    section = page[page.index('id="section-ladder"') :]
    assert re.search(r'<details class="ladder-inputs" id="section-ladder">', page)  # collapsed: no "open"
    assert "六、培育阶梯信息（选填）" in section
    for spec in LADDER_FIELDS:
        assert f'name="{spec.name}"' in section, spec.name
        assert html.escape(spec.zh, quote=False) in section, spec.name
    assert 'name="years[0].employees"' in section and "从业人员" in section
    assert "经营异常名录" in section and "万美元" in section
    english = client.get("/?lang=en").text
    assert "6. Cultivation ladder (optional)" in english and "Latest valuation (10,000 USD)" in english


@pytest.mark.parametrize("base", ["sme", "recognised", "gazelle", "unicorn"])
def test_ladder_inputs_typed_into_the_form_reach_the_report(client: TestClient, base: str) -> None:
    profile = profile_of(base)
    direct = default_assessor().assess(validate_profile(profile))["ladder"]
    page = client.post("/report", data=form_from_profile(profile).values).text
    carried = hidden_profile(page)
    assert default_assessor().assess(validate_profile(carried))["ladder"] == direct
    for tier, status in direct["summary"].items():
        assert tier_status(page, tier) == status, tier


def test_the_ladder_inputs_change_the_tiers_they_feed(client: TestClient) -> None:
    before = client.post("/report", data=ladder_values()).text
    assert tier_status(before, "hnte") != "unknown"
    listed = client.post(
        "/report",
        data=ladder_values(
            **{
                "enterprise.abnormal_operation_list": "on",
                "recognition.certificate_date": "2023-11-06",
                "achievements.national_award_year": "2024",
                "funding.valuation_usd": "12,000",
                "upkeep.ip_applications": "6",
                "upkeep.rd_projects_filed": "no",
                "years[2].employees": "130",
            }
        ),
    ).text
    carried = hidden_profile(listed)
    assert carried["enterprise"] == {"abnormal_operation_list": True}
    assert carried["recognition"] == {"certificate_date": "2023-11-06"}
    assert carried["achievements"] == {"national_award_year": 2024}
    assert carried["funding"] == {"valuation_usd": 12000}
    assert carried["upkeep"] == {"ip_applications": 6, "rd_projects_filed": False}
    assert [entry.get("employees") for entry in carried["years"]] == [None, None, 130]
    assert tier_status(before, "tech_sme") == "met" and tier_status(listed, "tech_sme") == "not_met"
    assert 'id="ladder-upkeep"' in listed and "2026-11-06" in listed  # the certificate's expiry


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_a_form_without_ladder_inputs_gives_the_report_it_gave_before(client: TestClient, name: str) -> None:
    values = form_from_profile(example(name)).values
    converted = profile_from_form(values).profile
    assert not set(LADDER_SECTIONS) & set(converted), "blank ladder inputs add no section"
    assert all("employees" not in entry for entry in converted["years"])
    from_form = client.post("/report", data=values).text
    from_file = client.post("/report", data={"profile_json": json.dumps(example(name), ensure_ascii=False)}).text
    assert without_hidden_answers(from_form) == without_hidden_answers(from_file)


def test_blank_choices_and_unticked_boxes_are_absent_and_no_is_false() -> None:
    values = ladder_values(
        **{
            "enterprise.cit_audit_based": "",
            "enterprise.registered_in_jiangsu": "no",
            "upkeep.super_deduction_used": "",
            "recognition.annual_reports_filed": "2022，2023 、2024",
        }
    )
    profile = profile_from_form(values).profile
    assert profile["enterprise"] == {"registered_in_jiangsu": False}
    assert "upkeep" not in profile
    assert profile["recognition"] == {"annual_reports_filed": [2022, 2023, 2024]}  # no date: an error below
    assert validate_profile({**profile, "recognition": {**profile["recognition"], "certificate_date": "2023-01-05"}})


def input_id(name: str) -> str:
    return "f-" + name.replace(".", "-").replace("[", "-").replace("]", "")


def test_ladder_errors_are_shown_next_to_their_inputs_in_an_open_section(client: TestClient) -> None:
    values = ladder_values(
        **{
            "upkeep.ip_applications": "2",
            "upkeep.ip_applications_class1": "3",
            "recognition.annual_reports_filed": "2022, twenty",
            "years[1].employees": "-4",
        }
    )
    response = client.post("/report", data=values)
    assert response.status_code == 422
    page = response.text
    assert '<details class="ladder-inputs" id="section-ladder" open>' in page
    for name in (
        "upkeep.ip_applications_class1",
        "recognition.annual_reports_filed",
        "recognition.certificate_date",  # a certificate section needs its date
        "years[1].employees",
    ):
        assert f'href="#{input_id(name)}"' in page, name  # in the summary, linked to the input
    summary = page[page.index('id="error-summary"') : page.index("</section>", page.index('id="error-summary"'))]
    assert "本年度知识产权申请数" in summary and "第 2 个年度：" in summary  # in words, the list item named
    assert 'value="2022, twenty"' in page  # what was typed is kept

    # the checks across sections (each once every input reads)
    for name, value in (("achievements.standard_led_year", "2099"), ("recognition.certificate_date", "2099-01-01")):
        page = client.post("/report", data=ladder_values(**{name: value})).text
        assert f'href="#{input_id(name)}"' in page, name
        assert re.search(rf'id="{input_id(name)}"[^>]*aria-invalid="true"', page), name


def test_saved_answers_carry_the_ladder_inputs_and_load_back(client: TestClient) -> None:
    values = form_from_profile(profile_of("recognised")).values
    values |= {
        "enterprise.serious_dishonesty_list": "on",
        "enterprise.cit_audit_based": "yes",
        "funding.valuation_cny": "30000.5",
        "recognition.certificate_number": "GR202232001234",
    }
    saved = client.post("/profile.json", data=values)
    profile = saved.json()
    assert profile["recognition"] == {
        "certificate_date": "2022-12-12",
        "certificate_number": "GR202232001234",
        "annual_reports_filed": [2022, 2023, 2024],
    }
    assert profile["enterprise"] == {"cit_audit_based": True, "serious_dishonesty_list": True}
    assert profile["funding"] == {"valuation_cny": 30000.5}
    assert '"valuation_cny": 30000.5' in saved.text  # the figure exactly as typed
    assert {entry["year"]: entry.get("employees") for entry in profile["years"]} == {
        entry["year"]: entry.get("employees") for entry in profile_of("recognised")["years"]
    }

    loaded = client.post("/edit", files={"profile_file": ("answers.json", saved.content, "application/json")}).text
    assert '<details class="ladder-inputs" id="section-ladder" open>' in loaded
    assert 'name="recognition.certificate_date" value="2022-12-12"' in loaded
    assert 'name="recognition.annual_reports_filed" value="2022, 2023, 2024"' in loaded
    assert re.search(r'name="enterprise.serious_dishonesty_list" value="on" checked', loaded)
    assert not re.search(r'name="enterprise.abnormal_operation_list" value="on" checked', loaded)
    assert re.search(
        r'name="enterprise.cit_audit_based"[^>]*>\s*<option value="">[^<]*</option>\s*'
        r'<option value="yes" selected>',
        loaded,
    )
    # the form filled from the saved file saves the same file again
    assert client.post("/profile.json", data=form_from_profile(profile).values).json() == profile


def test_issue_10_inputs_reach_the_profile_and_back() -> None:
    values = ladder_values(
        **{
            "recognition.certificate_date": "2023-01-05",
            "recognition.cancelled_on": "2024-03-01",
            "recognition.relocation": "whole",
            "enterprise.specialised_sme": "on",
            "enterprise.sci_tech_little_giant": "on",
            "enterprise.serious_fraud": "on",
            "achievements.tech_sme_enrolled_year": "2024",
            "funding.investment_received": "yes",
        }
    )
    converted = profile_from_form(values)
    profile = converted.profile
    assert profile["recognition"]["cancelled_on"] == "2024-03-01" and profile["recognition"]["relocation"] == "whole"
    assert profile["enterprise"]["specialised_sme"] is True and profile["enterprise"]["sci_tech_little_giant"] is True
    assert profile["achievements"]["tech_sme_enrolled_year"] == 2024
    assert profile["funding"]["investment_received"] is True
    back = form_from_profile(profile).values
    assert back["recognition.relocation"] == "whole" and back["funding.investment_received"] == "yes"
