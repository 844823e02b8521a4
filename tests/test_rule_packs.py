"""Rules are data: editing a copied pack changes verdicts with no code change; packs are dated."""

import datetime as dt
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from engine import Assessor, NoPackInForce, Profile, load_packs, validate_profile
from engine.pack import DEFAULT_RULES_DIR, PackError, load_pack
from tests.cases import base_profile

NATIONAL = DEFAULT_RULES_DIR / "hnte-national-2016"


def copied_pack(tmp_path: Path) -> Path:
    target = tmp_path / "rules" / "hnte-national-2016"
    shutil.copytree(NATIONAL, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def healthy(changes: dict | None = None) -> Profile:
    return validate_profile(base_profile(changes))


def test_editing_a_threshold_in_a_copied_pack_changes_the_verdict(tmp_path: Path) -> None:
    pack_dir = copied_pack(tmp_path)
    edit(pack_dir / "criteria.yaml", "values: {2016-01-01: 0.10}", "values: {2016-01-01: 0.25}")
    profile = healthy()  # 20% S&T staff
    original = Assessor().assess(profile)
    edited = Assessor(packs=load_packs(tmp_path / "rules")).assess(profile)
    assert original["verdict"] == "eligible"
    assert edited["verdict"] == "not_eligible"
    assert edited["criteria"]["sci_tech_staff_ratio"]["passed"] is False
    assert edited["criteria"]["sci_tech_staff_ratio"]["threshold"] == 0.25


def test_editing_a_band_changes_the_points(tmp_path: Path) -> None:
    pack_dir = copied_pack(tmp_path)
    edit(pack_dir / "innovation-transformation.yaml", "- {min: 5, points: [25, 30]}", "- {min: 6, points: [25, 30]}")
    profile = healthy()  # 5 transformations a year
    edited = Assessor(packs=load_packs(tmp_path / "rules")).assess(profile)
    transformation = edited["innovation"]["indicators"]["transformation"]
    assert (transformation["min"], transformation["max"]) == (19, 24)


def test_a_dated_parameter_applies_from_its_date(tmp_path: Path) -> None:
    pack_dir = copied_pack(tmp_path)
    edit(pack_dir / "criteria.yaml", "values: {2016-01-01: 0.10}", "values: {2016-01-01: 0.10, 2025-01-01: 0.25}")
    assessor = Assessor(packs=load_packs(tmp_path / "rules"))
    before = assessor.assess(healthy({"application_date": "2024-12-31"}))
    after = assessor.assess(healthy({"application_date": "2025-01-01"}))
    assert before["criteria"]["sci_tech_staff_ratio"]["threshold"] == 0.1
    assert after["criteria"]["sci_tech_staff_ratio"]["threshold"] == 0.25


def test_overrides_give_a_variant_pack_with_its_own_version() -> None:
    assessor = Assessor()
    profile = healthy()
    pack = assessor.pack_for(profile.application_date)
    variant = pack.with_overrides({"pass_mark": 90})
    assessment = assessor.assess(profile, pack=variant)
    assert assessment["rules_version"].startswith("hnte-national-2016@1+")
    assert assessment["criteria"]["innovation_score"]["passed"] is None
    assert assessment["verdict"] == "borderline"
    assert assessor.assess(profile)["verdict"] == "eligible"  # the pack itself is untouched
    with pytest.raises(PackError):
        pack.with_overrides({"no_such_parameter": 1})


def test_an_application_date_no_pack_covers_is_refused() -> None:
    profile = healthy({"application_date": "2015-12-31", "company": {"registered_on": "2010-01-01"}})
    with pytest.raises(NoPackInForce) as raised:
        Assessor().assess(profile)
    assert "2015-12-31" in raised.value.message["zh"] and "2015-12-31" in raised.value.message["en"]


def test_the_cli_refuses_an_uncovered_date_with_exit_2(tmp_path: Path) -> None:
    source = tmp_path / "old.json"
    source.write_text(
        '{"company": {"name": "早期企业", "registered_on": "2010-01-01"}, "application_date": "2015-06-30"}',
        encoding="utf-8",
    )
    run = subprocess.run(
        [sys.executable, "-m", "cli.main", "assess", str(source)], capture_output=True, text=True, check=False
    )
    assert run.returncode == 2
    assert "规则包" in run.stderr and "rule pack" in run.stderr


@pytest.mark.parametrize(
    ("file", "old", "new", "complaint"),
    [
        ("criteria.yaml", "values: {2016-01-01: 0.10}", "values: {2016-01-01: 0.123456789}", "decimals"),
        ("criteria.yaml", "$min_sci_tech_staff_ratio}}", "$no_such_parameter}}", "unknown parameter"),
        ("criteria.yaml", "citation: 《高新技术企业认定管理办法》第十一条（四）", "", "citation"),
        ("decision.yaml", "group: decision", "group: decided", "decision"),
    ],
)
def test_a_broken_pack_is_refused_with_a_clear_error(
    tmp_path: Path, file: str, old: str, new: str, complaint: str
) -> None:
    pack_dir = copied_pack(tmp_path)
    edit(pack_dir / file, old, new)
    with pytest.raises(PackError, match=complaint):
        Assessor(packs=[load_pack(pack_dir)]).assess(healthy())


def test_every_target_and_parameter_carries_its_source() -> None:
    for pack in load_packs():
        for target_id, target in pack.targets().items():
            assert target.citation.strip(), target_id
            for rule in target.rules:
                if rule.shortfall:
                    assert rule.shortfall.remediation.zh and rule.shortfall.remediation.en
        for name, parameter in pack.parameters.items():
            assert parameter.description.zh and parameter.description.en, name
            assert parameter.values, name


POLICY_NUMBERS = re.compile(
    r"(?<![\w.])(0\.05|0\.04|0\.03|0\.6|0\.60|0\.1|0\.10|0\.35|0\.25|0\.15|365|366|71|70|5000|20000)(?![\w.])"
)


def test_no_policy_number_lives_in_engine_code() -> None:
    engine_dir = Path(__file__).resolve().parent.parent / "engine"
    found = []
    for path in engine_dir.glob("*.py"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if '"""' in code or code.strip().startswith(('"', "'")):
                continue
            if POLICY_NUMBERS.search(code):
                found.append(f"{path.name}:{number}: {line.strip()}")
    assert found == []


def test_dates_between_parameter_changes_share_one_compilation(tmp_path: Path) -> None:
    pack_dir = copied_pack(tmp_path)
    edit(pack_dir / "criteria.yaml", "values: {2016-01-01: 0.10}", "values: {2016-01-01: 0.10, 2025-01-01: 0.25}")
    assessor = Assessor(packs=load_packs(tmp_path / "rules"))
    pack = assessor.packs[0]
    compiled = {
        d: assessor.compiled(pack, dt.date.fromisoformat(d))[0]
        for d in ("2019-03-01", "2024-12-31", "2025-01-01", "2026-06-30")
    }
    assert compiled["2019-03-01"] is compiled["2024-12-31"]
    assert compiled["2025-01-01"] is compiled["2026-06-30"]
    assert compiled["2024-12-31"].key != compiled["2025-01-01"].key
