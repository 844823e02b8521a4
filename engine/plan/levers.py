"""The least each lever must do for one round, and the cheapest mix of innovation levers.

Continuous levers (R&D, domestic R&D, high-tech revenue, S&T hires) are sized exactly from the thresholds
the engine reports for the planned profile (each criterion's `threshold` in force on the round's date).
Discrete levers (IP by kind, standards, transformations, R&D-management measures) are searched
exhaustively over their useful quantities for the cheapest mix whose guaranteed innovation minimum reaches
the pass mark (points.py reads the bands from the pack).
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from typing import Any

from engine.plan.config import Levers
from engine.plan.figures import ceil4, floor4, frac
from engine.plan.points import IndicatorPoints
from engine.profile import Profile, YearFigures

LEVER_INDICATORS = ("ip", "transformation", "rd_management")
MAX_CLASS1 = 3  # beyond a few rights no band of a 2016-style pack moves; the search stops there
MAX_CLASS2 = 10
MAX_TRANSFORMATIONS_PER_YEAR = 6


@dataclass
class Step:
    action: str
    quantity: Decimal | int
    unit: str
    by: dt.date
    cost: Decimal
    criterion: str
    citation: str
    title: dict[str, str]
    year: int | None = None
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class Reason:
    code: str
    criterion: str | None
    text: dict[str, str]
    earliest: dt.date | None = None


@dataclass
class InnovationChoice:
    net_assets: Decimal = Decimal(0)
    class1: int = 0
    class1_kind: str | None = None
    class2: int = 0
    class2_kind: str | None = None
    standards: bool = False
    transformations: int = 0
    measures: tuple[str, ...] = ()
    cost: Decimal = Decimal(0)
    points: int = 0


def price(value: float) -> Decimal:
    return Decimal(str(value))


# --- IP and transformation options ----------------------------------------------------------------------
def ip_facts(profile: Profile, class1: int, class2: int, standards: bool) -> dict[str, Any]:
    """The facts the IP items test (engine/facts.py names them), with `class1`/`class2` new rights."""
    ip = profile.ip
    usable_class2 = ip.class2 - ip.class2_used + class2
    return {
        "usable_ip": ip.class1 + class1 + usable_class2,
        "class1": ip.class1 + class1,
        "usable_class2": usable_class2,
        "supports_main_products": ip.supports_main_products,
        "self_developed": ip.self_developed or class1 + class2 > 0,  # new filings come from own R&D
        "standards": ip.standards or standards,
        "advancement": ip.advancement or "unknown",
        "core_support": ip.core_support or "unknown",
    }


@lru_cache(maxsize=65536)
def _ip_minimum(points: IndicatorPoints, key: tuple[Any, ...]) -> int:
    names = ("usable_ip", "class1", "usable_class2", "supports_main_products", "self_developed", "standards",
             "advancement", "core_support")
    return points.minimum("ip", dict(zip(names, key, strict=True)))


def ip_minimum(points: IndicatorPoints, facts: dict[str, Any]) -> int:
    return _ip_minimum(points, tuple(facts.values()))


@lru_cache(maxsize=65536)
def transformation_minimum(points: IndicatorPoints, total: int, years: int) -> int:
    return points.minimum(
        "transformation", {"transformation_data": "ok", "transformation_average": Fraction(total, years)}
    )


def growth_rate(xs: list[Fraction]) -> Fraction | None:
    """The contract's growth rate over the window figures (None where the Guidelines compute none)."""
    if any(x < 0 for x in xs) or len(xs) <= 1:
        return None
    if len(xs) == 3:
        x1, x2, x3 = xs
        if x2 == 0:
            return None
        return x3 / x2 - 1 if x1 == 0 else (x2 / x1 + x3 / x2) / 2 - 1
    x1, x2 = xs[-2], xs[-1]
    return None if x1 == 0 else x2 / x1 - 1


def _latest_for_rate(xs: list[Fraction], rate: Fraction) -> Fraction:
    """The latest figure at which the growth rate equals `rate` (the rate rises with the latest figure)."""
    if len(xs) == 3:
        x1, x2 = xs[0], xs[1]
        return x2 * (1 + rate) if x1 == 0 else x2 * (2 * (1 + rate) - x2 / x1)
    return xs[-2] * (1 + rate)


def net_asset_options(
    points: IndicatorPoints, xs: list[Fraction] | None, price_per_wan: Decimal, budget: Decimal | None = None
) -> list[tuple[Decimal, int, Any]]:
    """(cost, net-asset item minimum, added 万元) for raising the latest window year's net assets to each
    band bound of the pack: new capital or retained profit, at face value. Options dearer than `budget`
    (the cheapest plan without this lever) cannot be part of the cheapest plan and are not scored."""
    def item_min(latest: Fraction) -> int:
        rate = growth_rate([*xs[:-1], latest]) if xs else None
        facts = {"net_assets_growth_data": "ok", "net_assets_growth": rate} if rate is not None else {
            "net_assets_growth_data": "undefined"}
        return points.item_minimum("growth", "net_assets", facts)

    if xs is None:
        return []
    current = xs[-1]
    options = [(Decimal(0), item_min(current), Decimal(0))]
    if growth_rate(xs) is None and (len(xs) <= 1 or any(x < 0 for x in xs[:-1])):
        return options  # no latest figure makes a rate
    now = growth_rate(xs)
    for op, bound in points.bounds("growth", "net_assets", "net_assets_growth"):
        if now is not None and (now > bound or (op == ">=" and now == bound)):
            continue  # already past this bound
        target = _latest_for_rate(xs, bound)
        latest = frac(ceil4(target)) if target > 0 else Fraction(0)
        rate = growth_rate([*xs[:-1], latest])
        if op == ">" and rate is not None and rate <= bound:
            latest += Fraction(1, 10_000)
        if latest <= current:
            continue
        extra = ceil4(latest - current)
        if budget is not None and extra * price_per_wan > budget:
            continue
        options.append((extra * price_per_wan, item_min(current + frac(extra)), extra))
    return options


def _pareto(options: list[tuple[Decimal, int, Any]]) -> list[tuple[Decimal, int, Any]]:
    """Options (cost, points, what) that no cheaper-or-equal option beats on points."""
    kept: list[tuple[Decimal, int, Any]] = []
    best = -1
    for cost, points, what in sorted(options, key=lambda o: (o[0], -o[1])):
        if points > best:
            kept.append((cost, points, what))
            best = points
    return kept


def cheapest_innovation(
    *,
    profile: Profile,
    points: IndicatorPoints,
    levers: Levers,
    date: dt.date,
    as_of: dt.date,
    needed_points: int,
    base_points: dict[str, int],
    min_usable_ip: int,
    window: tuple[int, ...],
    entries: dict[int, YearFigures],
    transformation_year: int | None,
    net_assets: list[Fraction] | None = None,
) -> tuple[InnovationChoice | None, int]:
    """The cheapest mix reaching `needed_points` of guaranteed innovation minimum with usable IP ≥
    `min_usable_ip`; None when nothing reaches it, with the most the levers can reach."""
    days_left = (date - as_of).days
    fixed = base_points["other"]
    # IP: the cheapest kind of each class that is granted before the round
    kinds: dict[str, tuple[str, Decimal]] = {}
    for kind_id, kind in levers.ip_kinds.items():
        if kind.lead_days <= days_left:
            if kind.class_ not in kinds or price(kind.price) < kinds[kind.class_][1]:
                kinds[kind.class_] = (kind_id, price(kind.price))
    standards_open = not profile.ip.standards and levers.standards.lead_days <= days_left
    ip_options: list[tuple[Decimal, int, Any]] = []
    for k1 in range(MAX_CLASS1 + 1 if "class1" in kinds else 1):
        for k2 in range(MAX_CLASS2 + 1 if "class2" in kinds else 1):
            for std in (False, True) if standards_open else (False,):
                facts = ip_facts(profile, k1, k2, std)
                if facts["usable_ip"] < min_usable_ip:
                    continue
                cost = Decimal(0)
                if k1:
                    cost += kinds["class1"][1] * k1
                if k2:
                    cost += kinds["class2"][1] * k2
                if std:
                    cost += price(levers.standards.price)
                ip_options.append((cost, ip_minimum(points, facts), (k1, k2, std)))
    ip_options = _pareto(ip_options)
    # transformations: added in the last open year that still has time for them
    trans_options: list[tuple[Decimal, int, Any]] = []
    total = _transformations(window, entries, profile)
    if total is None:
        trans_options = [(Decimal(0), base_points["transformation"], 0)]
    else:
        extra_max = MAX_TRANSFORMATIONS_PER_YEAR * len(window) if transformation_year is not None else 0
        for extra in range(extra_max + 1):
            trans_options.append(
                (price(levers.transformation.price) * extra, transformation_minimum(points, total + extra, len(window)),
                 extra)
            )
        trans_options = _pareto(trans_options)
    # R&D-management measures: each "no" answer that can be in place before the round
    measures = [
        (name, points.answer_points[name][1], price(m.price))
        for name, m in levers.rd_management.measures.items()
        if name in points.answer_points and not getattr(profile.rd_management, name)
        and m.lead_days <= days_left
    ]
    table = _measure_table(measures)
    top_measures = max(table) if table else 0
    search = _Search(needed_points, table, top_measures, kinds, points,
                     fixed - base_points["net_assets"] + base_points["rd_management"])
    unchanged = [(Decimal(0), base_points["net_assets"], Decimal(0))]
    search.run(ip_options, trans_options, unchanged)
    if net_assets is not None:  # growth only where it beats the plan without it
        budget = search.best.cost if search.best is not None else None
        grown = net_asset_options(points, net_assets, price(levers.net_assets.price_per_wan), budget)
        search.run(ip_options, trans_options, _pareto(grown))
    best, reachable = search.best, search.reachable
    return best, reachable


class _Search:
    """The exhaustive search over option lists, keeping the cheapest mix (ties: fewer steps)."""

    def __init__(self, needed: int, table: dict[int, tuple[Decimal, tuple[str, ...]]], top: int,
                 kinds: dict[str, tuple[str, Decimal]], points: IndicatorPoints, fixed: int) -> None:
        self.needed, self.table, self.top, self.kinds = needed, table, top, kinds
        self.points, self.fixed = points, fixed
        self.best: InnovationChoice | None = None
        self.reachable = 0

    def run(self, ip_options: list[Any], trans_options: list[Any], growth_options: list[Any]) -> None:
        kinds = self.kinds
        for ip_cost, ip_points, (k1, k2, std) in ip_options:
            for t_cost, t_points, extra in trans_options:
                for g_cost, g_points, added in growth_options:
                    have = self.fixed + g_points + ip_points + t_points
                    self.reachable = max(self.reachable, have + self.top)
                    short = self.needed - have
                    chosen = self.table.get(max(short, 0)) if short <= self.top else None
                    if short > 0 and chosen is None:
                        continue
                    m_cost, m_names = chosen if chosen is not None else (Decimal(0), ())
                    cost = ip_cost + t_cost + g_cost + m_cost
                    steps = (k1 > 0) + (k2 > 0) + std + (extra > 0) + (added > 0) + len(m_names)
                    if self.best is None or (cost, steps) < (self.best.cost, _steps(self.best)):
                        self.best = InnovationChoice(
                            net_assets=added,
                            class1=k1, class1_kind=kinds.get("class1", (None,))[0] if k1 else None,
                            class2=k2, class2_kind=kinds.get("class2", (None,))[0] if k2 else None,
                            standards=std, transformations=extra, measures=m_names, cost=cost,
                            points=have + sum(self.points.answer_points[n][1] for n in m_names),
                        )


def _steps(choice: InnovationChoice) -> int:
    counted = (choice.class1 > 0) + (choice.class2 > 0) + choice.standards + (choice.transformations > 0)
    return counted + (choice.net_assets > 0) + len(choice.measures)


def _transformations(window: tuple[int, ...], entries: dict[int, YearFigures], profile: Profile) -> int | None:
    """Σ transformations over the window, or None when a window year entry is absent (the item is unknown)."""
    total = 0
    for year in window:
        entry = entries.get(year) or profile.year(year)
        if entry is None:
            return None
        total += entry.achievements_transformed
    return total


def _measure_table(measures: list[tuple[str, int, Decimal]]) -> dict[int, tuple[Decimal, tuple[str, ...]]]:
    """For each number of points p: the cheapest set of measures worth at least p (0/1 knapsack)."""
    best: dict[int, tuple[Decimal, tuple[str, ...]]] = {0: (Decimal(0), ())}
    for name, worth, cost in measures:
        for have, (c, names) in list(best.items()):
            reach = have + worth
            candidate = (c + cost, (*names, name))
            if reach not in best or (candidate[0], len(candidate[1])) < (best[reach][0], len(best[reach][1])):
                best[reach] = candidate
    # "at least p": the cheapest among every set reaching p or more
    table: dict[int, tuple[Decimal, tuple[str, ...]]] = {}
    top = max(best)
    running: tuple[Decimal, tuple[str, ...]] | None = None
    for p in range(top, -1, -1):
        if p in best and (running is None or (best[p][0], len(best[p][1])) <= (running[0], len(running[1]))):
            running = best[p]
        if running is not None:
            table[p] = running
    return table


# --- continuous levers ------------------------------------------------------------------------------------
def rd_needed(threshold: Any, sales: Fraction, rd: Fraction) -> Decimal:
    """Extra R&D so that Σ R&D / Σ sales ≥ t (R&D spending does not change sales)."""
    return ceil4(frac(threshold) * sales - rd)


def share_needed(threshold: Any, part: Fraction, whole: Fraction) -> Decimal:
    """Extra part x, added to the whole too, so that (part + x) / (whole + x) ≥ t."""
    t = frac(threshold)
    return ceil4((t * whole - part) / (1 - t))


def mix_needed(threshold: Any, part: Fraction, whole: Fraction) -> Decimal:
    """Extra part with the whole unchanged (a shift of the revenue mix): part + x ≥ t × whole."""
    return ceil4(frac(threshold) * whole - part)


def hires_needed(threshold: Any, sci_tech: Fraction, staff: Fraction, share_of_year: Decimal) -> int:
    """Whole new hires, each adding `share_of_year` to both annual averages, so that S&T / staff ≥ t."""
    t = frac(threshold)
    short = t * staff - sci_tech
    if short <= 0:
        return 0
    per_hire = frac(share_of_year) * (1 - t)
    whole = short / per_hire
    return -((-whole.numerator) // whole.denominator)


def share_of_year(start: dt.date, year: int) -> tuple[int, Decimal]:
    """Days on the payroll from `start` to the year's end, and their share of the year (rounded down)."""
    end = dt.date(year, 12, 31)
    days = (end - start).days + 1
    length = (end - dt.date(year, 1, 1)).days + 1
    return days, floor4(Fraction(days, length))
