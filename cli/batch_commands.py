"""`hnte batch`, `hnte template`, `hnte users add|list|revoke|rotate`: scoring files of firms, and the
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
    plan: Annotated[
        bool, typer.Option("--plan/--no-plan", help="申报规划列（最早年度、成本、首要措施）/ the plan columns")
    ] = True,
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
            report = run_batch(source, output, workers=workers, progress=progress, sinks=sinks, plan=plan)
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
        except BaseException:  # any other failure: the stored pool says failed, not "scoring"
            for sink in sinks:
                sink.close(failed=True)
            raise
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
    _print_token(token, f"用户 {name}（{role}）已创建。", f"User {name} ({role}) created")


def _print_token(token: str, zh: str, en: str) -> None:
    err.print(f"{zh}令牌只显示这一次，请妥善保存 / {en}; the token is shown this once:", highlight=False)
    typer.echo(token)


@users_app.command("list")
def users_list() -> None:
    """列出用户 / List the users: role, status, pools, live browser sessions (never a token)."""
    from rich.table import Table

    from storage.users import list_users

    table = Table(title="培育库用户 / users of the stored pools")
    for heading in ("用户 user", "角色 role", "状态 status", "创建 created (UTC)", "培育库 pools", "会话 sessions"):
        table.add_column(heading, justify="right" if heading.startswith(("培育库", "会话")) else "left")
    for user in list_users():
        status = "已停用 revoked" if user.revoked_at else "有效 active"
        created = user.created_at.strftime("%Y-%m-%d %H:%M")
        table.add_row(user.name, user.role, status, created, str(user.pools), str(user.live_sessions))
    Console().print(table)


@users_app.command("revoke")
def users_revoke(name: Annotated[str, typer.Argument(help="用户名 / user name")]) -> None:
    """停用用户：其令牌与全部登录会话立即失效（其培育库保留）/ Revoke: the token and every session stop working."""
    from storage.users import revoke_user

    try:
        revoke_user(name)
    except LookupError:
        raise _refused({"zh": f"没有用户「{name}」", "en": f"No user “{name}”"}) from None
    err.print(f"用户 {name} 已停用 / {name} revoked: token and sessions no longer work", highlight=False)


@users_app.command("rotate")
def users_rotate(name: Annotated[str, typer.Argument(help="用户名 / user name")]) -> None:
    """更换令牌并打印新令牌（只显示这一次）；旧令牌与会话失效，已停用的用户恢复 / Rotate the token."""
    from storage.users import rotate_token

    try:
        token = rotate_token(name)
    except LookupError:
        raise _refused({"zh": f"没有用户「{name}」", "en": f"No user “{name}”"}) from None
    _print_token(
        token, f"用户 {name} 的新令牌已生成，旧令牌与会话已失效。", f"New token for {name}, the old one revoked"
    )


def register(app: typer.Typer) -> None:
    app.command("batch")(batch)
    app.command("template")(template)
    app.add_typer(users_app, name="users")
