"""`hnte batch`, `hnte template`, `hnte users add`, `hnte pools import`: scoring files of firms, and the
stored pools' users. Registered on the `hnte` app by cli.main."""

import signal
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

err = Console(stderr=True)


def _refused(message: dict[str, str]) -> typer.Exit:
    err.print(f"[bold red]{message['zh']}[/]\n{message['en']}", markup=True, highlight=False)
    return typer.Exit(2)


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the main thread like Ctrl-C, so that the batch cleans up as it does for Ctrl-C."""


def _on_sigterm(signum: int, frame: object) -> None:
    raise Terminated()


def batch(
    source: Annotated[Path, typer.Argument(help="企业名单 .xlsx / .csv / .jsonl / the firms to score")],
    output: Annotated[Path, typer.Option("--output", "-o", help="结果文件 .xlsx / .csv / .jsonl / the result file")],
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers", "-w", min=0, help="评分进程数，默认每核一个 / scoring processes (default: one per core)"
        ),
    ] = None,
    pool: Annotated[
        str | None, typer.Option("--pool", help="同时存为培育库，指定库名 / also store as a pool with this name")
    ] = None,
    user: Annotated[
        str | None, typer.Option("--user", help="存库时的上传人（hnte users add 创建）/ the pool's owner")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="不显示进度条 / no progress bar")] = False,
) -> None:
    """批量评估 / Score every firm of a file. Exit 0 when every row was read (bad rows are listed in the output)."""
    from batch import InputRefused, run_batch
    from batch.writers import output_format

    sinks = []
    try:
        output_format(output)
        if pool:
            from storage.pools import PoolSink, start_pool

            if not user:
                raise _refused({"zh": "存库需要 --user 指定上传人", "en": "--pool needs --user, the pool's owner"})
            sinks.append(PoolSink(start_pool(pool, user, source.name)))
    except InputRefused as refused:
        raise _refused(refused.message) from None
    except LookupError as missing:
        raise _refused({"zh": f"没有用户「{user}」", "en": f"No user “{user}”: {missing}"}) from None
    with Progress(
        TextColumn("[bold]评分 scoring"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("行 rows"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err,
        disable=quiet,
        transient=False,
    ) as bar:
        task = bar.add_task("batch", total=None)

        def progress(done: int, expected: int | None) -> None:
            bar.update(task, completed=done, total=max(expected or 0, done) or None)

        previous = signal.signal(signal.SIGTERM, _on_sigterm)
        try:
            report = run_batch(source, output, workers=workers, progress=progress, sinks=sinks)
        except InputRefused as refused:
            for sink in sinks:
                sink.close(failed=True)
            raise _refused(refused.message) from None
        except KeyboardInterrupt as interrupt:  # Ctrl-C or SIGTERM: run_batch removed its partial output
            for sink in sinks:
                sink.close(failed=True)
            bar.stop()
            err.print(f"已中断，未写入 {output} / interrupted: {output} was not written", highlight=False)
            raise typer.Exit(143 if isinstance(interrupt, Terminated) else 130) from None
        finally:
            signal.signal(signal.SIGTERM, previous)
        for sink in sinks:
            sink.close(report.empty_rows)
    err.print(
        f"已评估 {report.assessed} 家，{report.invalid} 行有错误，跳过空行 {report.empty_rows}；"
        f"{report.per_second:.0f} 行/秒 → {output}\n"
        f"{report.assessed} firms assessed, {report.invalid} rows with errors, {report.empty_rows} empty rows skipped; "
        f"{report.per_second:.0f} rows/s → {output}",
        highlight=False,
    )


def template(
    output: Annotated[Path, typer.Option("--output", "-o", help="模板文件 .xlsx 或 .csv / the template file")] = Path(
        "pool.xlsx"
    ),
) -> None:
    """生成填写模板 / Write the fill-in template (one row per firm, with an example row)."""
    from batch.template import write_template

    if output.suffix.lower() not in (".xlsx", ".csv"):
        raise _refused({"zh": "模板文件须为 .xlsx 或 .csv", "en": "The template must be .xlsx or .csv"})
    write_template(output)
    err.print(f"模板已写入 template written: {output}", highlight=False)


users_app = typer.Typer(help="培育库用户与令牌 / users and API tokens of the stored pools", no_args_is_help=True)


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="用户名 / user name")],
    role: Annotated[str, typer.Option("--role", help="bureau（看全部库）或 intermediary（只看自己上传的库）")],
) -> None:
    """新增用户并打印其令牌（只显示这一次）/ Add a user and print its token (shown this once only)."""
    from storage.users import ROLES, add_user

    if role not in ROLES:
        raise _refused({"zh": f"角色须为 {' 或 '.join(ROLES)}", "en": f"The role must be {' or '.join(ROLES)}"})
    try:
        token = add_user(name, role)
    except ValueError as error:
        raise _refused({"zh": f"无法添加用户：{error}", "en": f"Cannot add the user: {error}"}) from None
    err.print(
        f"用户 {name}（{role}）已创建。令牌只显示这一次，请妥善保存 / the token is shown this once:", highlight=False
    )
    typer.echo(token)


def register(app: typer.Typer) -> None:
    app.command("batch")(batch)
    app.command("template")(template)
    app.add_typer(users_app, name="users")
