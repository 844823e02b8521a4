"""Issue 12's size goal: the default assessment JSON (engine/detail.py) is at most 20,000 bytes for generated
firms and every case file, with the ladder's detail on request; the workbook reads the same from the
default view as from the whole assessment."""

import datetime as dt
import json
import random
from pathlib import Path
from typing import Any

import orjson
import pytest

from batch.triage import summarise
from engine import Assessor, ProfileInvalid, load_packs, validate_profile
from engine.detail import LADDER, with_detail
from fixtures.generator import ladder_pool, ladder_profile
from tests.cases import load_cases
from tests.ladder.cases import ladder_cases

LIMIT = 20_000
EXAMPLES = Path(__file__).resolve().parent.parent / "fixtures" / "examples"


def _size(assessment: dict[str, Any]) -> int:
    try:
        return len(orjson.dumps(assessment))
    except TypeError:  # an integer beyond 64 bits (a case file's absurd count): the compact JSON's bytes
        return len(json.dumps(assessment, ensure_ascii=False, separators=(",", ":")).encode())


def _valid(raw: list[dict[str, Any]]) -> list[Any]:
    profiles = []
    for data in raw:
        try:
            profiles.append(validate_profile(data))
        except ProfileInvalid:
            continue  # the case files' invalid inputs: nothing to assess
    return profiles


def _profiles() -> list[Any]:
    # the pool of bench/fast_path.py (one date, its seed) and the ladder pool's dates over four years
    rng = random.Random(20261201)
    generated = [ladder_profile(rng, i, dt.date(2025, 6, 30)) for i in range(1_500)] + list(ladder_pool(1_000))
    raw = generated + [profile for _, profile, _ in load_cases() + ladder_cases()]
    examples = [p for p in sorted(EXAMPLES.glob("*.json")) if "expected" not in p.name]
    raw += [json.loads(p.read_text(encoding="utf-8")) for p in examples]
    return _valid(raw)


@pytest.fixture(scope="module")
def assessed() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    profiles = _profiles()
    assert len(profiles) > 2_700
    assessor = Assessor(load_packs())
    return assessor.assess_many(profiles), assessor.assess_many(profiles, ladder_detail=False)


def test_the_default_json_is_at_most_20_kb(assessed: tuple[list[dict[str, Any]], list[dict[str, Any]]]) -> None:
    full, summaries = assessed
    over = [(a["company"]["name"], _size(a)) for a in summaries if _size(a) > LIMIT]
    assert not over, over
    # the same view either way, and the detail is what makes the whole assessment large
    assert [_size(with_detail(a)) for a in full] == [_size(a) for a in summaries]
    assert sum(_size(a) for a in full) > 2 * sum(_size(a) for a in summaries)
    assert all(with_detail(a, frozenset({LADDER})) is a for a in full)


def test_the_workbook_row_is_the_same_from_either(assessed: tuple[list[dict[str, Any]], list[dict[str, Any]]]) -> None:
    full, summaries = assessed
    rows = [summarise(i, a) for i, a in enumerate(full)]
    assert [summarise(i, a) for i, a in enumerate(summaries)] == rows
    assert {r.tier_title is not None for r in rows} == {True, False}  # firms with a tier and firms with none
    assert all(r.next_tier_title is not None for r in rows if r.next_tier is not None)
