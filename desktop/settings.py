"""User settings, declared once as data and validated on load (after qutebrowser's typed
options). Remembered window state is not here: it lives in ``window.ini`` (after Picard)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from datetime import date
from pathlib import Path

from desktop import paths
from rules.profile import DEFAULT_PROFILE


@dataclass
class Settings:
    data_folder: str = ""  # "" → the per-user data folder
    profile: str = DEFAULT_PROFILE  # a profile id or the path of a profile file
    as_of: str = ""  # "" → today; else YYYY-MM-DD
    # the user's column choices on 批量导入, remembered per header layout
    # (``SheetInfo.layout``): column index → field id, or None = do not use that column
    column_mappings: dict[str, dict[int, str | None]] = field(default_factory=dict)

    @property
    def db_path(self) -> Path:
        return Path(self.data_folder or paths.home()) / paths.DB_NAME

    def as_of_date(self) -> date:
        return date.fromisoformat(self.as_of) if self.as_of else date.today()


def _file() -> Path:
    return paths.home() / "settings.json"


def load() -> tuple[Settings, list[str]]:
    """The saved settings, and what was wrong with the file (each problem falls back to the
    default and is reported once, in Chinese)."""
    out = Settings()
    problems: list[str] = []
    try:
        raw = json.loads(_file().read_text(encoding="utf-8"))
    except FileNotFoundError:
        return out, problems
    except (OSError, ValueError) as e:
        return out, [f"设置文件无法读取，已使用默认设置：{e}"]
    if not isinstance(raw, dict):
        return out, ["设置文件格式不对，已使用默认设置"]
    for f in fields(Settings):
        v = raw.get(f.name)
        if v is None:
            continue
        if f.name == "column_mappings":
            mappings = _mappings(v)
            if mappings is None:
                problems.append("记住的列对应格式不对，已忽略")
            else:
                out.column_mappings = mappings
            continue
        if not isinstance(v, str):
            problems.append(f"设置“{f.name}”应为文字，已使用默认值")
            continue
        if f.name == "as_of" and v:
            try:
                date.fromisoformat(v)
            except ValueError:
                problems.append(f"评估日期“{v}”不是 YYYY-MM-DD，已改用今天")
                continue
        setattr(out, f.name, v)
    return out, problems


def _mappings(raw: object) -> dict[str, dict[int, str | None]] | None:
    """``column_mappings`` as JSON holds it (column indexes are strings there), or ``None``
    when it is not {layout: {column index: field id or null}}."""
    if not isinstance(raw, dict):
        return None
    out: dict[str, dict[int, str | None]] = {}
    for layout, columns in raw.items():
        if not isinstance(columns, dict):
            return None
        one: dict[int, str | None] = {}
        for col, fid in columns.items():
            if not (isinstance(col, str) and col.isdigit()) or not (fid is None or isinstance(fid, str)):
                return None
            one[int(col)] = fid
        out[layout] = one
    return out


def save(s: Settings) -> None:
    f = _file()
    f.parent.mkdir(parents=True, exist_ok=True)
    tmp = f.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(s), ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(f)
