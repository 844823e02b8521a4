"""`hnte` — the command line: assess a profile; serve the web service; score a batch."""

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from cli.batch_commands import register as register_batch_commands
from engine import NoPackInForce, ProfileInvalid, default_assessor, validate_profile
from engine.detail import LADDER, UnknownDetail, parse_detail, with_detail
from engine.fields import field_for

app = typer.Typer(help="高新技术企业申报预诊断 / HNTE pre-diagnosis", no_args_is_help=True, add_completion=False)
err = Console(stderr=True)
register_batch_commands(app)  # hnte batch, hnte template, hnte users add


@app.callback()
def main() -> None:
    """高新技术企业申报预诊断 / HNTE pre-diagnosis."""


class Format(StrEnum):
    text = "text"
    json = "json"


class Lang(StrEnum):
    zh = "zh"
    en = "en"


def _read(source: str) -> bytes:
    # bytes: text that is not UTF-8 is then an input error like any other (exit 2), not a traceback
    if source == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(source).read_bytes()
    except OSError as error:
        err.print(f"无法读取文件 / cannot read {source}: {error.strerror}")
        raise typer.Exit(2) from None


def print_field_errors(errors: list[dict]) -> None:
    # plain lines, whatever the terminal: a script reading stderr gets every error whole
    sys.stderr.write("输入无效 / Invalid input\n")
    for item in errors:
        label = field_for(item["field"])  # the field in words, from the field catalogue
        named = f"{item['field']}（{label.label.zh} / {label.label.en}）" if label else item["field"]
        sys.stderr.write(f"  {named}: {item['message']['zh']} / {item['message']['en']}\n")


@app.command()
def assess(
    source: Annotated[str, typer.Argument(help="企业档案 JSON 文件，- 表示标准输入 / profile JSON file, - for stdin")],
    format: Annotated[Format, typer.Option("--format", "-f", help="text 报告或 json 契约输出")] = Format.text,
    lang: Annotated[Lang, typer.Option("--lang", help="报告语言 / report language")] = Lang.zh,
    detail: Annotated[
        str | None,
        typer.Option(
            "--detail",
            help="json: ladder = 完整的培育层级（各层级条件、下一层级所缺条件）/ the whole ladder: every tier's "
            "criteria, what the next tier lacks (docs/ladder.md)",
        ),
    ] = None,
) -> None:
    """评估一家企业 / Assess one firm. Exit 0 for any verdict, 2 for invalid input."""
    try:
        details = parse_detail(detail)
    except UnknownDetail as unknown:
        err.print(f"--detail: {unknown.message['zh']} / {unknown.message['en']}")
        raise typer.Exit(2) from None
    try:
        profile = validate_profile(_read(source))
        # the text report shows the whole ladder; the JSON's default view needs none of its detail
        ladder_detail = format is Format.text or LADDER in details
        assessment = default_assessor().assess_many([profile], ladder_detail=ladder_detail)[0]
    except ProfileInvalid as invalid:
        print_field_errors(invalid.errors)
        raise typer.Exit(2) from None
    except NoPackInForce as missing:
        err.print(f"{missing.message['zh']} / {missing.message['en']}")
        raise typer.Exit(2) from None
    if format is Format.json:
        sys.stdout.write(json.dumps(with_detail(assessment, details), ensure_ascii=False, indent=2) + "\n")
    else:
        from cli.report import print_report

        print_report(assessment, lang.value)


@app.command()
def fields(
    lang: Annotated[Lang, typer.Option("--lang", help="语言 / language")] = Lang.zh,
) -> None:
    """列出全部输入字段 / List every input of a profile: key, name, unit, allowed values (rules/fields.yaml)."""
    from rich.table import Table

    from engine.fields import sections

    zh = lang is Lang.zh
    table = Table(title="输入字段" if zh else "Input fields", expand=True, show_lines=False)
    headings = ("字段", "名称", "单位", "可填的值", "说明") if zh else ("Key", "Name", "Unit", "Values", "Definition")
    for heading in headings:
        table.add_column(heading, overflow="fold")
    for section in sections():
        for spec in section.fields:
            words = spec.label.zh if zh else spec.label.en
            unit = (spec.unit.zh if zh else spec.unit.en) if spec.unit else ""
            values = "; ".join(f"{c.code} = {c.label.zh if zh else c.label.en}" for c in spec.values)
            if spec.type == "bool":
                values = "true / false" + (f" ({'默认' if zh else 'default'} {str(spec.default).lower()})")
            hint = (spec.hint.zh if zh else spec.hint.en) if spec.hint else ""
            table.add_row(spec.path, words + (" *" if spec.required else ""), unit, values, hint)
    Console().print(table)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="监听地址 / host (default: HNTE_HOST or 127.0.0.1)")] = None,
    port: Annotated[int | None, typer.Option(help="端口 / port (default: HNTE_PORT or 8000)")] = None,
    workers: Annotated[int | None, typer.Option(help="工作进程数 / worker processes, each with its own engine")] = None,
) -> None:
    """启动网页服务 / Start the web service (API, self-check pages)."""
    from api.serve import serve as run_server

    run_server(host, port, workers)


from cli.plan_commands import register as register_plan_commands  # noqa: E402  (needs Format, Lang above)

register_plan_commands(app)  # hnte plan, hnte what-if

if __name__ == "__main__":
    app()
