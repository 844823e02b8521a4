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
from engine.detail import UnknownDetail, parse_detail, with_detail

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


def _read(source: str) -> str:
    if source == "-":
        return sys.stdin.read()
    try:
        return Path(source).read_text(encoding="utf-8")
    except OSError as error:
        err.print(f"无法读取文件 / cannot read {source}: {error.strerror}")
        raise typer.Exit(2) from None


def print_field_errors(errors: list[dict]) -> None:
    # plain lines, whatever the terminal: a script reading stderr gets every error whole
    sys.stderr.write("输入无效 / Invalid input\n")
    for item in errors:
        sys.stderr.write(f"  {item['field']}: {item['message']['zh']} / {item['message']['en']}\n")


@app.command()
def assess(
    source: Annotated[str, typer.Argument(help="企业档案 JSON 文件，- 表示标准输入 / profile JSON file, - for stdin")],
    format: Annotated[Format, typer.Option("--format", "-f", help="text 报告或 json 契约输出")] = Format.text,
    lang: Annotated[Lang, typer.Option("--lang", help="报告语言 / report language")] = Lang.zh,
    detail: Annotated[
        str | None,
        typer.Option("--detail", help="json: ladder = 每一层级的全部条件 / every tier's criteria (docs/ladder.md)"),
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
        assessment = default_assessor().assess(profile)
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
def serve(
    host: Annotated[str | None, typer.Option(help="监听地址 / host (default: HNTE_HOST or 127.0.0.1)")] = None,
    port: Annotated[int | None, typer.Option(help="端口 / port (default: HNTE_PORT or 8000)")] = None,
    workers: Annotated[int | None, typer.Option(help="工作进程数 / worker processes, each with its own engine")] = None,
) -> None:
    """启动网页服务 / Start the web service (API, self-check pages)."""
    from api.serve import serve as run_server

    run_server(host, port, workers)


if __name__ == "__main__":
    app()
