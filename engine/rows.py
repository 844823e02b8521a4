"""A firm as a workbook row and the pool view show it, without building its assessment (`Assessor.rows_many`).

A profile's firings depend only on its facts' signature, so what the rules of the criteria and the verdict
decide — the verdict and its label, each criterion's outcome, the pass mark, the criteria's shortfalls in
the assessment's order and failing-first, which criteria have a gap or a numeric threshold — is kept once
per distinct decision (`Decision`, keyed by the decisive views of those targets: a few hundred in a pool of
thousands). The score items' bands vary far more (nearly every firm has its own combination): each item
rule's shortfall place is prepared once per pack, and the firm's items are read per firm. Per firm only what
a row shows of its facts is computed, each value once: the innovation range, the gaps, the readiness index,
the values of the criteria with a numeric threshold, the messages of the shortfalls a row names (from only
what each message reads, kept per rule by those values: `Said`), and whether an item has a next band to
reach. Each comes from the function the assessment uses or its inline copy (engine/assessment.py,
engine/views.py, engine/readiness.py), so a row shows what the assessment shows (tests/test_rows.py compares
batch.triage's summary of both on every field).
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from typing import Any

from engine.assessment import (
    CRITERIA,
    ENTRIES_PER_RULE,
    EXTRA_NAMES,
    AssessmentBuilder,
    NationalResults,
    missing_text,
    raw_actual,
    texts,
    window_text,
)
from engine.facts import Facts
from engine.ladder import TierPlace
from engine.money import floor_ratio, round_ratio
from engine.profile import Profile
from engine.readiness import criterion_progress, readiness_index
from engine.runtime import RulesEngineError
from engine.views import RuleView, gap_of, plain, shown_actual

INNOVATION = "innovation_score"
_deciding = itemgetter(*CRITERIA, "verdict")  # the targets whose rules a Decision is kept by
DECISIONS_KEPT = 100_000  # distinct decisions kept per pack (then anew), like the evaluator's firings
_window = lru_cache(maxsize=256)(window_text)  # a window's words, shared by the firms of the same window


@dataclass(frozen=True, eq=False, slots=True)
class Said:
    """What a criterion rule's message reads of a firm (`AssessmentBuilder.criterion` fills in the same), and
    its messages by those values: firms that read the same share one message."""

    actual: bool
    gap: bool
    missing: bool
    extras: tuple[str, ...]  # the names it reads of `message_extra` (the window by its years)
    messages: dict[tuple[Any, ...], dict[str, str]]


def _said(view: RuleView) -> Said | None:
    if view.message is None:
        return None
    names = view.placeholders
    extras = tuple(sorted(names & EXTRA_NAMES))
    return Said("actual" in names, "gap" in names, "missing" in names, extras, {})


def _shown_key(value: Any) -> tuple[Any, ...]:
    """A value as a key of the words it reads as: equal values of another type (1, 1.0, True) or another sign
    of zero (0.0, -0.0) read otherwise."""
    return (type(value), value, repr(value) if value == 0 else None)


@dataclass(frozen=True, eq=False, slots=True)
class ShortfallPlace:
    """A shortfall of the assessment's `shortfalls` by its place: the criterion (and score item) and code.
    Compared and hashed by identity: a decision's places are shared by every firm it decides."""

    criterion: str
    indicator: str | None
    item: str | None
    code: str
    view: RuleView
    failing: bool  # a criterion that failed (not one unknown, not a score item)
    dynamic: bool = False  # a score item's step to its next band: the firm's facts say whether there is one
    message: dict[str, str] | None = None  # a score item's (a criterion's has the firm's values)
    said: Said | None = None  # a criterion's: what its message reads


@dataclass(eq=False, slots=True)
class Decision:
    """What the rules decided of the criteria and the verdict, shared by every firm with the same decisive
    rules for them (the score items' bands vary far more: they are read per firm)."""

    rules_version: str
    verdict: str
    verdict_label: dict[str, str] | None
    pass_mark: Any
    outcomes: dict[str, bool | None]  # criterion → passed, in the assessment's order
    failing: tuple[str, ...]
    unknown: tuple[str, ...]
    shortfalls: tuple[ShortfallPlace, ...]  # the criteria's shortfalls, in the assessment's order
    ordered: tuple[ShortfallPlace, ...]  # the same, failing first, then unknown
    gaps: dict[str, None]  # every criterion, no gap: the template of a firm's gaps
    with_gap: tuple[tuple[str, RuleView, str | None, bool], ...]  # criteria whose rule has a gap kind (Reading)
    progress: list[float]  # the readiness progress of each hard criterion, failed ones to fill in
    failed: tuple[tuple[int, str, RuleView], ...]  # (index in progress, criterion, view) of failed hard criteria
    # criteria showing a value against a numeric threshold: (criterion, view, fact, from extra, rounding)
    numeric: tuple[tuple[str, RuleView, str, bool, Callable[[int, int], float] | None], ...]


@dataclass(slots=True)
class Row:
    """One assessed firm: what a workbook row and the pool view show (`batch.triage.summary_of_row`)."""

    name: str
    credit_code: str | None
    town: str | None
    decision: Decision
    innovation_min: int
    innovation_max: int
    readiness: float | None
    gaps: dict[str, Any]
    shortfalls: tuple[ShortfallPlace, ...]  # the firm's shortfalls, in the assessment's order
    main: tuple[ShortfallPlace, ...]  # its first shortfalls as a row names them (`messages` of rows_many)
    messages: list[dict[str, str] | None]  # their messages
    numeric: list[tuple[str, Any, RuleView]]  # (criterion, value shown, rule) of Decision.numeric
    ladder: TierPlace | None = None

    @property
    def national(self) -> NationalResults:
        return NationalResults(self.decision.verdict, self.innovation_min, self.innovation_max, self.readiness)


class RowBuilder:
    """Rows of one compiled pack (one per AssessmentBuilder): the decisions kept, the rest per firm."""

    def __init__(self, builder: AssessmentBuilder) -> None:
        self.builder = builder
        self._decisions: dict[tuple[int, ...], Decision] = {}
        self._says: dict[int, Said | None] = {}  # id(view) of a criterion's rule → what its message reads
        # id(view) of every rule of the pack → its score item's shortfall place (None: not an item's, or none)
        self._items: dict[int, ShortfallPlace | None] = {}
        for view in builder.views.values():
            place = None
            if view.kind == "item":
                found = builder.item_shortfall_code(view)
                if found is not None:
                    code, dynamic = found
                    message = builder.items[id(view)].message
                    indicator = view.target.indicator
                    place = ShortfallPlace(INNOVATION, indicator, view.target_id, code, view, False, dynamic, message)
            self._items[id(view)] = place

    def decision(self, decided: dict[str, RuleView]) -> Decision:
        try:
            key = tuple(map(id, _deciding(decided)))
        except KeyError as missing:
            raise RulesEngineError(f"no rule decided {missing.args[0]}") from None
        found = self._decisions.get(key)
        if found is None:
            if len(self._decisions) >= DECISIONS_KEPT:
                self._decisions.clear()
            found = self._decisions[key] = self._decide(decided)
        return found

    def _decide(self, decided: dict[str, RuleView]) -> Decision:
        builder = self.builder
        settings = builder.readiness
        outcomes: dict[str, bool | None] = {}
        criteria: list[ShortfallPlace] = []
        with_gap: list[tuple[str, RuleView, str | None, bool]] = []
        numeric: list[tuple[str, RuleView, str, bool, Callable[[int, int], float] | None]] = []
        progress: list[float] = []
        failed: list[tuple[int, str, RuleView]] = []
        pass_mark = None
        for criterion_id in CRITERIA:
            view = decided[criterion_id]
            passed = outcomes[criterion_id] = view.passed
            if criterion_id == INNOVATION:
                pass_mark = view.threshold
            if passed is not True and view.shortfall is not None:
                said = self._says.get(id(view))
                if said is None:
                    said = self._says[id(view)] = _said(view)
                code = view.shortfall.code
                criteria.append(ShortfallPlace(criterion_id, None, None, code, view, passed is False, said=said))
            if view.gap is not None:
                with_gap.append((criterion_id, view, view.actual_fact, view.actual_fact in EXTRA_NAMES))
            if view.actual_fact is not None and type(view.threshold) in (int, float):
                fact = view.actual_fact
                # shown_actual(floor_failing=True)'s rounding of an exact ratio (None: not a ratio)
                rounding = (floor_ratio if passed is False else round_ratio) if view.unit == "ratio" else None
                numeric.append((criterion_id, view, fact, fact in EXTRA_NAMES, rounding))
            if settings is not None and criterion_id != INNOVATION:
                if passed is False:
                    failed.append((len(progress), criterion_id, view))
                    progress.append(0.0)
                else:  # passed or unknown: no value of the firm's changes it
                    progress.append(criterion_progress(passed, None, view.threshold_raw, settings))
        verdict = decided["verdict"].outcome
        return Decision(
            rules_version=builder.rules_version,
            verdict=verdict,
            verdict_label=builder.verdict_labels.get(verdict),
            pass_mark=pass_mark,
            outcomes=outcomes,
            failing=tuple(c for c, passed in outcomes.items() if passed is False),
            unknown=tuple(c for c, passed in outcomes.items() if passed is None),
            shortfalls=tuple(criteria),
            ordered=(*(p for p in criteria if p.failing), *(p for p in criteria if not p.failing)),
            gaps=dict.fromkeys(outcomes),
            with_gap=tuple(with_gap),
            progress=progress,
            failed=tuple(failed),
            numeric=tuple(numeric),
        )

    def row(self, derived: Facts, profile: Profile, decided: dict[str, RuleView], messages: int) -> Row:
        builder = self.builder
        decision = self.decision(decided)
        low, high = builder.score_range(decided)
        years = derived.window.years
        # message_extra (EXTRA_NAMES), the window's words shared
        extra = {"innovation_min": low, "innovation_max": high, "window": _window(years)}
        # the score items' shortfalls, in the order the rules decided them (the assessment's)
        places = self._items
        items = [
            place
            for place in map(places.__getitem__, map(id, decided.values()))
            if place is not None and (not place.dynamic or builder.item_step(place.view, derived) is not None)
        ]
        main = (*decision.ordered, *items)[:messages]
        values = derived.values
        gaps: dict[str, Any] = dict(decision.gaps)
        for criterion_id, view, fact, from_extra in decision.with_gap:  # raw_actual, inline
            raw = None if fact is None else extra[fact] if from_extra else values.get(fact)
            gaps[criterion_id] = gap_of(view, derived, raw)
        # the value each criterion with a numeric threshold shows (a message may show it too)
        shown: dict[str, Any] = {}
        numeric = []
        ratios = derived.ratios
        for criterion_id, view, fact, from_extra, rounding in decision.numeric:
            raw = extra[fact] if from_extra else values.get(fact)
            if raw is not None and rounding is not None and fact in ratios:  # shown_actual, inline
                actual = rounding(*ratios[fact])
            else:
                actual = plain(raw)
            shown[criterion_id] = actual
            numeric.append((criterion_id, actual, view))
        texts_shown = []
        for place in main:
            said = place.said
            if place.item is not None:
                texts_shown.append(place.message)
            elif said is None:
                texts_shown.append(None)
            else:
                texts_shown.append(self._message(place, said, derived, extra, gaps, shown, years))
        readiness = None
        if builder.readiness is not None:
            progress = decision.progress
            if decision.failed:
                progress = list(progress)
                for index, criterion_id, view in decision.failed:
                    progress[index] = builder._progress(criterion_id, view, derived)
            readiness = readiness_index(progress, (low, high), builder.top, builder.readiness)
        company = profile.company
        return Row(
            name=company.name,
            credit_code=company.credit_code,
            town=company.town,
            decision=decision,
            innovation_min=low,
            innovation_max=high,
            readiness=readiness,
            gaps=gaps,
            shortfalls=(*decision.shortfalls, *items),
            main=main,
            messages=texts_shown,
            numeric=numeric,
        )

    @staticmethod
    def _message(
        place: ShortfallPlace,
        said: Said,
        derived: Facts,
        extra: dict[str, Any],
        gaps: dict[str, Any],
        shown: dict[str, Any],
        years: tuple[int, ...],
    ) -> dict[str, str]:
        """The message of a criterion's entry (`AssessmentBuilder.criterion`), from only what it reads."""
        view = place.view
        criterion_id = place.criterion
        actual = gap = missing = None
        key: list[Any] = []
        if said.actual:
            if criterion_id in shown:
                actual = shown[criterion_id]
            else:
                actual = shown_actual(view, derived, raw_actual(view, derived, extra), floor_failing=True)
            key.append(_shown_key(actual))
        if said.gap:
            gap = gaps[criterion_id]
            key.append(_shown_key(gap))
        if said.missing:
            missing = derived.missing.get(view.target_id)
            key.append(tuple(missing) if missing else None)
        for name in said.extras:
            key.append(years if name == "window" else extra[name])
        found = said.messages.get(frozen := tuple(key))
        if found is not None:
            return found
        context = extra
        labels = view.target.labels
        if missing or labels:  # as `criterion` fills them in
            context = dict(extra)
            if missing:
                context["missing"] = missing_text(missing)
            if labels and actual in labels:
                context["actual"] = labels[actual].as_dict()
        message = texts(view, actual, gap, context)
        if len(said.messages) >= ENTRIES_PER_RULE:
            said.messages.clear()
        said.messages[frozen] = message
        return message
