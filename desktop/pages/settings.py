"""设置 (data folder, default profile, as-of date, the electricity basis read from the profile)
and 关于 (version, the licences of the bundled font and the libraries)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop import __version__, dialogs
from desktop import settings as user_settings
from desktop.context import AppContext
from desktop.logs import log_path
from desktop.operations import Operation, ProgressPanel, show_error, user_message
from desktop.pages.rules import (
    NO_WEIGHTS,
    WARN_STYLE,
    fill_profile_choice,
    lacks_weights,
    shown_name,
)
from desktop.profile_loading import load_bounded
from desktop.resources import LIBRARIES, resource_path
from forms.store import Store, StoreError
from rules.wording import CONFIDENCE_MEANINGS, clean_citation, confidence_text, param_value


class SettingsPage(QWidget):
    title = "设置"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        lay = QVBoxLayout(self)
        box = QGroupBox("数据")
        form = QFormLayout(box)
        self.folder = QLineEdit()
        self.folder.setReadOnly(True)
        change = QPushButton("更改……")
        change.clicked.connect(self.choose_folder)
        open_folder = QPushButton("打开文件夹")
        open_folder.clicked.connect(lambda: QDesktopServices.openUrl(
            QUrl.fromLocalFile(str(self.ctx.db_path.parent))))
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(change)
        row.addWidget(open_folder)
        form.addRow("数据文件夹", row)
        self.db_label = QLabel()
        self.db_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow("数据库", self.db_label)
        backup = QPushButton("备份数据库……")
        backup.clicked.connect(self.choose_backup)
        restore = QPushButton("从备份恢复……")
        restore.clicked.connect(self.choose_restore)
        row = QHBoxLayout()
        row.addWidget(backup)
        row.addWidget(restore)
        self.backup_label = QLabel("备份是一个 .sqlite3 文件，含全部企业数据、历史和结果；建议导入新一年数据前备份一次。")
        self.backup_label.setWordWrap(True)  # a restore names two paths here
        self.backup_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.backup_label.setStyleSheet("color: #5F6B7A;")
        row.addWidget(self.backup_label, 1)
        form.addRow("备份", row)
        self.log_label = QLabel()
        self.log_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow("日志", self.log_label)
        lay.addWidget(box)
        self.progress = ProgressPanel(self)
        lay.addWidget(self.progress)
        box = QGroupBox("评估")
        form = QFormLayout(box)
        self.profile = QComboBox()
        self.profile.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.profile.activated.connect(self._profile_chosen)
        form.addRow("默认配置", self.profile)
        self.profile_warning = QLabel(NO_WEIGHTS)
        self.profile_warning.setWordWrap(True)
        self.profile_warning.setStyleSheet(WARN_STYLE)
        form.addRow("", self.profile_warning)
        self.today = QCheckBox("使用今天的日期")
        self.as_of = QDateEdit()
        self.as_of.setCalendarPopup(True)
        self.as_of.setDisplayFormat("yyyy-MM-dd")
        self.today.toggled.connect(self._as_of_changed)
        self.as_of.dateChanged.connect(self._as_of_changed)
        row = QHBoxLayout()
        row.addWidget(self.today)
        row.addWidget(self.as_of)
        row.addStretch(1)
        form.addRow("评估日期", row)
        hint = QLabel("评估日期决定适用的规则版本（如专精特新 2022 年与 2026 年办法的切换）。")
        hint.setStyleSheet("color: #5F6B7A;")
        form.addRow("", hint)
        self.electricity = QLabel()
        self.electricity.setWordWrap(True)
        self.electricity.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow("电力折标口径", self.electricity)
        lay.addWidget(box)
        lay.addStretch(1)
        ctx.profile_changed.connect(self.refresh)
        ctx.data_changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        s = self.ctx.settings
        self.folder.setText(s.data_folder or str(self.ctx.db_path.parent))
        self.db_label.setText(str(self.ctx.db_path))
        self.log_label.setText(str(log_path()))
        fill_profile_choice(self.profile, s.profile, self.ctx.profile)
        self.profile_warning.setVisible(lacks_weights(self.ctx.profile))
        for w in (self.today, self.as_of):
            w.blockSignals(True)
        self.today.setChecked(not s.as_of)
        d = s.as_of_date()
        self.as_of.setDate(QDate(d.year, d.month, d.day))
        self.as_of.setEnabled(bool(s.as_of))
        for w in (self.today, self.as_of):
            w.blockSignals(False)
        p = self.ctx.profile
        lines = []
        for key in ("energy.electricity_equal", "energy.electricity_equiv"):
            par = p.param(key)
            if par is not None:
                v = par.at(self.ctx.as_of)
                lines.append(f"{par.spec.name}：{param_value(key, v.value, par.spec.unit)}"
                             f"（{clean_citation(v.citation)}；可信度 {confidence_text(v.confidence)}："
                             f"{CONFIDENCE_MEANINGS.get(v.confidence, '')}）")
        lines.append("亩均效益与高耗低效按等价值计算能耗；绿色通道两种口径都算，不一致时按等价值（较严格）。"
                     "口径随配置而定，要改请载入县级配置文件。")
        self.electricity.setText("\n".join(lines))

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "选择数据文件夹", str(self.ctx.db_path.parent))
        if folder:
            self.set_folder(folder)

    def set_folder(self, folder: str) -> bool:
        try:
            self.ctx.set_data_folder(folder)
        except (StoreError, OSError) as e:
            show_error(self, "更改数据文件夹", user_message(e))
            return False
        self.ctx.status.emit(f"数据库：{self.ctx.db_path}")
        return True

    # -- backup and restore
    def choose_backup(self) -> None:
        name = dialogs.save_file(self, "备份数据库", f"亩均自评备份-{datetime.now():%Y%m%d-%H%M}.sqlite3",
                                 "数据库备份 (*.sqlite3)", dialogs.BACKUPS)
        if name:
            self.backup_to(name)

    def _on_store(self, title: str, fn: Callable[[Store], Any],
                  done: Callable[[Any], None]) -> Operation | None:
        """Run ``fn`` on a worker connection to the database, with progress and errors shown."""
        if self.progress.busy:
            return None
        ctx = self.ctx

        def work(progress):
            with ctx.worker_store() as store:
                return fn(store)

        return self.progress.run(work, title, on_success=done)

    def backup_to(self, target: Path) -> Operation | None:
        def done(path: Path) -> None:
            self.backup_label.setText(f"已备份到：{path}")
            self.ctx.status.emit(f"已备份数据库：{path}")

        return self._on_store("备份数据库", lambda store: store.backup_to(target), done)

    def choose_restore(self) -> None:
        name = dialogs.open_file(self, "选择数据库备份", "数据库备份 (*.sqlite3 *.db);;所有文件 (*)",
                                 dialogs.BACKUPS)
        if name and QMessageBox.question(
                self, "从备份恢复", f"用备份“{Path(name).name}”替换当前数据库的全部内容？\n\n"
                "当前数据库会先自动另存一份，放在数据文件夹里；恢复错了可以用它再恢复回来。") == \
                QMessageBox.StandardButton.Yes:
            self.restore_from(Path(name))

    def restore_from(self, source: Path) -> Operation | None:
        def done(kept: Path) -> None:
            self.backup_label.setText(f"已从“{source}”恢复。恢复前的数据库已另存为：{kept}")
            self.ctx.data_changed.emit()
            self.ctx.status.emit(f"已从备份恢复：{source.name}")

        return self._on_store("从备份恢复", lambda store: store.restore_from(source), done)

    def _profile_chosen(self, index: int) -> Operation | None:
        ref = self.profile.itemData(index)
        if self.progress.busy:
            self.refresh()
            return None
        return self.progress.run(lambda progress: load_bounded(ref, progress), "切换配置",
                                 on_success=self.ctx.set_profile,
                                 on_failure=lambda _: self.refresh())

    def _as_of_changed(self) -> None:
        s = self.ctx.settings
        self.as_of.setEnabled(not self.today.isChecked())
        s.as_of = "" if self.today.isChecked() else self.as_of.date().toString("yyyy-MM-dd")
        user_settings.save(s)
        self.ctx.profile_changed.emit()  # the parameters in force may differ on the new date


class AboutPage(QWidget):
    title = "关于"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        lay = QVBoxLayout(self)
        self.text = QTextBrowser()
        self.text.setOpenExternalLinks(False)
        lay.addWidget(self.text)
        ctx.profile_changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        ctx = self.ctx
        rows = []
        for name, lic in LIBRARIES:
            try:
                ver = metadata.version(name)
            except metadata.PackageNotFoundError:
                ver = "—"
            rows.append(f"<tr><td>{name}</td><td>{ver}</td><td>{lic}</td></tr>")
        font_licence = resource_path("fonts", "LICENSE-Apache-2.0.txt")
        p = ctx.profile
        self.text.setHtml(
            f"<h2>亩均自评 {__version__}</h2>"
            "<p>离线自评工具：亩均效益分类、节能审查绿色通道、专精特新梯度、高耗低效整治、数字化认定。"
            "每一条结论都给出所用参数及其政策出处。</p>"
            "<p><b>结果为自评估算，仅供参考；实际评价结果以县（市、区）主管部门公布的为准。</b></p>"
            f"<p>数据文件夹：{ctx.db_path.parent}<br>评估日期：{ctx.as_of}（今天 {date.today()}）</p>"
            f"<h3>当前配置</h3><p>{shown_name(p)}，版本 {p.version}<br>配置校验码（SHA-256）：{p.sha256}<br>"
            "<span style='color:#5F6B7A'>两份结果的配置校验码相同，说明它们按同一套参数算出。</span></p>"
            "<h3>随附字体</h3><p>文泉驿微米黑（WenQuanYi Micro Hei），Apache License 2.0，"
            f"许可文本：{font_licence}</p>"
            "<h3>使用的开源库</h3><table cellpadding='4'><tr><th align='left'>名称</th>"
            "<th align='left'>版本</th><th align='left'>许可</th></tr>" + "".join(rows) + "</table>"
            + ("<p>本程序由 PyInstaller 打包（引导程序：GPL-2.0，附允许随任意程序分发的例外条款）。</p>"
               if getattr(sys, "frozen", False) else ""))
