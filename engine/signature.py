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
    """The signature function of one compiled ruleset (its `definition`).

    `of` is generated Python (one tuple expression, no call per fact but the bisections): it runs for every
    profile and every ruleset, so it is on the hot path.
    """

    __slots__ = ("names", "of")

    def __init__(self, definition: dict[str, Any], ignore: frozenset[str] = frozenset()) -> None:
        """`ignore`: facts left out of the signature (a pack run's tallies, decided by the firings before
        them: engine/evaluator.py)."""
        constants: dict[str, set[Any]] = {}
        for rule in definition.values():
            for clause in rule["all"]:
                for fact, constant in _tests(clause["m"]):
                    if fact not in ignore:
                        constants.setdefault(fact, set()).add(constant)
        self.names = tuple(sorted(constants))
        namespace: dict[str, Any] = {"A": ABSENT, "NUM": (int, float), "bl": bisect_left, "br": bisect_right}
        parts = []
        for index, name in enumerate(self.names):
            values = constants[name]
            if all(map(_is_number, values)):  # compared with numbers only: where it lies among them
                namespace[f"c{index}"] = tuple(sorted(values))
                parts.append(
                    f"((v.__class__, bl(c{index}, v), br(c{index}, v)) if (v := g({name!r}, A)).__class__ in NUM "
                    "else (v.__class__, v))"
                )
            else:  # the value itself, with its type (True is not 1); absent and None differ
                parts.append(f"((v := g({name!r}, A)).__class__, v)")
        source = f"def of(facts):\n    g = facts.get\n    return ({', '.join(parts)}{',' if parts else ''})\n"
        exec(compile(source, f"<signature of {len(self.names)} facts>", "exec"), namespace)
        self.of = namespace["of"]
