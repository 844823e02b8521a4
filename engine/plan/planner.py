"""申报规划: for each candidate round, the window, the closed and open years, the least the open years need,
and the cheapest plan of steps — verified by assessing the planned profile with the engine.

Only the public engine API is used: `Assessor.assess_many` (profiles at the round's date) and the pack in
force (`Assessor.pack_for`) for the innovation bands. Thresholds are read from the engine's own output
(each criterion's `threshold`) and from the pack; prices, lead times and round dates from rules/plan/.
"""

import datetime as dt
import weakref
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from engine.assessor import HNTE_FAMILY, Assessor
from engine.formatting import format_value
from engine.labels import describe_fields
from engine.plan.config import PlanConfig, load_plan_config
from engine.plan.figures import (
    assumption_text,
    ceil4,
    frac,
    number,
    open_year_entries,
    planned_profile,
    window_years,
    with_year,
)
from engine.plan.levers import (
    LEVER_INDICATORS,
    InnovationChoice,
    Reason,
    Step,
    cheapest_innovation,
    hires_needed,
    mix_needed,
    price,
    rd_needed,
    share_needed,
    share_of_year,
)
from engine.plan.points import indicator_points
from engine.profile import Profile, YearFigures, today_in_china

PLAN_CONTRACT = "1"
FIX_UP_ROUNDS = 3  # re-plans from the engine's verdict on the planned profile, should a lever fall short


@dataclass
class Candidate:
    """One firm at one round date, as it is planned."""

    profile: Profile
    date: dt.date
    as_of: dt.date
    window: tuple[int, ...]
    closed: tuple[int, ...]
    open: tuple[int, ...]
    entries: dict[int, YearFigures]
    assumptions: list[dict[str, Any]]
    ip: dict[str, Any] = field(default_factory=dict)
    answers: dict[str, bool] = field(default_factory=dict)
    steps: list[Step] = field(default_factory=list)
    reasons: list[Reason] = field(default_factory=list)
    needs: dict[str, Any] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    baseline: dict[str, Any] | None = None
    verification: dict[str, Any] | None = None
    rounds: int = 0

    def planned(self) -> Profile:
        return planned_profile(self.profile, self.date, dict(self.entries), self.ip, self.answers)


class Planner:
    """Plans for one or many firms; one per process, over the process's assessor."""

    def __init__(self, assessor: Assessor | None = None, config: PlanConfig | None = None) -> None:
        if assessor is None:
            from engine.assessor import default_assessor

            assessor = default_assessor()
        self.assessor = _hnte_only(assessor)
        self.config = config or load_plan_config()

    # candidates ------------------------------------------------------------------------------------------
    def round_dates(self, as_of: dt.date, years: list[int] | None = None) -> list[dt.date]:
        rounds = self.config.rounds
        if years:
            return sorted({rounds.date_of(y) for y in years})
        return rounds.upcoming(as_of)

    def _candidate(self, profile: Profile, date: dt.date, as_of: dt.date) -> Candidate:
        window = window_years(profile, date)
        closed = tuple(y for y in window if y < as_of.year)
        open_years = tuple(y for y in window if y >= as_of.year)
        entries, assumptions = open_year_entries(profile, open_years, as_of)
        # a closed year whose books are not given yet (annual accounts come months after the year's end):
        # its projection stands in, said as an assumption; it stays closed — no lever changes it
        projected = {e.year: e for e in profile.projections}
        for year in closed:
            if profile.year(year) is None and year in projected:
                entries[year] = projected[year]
                assumptions.append({"code": "projection_for_closed", "year": year})
        return Candidate(profile, date, as_of, window, closed, open_years, entries, assumptions)

    # planning --------------------------------------------------------------------------------------------
    def plan(
        self, profile: Profile, as_of: dt.date | None = None, dates: list[dt.date] | None = None,
        years: list[int] | None = None,
    ) -> dict[str, Any]:
        return self.plan_many([profile], as_of, dates, years)[0]

    def plan_many(
        self,
        profiles: list[Profile],
        as_of: dt.date | None = None,
        dates: list[dt.date] | None = None,
        years: list[int] | None = None,
    ) -> list[dict[str, Any]]:
        """A plan per profile, candidates in date order. Raises NoPackInForce for a round no pack covers."""
        as_of = as_of or today_in_china()
        round_dates = sorted(set(dates)) if dates else self.round_dates(as_of, years)
        candidates = [[self._candidate(p, d, as_of) for d in round_dates] for p in profiles]
        flat = [c for row in candidates for c in row]
        pending = [c for c in flat if c.date >= as_of]
        for c in flat:
            if c.date < as_of:
                c.reasons.append(self._reason("round_passed", None))
        # baseline (the projections alone), then plan and verify; re-plan on the engine's output if short
        assessments = self.assessor.assess_many([c.planned() for c in pending])
        for c, assessment in zip(pending, assessments, strict=True):
            c.baseline = assessment
            self._apply_levers(c, assessment)
        for _ in range(FIX_UP_ROUNDS + 1):
            todo = [c for c in pending if not c.reasons and not c.missing]
            if not todo:
                break
            verifications = self.assessor.assess_many([c.planned() for c in todo])
            short = []
            for c, assessment in zip(todo, verifications, strict=True):
                c.verification = assessment
                if assessment["verdict"] != "eligible":
                    short.append((c, assessment))
            if not short:
                break
            pending = []
            for c, assessment in short:
                c.rounds += 1
                if c.rounds > FIX_UP_ROUNDS:
                    c.reasons.append(self._reason("not_verified", None, verdict=assessment["verdict"]))
                    continue
                before = len(c.steps)
                self._apply_levers(c, assessment)
                if len(c.steps) == before and not c.reasons and not c.missing:
                    c.reasons.append(self._reason("not_verified", None, verdict=assessment["verdict"]))
                pending.append(c)
        return [self._output(p, row, as_of) for p, row in zip(profiles, candidates, strict=True)]

    def _reason(self, code: str, target: str | None, earliest: dt.date | None = None, **values: Any) -> Reason:
        template = self.config.levers.reasons[code]
        shown = {k: v for k, v in values.items()}
        if earliest is not None:
            shown["date"] = earliest.isoformat()
        text = {}
        for lang in ("zh", "en"):
            localised = {k: (v[lang] if isinstance(v, dict) else v) for k, v in shown.items()}
            text[lang] = getattr(template, lang).format(**localised)
        return Reason(code, target, text, earliest)

    def _apply_levers(self, c: Candidate, assessment: dict[str, Any]) -> None:
        """Add the steps the assessment of the current planned profile still calls for."""
        criteria = assessment["criteria"]
        # data the plan cannot do without
        missing: list[str] = []
        for cid, criterion in criteria.items():
            if cid != "innovation_score" and criterion["passed"] is None:
                missing += criterion.get("missing") or [cid]
        if missing:
            c.missing = missing
            c.reasons.append(self._reason("missing_data", None, fields=describe_fields(missing)))
            return
        # dates no lever moves
        for cid in ("registration_age", "compliance"):
            criterion = criteria[cid]
            if criterion["passed"] is False:
                earliest = dt.date.fromisoformat(criterion["gap"]) if criterion.get("gap") else None
                c.reasons.append(self._reason(cid, cid, earliest))
                c.needs[cid] = {"from": criterion.get("gap")}
        if criteria["core_ip"]["passed"] is False and not c.profile.ip.supports_main_products:
            c.reasons.append(self._reason("not_supporting", "core_ip"))
        self._money_levers(c, criteria)
        if c.reasons:
            return
        self._innovation_levers(c, assessment)

    # hard criteria with amounts --------------------------------------------------------------------------
    def _sums(self, c: Candidate, *names: str) -> list[Fraction]:
        totals = [Fraction(0)] * len(names)
        for year in c.window:
            entry = c.entries.get(year) or c.profile.year(year)
            for i, name in enumerate(names):
                value = getattr(entry, name) if entry is not None else None
                totals[i] += frac(value or 0)
        return totals

    def _closed(self, c: Candidate, cid: str, criteria: dict[str, Any], years: tuple[int, ...]) -> None:
        c.reasons.append(self._reason(
            "closed_year", cid, criterion=criteria[cid].get("title") or cid,
            years={"zh": "、".join(map(str, years)) or "—", "en": ", ".join(map(str, years)) or "—"},
        ))

    def _money_levers(self, c: Candidate, criteria: dict[str, Any]) -> None:
        levers = self.config.levers
        last_open = c.open[-1] if c.open else None
        year_end = dt.date(last_open, 12, 31) if last_open else None
        # R&D over the window; new R&D is spent in China, so it also lifts the domestic share
        rd = criteria["rd_expense_ratio"]
        if rd["passed"] is False:
            sales, spent = self._sums(c, "sales_revenue", "rd_expense")
            if last_open is None:
                self._closed(c, "rd_expense_ratio", criteria, c.window)
            elif sales == 0:
                c.reasons.append(self._reason(
                    "zero_denominator", "rd_expense_ratio", criterion=rd.get("title"), year=last_open))
            else:
                extra = rd_needed(rd["threshold"], sales, spent)
                if extra > 0:
                    with_year(c.entries, last_open, rd_expense=extra, rd_expense_domestic=extra)
                    self._step(c, "rd_expense", extra, "万元", year_end, extra * price(levers.rd_expense.price_per_wan),
                               "rd_expense_ratio", levers.rd_expense, year=last_open)
                c.needs["rd_expense_ratio"] = {
                    "threshold": rd["threshold"], "sales": number(sales), "rd_expense": number(spent + frac(extra)),
                    "extra": number(extra), "year": last_open,
                }
        domestic = criteria["rd_domestic_share"]
        if domestic["threshold"] is not None:
            part, whole = self._sums(c, "rd_expense_domestic", "rd_expense")
            short = part / whole < frac(domestic["threshold"]) if whole > 0 else domestic["passed"] is False
            if short:
                if last_open is None:
                    self._closed(c, "rd_domestic_share", criteria, c.window)
                else:
                    extra = share_needed(domestic["threshold"], part, whole)
                    with_year(c.entries, last_open, rd_expense=extra, rd_expense_domestic=extra)
                    cost = extra * price(levers.rd_expense_domestic.price_per_wan)
                    self._step(c, "rd_expense_domestic", extra, "万元", year_end, cost, "rd_domestic_share",
                               levers.rd_expense_domestic, year=last_open)
                    c.needs["rd_domestic_share"] = {"threshold": domestic["threshold"], "extra": number(extra),
                                                    "year": last_open}
        latest = c.date.year - 1
        latest_open = latest in c.open
        # high-tech revenue of the latest year: a shift of the mix, total revenue as projected
        high_tech = criteria["high_tech_revenue_share"]
        if high_tech["passed"] is False:
            entry = c.entries.get(latest)
            if not latest_open or entry is None:
                self._closed(c, "high_tech_revenue_share", criteria, (latest,))
            elif not entry.total_revenue:
                c.reasons.append(self._reason(
                    "zero_denominator", "high_tech_revenue_share", criterion=high_tech.get("title"), year=latest))
            else:
                have = frac(entry.high_tech_revenue or 0)
                extra = mix_needed(high_tech["threshold"], have, frac(entry.total_revenue))
                with_year(c.entries, latest, high_tech_revenue=extra)
                self._step(c, "high_tech_revenue", extra, "万元", dt.date(latest, 12, 31),
                           extra * price(levers.high_tech_revenue.price_per_wan), "high_tech_revenue_share",
                           levers.high_tech_revenue, year=latest)
                c.needs["high_tech_revenue_share"] = {
                    "threshold": high_tech["threshold"], "total_revenue": number(entry.total_revenue),
                    "high_tech_revenue": number(frac(entry.high_tech_revenue or 0) + frac(extra)), "year": latest,
                }
        # S&T staff of the latest year: a hire counts with enough days in the year, pro rata in its average
        staff = criteria["sci_tech_staff_ratio"]
        if staff["passed"] is False:
            entry = c.entries.get(latest)
            hire = levers.sci_tech_hire
            if not latest_open or entry is None:
                self._closed(c, "sci_tech_staff_ratio", criteria, (latest,))
            elif not entry.staff_total:
                c.reasons.append(self._reason(
                    "zero_denominator", "sci_tech_staff_ratio", criterion=staff.get("title"), year=latest))
            else:
                start = max(c.as_of, dt.date(latest, 1, 1))
                days, share = share_of_year(start, latest)
                if days < hire.min_days_in_year or share <= 0:
                    c.reasons.append(self._reason("too_late_to_hire", "sci_tech_staff_ratio", year=latest,
                                                  days=hire.min_days_in_year))
                else:
                    count = hires_needed(staff["threshold"], frac(entry.staff_sci_tech or 0),
                                         frac(entry.staff_total), share)
                    average = share * count
                    with_year(c.entries, latest, staff_sci_tech=average, staff_total=average)
                    self._step(c, "sci_tech_hire", count, "人", start, average * price(hire.price_per_person_year),
                               "sci_tech_staff_ratio", hire, year=latest,
                               detail={"start": start.isoformat(), "average": number(average)})
                    c.needs["sci_tech_staff_ratio"] = {"threshold": staff["threshold"], "hires": count,
                                                       "annual_average_added": number(average), "year": latest}

    # innovation ------------------------------------------------------------------------------------------
    def _innovation_levers(self, c: Candidate, assessment: dict[str, Any]) -> None:
        innovation = assessment["innovation"]
        core_ip = assessment["criteria"]["core_ip"]
        pass_mark = innovation["pass_mark"]
        if innovation["min"] >= pass_mark and core_ip["passed"] is True:
            return
        pack = self.assessor.pack_for(c.date)  # NoPackInForce reaches the caller: a round no pack covers
        points = indicator_points(pack, pack.period_start(c.date) or c.date)
        indicators = innovation["indicators"]
        base = {name: indicators[name]["min"] for name in LEVER_INDICATORS if name in indicators}
        base["other"] = innovation["min"] - sum(base.values())
        base.setdefault("transformation", 0)
        base.setdefault("rd_management", 0)
        growth_items = indicators.get("growth", {}).get("items", {})
        base["net_assets"] = growth_items.get("net_assets", {}).get("min", 0)
        levers = self.config.levers
        trans_year = next(
            (y for y in reversed(c.open)
             if dt.date(y, 12, 31) - dt.timedelta(days=levers.transformation.lead_days) >= c.as_of),
            None,
        )
        choice, reachable = cheapest_innovation(
            profile=c.planned(), points=points, levers=levers, date=c.date, as_of=c.as_of, needed_points=pass_mark,
            base_points=base, min_usable_ip=int(core_ip["threshold"]), window=c.window, entries=c.entries,
            transformation_year=trans_year, net_assets=self._net_assets(c),
        )
        if choice is None:
            if core_ip["passed"] is False and not self._ip_in_time(c):
                shortest = min(k.lead_days for k in levers.ip_kinds.values())
                c.reasons.append(self._reason("no_ip_in_time", "core_ip", days=shortest))
            else:
                c.reasons.append(self._reason("innovation_points", "innovation_score", reachable=reachable,
                                              pass_mark=pass_mark))
                if c.profile.ip.advancement is None or c.profile.ip.core_support is None:
                    c.reasons.append(self._reason("grades_unknown", "innovation_score"))
            return
        self._innovation_steps(c, choice, trans_year, pass_mark, innovation["min"], core_ip["passed"] is False)

    def _net_assets(self, c: Candidate) -> list[Fraction] | None:
        """The window's net assets when the latest year is open (the growth lever), else None."""
        if not c.window or c.window[-1] not in c.open:
            return None
        figures = []
        for year in c.window:
            entry = c.entries.get(year) or c.profile.year(year)
            if entry is None or entry.net_assets is None:
                return None
            figures.append(frac(entry.net_assets))
        return figures

    def _ip_in_time(self, c: Candidate) -> bool:
        days = (c.date - c.as_of).days
        return any(k.lead_days <= days for k in self.config.levers.ip_kinds.values())

    def _innovation_steps(
        self, c: Candidate, choice: InnovationChoice, trans_year: int | None, pass_mark: int, before: int,
        ip_missing: bool,
    ) -> None:
        levers = self.config.levers
        ip = c.profile.ip
        for count, kind_id, field_name in ((choice.class1, choice.class1_kind, "class1"),
                                           (choice.class2, choice.class2_kind, "class2")):
            if count and kind_id:
                kind = levers.ip_kinds[kind_id]
                by = c.date - dt.timedelta(days=kind.lead_days)
                c.ip[field_name] = c.ip.get(field_name, getattr(ip, field_name)) + count
                c.ip["self_developed"] = True
                criterion = "core_ip" if ip_missing else "innovation_score"
                self._step(c, kind_id, count, "件", by, price(kind.price) * count, criterion,
                           _Titled(levers.ip_citation, kind.title), by_text=by.isoformat())
        if choice.standards:
            by = c.date  # done before the round
            c.ip["standards"] = True
            self._step(c, "standards", 1, "项", by, price(levers.standards.price), "innovation_score",
                       levers.standards, by_text=by.isoformat())
        if choice.transformations and trans_year is not None:
            with_year(c.entries, trans_year, achievements_transformed=choice.transformations)
            self._step(c, "transformation", choice.transformations, "项", dt.date(trans_year, 12, 31),
                       price(levers.transformation.price) * choice.transformations, "innovation_score",
                       levers.transformation, year=trans_year)
        if choice.net_assets > 0:
            latest = c.window[-1]
            with_year(c.entries, latest, net_assets=choice.net_assets)
            self._step(c, "net_assets", choice.net_assets, "万元", dt.date(latest, 12, 31),
                       choice.net_assets * price(levers.net_assets.price_per_wan), "innovation_score",
                       levers.net_assets, year=latest)
        management = levers.rd_management
        labels = self._answer_labels(c.date)
        for name in choice.measures:
            c.answers[name] = True
            by = c.date
            self._step(c, f"rd_management.{name}", 1, "项", by, price(management.measures[name].price),
                       "innovation_score", management, by_text=by.isoformat(), measure=labels.get(name))
        c.needs["innovation_score"] = {"pass_mark": pass_mark, "min_before": before, "min_planned": choice.points}

    def _answer_labels(self, date: dt.date) -> dict[str, dict[str, str]]:
        pack = self.assessor.pack_for(date)
        labels: dict[str, dict[str, str]] = {}
        for target in pack.targets().values():
            if target.answers is not None:
                labels.update({name: label.as_dict() for name, label in target.answers.fields.items()})
        return labels

    def _step(
        self, c: Candidate, action: str, quantity: Decimal | int, unit: str, by: dt.date, cost: Decimal,
        criterion: str, lever: Any, year: int | None = None, detail: dict[str, Any] | None = None,
        by_text: str | None = None, measure: dict[str, str] | None = None,
    ) -> None:
        values: dict[str, Any] = {"quantity": number(quantity), "year": year, "by": by_text or by.isoformat()}
        values.update(detail or {})
        title = {}
        for lang in ("zh", "en"):
            shown = {**values, "measure": (measure or {}).get(lang, "")}
            title[lang] = getattr(lever.title, lang).format(**shown)
        c.steps.append(Step(action, quantity, unit, by, cost, criterion, lever.citation, title, year, detail or {}))

    # output ----------------------------------------------------------------------------------------------
    def _output(self, profile: Profile, row: list[Candidate], as_of: dt.date) -> dict[str, Any]:
        candidates = [self._candidate_output(c) for c in row]
        feasible = [x for x in candidates if x["status"] in ("eligible", "feasible")]
        earliest = feasible[0] if feasible else None
        cheapest = min(feasible, key=lambda x: (x["cost"], x["date"])) if feasible else None
        levers = self.config.levers
        return {
            "contract": PLAN_CONTRACT,
            "as_of": as_of.isoformat(),
            "company": {"name": profile.company.name, "credit_code": profile.company.credit_code,
                        "town": profile.company.town, "registered_on": profile.company.registered_on.isoformat()},
            "rules_version": row[0].baseline["rules_version"] if row and row[0].baseline else None,
            "earliest_date": earliest["date"] if earliest else None,
            "earliest_year": int(earliest["date"][:4]) if earliest else None,
            "earliest_cost": earliest["cost"] if earliest else None,
            "cheapest_date": cheapest["date"] if cheapest else None,
            "summary": self._summary(earliest, candidates),
            "candidates": candidates,
            "conventions": {
                "rounds": self.config.rounds.convention.as_dict(),
                "rounds_citation": self.config.rounds.citation,
                "costs": levers.convention.as_dict(),
                "currency": levers.currency,
            },
        }

    def _summary(self, earliest: dict[str, Any] | None, candidates: list[dict[str, Any]]) -> dict[str, str]:
        templates = self.config.levers.summary
        if earliest is not None and earliest["status"] == "eligible":
            return templates["eligible"].format(date=earliest["date"])
        if earliest is not None:
            return templates["earliest"].format(date=earliest["date"], cost=earliest["cost"],
                                                steps=len(earliest["steps"]))
        if not candidates:
            return {"zh": "", "en": ""}
        last = candidates[-1]
        return {
            lang: getattr(templates["none"], lang).format(
                date=last["date"], reasons=("" if lang == "zh" else " ").join(r["message"][lang]
                                                                                for r in last["reasons"]))
            for lang in ("zh", "en")
        }

    def _candidate_output(self, c: Candidate) -> dict[str, Any]:
        if c.reasons:
            status = "needs_data" if c.missing else "not_reachable"
        elif c.verification is not None and c.verification["verdict"] == "eligible":
            status = "feasible" if c.steps else "eligible"
        else:
            status = "not_reachable"
        verification = c.verification if status in ("eligible", "feasible") else None
        assumptions = [assumption_text(a, self.config.levers.assumptions) for a in c.assumptions]
        if (c.profile.ip.advancement is None or c.profile.ip.core_support is None) and c.steps:
            assumptions.append(self.config.levers.assumptions["grades_unknown"].as_dict())
        total = sum((s.cost for s in c.steps), Decimal(0))
        return {
            "date": c.date.isoformat(),
            "year": c.date.year,
            "window": list(c.window),
            "closed_years": list(c.closed),
            "open_years": list(c.open),
            "status": status,
            "baseline_verdict": c.baseline["verdict"] if c.baseline else None,
            "reasons": [
                {"code": r.code, "criterion": r.criterion, "message": r.text,
                 "earliest": r.earliest.isoformat() if r.earliest else None}
                for r in c.reasons
            ],
            "needs": c.needs,
            "least": self._least(c),
            "missing": c.missing,
            "steps": [self._step_output(s) for s in sorted(c.steps, key=lambda s: (s.by, s.action))]
            if status in ("feasible", "eligible") else [],
            "cost": number(total) if status in ("feasible", "eligible") else None,
            "assumptions": assumptions,
            "verified": verification is not None,
            "verification": None if verification is None else {
                "verdict": verification["verdict"],
                "readiness": verification["readiness"],
                "rules_version": verification["rules_version"],
                "innovation": {"min": verification["innovation"]["min"], "max": verification["innovation"]["max"]},
            },
            "planned_profile": _profile_json(c.planned()) if status in ("feasible", "eligible") else None,
        }

    def _least(self, c: Candidate) -> list[dict[str, Any]]:
        """What the open years need at the least for each hard criterion they bear on, given the other
        figures as planned (closed years as booked): the firm's room, whether or not a step was needed."""
        assessment = c.verification or c.baseline
        if assessment is None or not c.open or c.missing:
            return []
        criteria = assessment["criteria"]
        templates = self.config.levers.least
        found: list[dict[str, Any]] = []

        def closed_sum(name: str) -> Fraction:
            booked = [c.entries.get(y) or c.profile.year(y) for y in c.closed]
            return sum((frac(getattr(e, name) or 0) for e in booked if e is not None), Fraction(0))

        def open_sum(name: str) -> Fraction:
            return sum((frac(getattr(c.entries[y], name) or 0) for y in c.open if y in c.entries), Fraction(0))

        def add(code: str, amount: Decimal, planned: Fraction, **values: Any) -> None:
            shown = {"amount": number(amount), "planned": number(planned), **values}
            text = {}
            for lang in ("zh", "en"):
                localised = {k: (v[lang] if isinstance(v, dict) else v) for k, v in shown.items()}
                text[lang] = getattr(templates[code], lang).format(**localised)
            found.append({"figure": code, "at_least": number(amount), "planned": number(planned),
                          "message": text, **{k: v for k, v in values.items() if not isinstance(v, dict)}})

        years = {"zh": "、".join(map(str, c.open)), "en": ", ".join(map(str, c.open))}
        rd = criteria["rd_expense_ratio"]
        sales = closed_sum("sales_revenue") + open_sum("sales_revenue")
        if rd["threshold"] is not None and sales > 0:
            ratio = format_value(rd["threshold"], "ratio")
            add("rd_expense", ceil4(frac(rd["threshold"]) * sales - closed_sum("rd_expense")), open_sum("rd_expense"),
                years=years, threshold={"zh": ratio[0], "en": ratio[1]})
        domestic = criteria["rd_domestic_share"]
        spent = closed_sum("rd_expense") + open_sum("rd_expense")
        if domestic["threshold"] is not None and spent > 0:
            add("rd_expense_domestic",
                ceil4(frac(domestic["threshold"]) * spent - closed_sum("rd_expense_domestic")),
                open_sum("rd_expense_domestic"), years=years)
        latest = c.date.year - 1
        entry = c.entries.get(latest)
        if entry is not None:
            staff = criteria["sci_tech_staff_ratio"]
            if staff["threshold"] is not None and entry.staff_total:
                add("staff_sci_tech", ceil4(frac(staff["threshold"]) * frac(entry.staff_total)),
                    frac(entry.staff_sci_tech or 0), year=latest, staff=number(entry.staff_total))
            high_tech = criteria["high_tech_revenue_share"]
            if high_tech["threshold"] is not None and entry.total_revenue:
                add("high_tech_revenue", ceil4(frac(high_tech["threshold"]) * frac(entry.total_revenue)),
                    frac(entry.high_tech_revenue or 0), year=latest, total=number(entry.total_revenue))
        return found

    @staticmethod
    def _step_output(step: Step) -> dict[str, Any]:
        return {
            "action": step.action,
            "quantity": number(step.quantity),
            "unit": step.unit,
            "by": step.by.isoformat(),
            "cost": number(step.cost),
            "criterion": step.criterion,
            "citation": step.citation,
            "title": step.title,
            "year": step.year,
        }


_HNTE_ONLY: "weakref.WeakKeyDictionary[Assessor, Assessor]" = weakref.WeakKeyDictionary()


def _hnte_only(assessor: Assessor) -> Assessor:
    """The same packs without the ladder's tiers, over the same durable-rules runtime: a plan asks only the
    HNTE verdict, and the tiers would double the cost of each of its assessments."""
    if assessor.ladder is None:
        return assessor
    found = _HNTE_ONLY.get(assessor)
    if found is None:
        packs = [p for p in assessor.packs if p.family == HNTE_FAMILY]
        found = Assessor(packs, assessor.runtime)
        _HNTE_ONLY[assessor] = found
    return found


@dataclass
class _Titled:
    citation: str
    title: Any


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return number(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _profile_json(profile: Profile) -> dict[str, Any]:
    """The planned profile as contract JSON (numbers as numbers), ready for `hnte assess`."""
    return _plain(profile.model_dump(
        exclude_none=True,
        include={"company", "application_date", "tech_domain", "years", "ip", "rd_management", "incidents"},
    ))
