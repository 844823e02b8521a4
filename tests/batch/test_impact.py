"""`hnte impact POOL --override FILE`: the firms that flip verdict or tier under changed parameters, on which
criteria, counted by town; a workbook and JSON. Expected flips are computed here with the engine itself
(the packs as they are against RulePack.with_overrides), never written down."""

import json
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from engine import Assessor, default_assessor, validate_profile
from fixtures.generator import ladder_pool
from tests.batch.conftest import write_jsonl
from tests.commands import hnte

RULES = Path(__file__).resolve().parents[2] / "rules"
OVERRIDE = {"hnte-national-2016.small_firm_min_rd_ratio": 0.04, "min_sci_tech_staff_ratio": 0.08}


@pytest.fixture(scope="module")
def firms() -> list[dict[str, Any]]:
    return list(ladder_pool(240, seed=11))


def expected_flips(firms: list[dict[str, Any]], changed: Assessor) -> dict[int, dict[str, Any]]:
    """Row (jsonl line) → the verdicts and tier statuses before and after, for the firms where one flips."""
    profiles = [validate_profile(f) for f in firms]
    before = default_assessor().assess_many(profiles)
    after = changed.assess_many(profiles)
    flips = {}
    for line, (b, a) in enumerate(zip(before, after, strict=True), start=1):
        tiers = {t for t in b["ladder"]["summary"] if b["ladder"]["summary"][t] != a["ladder"]["summary"].get(t)}
        if b["verdict"] != a["verdict"] or tiers:
            flips[line] = {"verdict": (b["verdict"], a["verdict"]), "tiers": tiers, "town": b["company"]["town"]}
    return flips


def run_impact(tmp_path: Path, firms: list[dict[str, Any]], override: Path) -> tuple[dict[str, Any], Path]:
    pool = write_jsonl(tmp_path / "pool.jsonl", [*firms, {"company": {"name": "坏行"}, "years": "x"}])
    out, report = tmp_path / "impact.xlsx", tmp_path / "impact.json"
    run = hnte("impact", str(pool), "--override", str(override), "-o", str(out), "--json", str(report), "-w", "1")
    assert run.returncode == 0, run.stderr
    return json.loads(report.read_text(encoding="utf-8")), out


def test_the_firms_that_flip_and_why(tmp_path: Path, firms: list[dict[str, Any]]) -> None:
    override = tmp_path / "override.yaml"
    override.write_text("".join(f"{k}: {v}\n" for k, v in OVERRIDE.items()), encoding="utf-8")
    report, workbook_path = run_impact(tmp_path, firms, override)
    changed_packs = [
        p.with_overrides({"small_firm_min_rd_ratio": 0.04, "min_sci_tech_staff_ratio": 0.08})
        if p.family == "hnte-national"
        else p
        for p in default_assessor().packs
    ]
    expected = expected_flips(firms, Assessor(changed_packs))
    assert expected, "the override must flip some firms of the pool"
    assert report["firms"] == len(firms) and report["invalid_rows"] == 1
    assert {c["row"] for c in report["changes"]} == set(expected)
    for change in report["changes"]:
        wanted = expected[change["row"]]
        if wanted["verdict"][0] != wanted["verdict"][1]:
            assert (change["verdict"]["before"], change["verdict"]["after"]) == wanted["verdict"]
            # the criteria named are the ones whose outcome changed: those the override touches
            assert set(change["verdict"]["criteria"]) <= {
                "rd_expense_ratio",
                "sci_tech_staff_ratio",
                "innovation_score",
            }
            assert change["verdict"]["criteria"]
        assert set(change.get("tiers", {})) == wanted["tiers"]
    assert report["verdict_flips"] == sum(1 for w in expected.values() if w["verdict"][0] != w["verdict"][1])
    towns = Counter(f["company"]["town"] for f in firms)
    assert {t["town"]: t["firms"] for t in report["by_town"]} == dict(towns)
    flips_by_town = Counter(w["town"] for w in expected.values() if w["verdict"][0] != w["verdict"][1])
    assert {t["town"]: t["verdict_flips"] for t in report["by_town"] if t["verdict_flips"]} == dict(flips_by_town)
    assert report["rules_versions"]["after"] != report["rules_versions"]["before"]
    workbook = load_workbook(workbook_path, read_only=True)
    assert len(workbook.sheetnames) == 5
    rows = list(workbook["变化企业 Firms that flip"].iter_rows(values_only=True))
    assert len(rows) == len(expected) + 1 and {r[0] for r in rows[1:]} == set(expected)


def test_a_copied_pack_folder_gives_the_same_impact_as_the_parameter(
    tmp_path: Path, firms: list[dict[str, Any]]
) -> None:
    folder = tmp_path / "hnte-national-2016"
    shutil.copytree(RULES / "hnte-national-2016", folder)
    criteria = folder / "criteria.yaml"
    text = criteria.read_text(encoding="utf-8")
    assert "values: {2016-01-01: 0.05}" in text
    criteria.write_text(text.replace("values: {2016-01-01: 0.05}", "values: {2016-01-01: 0.04}", 1), encoding="utf-8")
    by_folder, _ = run_impact(tmp_path, firms, folder)
    parameter = tmp_path / "p.yaml"
    parameter.write_text("hnte-national-2016.small_firm_min_rd_ratio: 0.04\n", encoding="utf-8")
    (tmp_path / "second").mkdir()
    by_parameter, _ = run_impact(tmp_path / "second", firms, parameter)
    assert by_folder["changes"] == by_parameter["changes"] and by_folder["changes"]
    assert by_folder["override"]["packs"] == ["hnte-national-2016"]


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("no_such_parameter: 1\n", "no_such_parameter"),
        ("hnte-national-2016.small_firm_min_rd_ratio: yes\n", "small_firm_min_rd_ratio"),
        ("- a list\n", "parameter paths"),
    ],
)
def test_a_bad_override_is_refused_in_both_languages(tmp_path: Path, content: str, words: str) -> None:
    override = tmp_path / "bad.yaml"
    override.write_text(content, encoding="utf-8")
    pool = write_jsonl(tmp_path / "pool.jsonl", list(ladder_pool(3)))
    run = hnte("impact", str(pool), "--override", str(override), "--json", "-")
    assert run.returncode == 2
    assert words in run.stderr and any("\u4e00" <= ch <= "\u9fff" for ch in run.stderr)


def test_the_records_equal_those_of_whole_assessments(firms: list[dict[str, Any]]) -> None:
    """The impact assesses without the ladder's detail and again, whole, only the firms with a tier that
    flips (batch.impact.impact_records): every record is what whole assessments give."""
    from batch.impact import changed_assessor, impact_records
    from engine.impact import firm_record, parse_override

    base = default_assessor()
    override = parse_override(OVERRIDE, base.packs)
    changed = changed_assessor(override, base)
    profiles = [(row, validate_profile(f)) for row, f in enumerate(firms, start=1)]
    only = [p for _, p in profiles]
    expected = [
        firm_record(row, b, a)
        for (row, _), b, a in zip(profiles, base.assess_many(only), changed.assess_many(only), strict=True)
    ]
    assert any(r["change"] and r["change"].get("tiers") for r in expected)  # tiers flip, with their criteria
    assert any(c["criteria"] for r in expected if r["change"] for c in (r["change"].get("tiers") or {}).values())
    assert json.dumps(impact_records(profiles, override, base)) == json.dumps(expected)


def test_the_records_from_decisions_equal_those_of_whole_assessments() -> None:
    """impact_records compares the decisions alone (Assessor.decide_many) and assesses whole only the firms
    with a tier that flips: on 400 generated firms and an override that flips verdicts and tiers, every
    record is what two whole assessments give."""
    import random

    from batch.impact import changed_assessor, impact_records
    from engine.impact import firm_record, parse_override
    from fixtures.generator import ladder_profile

    base = default_assessor()
    override = parse_override({"hnte-national-2016.small_firm_min_rd_ratio": 0.04}, base.packs)
    changed = changed_assessor(override, base)
    rng = random.Random(7)
    profiles = [(row, validate_profile(ladder_profile(rng, row))) for row in range(400)]
    only = [p for _, p in profiles]
    expected = [
        firm_record(row, b, a)
        for (row, _), b, a in zip(profiles, base.assess_many(only), changed.assess_many(only), strict=True)
    ]
    changes = [r["change"] for r in expected if r["change"]]
    assert any("verdict" in c and c["verdict"]["criteria"] for c in changes)  # verdicts flip, on criteria
    assert any(t["criteria"] for c in changes for t in c.get("tiers", {}).values())  # tiers, on their own
    assert 0 < len(changes) < len(expected)
    assert json.dumps(impact_records(profiles, override, base)) == json.dumps(expected)


@pytest.mark.parametrize(
    "values",
    [
        {"haimen-overlay.chuying_min_rd_ratio": 0.06},  # a tier pack changes: its summaries are never reused
        {"hnte-national-2016.small_firm_min_rd_ratio": 0.04, "haimen-overlay.pool_min_usable_ip": 3},
    ],
)
def test_the_records_equal_whole_assessments_when_tier_packs_change(values: dict[str, Any]) -> None:
    """The impact reuses the ladder's summary only for the very same tier packs over the same facts; an
    override of a tier pack's parameter still gives exactly the records of two whole assessments."""
    import random

    from batch.impact import changed_assessor, impact_records
    from engine.impact import firm_record, parse_override
    from fixtures.generator import ladder_profile

    base = default_assessor()
    override = parse_override(values, base.packs)
    changed = changed_assessor(override, base)
    rng = random.Random(5)
    profiles = [(row, validate_profile(ladder_profile(rng, row))) for row in range(300)]
    only = [p for _, p in profiles]
    expected = [
        firm_record(row, b, a)
        for (row, _), b, a in zip(profiles, base.assess_many(only), changed.assess_many(only), strict=True)
    ]
    assert any(r["change"] and "tiers" in r["change"] for r in expected)
    assert json.dumps(impact_records(profiles, override, base)) == json.dumps(expected)
