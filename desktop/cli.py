"""The `mujun` command line. Imports PySide6 only when the GUI is asked for."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from desktop import __version__


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应为 YYYY-MM-DD / date must be YYYY-MM-DD: {text}")


def _parser() -> argparse.ArgumentParser:
    from rules.profile import DEFAULT_PROFILE

    ap = argparse.ArgumentParser(prog="mujun", description="亩均自评：亩均效益、绿色通道、专精特新梯度、"
                                 "高耗低效整治与数字化认定的离线自评工具")
    ap.add_argument("--version", action="version", version=f"mujun {__version__}")
    sub = ap.add_subparsers(dest="command")
    sub.add_parser("gui", help="启动桌面程序")
    r = sub.add_parser("rules", help="列出配置的全部参数及出处，或检查配置文件")
    r.add_argument("--profile", default=DEFAULT_PROFILE, help="配置 id 或路径（默认 %(default)s）")
    r.add_argument("--check", metavar="PATH", help="检查一个配置文件或文件夹，出错时列出 文件:行: 参数")
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
    for line in result_lines(result):
        print(line)
    if args.json:
        args.json.write_text(json.dumps(result.to_json(), ensure_ascii=False, indent=1),
                             encoding="utf-8")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "rules":
        return _rules(args)
    if args.command == "explain":
        return _explain(args)
    # `mujun` and `mujun gui`: the desktop application is the next issue; until it lands,
    # say so plainly and show what the command line can do.
    print("亩均自评 mujun", __version__)
    print("桌面程序尚在开发中；目前可用的命令行功能如下。\n")
    _parser().print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())
