"""Firing signatures: which side of each of a ruleset's thresholds a batch's facts lie on.

Every condition the compiler writes (engine/compiler.py) is a conjunction of tests `fact <op> constant`,
the constant resolved from the pack's parameters. Whether a test holds depends only on where the fact's
value lies relative to that constant, so two facts that agree on every test of a ruleset fire exactly the
same rules. A signature is that agreement, made cheap to compute:

- a fact absent from the facts is `ABSENT` (no test on it holds, whatever durable-rules does with it, both
  facts behave alike);
- a number tested only against numbers is where it lies among the sorted constants: tested only with
  `<` / `>=`, the count of constants at or below it (`bisect_right`: `v < c` holds exactly when c is not
  among them); only with `<=` / `>`, the count below it (`bisect_left`); otherwise (`==`, `!=`, or both
  kinds) both, which say for every constant whether the value is below, equal or above. One insertion
  point where one is enough is half the work, and facts that differ only in being equal to a constant
  that no test asks about share a signature. The number's type is part of the signature, so an integer
  and a float never share one, whatever durable-rules makes of mixed comparisons; NaN (no comparison
  holds) is kept as itself;
- anything else (a string, a boolean, a number tested against a string) is the value itself, with its type
  (so that `True` and `1` differ).

The signature is one flat tuple — per fact its type, then its insertion point(s) or value, a fixed number
of places per fact — so no tuple is built per fact.

durable-rules still decides: the cache (engine/runtime.py) asserts one representative fact per signature
it has not seen and reuses the rules it fired for every fact with that signature.
"""

from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from typing import Any

ABSENT = object()
_COMPARISONS = ("$lt", "$lte", "$gt", "$gte", "$neq")
# which insertion point answers a comparison with a constant: `v < c` / `v >= c` → bisect_right,
# `v <= c` / `v > c` → bisect_left; equality (`$neq`, or a bare `fact: constant`) needs both
_SIDE = {"$lt": "right", "$gte": "right", "$lte": "left", "$gt": "left"}


def _tests(condition: dict[str, Any]) -> Iterator[tuple[str, str, Any]]:
    """(operator, fact, constant) of every test in a compiled condition ("$eq" for a bare equality)."""
    if "$and" in condition:
        for clause in condition["$and"]:
            yield from _tests(clause)
        return
    for key, value in condition.items():
        if key in _COMPARISONS:
            for fact, constant in value.items():
                yield key, fact, constant
        else:
            yield "$eq", key, value


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class Signature:
    """The signature function of one compiled ruleset (its `definition`).

    `of` is generated Python (one flat tuple expression, no call per fact but the bisections): it runs for
    every profile and every ruleset, so it is on the hot path.
    """

    __slots__ = ("names", "of")

    def __init__(self, definition: dict[str, Any], ignore: frozenset[str] = frozenset()) -> None:
        """`ignore`: facts left out of the signature (a pack run's tallies, decided by the firings before
        them: engine/evaluator.py)."""
        constants: dict[str, set[Any]] = {}
        sides: dict[str, set[str]] = {}
        for rule in definition.values():
            for clause in rule["all"]:
                for op, fact, constant in _tests(clause["m"]):
                    if fact not in ignore:
                        constants.setdefault(fact, set()).add(constant)
                        sides.setdefault(fact, set()).add(_SIDE.get(op, "both"))
        self.names = tuple(sorted(constants))
        namespace: dict[str, Any] = {"A": ABSENT, "NUM": (int, float), "bl": bisect_left, "br": bisect_right}
        parts = []
        for index, name in enumerate(self.names):
            values = constants[name]
            c = f"c{index}"
            if all(map(_is_number, values)):  # compared with numbers only: where it lies among them
                namespace[c] = tuple(sorted(values))
                number = "v.__class__ in NUM and v == v"  # v == v: not NaN
                side = sides[name]
                if side == {"right"}:
                    parts.append(f"(v := g({name!r}, A)).__class__, (br({c}, v) if {number} else v)")
                elif side == {"left"}:
                    parts.append(f"(v := g({name!r}, A)).__class__, (bl({c}, v) if {number} else v)")
                else:
                    parts.append(
                        f"(v := g({name!r}, A)).__class__, (bl({c}, v) if {number} else v), "
                        f"(br({c}, v) if {number} else None)"
                    )
            else:  # the value itself, with its type (True is not 1); absent and None differ
                parts.append(f"(v := g({name!r}, A)).__class__, v")
        source = f"def of(facts):\n    g = facts.get\n    return ({', '.join(parts)}{',' if parts else ''})\n"
        exec(compile(source, f"<signature of {len(self.names)} facts>", "exec"), namespace)
        self.of = namespace["of"]
