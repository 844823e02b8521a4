"""Derived facts: what Python computes from a profile before the rules of any pack decide.

One mechanism for every pack. Each fact is named and comes from one *provider* — a function registered
with the names it provides (engine/facts_window.py: the accounting window of the national criteria;
engine/facts_firm.py: the previous year, the optional sections, the certificate, the provincial rounds).
A profile's facts are derived in one pass into one `Facts`, running only the providers whose facts the
packs read (`FactPlan`); the figures they share (the year entries, the window) are read once.

Each fact asserted into durable-rules is a plain JSON value (never None: None means absent to the
evaluator). A figure that may be absent has a status fact (`…_data`): ``ok`` (the value is there),
``missing`` (a figure it needs is absent — unknown), or ``undefined`` (a zero denominator, no such year —
the value cannot be shown). Ratios and rates are handed over through ``engine.money.exact_float`` so
that the rules compare them exactly; their exact parts stay in `Facts.ratios` / `Facts.growth` for gaps
and output, and never go to durable-rules.

A provider that reads pack parameters (a certificate's validity, a provincial round's year) runs per pack
that has those parameters; when its facts may differ between packs under the same names (`per_pack`),
that pack reads a copy of the profile's facts (`FactPlan.for_pack`).
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from engine.money import UNIT, to_units
from engine.profile import Profile, YearFigures
from engine.window import Window, window_of

# (application year, registration year) → its window; a race between threads only makes one twice
_WINDOWS: dict[tuple[int, int], Window] = {}
# a provider's batch form: (sources, facts) or, with parameters, (sources, facts, parameters)
Many = Callable[..., None]


@dataclass(slots=True)
class Facts:
    """One profile's facts. `values` holds the facts and the words messages may name."""

    values: dict[str, Any]
    window: Window
    # criterion / item id or status fact → the missing field paths
    missing: dict[str, list[str]] = field(default_factory=dict)
    ratios: dict[str, tuple[int, int]] = field(default_factory=dict)  # exact ratio facts: (num, den)
    growth: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # cagr fact → base, latest, years
    context: dict[str, Any] = field(default_factory=dict)  # what gaps and output read besides facts

    @property
    def facts(self) -> dict[str, Any]:
        return self.values

    def copy(self) -> "Facts":
        return Facts(
            dict(self.values), self.window, dict(self.missing), dict(self.ratios), dict(self.growth), self.context
        )


Derived = Facts  # the name the national output used


class Source:
    """The profile and what several providers read, computed once."""

    __slots__ = (
        "_entries",
        "_units",
        "answer_fields",
        "columns",
        "first_year",
        "last",
        "profile",
        "window",
        "window_entries",
    )

    def __init__(self, profile: Profile, answer_fields: dict[str, tuple[str, ...]]) -> None:
        self.profile = profile
        self.answer_fields = answer_fields
        self.window = window_of(profile)
        self.first_year = profile.company.registered_on.year
        self._entries: dict[int, YearFigures] | None = {entry.year: entry for entry in profile.years}
        self._units: dict[tuple[int, str], int | None] = {}
        # what the batch forms read (`Source.many`)
        self.window_entries = [self.entries.get(year) for year in self.window.years]
        self.columns: dict[str, Sequence[int | None]] = {}
        self.last: dict[str, int | None] = {}

    @classmethod
    def many(
        cls,
        profiles: Sequence[Profile],
        answer_fields: dict[str, tuple[str, ...]],
        window_figures: tuple[str, ...] = (),
        last_figures: tuple[str, ...] = (),
    ) -> list["Source"]:
        """Sources of a batch, as `Source(profile, answer_fields)` gives each, with the figures the batch
        forms read converted once: `columns[name]`, a window figure of each window year; `last[name]`, a
        figure of the year before the application year (the window's latest, or a year before registration
        when the window is empty) — each `units(year, name)`. The window of each pair of application and
        registration years is made once (a `Window` is immutable, so shared); `entries` when first read."""
        windows = _WINDOWS
        if len(windows) > 100_000:  # any pair of years is valid; only the few in use are worth keeping
            windows.clear()
        sources: list[Source] = []
        new = cls.__new__
        also_last = tuple(name for name in last_figures if name not in window_figures)
        unit = UNIT
        no_window: dict[str, Sequence[int | None]] = dict.fromkeys(window_figures, ())
        for profile in profiles:
            source = new(cls)
            first = profile.company.registered_on.year
            key = (profile.application_date.year, first)
            window = windows.get(key)
            if window is None:
                window = windows[key] = window_of(profile)
            source.profile = profile
            source.answer_fields = answer_fields
            source.window = window
            source.first_year = first
            source._entries = None
            source._units = {}
            years = window.years
            # the window's entries found in one pass over the years given (no year appears twice)
            in_window: list[YearFigures | None] = [None] * len(years)
            latest_entry = None
            if years:
                start = years[0]
                for entry in profile.years:
                    index = entry.year - start
                    if 0 <= index < len(in_window):
                        in_window[index] = entry
            else:
                latest = window.latest
                for entry in profile.years:
                    if entry.year == latest:
                        latest_entry = entry
            source.window_entries = in_window
            if years:  # it ends with the year before the application year
                columns: dict[str, Sequence[int | None]] = {}
                last: dict[str, int | None] = {}
                for name in window_figures:
                    column: list[int | None] = []
                    for entry in in_window:
                        raw = None if entry is None else entry.__dict__[name]
                        column.append(None if raw is None else int(raw * unit))  # to_units, inlined
                    columns[name] = column
                    last[name] = column[-1]
                entry = in_window[-1]
                reading = also_last
            else:
                columns = no_window
                last = {}
                entry = latest_entry
                reading = last_figures
            if entry is None:
                for name in reading:
                    last[name] = None
            else:
                given = entry.__dict__
                for name in reading:
                    raw = given[name]
                    last[name] = None if raw is None else int(raw * unit)  # to_units, inlined
            source.columns = columns
            source.last = last
            sources.append(source)
        return sources

    @property
    def entries(self) -> dict[int, YearFigures]:
        """The year entries by year."""
        entries = self._entries
        if entries is None:
            entries = self._entries = {entry.year: entry for entry in self.profile.years}
        return entries

    def units(self, year: int, name: str) -> int | None:
        """A year's figure in exact 0.0001 units (None: no such year, or the figure is absent). Each figure
        is converted once, however many facts read it (a year's sales: the R&D ratio, the growth rates,
        the previous year's figures, a round's growth)."""
        key = (year, name)
        cached = self._units
        if key in cached:  # not try/except: a miss, the common case, would raise
            return cached[key]
        entry = self.entries.get(year)
        raw = getattr(entry, name) if entry is not None else None
        found = cached[key] = None if raw is None else to_units(raw)
        return found


@dataclass(frozen=True, slots=True)
class Provider:
    name: str
    provides: frozenset[str]
    derive: Callable[..., None]  # (source, facts) or, with parameters, (source, facts, parameters)
    parameters: frozenset[str] = frozenset()  # pack parameters it reads: run per pack that has them all
    per_pack: bool = False  # its facts may differ between packs under the same names
    prefixes: tuple[str, ...] = ()  # also every fact matching one of these (`last_year_*`, `*_answers`)
    # the batch form (`batch_of`): the same facts for each profile of a batch, in the same order
    many: Many | None = None
    window_figures: tuple[str, ...] = ()  # what the batch form reads of `Source.columns`
    last_figures: tuple[str, ...] = ()  # and of `Source.last`


PROVIDERS: list[Provider] = []


def provider(
    *provides: str, parameters: Iterable[str] = (), per_pack: bool = False, patterns: Iterable[str] = ()
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Registers a function as the provider of the named facts (`patterns`: `*_answers`-style names)."""

    def register(function: Callable[..., None]) -> Callable[..., None]:
        PROVIDERS.append(
            Provider(
                function.__name__.lstrip("_"),
                frozenset(provides),
                function,
                frozenset(parameters),
                per_pack,
                tuple(patterns),
            )
        )
        return function

    return register


def batch_of(
    reference: Callable[..., None], window: Iterable[str] = (), last: Iterable[str] = ()
) -> Callable[[Many], Many]:
    """Registers a function as the batch form of a registered provider: `(sources, facts)` of a batch, giving
    each profile exactly the facts (values, types, order, ratios, missing, context) the provider gives it
    alone — tests/test_facts_batch.py compares them. The provider stays the reference. `window` / `last`:
    the figures it reads of `Source.columns` / `Source.last`."""

    def register(function: Many) -> Many:
        for index, registered in enumerate(PROVIDERS):
            if registered.derive is reference:
                PROVIDERS[index] = replace(
                    registered, many=function, window_figures=tuple(window), last_figures=tuple(last)
                )
                return function
        raise LookupError(f"{reference.__name__} is not a registered provider")

    return register


def _matches(pattern: str, name: str) -> bool:
    """`last_year_*` names a prefix, `*_answers` a suffix."""
    return name.startswith(pattern[:-1]) if pattern.endswith("*") else name.endswith(pattern[1:])


def _reads(provider: Provider, wanted: set[str]) -> bool:
    if provider.provides & wanted:
        return True
    return any(_matches(pattern, name) for pattern in provider.prefixes for name in wanted)


CHUNK = 64  # profiles a batch derivation runs every provider over at a time (see `FactPlan.derive_many`)


class FactPlan:
    """Which providers run for a set of packs: those whose facts the packs read."""

    def __init__(self, wanted: set[str] | None = None) -> None:
        _load_providers()
        chosen = [p for p in PROVIDERS if wanted is None or _reads(p, wanted)]
        self.common = tuple(p for p in chosen if not p.parameters)
        self.parametric = tuple(p for p in chosen if p.parameters)
        # the figures the batch forms of the common providers read, converted once per profile
        self._window = tuple(dict.fromkeys(n for p in self.common if p.many for n in p.window_figures))
        self._last = tuple(dict.fromkeys(n for p in self.common if p.many for n in p.last_figures))

    def derive(self, profile: Profile, answer_fields: dict[str, tuple[str, ...]]) -> Facts:
        """The facts every pack may read of one profile (none of the per-pack ones)."""
        source = Source(profile, answer_fields)
        facts = Facts({}, source.window)
        facts.context["source"] = source
        for p in self.common:
            p.derive(source, facts)
        return facts

    def derive_many(self, profiles: Sequence[Profile], answer_fields: dict[str, tuple[str, ...]]) -> list[Facts]:
        """`derive` of each profile: the same facts, at a fraction of the cost per profile. Provider by
        provider (its batch form when it has one) over slices of CHUNK profiles: each provider's lookups
        are made once per slice, and a slice's profiles stay in the CPU caches while every provider reads
        them (measured: slices of 32 to 128 cost least; a whole batch of 500 some 5 % more)."""
        derived: list[Facts] = []
        common = self.common
        for start in range(0, len(profiles), CHUNK):
            sources = Source.many(profiles[start : start + CHUNK], answer_fields, self._window, self._last)
            chunk = [Facts({}, source.window, {}, {}, {}, {"source": source}) for source in sources]
            for p in common:
                if p.many is not None:
                    p.many(sources, chunk)
                else:
                    run = p.derive
                    for source, facts in zip(sources, chunk, strict=True):
                        run(source, facts)
            derived += chunk
        return derived

    def per_pack(self, parameters: dict[str, Any]) -> tuple[tuple[Provider, ...], bool]:
        """The parametric providers a pack with these parameters runs, and whether it needs a copy."""
        found = tuple(p for p in self.parametric if all(parameters.get(n) is not None for n in p.parameters))
        return found, any(p.per_pack for p in found)

    @staticmethod
    def for_pack(facts: Facts, providers: tuple[Provider, ...], own: bool, parameters: dict[str, Any]) -> Facts:
        """The facts one pack reads: the profile's (a copy when `own`), plus its parametric providers'."""
        if not providers:
            return facts
        result = facts.copy() if own else facts
        source = facts.context["source"]
        for p in providers:
            p.derive(source, result, parameters)
        return result

    @staticmethod
    def for_pack_many(
        bases: Sequence[Facts], providers: tuple[Provider, ...], own: bool, parameters: dict[str, Any]
    ) -> list[Facts]:
        """`for_pack` of each of `bases`: the same facts, each parametric provider's batch form running over
        them all (the parameters are the same for every one)."""
        if not providers:
            return list(bases)
        result = [facts.copy() for facts in bases] if own else list(bases)
        sources = [facts.context["source"] for facts in bases]
        for p in providers:
            if p.many is not None:
                p.many(sources, result, parameters)
            else:
                run = p.derive
                for source, facts in zip(sources, result, strict=True):
                    run(source, facts, parameters)
        return result


class FactsMemo:
    """Profiles' common facts derived once for several assessors of the same profiles (an impact's packs as
    they are and changed): the facts do not depend on pack parameters, only on the providers that run and
    the answer fields, which must be the same. Each use gets its own copy — the evaluator adds tallies,
    national results and exports to the facts it runs on."""

    def __init__(self) -> None:
        # id(profile) → (the profile, kept alive so that its id is not reused; providers; answer fields; facts)
        self._kept: dict[int, tuple[Profile, tuple[Provider, ...], dict[str, tuple[str, ...]], Facts]] = {}

    def derive(self, plan: "FactPlan", profile: Profile, answer_fields: dict[str, tuple[str, ...]]) -> Facts:
        kept = self._kept.get(id(profile))
        if kept is not None and kept[0] is profile and kept[1] == plan.common and kept[2] == answer_fields:
            return _fresh(kept[3])
        facts = plan.derive(profile, answer_fields)
        self._kept[id(profile)] = (profile, plan.common, answer_fields, _fresh(facts))
        return facts

    def derive_many(
        self, plan: "FactPlan", profiles: Sequence[Profile], answer_fields: dict[str, tuple[str, ...]]
    ) -> list[Facts]:
        """`derive` of each profile, those not kept derived together (`FactPlan.derive_many`)."""
        found: list[Facts | None] = []
        new: list[Profile] = []
        for profile in profiles:
            kept = self._kept.get(id(profile))
            if kept is not None and kept[0] is profile and kept[1] == plan.common and kept[2] == answer_fields:
                found.append(_fresh(kept[3]))
            else:
                found.append(None)
                new.append(profile)
        derived = iter(plan.derive_many(new, answer_fields))
        result: list[Facts] = []
        for profile, facts in zip(profiles, found, strict=True):
            if facts is None:
                facts = next(derived)
                self._kept[id(profile)] = (profile, plan.common, answer_fields, _fresh(facts))
            result.append(facts)
        return result


def _fresh(facts: Facts) -> Facts:
    """A copy that shares nothing a later step writes to (values, missing, ratios, growth, context)."""
    copied = facts.copy()
    copied.context = dict(facts.context)
    return copied


def derivable(name: str) -> bool:
    """Whether some provider derives the fact."""
    _load_providers()
    return any(_reads(p, {name}) for p in PROVIDERS)


_ALL: FactPlan | None = None


def derive(profile: Profile, answer_fields: dict[str, tuple[str, ...]]) -> Facts:
    """Every common fact of one profile (all providers): for tests and benchmarks."""
    global _ALL
    if _ALL is None:
        _ALL = FactPlan()
    return _ALL.derive(profile, answer_fields)


def _load_providers() -> None:
    # the provider modules register themselves on import; the batch forms after the providers they are of
    import engine.facts_batch
    import engine.facts_batch_pack
    import engine.facts_firm
    import engine.facts_window  # noqa: F401


# helpers shared by the providers ----------------------------------------------------------------------
def units(value: Decimal | None) -> int | None:
    return None if value is None else to_units(value)


def number(units_: int) -> float | int:
    """Exact units (0.0001) as the plain number the rules read."""
    return units_ // 10_000 if units_ % 10_000 == 0 else units_ / 10_000


def tri(value: bool | None) -> str:
    """A yes / no / unknown answer as the string the rules read."""
    return "unknown" if value is None else ("yes" if value else "no")
