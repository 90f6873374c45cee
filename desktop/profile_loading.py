"""Loading a profile the user chose: a file from anywhere is read in a child process with a time
and a memory limit, so that no file can freeze or exhaust the window that loads it.

The loader itself refuses what a hostile file uses (``rules.profile``: aliases, size, depth,
ranges); the child is the second wall, for what no list of refusals foresaw. Bundled profiles
(shipped with the program) load in the calling thread. No Qt here: the child imports this
module, and it must start fast.
"""

from __future__ import annotations

import logging
import multiprocessing
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rules.profile import Issue, Profile, ProfileError, available, load

log = logging.getLogger("mujun.profile_loading")

TIME_LIMIT_S = 20.0  # the largest allowed profile chain reads in under 2 s
MEMORY_LIMIT = 1 << 30  # bytes of address space for the child (where the system can limit it)
POLL_S = 0.1


def is_bundled(ref: str | Path) -> bool:
    return str(ref) in available() and not Path(ref).exists()


def _child(ref: str, conn: Any, memory: int) -> None:
    """Runs in the child: load ``ref`` and send back ("ok", Profile) or ("error", issues)."""
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    except (ImportError, ValueError, OSError) as e:  # Windows has no RLIMIT_AS
        conn.send(("note", f"内存上限未能设置（{type(e).__name__}），仍有时间上限"))
    try:
        conn.send(("ok", load(ref)))
    except ProfileError as e:
        conn.send(("error", e.issues))
    except (MemoryError, SystemError):  # out of memory mid-call can surface as SystemError
        conn.send(("error", [Issue(str(ref), 1, "-",
                                   f"载入所需内存超过 {memory >> 20} MB，已停止（文件构造异常）")]))
    except Exception as e:  # noqa: BLE001 — anything else reaches the user as words, not a hang
        conn.send(("error", [Issue(str(ref), 1, "-", f"无法载入：{type(e).__name__}：{e}")]))
    finally:
        conn.close()


def load_bounded(ref: str | Path, progress: Callable[[int, int, str], None] | None = None,
                 time_limit: float = TIME_LIMIT_S, memory: int = MEMORY_LIMIT) -> Profile:
    """The profile ``ref`` (a bundled id or a path); raises ``ProfileError`` listing every
    problem, or saying that the time or memory limit stopped it. ``progress`` is called while
    waiting (so that a cancel raised from it stops and kills the child)."""
    if is_bundled(ref):
        return load(ref)
    name = str(ref)
    ctx = multiprocessing.get_context("spawn")  # never fork a process that runs Qt threads
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(name, child, memory), daemon=True,
                       name="mujun-profile")
    proc.start()
    child.close()
    deadline = time.monotonic() + time_limit
    try:
        while True:
            if progress is not None:
                progress(0, 0, "载入配置")
            if parent.poll(POLL_S):
                try:
                    kind, payload = parent.recv()
                except EOFError:  # the child died without a word (killed by the system)
                    proc.join(1)
                    raise ProfileError([Issue(name, 1, "-", "载入配置的进程意外退出"
                                              f"（退出码 {proc.exitcode}），配置未载入")]) from None
                if kind == "note":
                    log.warning("profile %s: %s", name, payload)
                    continue
                if kind == "ok":
                    return payload
                raise ProfileError(payload)
            if time.monotonic() >= deadline:
                raise ProfileError([Issue(name, 1, "-", f"载入超过 {time_limit:g} 秒仍未完成，"
                                          "已停止；配置未载入（文件过大或构造异常）")])
    finally:
        parent.close()
        if proc.is_alive():
            proc.kill()
        proc.join(5)
