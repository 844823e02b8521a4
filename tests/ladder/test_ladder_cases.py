"""Every case of fixtures/ladder/*.yaml through the real engine: national pack and tier packs, decided
in durable-rules."""

import pytest

from engine import Assessor, validate_profile
from tests.ladder.cases import ladder_cases, ladder_mismatches

CASES = ladder_cases()


@pytest.mark.parametrize(("profile", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_ladder_case(assessor: Assessor, profile: dict, expected: dict) -> None:
    assessment = assessor.assess(validate_profile(profile))
    assert ladder_mismatches(expected, assessment) == []
