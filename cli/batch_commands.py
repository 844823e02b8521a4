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


def impact(
    pool: Annotated[Path, typer.Argument(help="企业名单 .xlsx / .csv / .jsonl / the pool of firms")],
    override: Annotated[
        Path,
        typer.Option(
            "--override",
            help="修改文件（参数路径: 新值）或复制的规则包目录 / parameter paths → values (YAML), or a pack folder",
        ),
    ],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="影响工作簿 .xlsx / the impact workbook")
    ] = None,
    json_output: Annotated[
        Path | None, typer.Option("--json", help="影响 JSON 文件，- 为标准输出 / the impact as JSON, - for stdout")
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option("--workers", "-w", min=0, help="评分进程数 / scoring processes (default: one per core)"),
    ] = None,
) -> None:
    """规则修改影响 / Which firms of a pool flip verdict or tier under changed rules, on which criteria, by town."""
    import json
    import sys

    from batch import InputRefused
    from batch.impact import run_impact
    from batch.impact_workbook import write_impact_workbook
    from engine import default_assessor
    from engine.impact import OverrideError, read_override

    try:
        chosen = read_override(override, default_assessor().packs)
        run = run_impact(pool, chosen, workers)
    except (InputRefused, OverrideError) as refused:
        raise _refused(refused.message) from None
    report = run.report
    if output is not None:
        write_impact_workbook(report, output)
    if json_output is not None:
        text = json.dumps(report, ensure_ascii=False, indent=2, default=str) + "\n"
        if str(json_output) == "-":
            sys.stdout.write(text)
        else:
            json_output.write_text(text, encoding="utf-8")
    err.print(
        f"{report['firms']} 家企业 firms · {report['flipped']} 家有变化 flip "
        f"(结论 verdict {report['verdict_flips']}, 层级 tier {report['tier_flips']}) · "
        f"{report['invalid_rows']} 行无效 invalid rows · {run.seconds:.1f} s",
        highlight=False,
    )
    for town in report["by_town"]:
        err.print(
            f"  {town['town']}: {town['firms']} · 结论变化 verdict flips {town['verdict_flips']} "
            f"(+{town['became_eligible']} / -{town['no_longer_eligible']}) · 层级变化 tier flips {town['tier_flips']}",
            highlight=False,
        )


def register(app: typer.Typer) -> None:
    app.command("impact")(impact)
    app.command("batch")(batch)
    app.command("template")(template)
    app.add_typer(users_app, name="users")
