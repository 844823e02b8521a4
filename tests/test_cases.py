"""Every case of fixtures/cases/*.yaml through the real engine (durable-rules included)."""

import pytest

from engine import Assessor, ProfileInvalid, validate_profile
from tests.cases import load_cases, mismatches

CASES = load_cases()


@pytest.mark.parametrize(("profile", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_case(assessor: Assessor, profile: dict, expected: dict) -> None:
    if "errors" in expected:
        with pytest.raises(ProfileInvalid) as raised:
            validate_profile(profile)
        fields = [error["field"] for error in raised.value.errors]
        assert sorted(fields) == sorted(expected["errors"])
        return
    assessment = assessor.assess(validate_profile(profile))
    assert mismatches(expected, assessment) == []
