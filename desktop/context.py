"""What every page shares: the settings, the active profile, the database, and the signals by
which a page tells the others that data or the profile changed, or asks to show another page."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from desktop import settings as user_settings
from desktop.profile_loading import load_bounded
from desktop.settings import Settings
from forms.store import Store, StoreError
from rules.profile import DEFAULT_PROFILE, Profile, ProfileError, load


class AppContext(QObject):
    profile_changed = Signal()
    data_changed = Signal()  # records or results in the store changed
    navigate = Signal(str, object)  # page name, what to show there
    status = Signal(str)  # a short message for the status bar

    def __init__(self, settings: Settings | None = None):
        super().__init__()
        self.problems: list[str] = []
        if settings is None:
            settings, self.problems = user_settings.load()
        self.settings = settings
        try:
            # the remembered profile may be a file from anywhere: bounded in time and memory
            self.profile: Profile = load_bounded(settings.profile)
        except ProfileError as e:
            more = f"（共 {len(e.issues)} 处问题）" if len(e.issues) > 1 else ""
            self.problems.append(f"配置“{settings.profile}”无法载入，已改用默认配置：{e.issues[0]}{more}")
            self.settings.profile = DEFAULT_PROFILE
            self.profile = load(DEFAULT_PROFILE)
        try:
            self.store = Store(settings.db_path)
        except StoreError as e:
            if not settings.data_folder:
                raise  # the default folder itself is unusable: app.run says so and stops
            self.problems.append(f"数据文件夹“{settings.data_folder}”中的数据库无法打开，已改用默认位置：{e}")
            settings.data_folder = ""
            self.store = Store(settings.db_path)

    @property
    def as_of(self) -> date:
        return self.settings.as_of_date()

    @property
    def db_path(self) -> Path:
        return self.settings.db_path

    @contextmanager
    def worker_store(self) -> Iterator[Store]:
        """A connection of its own for a worker thread (SQLite connections stay in the thread
        that made them), closed when the block ends."""
        store = Store(self.db_path)
        try:
            yield store
        finally:
            store.close()

    def set_profile(self, profile: Profile, remember: bool = True) -> None:
        self.profile = profile
        if remember:
            self.settings.profile = profile.ref
            user_settings.save(self.settings)
        self.profile_changed.emit()

    def set_data_folder(self, folder: str) -> None:
        """Switch to the database in ``folder`` (created if new)."""
        new = Settings(folder, self.settings.profile, self.settings.as_of)
        store = Store(new.db_path)  # raises StoreError before anything changes
        self.store.close()
        self.store = store
        self.settings.data_folder = folder
        user_settings.save(self.settings)
        self.data_changed.emit()

    def close(self) -> None:
        self.store.close()
