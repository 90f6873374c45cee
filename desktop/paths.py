"""Where writable data lives: the per-user data folder (platformdirs), never beside the program.

``MUJUN_DATA_DIR`` overrides it (tests, portable use). The folder holds ``settings.json``,
``window.ini`` (remembered window state, kept apart from settings), ``drafts/`` and, unless
the user chose another data folder in 设置, the database ``mujun.sqlite3``.
"""

from __future__ import annotations

import os
from pathlib import Path

DB_NAME = "mujun.sqlite3"


def home() -> Path:
    env = os.environ.get("MUJUN_DATA_DIR")
    if env:
        return Path(env)
    from platformdirs import user_data_path

    return user_data_path("mujun", appauthor=False)


def drafts_dir() -> Path:
    return home() / "drafts"


def profiles_dir() -> Path:
    """County profiles written by the profile editor, one folder each (``<id>/profile.yaml``)."""
    return home() / "profiles"
