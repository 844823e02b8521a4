"""durable-rules at the low level: create rulesets, assert a batch of facts, collect the firings.

Measured facts that shape this module (durable-rules 2.0.28): a ruleset holds ~1,024 live sessions,
so every batch runs in a session of its own that is deleted as soon as it is read; facts (not events)
let every matching rule fire; the C extension is not thread-safe, so one lock serialises every call
of a process. The firing messages are JSON of the matched facts: only the fact ids are needed, so
they are read with a regular expression instead of a full JSON parse (the parse cost more than the
rules).

Firings are cached by signature (engine/signature.py): a fact whose signature was seen before gets the rules
durable-rules fired for the representative of that signature, and only facts with new signatures are
asserted — in one session per batch, as before. `DurableRuntime(cache=False)` asserts every fact: the
reference path that the differential test (tests/test_fast_path.py) compares the cached path with.

durable-rules 2.0.28 crashes the process (segmentation fault) on some numbers in exponent notation
(`1e-08`, `1e+20`) and refuses them in a ruleset (error 204); that is how Python's json writes very small
or large floats, so every such number is rewritten in positional notation first.
"""

import itertools
import json
import re
import threading
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import durable_rules_engine as dre
import orjson

from engine.compiler import BATCH_CAP, CompiledGroup
from engine.signature import Signature

_RULE_NAME = re.compile(r'^\{"([^"]+)"')
_FACT_ID = re.compile(r'"id": ?(\d+)')
# a number in value position (orjson writes no spaces), so that text inside strings is left alone
_EXPONENT_NUMBER = re.compile(r"(?<=[:\[,])-?\d+(?:\.\d+)?[eE][-+]?\d+")


def _positional(match: re.Match[str]) -> str:
    text = format(Decimal(match.group()), "f")
    return text if "." in text else text + ".0"


def durable_json(payload: Any) -> str:
    """JSON whose numbers durable-rules can read (no exponent notation), for facts and rulesets alike.

    orjson writes the facts several times faster than the standard library; an exponent is always written
    with its sign there (1e-8, 1e+20), so the rewrite runs only when one is present.
    """
    try:
        text = orjson.dumps(payload).decode()
    except TypeError:  # an integer beyond 64 bits (an absurd count): the standard library writes it
        text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return _EXPONENT_NUMBER.sub(_positional, text) if "e-" in text or "e+" in text else text


class RulesEngineError(RuntimeError):
    pass


SIGNATURES_PER_RULESET = 10_000  # the cache of one ruleset starts again when it holds this many (~10 MB)


class DurableRuntime:
    """One per process: the rulesets created so far, the firings seen per signature, and the lock around
    the C extension."""

    def __init__(self, *, cache: bool = True) -> None:
        self._handles: dict[str, int] = {}
        self._sessions = itertools.count(1)
        self.lock = threading.RLock()
        self.cache = cache
        # ruleset name → (its signature function, signature → the rule names fired)
        self._seen: dict[str, tuple[Signature, dict[tuple[Any, ...], tuple[str, ...]]]] = {}
        self.asserted = 0  # facts asserted into durable-rules so far (the cache's misses)

    def handle(self, group: CompiledGroup) -> int:
        handle = self._handles.get(group.ruleset_name)
        if handle is None:
            handle = dre.create_ruleset(group.ruleset_name, durable_json(group.definition))
            self._handles[group.ruleset_name] = handle
        return handle

    def fire(self, group: CompiledGroup, facts: Sequence[dict[str, Any]]) -> list[tuple[str, ...]]:
        """The rule names fired for each of `facts` (any number of them): durable-rules fires once per
        signature not seen before, in batches of at most BATCH_CAP; the rest come from the cache. The
        tuples are shared between facts and calls.

        A fact dict may hold more than the group reads (a profile's whole facts): the signature reads the
        group's facts only, and only those are asserted."""
        names = group.fact_names
        if not self.cache:
            batch = [{name: fact[name] for name in names if name in fact} for fact in facts]
            fired: list[tuple[str, ...]] = []
            for start in range(0, len(batch), BATCH_CAP):
                fired += map(tuple, self.fire_each(group, batch[start : start + BATCH_CAP]))
            return fired
        with self.lock:
            entry = self._seen.get(group.ruleset_name)
            if entry is None:
                entry = self._seen[group.ruleset_name] = (Signature(group.definition), {})
            signature, seen = entry
            keys = list(map(signature.of, facts))
            new: dict[tuple[Any, ...], int] = {}
            for index, key in enumerate(keys):
                if key not in seen and key not in new:
                    new[key] = index
            if new:
                if len(seen) + len(new) > SIGNATURES_PER_RULESET:  # bounded: start again
                    seen.clear()
                    new = {}
                    for index, key in enumerate(keys):
                        new.setdefault(key, index)
                pending = list(new.items())
                for start in range(0, len(pending), BATCH_CAP):
                    chunk = pending[start : start + BATCH_CAP]
                    representatives = [
                        {name: facts[index][name] for name in names if name in facts[index]} for _, index in chunk
                    ]
                    for (key, _), fired_names in zip(chunk, self.fire_each(group, representatives), strict=True):
                        seen[key] = tuple(fired_names)
                    self.asserted += len(chunk)
            return [seen[key] for key in keys]

    def fire_each(self, group: CompiledGroup, facts: list[dict[str, Any]]) -> list[list[str]]:
        """Assert every one of `facts` (at most BATCH_CAP) into a fresh session; the rule names fired for
        each fact. Bare durable-rules: no cache."""
        if len(facts) > BATCH_CAP:
            raise ValueError(f"a batch holds at most {BATCH_CAP} facts")
        fired: list[list[str]] = [[] for _ in facts]
        if not facts:
            return fired
        with self.lock:
            handle = self.handle(group)
            sid = f"s{next(self._sessions)}"
            payload = [{"sid": sid, "id": index, **fact} for index, fact in enumerate(facts)]
            try:
                result = dre.assert_facts(handle, durable_json(payload))
                state = result[1]
                action = dre.start_action_for_state(handle, state)
                while action:
                    message = action[1] if isinstance(action, tuple) else action
                    name = _RULE_NAME.match(message)
                    if name is None:
                        raise RulesEngineError(f"unexpected firing message from {group.ruleset_name}")
                    rule = name.group(1)
                    for fact_id in _FACT_ID.findall(message):
                        fired[int(fact_id)].append(rule)
                    action = dre.complete_and_start_action(handle, state)
            finally:
                try:
                    dre.delete_state(handle, sid)
                except Exception:  # the session may not exist if the assert itself failed
                    pass
        return fired
