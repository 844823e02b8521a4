"""`hnte plan` (申报规划) and `hnte what-if`: the forward plan of one firm, and a profile before/after changes."""

import datetime as dt
import json
import sys
from decimal import Decimal
from typing import Annotated, Any

import typer
from rich.console import Console

from engine import NoPackInForce, ProfileInvalid, default_assessor, validate_profile
from engine.citations import cite
from engine.formatting import format_value

out = Console()
err = Console(stderr=True)


def _value(text: str) -> Any:
    """A --set value: JSON when it parses (numbers, true, null, "text"), else the text itself."""
    try:
        return json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError:
        return text


def register(app: typer.Typer) -> None:
    from cli.main import Format, Lang, _read, print_field_errors

    @app.command()
    def plan(
        source: Annotated[str, typer.Argument(help="企业档案 JSON（可含 projections），- 为标准输入 / profile")],
        year: Annotated[list[int] | None, typer.Option("--year", help="申报批次年度，可重复 / round year(s)")] = None,
        as_of: Annotated[str | None, typer.Option("--as-of", help="规划日期，默认今天 / planning date")] = None,
        format: Annotated[Format, typer.Option("--format", "-f", help="text 或 json")] = Format.text,
        lang: Annotated[Lang, typer.Option("--lang", help="语言 / language")] = Lang.zh,
    ) -> None:
        """申报规划：何时可申报、最省的达标方案 / When the firm can apply and the cheapest plan. Exit 2 on bad input."""
        from engine.plan import Planner

        try:
            profile = validate_profile(_read(source))
            when = dt.date.fromisoformat(as_of) if as_of else None
            result = Planner(default_assessor()).plan(profile, as_of=when, years=year or None)
        except ProfileInvalid as invalid:
            print_field_errors(invalid.errors)
            raise typer.Exit(2) from None
        except ValueError:
            err.print(f"规划日期无效 / invalid --as-of: {as_of}")
            raise typer.Exit(2) from None
        except NoPackInForce as missing:
            err.print(f"{missing.message['zh']} / {missing.message['en']}")
            raise typer.Exit(2) from None
        if format is Format.json:
            sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
        else:
            print_plan(result, lang.value)

    @app.command("what-if")
    def what_if_command(
        source: Annotated[str, typer.Argument(help="企业档案 JSON 文件 / profile JSON file")],
        set_: Annotated[list[str], typer.Option("--set", help="路径=值，如 years[2].rd_expense=900 / path=value")],
        format: Annotated[Format, typer.Option("--format", "-f", help="text 或 json")] = Format.text,
        lang: Annotated[Lang, typer.Option("--lang", help="语言 / language")] = Lang.zh,
    ) -> None:
        """假如……：修改几项数据前后的评估对比 / Assess before and after changes. Exit 2 on bad input."""
        from engine.plan.whatif import what_if

        changes = []
        for item in set_:
            path, sep, value = item.partition("=")
            if not sep:
                err.print(f"--set 需要 路径=值 / --set needs path=value: {item}")
                raise typer.Exit(2)
            changes.append({"path": path.strip(), "value": _value(value.strip())})
        try:
            result = what_if(default_assessor(), _read(source), changes)
        except ProfileInvalid as invalid:
            print_field_errors(invalid.errors)
            raise typer.Exit(2) from None
        except NoPackInForce as missing:
            err.print(f"{missing.message['zh']} / {missing.message['en']}")
            raise typer.Exit(2) from None
        if format is Format.json:
            sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=2, default=_json_default) + "\n")
        else:
            print_what_if(result, lang.value)


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(type(value).__name__)


STATUS = {
    "eligible": {"zh": "已符合条件，无需额外措施", "en": "eligible already: no step needed"},
    "feasible": {"zh": "按方案可达标", "en": "reachable with the plan"},
    "not_reachable": {"zh": "不可达", "en": "not reachable"},
    "needs_data": {"zh": "缺少数据", "en": "data missing"},
}


def _money(value: Any, lang: str) -> str:
    """An amount in 万元 in the reader's language: '710 万元' / 'CNY 7.1 million'."""
    zh, en = format_value(value, "万元")
    return zh if lang == "zh" else en


def print_plan(result: dict[str, Any], lang: str) -> None:
    zh = lang == "zh"
    out.print(f"[bold]{'申报规划' if zh else 'Application plan'} — {result['company']['name']}[/bold]"
              f"  ({'规划日期' if zh else 'as of'} {result['as_of']})")
    if result["earliest_date"]:
        cost = result["earliest_cost"]
        out.print(f"{'最早可申报批次' if zh else 'Earliest feasible round'}: [bold]{result['earliest_date']}[/bold]"
                  f"  {'方案成本' if zh else 'plan cost'} {_money(cost, lang)}")
    else:
        out.print(f"[bold red]{result['summary'][lang]}[/bold red]")
    for c in result["candidates"]:
        status = STATUS[c["status"]][lang]
        out.print(f"\n[bold]{c['date']}[/bold]  {status}"
                  f"  {'窗口' if zh else 'window'} {c['window']}  {'已结账' if zh else 'closed'} {c['closed_years']}"
                  f"  {'未结账' if zh else 'open'} {c['open_years']}")
        for reason in c["reasons"]:
            out.print(f"  ✗ {reason['message'][lang]}")
        for step in c["steps"]:
            out.print(f"  • {step['title'][lang]} — {_money(step['cost'], lang)}  [{step['criterion']}]  "
                      f"{cite(step['citation'], lang)}")
        if c["cost"] is not None:
            verified = c["verification"]
            check = "；引擎复核" if zh else "; engine check"
            out.print(f"  {'合计' if zh else 'total'} {_money(c['cost'], lang)}{check}: "
                      f"{verified['verdict'] if verified else '—'}")
        for least in c.get("least", []):
            out.print(f"  [dim]{'至少' if zh else 'at least'}: {least['message'][lang]}[/dim]")
        for assumption in c["assumptions"]:
            out.print(f"  [dim]{'假设' if zh else 'assumption'}: {assumption[lang]}[/dim]")
    out.print(f"\n[dim]{result['conventions']['costs'][lang]}\n{result['conventions']['rounds'][lang]}[/dim]")


def print_what_if(result: dict[str, Any], lang: str) -> None:
    zh = lang == "zh"
    d = result["delta"]
    out.print(f"[bold]{'假如' if zh else 'What if'}[/bold]: "
              + "; ".join(f"{c['path']} = {c['value']}" for c in result["changes"]))
    out.print(f"{'结论' if zh else 'verdict'}: {d['verdict']['before']} → {d['verdict']['after']}   "
              f"{'准备度' if zh else 'readiness'}: {d['readiness']['before']} → {d['readiness']['after']}")
    low, high = d["innovation"]["min"], d["innovation"]["max"]
    label = "创新能力" if zh else "innovation"
    out.print(f"{label}: {low['before']}–{high['before']} → {low['after']}–{high['after']}")
    for cid, c in d["criteria"].items():
        if c["changed"]:
            title = result["after"]["criteria"][cid].get("title", {}).get(lang, cid)
            out.print(f"  {title}: {c['passed']['before']} → {c['passed']['after']}  "
                      f"({c['actual']['before']} → {c['actual']['after']})")
