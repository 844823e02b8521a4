"""The ladder beyond the case files: v1 output unchanged, the district overlay edited with no code
change, the round year as data, batches equal to single assessments, and the packs' own checks."""

import copy
import datetime as dt
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from engine import Assessor, ProfileInvalid, load_packs, validate_profile
from engine.pack import DEFAULT_RULES_DIR, PackError, ladder_packs
from fixtures.generator import pool
from tests.cases import _jsonable, load_bases, merge
from tests.ladder.cases import LADDER_CASES_DIR

EXAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "examples"
OVERLAY_TIERS = ("pan_tech", "chuying", "hnte_pool")


def profile_of(base: str, changes: dict | None = None) -> dict:
    return _jsonable(merge(load_bases(LADDER_CASES_DIR)[base], changes or {}))


@pytest.fixture(scope="module")
def national_only() -> Assessor:
    return Assessor([p for p in load_packs() if p.family == "hnte-national"])


@pytest.fixture()
def rules_copy(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, target)
    return target


def _edit_yaml(path: Path, edit: Callable[[dict], object]) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


# v1 unchanged ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.glob("*.json") if ".expected" not in p.name))
def test_the_worked_examples_keep_every_v1_field(assessor: Assessor, national_only: Assessor, name: str) -> None:
    profile = validate_profile((EXAMPLES / name).read_text(encoding="utf-8"))
    with_ladder = assessor.assess(profile)
    without = national_only.assess(profile)
    assert "ladder" in with_ladder and "ladder" not in without
    assert {k: v for k, v in with_ladder.items() if k != "ladder"} == without


def test_a_v1_profile_is_still_valid_and_its_new_sections_take_their_defaults() -> None:
    profile = validate_profile((EXAMPLES / "eligible-firm.json").read_text(encoding="utf-8"))
    assert profile.recognition is None
    assert profile.enterprise.abnormal_operation_list is False
    assert profile.funding.private_investment is False
    assert all(entry.employees is None for entry in profile.years)


# the district overlay -----------------------------------------------------------------------------
def test_only_the_district_tiers_are_flagged_as_examples(assessor: Assessor) -> None:
    ladder = assessor.assess(validate_profile(profile_of("sme")))["ladder"]
    for tier_id, tier in ladder["tiers"].items():
        if tier_id in OVERLAY_TIERS:
            assert tier["example"] is True
            assert tier["example_note"]["zh"].startswith("示例标准")
        else:
            assert "example" not in tier and "example_note" not in tier


def test_a_district_editing_its_overlay_changes_the_tier_with_no_code_change(rules_copy: Path) -> None:
    # founded 2020, 15% sales growth in 2024: below the example's 20%
    changes = {"company": {"registered_on": "2020-06-01"}, "years": [{"year": 2024, "sales_revenue": 1840}]}
    profile = validate_profile(profile_of("sme", changes))
    shipped = Assessor(load_packs(rules_copy)).assess(profile)["ladder"]["tiers"]["chuying"]
    assert shipped["status"] == "not_met" and shipped["example"] is True
    assert shipped["criteria"]["chuying_sales_growth"]["threshold"] == 0.2

    def lower_the_growth_bar(data: dict) -> None:
        parameter = data["targets"]["chuying_sales_growth"]["parameters"]["chuying_min_sales_growth"]
        parameter["values"] = {dt.date(2016, 1, 1): 0.10}

    def adopt(data: dict) -> None:
        for tier in data["tiers"].values():
            tier["example"] = False

    _edit_yaml(rules_copy / "haimen-overlay" / "chuying.yaml", lower_the_growth_bar)
    _edit_yaml(rules_copy / "haimen-overlay" / "tier.yaml", adopt)
    edited = Assessor(load_packs(rules_copy)).assess(profile)["ladder"]["tiers"]["chuying"]
    assert edited["status"] == "met"
    assert edited["criteria"]["chuying_sales_growth"] == {**edited["criteria"]["chuying_sales_growth"], "passed": True}
    assert edited["criteria"]["chuying_sales_growth"]["threshold"] == 0.1
    assert "example" not in edited


def test_a_district_can_move_its_tier_on_the_ladder(rules_copy: Path) -> None:
    _edit_yaml(rules_copy / "haimen-overlay" / "tier.yaml", lambda d: d["tiers"]["pan_tech"].update(rank=25))
    ladder = Assessor(load_packs(rules_copy)).assess(validate_profile(profile_of("sme")))["ladder"]
    assert list(ladder["tiers"])[:3] == ["tech_sme", "pan_tech", "chuying"]
    assert ladder["highest_tier"] == "pan_tech"


# the round year is data ------------------------------------------------------------------------------
def test_a_new_round_year_shifts_the_gazelle_years(rules_copy: Path) -> None:
    # the same firm one year on: its figures from 2021 to 2024 are what a 2025 round would read
    years = [
        {"year": 2021, "sales_revenue": 1000, "employees": 100},
        {"year": 2022, "sales_revenue": 1200, "employees": 120},
        {"year": 2023, "sales_revenue": 1440, "employees": 140},
        {"year": 2024, "sales_revenue": 1728, "rd_expense": 80, "employees": 160},
    ]
    raw = profile_of("gazelle", {"application_date": "2025-06-30"})
    raw["years"] = years
    profile = validate_profile(raw)
    # no 2025 round loaded: the tier says so instead of judging 2020–2023 by the 2024 round
    before = Assessor(load_packs(rules_copy)).assess(profile)["ladder"]["tiers"]["gazelle"]
    assert before["status"] == "unknown" and before["criteria"] == {}
    assert before["round"]["year"] == 2025 and before["round"]["loaded"] is False

    def next_round(data: dict) -> None:
        data["parameters"]["round_year"]["values"][dt.date(2025, 1, 1)] = 2025

    def round_dates(data: dict) -> None:
        data["rounds"].append(
            {
                "year": 2025,
                "opens": dt.date(2025, 1, 1),
                "closes": dt.date(2025, 12, 31),
                "notice": {"zh": "2025年度", "en": "2025"},
            }
        )

    def pack_until(data: dict) -> None:
        data["effective_until"] = dt.date(2025, 12, 31)

    _edit_yaml(rules_copy / "jiangsu-gazelle-2024" / "science.yaml", next_round)
    _edit_yaml(rules_copy / "jiangsu-gazelle-2024" / "tier.yaml", round_dates)
    _edit_yaml(rules_copy / "jiangsu-gazelle-2024" / "pack.yaml", pack_until)
    after = Assessor(load_packs(rules_copy)).assess(profile)["ladder"]["tiers"]["gazelle"]
    assert after["status"] == "met"
    assert after["round"]["year"] == 2025 and after["round"]["loaded"] is True
    assert after["criteria"]["gazelle_revenue_cagr"]["actual"] == 0.2
    assert "2021" in after["criteria"]["gazelle_base_revenue"]["message"]["zh"]


# outputs ---------------------------------------------------------------------------------------------
def test_criteria_that_do_not_apply_are_left_out(assessor: Assessor) -> None:
    tiers = assessor.assess(validate_profile(profile_of("sme")))["ladder"]["tiers"]
    assert set(tiers["hnte"]["criteria"]) == {"certificate_in_force"}  # the upkeep checks need a certificate
    assert "targets" not in tiers["hnte"] and "upkeep" not in tiers["hnte"]
    assert set(tiers["hnte_eligible"]["criteria"]) == {"national_verdict"}  # no certificate, no cancellation


def test_every_criterion_is_explained_in_both_languages_with_its_citation(assessor: Assessor) -> None:
    profiles = [profile_of(base) for base in ("sme", "recognised", "gazelle", "unicorn")]
    for profile in profiles:
        for tier in assessor.assess(validate_profile(profile))["ladder"]["tiers"].values():
            assert tier["status"] in {"met", "not_met", "unknown"}
            assert tier["title"]["zh"] and tier["title"]["en"] and tier["citation"]
            for entry in [*tier["criteria"].values(), *tier.get("targets", {}).values()]:
                assert entry["passed"] in (True, False, None)
                assert entry["citation"]
                assert entry["message"]["zh"] and entry["message"]["en"]
                assert "{" not in entry["message"]["zh"] + entry["message"]["en"]


def test_batches_give_the_ladders_of_single_assessments(assessor: Assessor) -> None:
    raw = list(pool(120, seed=11))
    raw[3]["recognition"] = {"certificate_date": "2023-10-01", "annual_reports_filed": [2023]}
    raw[7]["funding"] = {"private_investment": True, "valuation_usd": 6000}
    raw[9]["application_date"] = "2024-03-01"
    profiles = [validate_profile(p) for p in raw]
    batch = assessor.assess_many(profiles)
    for profile, together in zip(profiles, batch, strict=True):
        assert assessor.assess(profile)["ladder"] == together["ladder"]
    json.dumps(batch, ensure_ascii=False)  # plain JSON throughout


def test_the_ladder_does_not_change_what_it_was_given(assessor: Assessor) -> None:
    profile = validate_profile(profile_of("recognised"))
    first = copy.deepcopy(assessor.assess(profile))
    assessor.assess_many([validate_profile(p) for p in pool(50, seed=2)])
    assert assessor.assess(profile) == first


# packs and inputs --------------------------------------------------------------------------------------
def test_a_pack_whose_dependency_is_not_loaded_is_reported_not_assessed() -> None:
    packs = [p for p in load_packs() if p.family in ("hnte-national", "tech-sme")]
    ladder = Assessor(packs).assess(validate_profile(profile_of("sme")))["ladder"]
    assert ladder["tiers"] == {}
    assert [u["family"] for u in ladder["unavailable"]] == ["tech-sme"]
    assert "hnte-upkeep" in ladder["unavailable"][0]["message"]["en"]


def test_a_tier_file_naming_an_unknown_criterion_is_refused(rules_copy: Path) -> None:
    _edit_yaml(rules_copy / "haimen-overlay" / "tier.yaml", lambda d: d["tiers"]["chuying"]["requires"].append("nope"))
    with pytest.raises(PackError, match="nope"):
        ladder_packs(load_packs(rules_copy))


def test_two_tiers_on_one_rank_are_refused(rules_copy: Path) -> None:
    _edit_yaml(rules_copy / "haimen-overlay" / "tier.yaml", lambda d: d["tiers"]["chuying"].update(rank=20))
    with pytest.raises(PackError, match="rank 20"):
        Assessor(load_packs(rules_copy)).assess(validate_profile(profile_of("sme")))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"recognition": {"certificate_date": "2025-07-01"}}, "recognition.certificate_date"),
        ({"achievements": {"national_award_year": 2026}}, "achievements.national_award_year"),
        ({"upkeep": {"ip_applications": 2, "ip_applications_class1": 3}}, "upkeep.ip_applications_class1"),
        ({"funding": {"valuation_usd": -1}}, "funding.valuation_usd"),
        ({"enterprise": {"branch_office": "yes"}}, "enterprise.branch_office"),
        ({"years": [{"year": 2024, "employees": 10.12345}]}, "years[2].employees"),
        # issue 10's inputs
        ({"recognition": {"certificate_date": "2023-01-01", "cancelled_on": "2022-12-31"}}, "recognition.cancelled_on"),
        ({"recognition": {"certificate_date": "2023-01-01", "cancelled_on": "2025-07-01"}}, "recognition.cancelled_on"),
        ({"recognition": {"certificate_date": "2023-01-01", "relocation": "moved"}}, "recognition.relocation"),
        ({"achievements": {"tech_sme_enrolled_year": 2026}}, "achievements.tech_sme_enrolled_year"),
        ({"enterprise": {"specialised_sme": "yes"}}, "enterprise.specialised_sme"),
        ({"enterprise": {"sci_tech_little_giant": 1}}, "enterprise.sci_tech_little_giant"),
        ({"enterprise": {"serious_fraud": "no"}}, "enterprise.serious_fraud"),
        ({"funding": {"investment_received": "true"}}, "funding.investment_received"),
    ],
)
def test_the_new_sections_are_validated_at_the_edge(changes: dict, field: str) -> None:
    with pytest.raises(ProfileInvalid) as raised:
        validate_profile(profile_of("sme", changes))
    errors = {e["field"]: e["message"] for e in raised.value.errors}
    assert field in errors
    assert errors[field]["zh"] and errors[field]["en"]
    assert "取值无效" not in errors[field]["zh"]  # a reason in words, not the fallback


def test_a_round_outside_its_pack_or_off_its_round_year_is_refused(rules_copy: Path) -> None:
    tier = rules_copy / "jiangsu-gazelle-2024" / "tier.yaml"
    _edit_yaml(tier, lambda d: d["rounds"][0].update(closes=dt.date(2025, 6, 30)))
    with pytest.raises(PackError, match="outside the pack's effective period"):
        ladder_packs(load_packs(rules_copy))
    _edit_yaml(tier, lambda d: d["rounds"][0].update(closes=dt.date(2024, 12, 31), year=2023))
    with pytest.raises(PackError, match="round_year"):
        ladder_packs(load_packs(rules_copy))


def test_the_five_pools_follow_the_tiers_in_force(assessor: Assessor) -> None:
    ladder = assessor.assess(validate_profile(profile_of("recognised")))["ladder"]
    pools = ladder["pools"]["pools"]
    assert list(pools) == ["pan_tech", "tech_sme", "upgrade", "hnte", "three_kinds"]
    assert pools["hnte"]["status"] == "met" and pools["hnte"]["tiers"] == ["hnte"]
    for frame_pool in pools.values():  # a pool is met exactly when one of its tiers is
        statuses = [ladder["summary"][t] for t in frame_pool["tiers"] + frame_pool["extra_tiers"]]
        assert (frame_pool["status"] == "met") == ("met" in statuses)
