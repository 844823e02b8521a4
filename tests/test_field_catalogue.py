"""The field catalogue (rules/fields.yaml) is the one source of every field's words: the form, the template and
its reader, validation messages, the rule pack's domain names, the CLI and the OpenAPI document all use it."""

import typing
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel

from api.app import create_app
from api.openapi import field_description
from api.selfcheck_form import (
    COMPANY_FIELDS,
    DOMAINS,
    INCIDENT_KINDS,
    IP_FIELDS,
    LADDER_FIELDS,
    LADDER_YEAR_FIELDS,
    PROJECTION_FIELDS,
    RD_MANAGEMENT_FIELDS,
    YEAR_FIELDS,
    profile_from_form,
)
from batch.cells import CellError, read_cell, read_row
from batch.columns import BY_KEY, COLUMNS
from batch.template import spreadsheet_value
from engine import Profile, ProfileInvalid, validate_profile
from engine.fields import catalogue, field_for
from engine.labels import field_label
from engine.pack import load_packs
from engine.profile import Grade, IncidentKind, TechDomain
from tests.cases import base_profile

FORM_SECTIONS = {
    "": COMPANY_FIELDS + IP_FIELDS + RD_MANAGEMENT_FIELDS + LADDER_FIELDS,
    "years[].": YEAR_FIELDS + LADDER_YEAR_FIELDS,
    "projections[].": PROJECTION_FIELDS,
}


def _leaf_paths(model: type[BaseModel], prefix: str = "") -> set[str]:
    """Every input field of the profile model, as a catalogue path."""
    paths: set[str] = set()
    for name, info in model.model_fields.items():
        annotation = info.annotation
        inner = [a for a in typing.get_args(annotation) if isinstance(a, type)] or [annotation]
        listed = typing.get_origin(annotation) is list
        nested = next((a for a in inner if isinstance(a, type) and issubclass(a, BaseModel)), None)
        if listed:
            (item,) = typing.get_args(annotation)
            nested = item if isinstance(item, type) and issubclass(item, BaseModel) else None
        if nested is not None:
            paths |= _leaf_paths(nested, f"{prefix}{name}[]." if listed else f"{prefix}{name}.")
        else:
            paths.add(f"{prefix}{name}")
    return paths


def test_every_input_of_the_profile_model_has_its_catalogue_entry_and_no_entry_is_left_over() -> None:
    assert _leaf_paths(Profile) == set(catalogue())


def test_the_profile_models_allowed_values_are_the_catalogues() -> None:
    assert [d.value for d in TechDomain] == [c.code for c in catalogue()["tech_domain"].values]
    assert [k.value for k in IncidentKind] == [c.code for c in catalogue()["incidents[].kind"].values]
    for path in ("ip.advancement", "ip.core_support"):
        assert [c.code for c in catalogue()[path].values] == list(typing.get_args(Grade))


@pytest.mark.parametrize("prefix", FORM_SECTIONS)
def test_every_form_input_is_its_catalogue_entry(prefix: str) -> None:
    for spec in FORM_SECTIONS[prefix]:
        entry = catalogue()[prefix + spec.name]
        heading = entry.heading()
        assert (spec.zh, spec.en) == (heading.zh, heading.en)
        assert (spec.hint_zh, spec.hint_en) == ((entry.hint.zh, entry.hint.en) if entry.hint else ("", ""))
        assert spec.required == entry.required
        assert spec.options == tuple((c.code, c.label.zh, c.label.en) for c in entry.values)


def test_the_form_asks_every_catalogue_field() -> None:
    asked = {f"{prefix}{spec.name}" for prefix, specs in FORM_SECTIONS.items() for spec in specs}
    # the year tables' head row, the incident rows
    asked |= {"years[].year", "projections[].year", "incidents[].kind", "incidents[].date", "incidents[].note"}
    assert asked == set(catalogue())


def test_every_template_column_is_its_catalogue_entry_and_every_field_has_a_column() -> None:
    for column in COLUMNS:
        entry = field_for(column.key)
        assert entry is column.spec
        heading = entry.heading(short=True)
        assert (column.zh, column.en) == (heading.zh, heading.en)
    assert {column.spec.path for column in COLUMNS} == set(catalogue())


def _choice_fields() -> list[tuple[str, Any]]:
    return [(path, spec) for path, spec in catalogue().items() if spec.values]


@pytest.mark.parametrize(("path", "spec"), _choice_fields())
def test_every_label_the_form_offers_is_read_by_the_template_in_both_languages(path: str, spec: Any) -> None:
    key = path.replace("[]", "[0]")
    for choice in spec.values:
        for typed in (choice.code, choice.label.zh, choice.label.en, choice.label.en.upper(), *choice.aliases):
            assert read_cell(BY_KEY[key], typed) == choice.code, typed
        assert spreadsheet_value(BY_KEY[key], choice.code) == choice.label.zh  # what the template writes
    with pytest.raises(CellError) as refused:
        read_cell(BY_KEY[key], "不存在的值")
    assert refused.value.message["zh"].startswith(f"应为以下之一：{spec.allowed('zh')}")
    assert spec.allowed("en") in refused.value.message["en"]


def test_the_forms_incident_wording_is_accepted_by_the_template_and_the_old_one_still_reads() -> None:
    form_labels = {zh for _code, zh, _en in INCIDENT_KINDS}
    assert "重大安全事故" in form_labels
    keys = ["company.name", "company.registered_on", "incidents[0].kind", "incidents[0].date"]
    for typed in ("重大安全事故", "安全生产事故", "Major safety accident", "safety"):
        reading = read_row(keys, ["某公司", "2015-01-01", typed, "2024-05-01"])
        assert reading.errors == [] and reading.profile["incidents"] == [{"kind": "safety", "date": "2024-05-01"}]


def test_a_domain_picked_on_the_form_reads_the_same_in_the_template() -> None:
    for code, zh, en in DOMAINS:
        assert read_cell(BY_KEY["tech_domain"], zh) == read_cell(BY_KEY["tech_domain"], en) == code
        assert profile_from_form({"tech_domain": code}).profile["tech_domain"] == code


def test_a_bad_domain_is_refused_with_the_allowed_values_in_each_language() -> None:
    profile = base_profile({})
    profile["tech_domain"] = "人工智能"
    with pytest.raises(ProfileInvalid) as invalid:
        validate_profile(profile)
    (error,) = invalid.value.errors
    assert error["field"] == "tech_domain"
    assert "电子信息、生物与新医药" in error["message"]["zh"]
    assert "Electronic information, Biotechnology and new medicine" in error["message"]["en"]
    assert "电子信息" not in error["message"]["en"]
    with pytest.raises(CellError) as cell:
        read_cell(BY_KEY["tech_domain"], "人工智能")
    assert "电子信息" in cell.value.message["zh"] and "electronic_information" not in cell.value.message["zh"]


def test_validation_names_fields_by_their_catalogue_labels() -> None:
    for path, spec in catalogue().items():
        label = field_label(path.replace("[]", "[0]"))
        assert label["zh"] == spec.label.zh
        assert label["en"].lower() == spec.label.en.lower()


def test_the_rule_packs_domain_names_are_the_catalogues() -> None:
    values = {c.code: c.label.as_dict() for c in catalogue()["tech_domain"].values}
    for pack in load_packs():
        target = pack.targets().get("tech_domain")
        if target is not None:
            assert {code: label.as_dict() for code, label in (target.labels or {}).items()} == values


def test_the_api_document_describes_every_field_from_the_catalogue() -> None:
    schemas = TestClient(create_app()).get("/openapi.json").json()["components"]["schemas"]
    found: dict[str, str] = {}

    def walk(model: dict[str, Any], prefix: str) -> None:
        for name, prop in model.get("properties", {}).items():
            path = prefix + name
            if "description" in prop:
                found[path] = prop["description"]
            for option in (prop, *prop.get("anyOf", [])):
                ref = option.get("$ref") or (option.get("items") or {}).get("$ref")
                if ref:
                    walk(schemas[ref.rsplit("/", 1)[1]], f"{path}[]." if "items" in option else f"{path}.")

    walk(schemas["Profile"], "")
    for path, spec in catalogue().items():
        assert found.get(path) == field_description(spec), path
    assert "重大安全事故 / Major safety accident" in found["incidents[].kind"]
    assert "销售收入（万元） / Sales revenue (10,000 CNY)" in found["years[].sales_revenue"]


def test_a_new_choice_field_needs_only_its_catalogue_entry_to_be_a_select_on_the_form() -> None:
    from api.selfcheck_form import form_field
    from engine.bilingual import Bilingual
    from engine.fields import Choice, FieldSpec

    entry = FieldSpec(
        path="recognition.some_choice",
        section="recognition",
        label=Bilingual(zh="某选项", en="Some choice"),
        type="choice",
        values=(Choice("a", Bilingual(zh="甲", en="A one")), Choice("b", Bilingual(zh="乙", en="B one"))),
        ladder=True,
    )
    shown = form_field(entry)
    assert (shown.name, shown.kind) == ("recognition.some_choice", "select")
    assert (shown.zh, shown.en) == ("某选项", "Some choice")
    assert shown.options == (("a", "甲", "A one"), ("b", "乙", "B one"))
    assert entry.choice("乙") == entry.choice("b one") == "b"


@pytest.mark.parametrize("section", ["years", "projections"])
def test_a_part_above_its_whole_is_named_in_words_in_years_and_projections(section: str) -> None:
    import json
    from pathlib import Path

    from engine import ProfileInvalid, validate_profile

    example = Path(__file__).resolve().parents[1] / "fixtures" / "examples" / "eligible-firm.json"
    profile = json.loads(example.read_text(encoding="utf-8"))
    entry = dict(profile["years"][0], rd_expense=10, rd_expense_domestic=11)
    profile[section] = [entry] if section == "projections" else [entry, *profile["years"][1:]]
    with pytest.raises(ProfileInvalid) as refused:
        validate_profile(profile)
    (error,) = [e for e in refused.value.errors if e["field"] == f"{section}[0].rd_expense_domestic"]
    assert error["message"] == {
        "zh": "境内研究开发费用不得大于研究开发费用",
        "en": "The R&D expense in China must not exceed the R&D expense",
    }
