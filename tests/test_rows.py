"""The differential test of the row path (engine/rows.py, `Assessor.rows_many` → batch.triage.summary_of_row):
what a workbook row and the pool view show, made without the assessment, equals batch.triage.summarise of
the assessment (`assess_many(..., ladder_detail=False)`, itself equal to the reference path:
tests/test_fast_path.py) — every field of FirmSummary, every pack.

5,000 generated profiles with the ladder's sections (application dates over four years), every case file
of fixtures/cases and fixtures/ladder and the worked examples, in batches of other compositions, under an
overridden pack and with the national pack alone. `make bench` (bench/fast_path.py) compares 100,000.
"""

import json
from dataclasses import fields
from pathlib import Path

import pytest

from batch.triage import MAIN_SHORTFALLS, FirmSummary, summarise, summarise_rows, summary_of_row
from engine import Assessor, ProfileInvalid, load_packs, validate_profile
from engine.profile import Profile
from fixtures.generator import ladder_pool, pool
from tests.cases import load_cases
from tests.ladder.cases import ladder_cases

GENERATED = 5_000
EXAMPLES = Path(__file__).resolve().parent.parent / "fixtures" / "examples"


def _valid(raw: list[dict]) -> list[Profile]:  # type: ignore[type-arg]
    profiles = []
    for data in raw:
        try:
            profiles.append(validate_profile(data))
        except ProfileInvalid:
            continue  # the case files' invalid inputs: nothing to assess
    return profiles


@pytest.fixture(scope="module")
def assessors() -> tuple[Assessor, Assessor]:
    """One assessor for each path: neither reads what the other kept."""
    packs = load_packs()
    return Assessor(packs), Assessor(packs)


def _expected(assessor: Assessor, profiles: list[Profile], pack=None) -> list[FirmSummary]:  # type: ignore[no-untyped-def]
    return [summarise(i, a) for i, a in enumerate(assessor.assess_many(profiles, pack, ladder_detail=False))]


def _differences(got: list[FirmSummary], expected: list[FirmSummary]) -> list[str]:
    found = []
    for g, e in zip(got, expected, strict=True):
        if g != e:
            names = [f.name for f in fields(FirmSummary) if getattr(g, f.name) != getattr(e, f.name)]
            found.append(f"row {e.row} ({e.name}): {', '.join(names)} differ")
    return found


def test_generated_profiles_summarise_alike(assessors: tuple[Assessor, Assessor]) -> None:
    rows, full = assessors
    profiles = _valid(list(ladder_pool(GENERATED)))
    assert len(profiles) == GENERATED
    expected = _expected(full, profiles)
    got = summarise_rows(rows, range(len(profiles)), profiles)
    assert not _differences(got, expected)
    # again, in other batches: the decisions kept from the first pass serve them
    again = summarise_rows(rows, range(999, -1, -1), profiles[:1000][::-1])[::-1]
    assert not _differences(again, expected[:1000])
    # the pool exercises what a row shows: every verdict, coaching candidates, messages, gaps, the ladder
    assert len({s.verdict for s in expected}) >= 3
    assert sum(s.is_borderline for s in expected) > 100
    assert sum(bool(s.main_shortfalls["zh"]) for s in expected) > GENERATED / 2
    assert sum(any(v is not None for v in s.gaps.values()) for s in expected) > 100
    assert len({s.tier for s in expected}) >= 3 and len({s.next_tier for s in expected}) >= 3
    assert len({p.application_date.year for p in profiles}) >= 3  # packs and rounds of several years


def test_case_files_and_examples_summarise_alike(assessors: tuple[Assessor, Assessor]) -> None:
    rows, full = assessors
    raw = [profile for _, profile, _ in load_cases() + ladder_cases()]
    examples = [p for p in sorted(EXAMPLES.glob("*.json")) if "expected" not in p.name]
    raw += [json.loads(p.read_text(encoding="utf-8")) for p in examples]
    profiles = _valid(raw)
    assert len(profiles) > 200
    expected = _expected(full, profiles)
    assert not _differences(summarise_rows(rows, range(len(profiles)), profiles), expected)
    # one at a time, as the smallest batches are
    single = [summarise_rows(rows, [i], [p])[0] for i, p in enumerate(profiles[:50])]
    assert not _differences(single, expected[:50])
    # and on the reference path (every profile asserted into durable-rules)
    reference = Assessor(load_packs(), reference=True)
    assert not _differences(summarise_rows(reference, range(len(profiles)), profiles), expected)


def test_an_overridden_pack_summarises_alike(assessors: tuple[Assessor, Assessor]) -> None:
    rows, full = assessors
    profiles = _valid(list(pool(1_000)))
    pack = rows.pack_for(profiles[0].application_date).with_overrides(
        {"small_firm_min_rd_ratio": 0.04, "min_sci_tech_staff_ratio": 0.12}
    )
    expected = _expected(full, profiles, pack)
    got = [summary_of_row(i, firm) for i, firm in enumerate(rows.rows_many(profiles, pack, messages=MAIN_SHORTFALLS))]
    assert not _differences(got, expected)
    assert _differences(got, _expected(full, profiles))  # the override does change rows


def test_the_national_pack_alone_summarises_alike() -> None:
    """Without tier packs a row has no ladder fields, as the assessment has no `ladder`."""
    national = [p for p in load_packs() if p.family == "hnte-national"]
    rows, full = Assessor(national), Assessor(national)
    profiles = _valid(list(ladder_pool(500, seed=7)))
    expected = _expected(full, profiles)
    got = summarise_rows(rows, range(len(profiles)), profiles)
    assert not _differences(got, expected)
    assert all(s.tier is None and s.next_tier is None and s.tiers_met == [] for s in got)
