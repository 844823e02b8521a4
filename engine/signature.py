"""Firing signatures: which side of each of a ruleset's thresholds a batch's facts lie on.

Every condition the compiler writes (engine/compiler.py) is a conjunction of tests `fact <op> constant`,
the constant resolved from the pack's parameters. Whether a test holds depends only on where the fact's
value lies relative to that constant, so two facts that agree on every test of a ruleset fire exactly the
same rules. A signature is that agreement, made cheap to compute:

- a fact absent from the facts is `ABSENT` (no test on it holds, whatever durable-rules does with it, both
  facts behave alike);
- a number tested only against numbers is its pair of insertion points among the sorted constants
  (`bisect_left`, `bisect_right`): they say for every constant whether the value is below, equal or above.
  The number's type is part of the signature, so an integer and a float never share one, whatever
  durable-rules makes of mixed comparisons;
- anything else (a string, a boolean, a number tested against a string) is the value itself, with its type
  (so that `True` and `1` differ).

durable-rules still decides: the cache (engine/runtime.py) asserts one representative fact per signature
it has not seen and reuses the rules it fired for every fact with that signature.
"""

from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from typing import Any

ABSENT = object()
_COMPARISONS = ("$lt", "$lte", "$gt", "$gte", "$neq")


def _tests(condition: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """(fact, constant) of every test in a compiled condition."""
    if "$and" in condition:
        for clause in condition["$and"]:
            yield from _tests(clause)
        return
    for key, value in condition.items():
        if key in _COMPARISONS:
            yield from value.items()
        else:
            yield key, value


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class Signature:
    """The signature function of one compiled ruleset (its `definition`)."""

    __slots__ = ("_numeric", "_raw", "names")

    def __init__(self, definition: dict[str, Any]) -> None:
        constants: dict[str, set[Any]] = {}
        for rule in definition.values():
            for clause in rule["all"]:
                for fact, constant in _tests(clause["m"]):
                    constants.setdefault(fact, set()).add(constant)
        self.names = tuple(sorted(constants))
        # facts compared with numbers only → their sorted constants; the others are kept as values
        self._numeric = {
            fact: tuple(sorted(values)) for fact, values in constants.items() if all(map(_is_number, values))
        }
        self._raw = frozenset(constants) - frozenset(self._numeric)

    def of(self, facts: dict[str, Any]) -> tuple[Any, ...]:
        key: list[Any] = []
        numeric = self._numeric
        for name in self.names:
            value = facts.get(name, ABSENT)
            if value is ABSENT or value is None:
                key.append(ABSENT if value is ABSENT else None)
                continue
            kind = type(value)
            constants = numeric.get(name)
            if constants is not None and (kind is int or kind is float):
                key.append((kind, bisect_left(constants, value), bisect_right(constants, value)))
            else:
                key.append((kind, value))
        return tuple(key)
