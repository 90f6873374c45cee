"""The `mujun` command line. Imports PySide6 only when the GUI is asked for."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from desktop import __version__

if TYPE_CHECKING:
    from forms.store import Store


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应为 YYYY-MM-DD / date must be YYYY-MM-DD: {text}")


def _parser() -> argparse.ArgumentParser:
    from rules.profile import DEFAULT_PROFILE

    ap = argparse.ArgumentParser(prog="mujun", description="亩均自评：亩均效益、绿色通道、专精特新梯度、"
                                 "高耗低效整治、数字化认定与工业碳效的离线自评工具")
    ap.add_argument("--version", action="version", version=f"mujun {__version__}")
    sub = ap.add_subparsers(dest="command")
    g = sub.add_parser("gui", help="启动桌面程序（不带命令时也是）")
    g.add_argument("--screenshot", type=Path, metavar="OUT.png", help="把主窗口画成 PNG 后退出")
    g.add_argument("--page", help="打开的页面：welcome selfcheck import results rules settings about（或中文名）")
    g.add_argument("--size", default="1366x768", help="截图时的窗口大小（默认 %(default)s）")
    r = sub.add_parser("rules", help="列出配置的全部参数及出处，或检查配置文件")
    r.add_argument("--profile", default=DEFAULT_PROFILE, help="配置 id 或路径（默认 %(default)s）")
    r.add_argument("--check", metavar="PATH", help="检查一个配置文件或文件夹，出错时列出 文件:行: 参数")
    a = sub.add_parser("assess", help="导入园区表格（.xlsx/.xls/.csv）并评估全部企业")
    a.add_argument("input", type=Path, help="企业数据表格")
    a.add_argument("--profile", default=DEFAULT_PROFILE, help="配置 id 或路径（默认 %(default)s）")
    a.add_argument("--as-of", type=_date, default=None, help="评估日期 YYYY-MM-DD（默认今天）")
    a.add_argument("--json", type=Path, help="结果 JSON")
    a.add_argument("--xlsx", type=Path, help="结果工作簿")
    a.add_argument("--errors-xlsx", type=Path, help="错误报告工作簿（有错误行时写出）")
    a.add_argument("--pdf-dir", type=Path, help="每家企业一份 PDF 报告，写入此文件夹")
    a.add_argument("--summary-pdf", type=Path, help="园区汇总 PDF")
    a.add_argument("--db", type=Path, help="数据库文件（默认在用户数据文件夹）")
    a.add_argument("--no-store", action="store_true", help="不写数据库；按本文件内的企业排名")
    a.add_argument("--accept-renames", action="store_true",
                   help="信用代码和年度已在数据库中、但企业名称不同的行，确认是同一企业改名后照常导入")
    a.add_argument("--include-hidden-sheets", action="store_true",
                   help="也导入隐藏的工作表（默认只报告、不导入）")
    rp = sub.add_parser("report", help="为数据库中的一家企业生成 PDF 报告")
    rp.add_argument("credit_code")
    rp.add_argument("--year", type=int, required=True)
    rp.add_argument("--pdf", type=Path, required=True)
    rp.add_argument("--profile", default=DEFAULT_PROFILE)
    rp.add_argument("--as-of", type=_date, default=None)
    rp.add_argument("--db", type=Path)
    t = sub.add_parser("template", help="生成导入模板")
    t.add_argument("out", type=Path)
    pb = sub.add_parser("publish", help="按已存数据发布本园区的基准值与分类得分线（县级配置文件）")
    pb.add_argument("--year", type=int, required=True)
    pb.add_argument("--out", type=Path, required=True)
    pb.add_argument("--profile", default=DEFAULT_PROFILE)
    pb.add_argument("--park", default="", help="园区名称（写入配置名）")
    pb.add_argument("--db", type=Path)
    e = sub.add_parser("explain", help="评估一家企业（JSON 文件）并逐条列出结论、差距与依据")
    e.add_argument("input", type=Path, help='JSON：{"record": {字段: 值}, "projects": [...]}')
    e.add_argument("--profile", default=DEFAULT_PROFILE)
    e.add_argument("--as-of", type=_date, default=None, help="评估日期（默认今天）")
    e.add_argument("--json", type=Path, help="另存结果 JSON")
    return ap


def _rules(args: argparse.Namespace) -> int:
    from desktop.textview import profile_lines
    from rules.profile import ProfileError, load

    target = args.check or args.profile
    try:
        profile = load(target)
    except ProfileError as err:
        for issue in err.issues:
            print(issue, file=sys.stderr)
        print(f"配置有 {len(err.issues)} 处错误 / profile has {len(err.issues)} error(s)",
              file=sys.stderr)
        return 1
    if args.check:
        print(f"配置有效 / profile OK: {profile.id} {profile.version} sha256 {profile.sha256}")
        return 0
    for line in profile_lines(profile):
        print(line)
    return 0


def _explain(args: argparse.Namespace) -> int:
    from desktop.textview import result_lines
    from rules.assess import assess
    from rules.identifiers import check_credit_code
    from rules.profile import ProfileError, load
    from rules.record import RecordError, make_record

    try:
        data = json.loads(args.input.read_text(encoding="utf-8"))
        record = make_record(data["record"], data.get("projects", []))
        profile = load(args.profile)
    except (OSError, ValueError, KeyError, TypeError) as err:
        if isinstance(err, RecordError):
            msg = f"字段 {err.field_id}：{err.message}"
        else:
            msg = str(err)
        print(f"无法读取输入 / cannot read input: {msg}", file=sys.stderr)
        return 2
    except ProfileError as err:
        print(f"配置无效 / invalid profile:\n{err}", file=sys.stderr)
        return 2
    result = assess(record, profile, args.as_of or date.today())
    code = record.credit_code
    check = check_credit_code(code) if code else None
    for problem in ([] if check is None else [*check.errors, *check.warnings]):
        # explain assesses what it is given, but never silently: the import would refuse it
        print(f"警告：{problem}（“{code}”；评估照常进行，导入时此代码会被拒绝）"
              if problem in check.errors else f"警告：{problem}", file=sys.stderr)
    if code is None:
        print("警告：未填统一社会信用代码", file=sys.stderr)
    for line in result_lines(result):
        print(line)
    if args.json:
        args.json.write_text(json.dumps(result.to_json(), ensure_ascii=False, indent=1),
                             encoding="utf-8")
    return 0


# The stores this run opened: an interrupted run says whether it changed them.
_OPENED: list[Store] = []


def _open_store(args: argparse.Namespace) -> Store:
    from forms.store import Store

    store = Store(args.db or default_db())
    _OPENED.append(store)
    return store


def default_db() -> Path:
    """The database the desktop uses: the one in the data folder chosen in 设置, else the
    per-user data folder (``MUJUN_DATA_DIR`` overrides it)."""
    from desktop import settings

    return settings.load()[0].db_path


def _fail(zh: str, en: str) -> int:
    print(f"错误：{zh} / error: {en}", file=sys.stderr)
    return 2


class _Progress:
    """Progress on stderr: one line per stage, updated in place."""

    def __init__(self) -> None:
        self.stage = ""

    def __call__(self, done: int, total: int, stage: str) -> None:
        if stage != self.stage and self.stage:
            print(file=sys.stderr)
        self.stage = stage
        print(f"\r{stage} {done}/{total}" if total else f"\r{stage}", end="", file=sys.stderr,
              flush=True)

    def end(self) -> None:
        if self.stage:
            print(file=sys.stderr)
            self.stage = ""


def _assess(args: argparse.Namespace) -> int:
    from forms import collector, pipeline
    from forms.excel.reader import FileError
    from forms.store import StoreError
    from forms.workers import WorkerDied
    from rules.profile import ProfileError, load

    try:
        profile = load(args.profile)
    except ProfileError as err:
        return _fail(f"配置无效：{err.issues[0]}", "invalid profile")
    store = None
    progress = _Progress()
    as_of = args.as_of or date.today()
    summary = None
    if args.summary_pdf:
        from desktop.reports.summary import ParkSummary

        summary = ParkSummary(profile, as_of)  # titled by place and data year, not file name
    try:
        if not args.no_store:
            store = _open_store(args)
        with collector.paused():  # full collections would walk every row again and again
            outcome = pipeline.run(args.input, profile, as_of, store=store, json_out=args.json,
                                   xlsx_out=args.xlsx, errors_out=args.errors_xlsx,
                                   progress=progress, on_result=summary.add if summary else None,
                                   accept_renames=args.accept_renames,
                                   include_hidden_sheets=args.include_hidden_sheets)
        if summary is not None:
            from desktop.reports.layout import ReportError
            from desktop.reports.summary import write_park_summary

            summary.reject_import(outcome.imported)  # each rejected row with its firm named
            try:
                outcome.written.append(write_park_summary(summary, args.summary_pdf))
            except ReportError as err:
                print(f"未能生成：{err}", file=sys.stderr)
        if args.pdf_dir:
            from desktop.reports.batch import Job, render_batch

            jobs = [Job(r.values, tuple(p.values for p in r.projects),
                        outcome.cohorts.get(outcome.cohort_of.get((r.credit_code, r.year), ())),
                        outcome.manual.get((r.credit_code, r.year)), outcome.carbon)
                    for r in outcome.batch]
            # a frozen build starts its workers as Windows must (spawn), on every system
            failed: list[str] = []
            noted: list[str] = []
            paths = render_batch(jobs, args.pdf_dir, profile.ref, as_of,
                                 progress=lambda d, t: progress(d, t, "生成 PDF 报告"),
                                 start_method="spawn" if getattr(sys, "frozen", False) else None,
                                 errors=failed, warnings=noted)
            progress.end()
            print(f"已写出 {len(paths)} 份企业报告到 {args.pdf_dir}", file=sys.stderr)
            for why in failed:
                print(f"未能生成：{why}", file=sys.stderr)
            for note in noted:
                print(f"提示：{note}", file=sys.stderr)
    except (FileError, pipeline.RenameConflict, WorkerDied) as err:
        progress.end()
        return _fail(err.zh, err.en)
    except StoreError as err:
        return _fail(str(err), "database unusable")
    except OSError as err:
        return _fail(f"无法写出文件：{err}", f"cannot write output: {err}")
    finally:
        progress.end()
        if store is not None:
            store.close()
    from forms.import_report import report_lines

    imp = outcome.imported
    print("导入报告：", file=sys.stderr)
    for line in report_lines(imp):
        print(f"  {line}", file=sys.stderr)
    if outcome.committed:
        c = outcome.committed
        print(f"已存入数据库（第 {c.batch_id} 批）：{c.counts()}", file=sys.stderr)
    print(outcome.counts(), file=sys.stderr)
    for note, n in outcome.notes.items():
        print(f"注意：{note}（{n} 家）", file=sys.stderr)
    for path in outcome.written:
        print(f"已写出：{path}", file=sys.stderr)
    return 0


def _report(args: argparse.Namespace) -> int:
    from desktop.reports.firm import write_firm_report
    from desktop.reports.layout import ReportError, glyph_warning
    from forms.cells import CellError, parse_credit_code
    from forms.firm import assess_firm
    from forms.store import StoreError
    from rules.profile import ProfileError, load

    try:
        code = parse_credit_code(args.credit_code)
        profile = load(args.profile)
        store = _open_store(args)
    except CellError as err:
        return _fail(err.message, "invalid credit code")
    except ProfileError as err:
        return _fail(f"配置无效：{err.issues[0]}", "invalid profile")
    except StoreError as err:
        return _fail(str(err), "database unusable")
    try:
        rec = store.record(code, args.year)
        if rec is None:
            return _fail(f"数据库中没有 {code} 的 {args.year} 年度数据", "no such firm and year")
        # ranked as in the stored batch: its pool, industry group, population benchmarks and
        # the manager's 加减分 and regrade
        result = assess_firm(rec, profile, args.as_of or date.today(), store)
        print(f"已写出：{write_firm_report(result, args.pdf)}")
        if glyph_warning():
            print(f"提示：{glyph_warning()}", file=sys.stderr)
    except ReportError as err:
        return _fail(str(err), "the report cannot be laid out")
    except OSError as err:
        return _fail(f"无法写出文件：{err}", f"cannot write output: {err}")
    finally:
        store.close()
    return 0


def _template(args: argparse.Namespace) -> int:
    from forms.excel.template import write_template

    try:
        print(f"已写出模板：{write_template(args.out)}")
    except OSError as err:
        return _fail(f"无法写出模板：{err}", f"cannot write template: {err}")
    return 0


def _publish(args: argparse.Namespace) -> int:
    from forms.publish import PublishError, publish
    from forms.store import StoreError
    from rules.profile import ProfileError, load

    try:
        store = _open_store(args)
        try:
            out = publish(store, load(args.profile), args.year, args.out, park=args.park)
        finally:
            store.close()
    except (PublishError, StoreError) as err:
        return _fail(str(err), "nothing to publish")
    except ProfileError as err:
        return _fail(f"配置无效：{err.issues[0]}", "invalid profile")
    print(f"已发布：{out}（企业可用 --profile {out} 自评）")
    return 0


class Terminated(BaseException):
    """SIGTERM, raised where the program is, so that open transactions roll back and
    half-written files are removed on the way out (as Ctrl-C's KeyboardInterrupt does)."""


def _on_sigterm(signum: int, frame: object) -> None:
    raise Terminated


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    commands = {"rules": _rules, "explain": _explain, "assess": _assess, "template": _template,
                "publish": _publish, "report": _report}
    if args.command not in commands:
        return _gui(args)
    _OPENED.clear()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        code = commands[args.command](args)
        if argv is None:  # this run is the whole program: done, so a late signal is ignored
            _ignore_signals()  # (after main, the interpreter would die of it, not exit 0)
        return code
    except KeyboardInterrupt:
        _ignore_signals()
        return _stopped("Ctrl-C", 130)
    except Terminated:
        _ignore_signals()
        return _stopped("SIGTERM", 143)


def _ignore_signals() -> None:
    """Once stopping, a second Ctrl-C or SIGTERM must not cut the clean exit short (the
    interpreter would die of the signal instead of exiting with 130 / 143)."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)


def _stopped(how: str, code: int) -> int:
    """One line, no traceback: what an interrupted command leaves behind. The store is
    changed only whole (``Store.atomic``), so it is either as it was or holds all of it."""
    if any(store.commits for store in _OPENED):
        db = ("导入和评估结果已完整存入数据库，之后的步骤（写出文件、报告）未完成",
              "the import and its results were stored whole; the steps after it did not finish")
    else:
        db = "数据库保持原样", "the database is unchanged"
    print(f"\n已中断（{how}）：{db[0]}，未写出不完整的文件 / interrupted ({how}): {db[1]} and no "
          "partial output was left", file=sys.stderr)
    return code


def _gui(args: argparse.Namespace) -> int:
    """`mujun` and `mujun gui`: PySide6 is imported only here."""
    try:
        w, h = (int(x) for x in getattr(args, "size", "1366x768").lower().split("x"))
    except ValueError:
        return _fail("窗口大小应写成 宽x高，如 1366x768", "size must be WIDTHxHEIGHT")
    try:
        from desktop.app import run
    except ImportError as err:
        return _fail(f"无法载入图形界面库（{err}）。请用 README 中的命令安装，"
                     "Linux 上还需要 Qt 的系统库", f"cannot load Qt: {err}")
    return run(getattr(args, "screenshot", None), getattr(args, "page", None), (w, h))


def leave(code: int) -> None:
    """End the program with ``code``. A run stopped by Ctrl-C or SIGTERM has already rolled
    back, removed its partial files and said so: it leaves at once, because the interpreter's
    own shutdown could still be cut short by the signal and end with −2 instead of 130 (seen
    about once in a few hundred interrupted runs of tests/test_kill.py)."""
    if code in (130, 143):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":
    try:
        code = main()
    except KeyboardInterrupt:  # an interrupt that came before main's own handling
        code = 130
    leave(code)
