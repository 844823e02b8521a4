import pytest

from engine import Assessor, default_assessor


@pytest.fixture(scope="session")
def assessor() -> Assessor:
    """The process's real assessor over rules/ (durable-rules rulesets are per process)."""
    return default_assessor()
