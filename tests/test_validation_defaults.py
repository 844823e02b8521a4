"""A section left out of a profile takes one shared instance of its defaults (engine/profile.py, `_shared`):
the profile reads exactly as if the section had been given empty, and no profile can change another's."""

from typing import Any

import pytest
from pydantic import ValidationError

from engine import validate_profile
from fixtures.generator import pool

SECTIONS = ("ip", "rd_management", "enterprise", "achievements", "funding", "upkeep")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_left_out_sections_read_as_given_empty(seed: int) -> None:
    for raw in pool(20, seed=seed):
        left_out: dict[str, Any] = {k: v for k, v in raw.items() if k not in SECTIONS}
        given_empty = {**left_out, **{section: {} for section in SECTIONS}}
        first, second = validate_profile(left_out), validate_profile(dict(left_out))
        empty = validate_profile(given_empty)
        assert first == empty and first.model_dump() == empty.model_dump()
        assert first.model_fields_set.isdisjoint(SECTIONS) and set(SECTIONS) <= empty.model_fields_set
        assert set(first.model_dump(exclude_unset=True)).isdisjoint(SECTIONS)
        for section in SECTIONS:  # one instance, frozen: nobody can change it for the others
            assert getattr(first, section) is getattr(second, section)
            with pytest.raises(ValidationError):
                setattr(getattr(first, section), next(iter(type(getattr(first, section)).model_fields)), None)
