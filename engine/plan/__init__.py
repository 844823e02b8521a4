"""申报规划 — the forward plan: when a firm can apply and the cheapest steps that get it there
(docs/plan.md), and what-if comparisons of two assessments."""

from engine.plan.config import PlanConfig, load_plan_config
from engine.plan.planner import Planner

__all__ = ["PlanConfig", "Planner", "load_plan_config"]
