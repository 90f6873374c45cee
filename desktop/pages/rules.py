"""规则与依据: the active profile as a tree (assessment → criterion → parameter, with value,
unit, effective date and citation); switch profile, load an overlay file (its errors shown as
file:line: key), and publish the park's benchmarks and cut-off scores from a stored year."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QListWidget,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.context import AppContext
from desktop.operations import Operation, ProgressPanel
from desktop.profile_loading import load_bounded
from rules.assessments.mujun import COHORT_LABELS
from rules.profile import Profile, ProfileError, available
from rules.schema import GROUP_NAMES, NONE, RATIO, SPECS
from rules.wording import param_value

KEY_ROLE = Qt.ItemDataRole.UserRole
CONFIDENCE = {"H": "高", "M": "中", "L": "低"}


def _criterion_name(segment: str, names: list[str]) -> str:
    if segment in COHORT_LABELS:
        return COHORT_LABELS[segment]
    prefix = os.path.commonprefix(names).rstrip("（(：:，, ")
    return prefix if len(prefix) >= 2 else segment


class RulesPage(QWidget):
    title = "规则与依据"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        lay = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel("配置"))
        self.choice = QComboBox()
        self.choice.setMinimumContentsLength(18)
        self.choice.activated.connect(self._chosen)
        top.addWidget(self.choice)
        load_file = QPushButton("载入配置文件……")
        load_file.setToolTip("县级评价办法或园区发布的基准值（YAML），在所选配置之上生效")
        load_file.clicked.connect(self.choose_file)
        publish = QPushButton("发布本园区基准值与得分线……")
        publish.clicked.connect(self.publish_dialog)
        top.addWidget(load_file)
        top.addWidget(publish)
        top.addStretch(1)
        lay.addLayout(top)
        self.about = QLabel()
        self.about.setWordWrap(True)
        self.about.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.about)
        self.progress = ProgressPanel(self)
        lay.addWidget(self.progress)
        self.issues = QListWidget()
        self.issues.setVisible(False)
        self.issues.setMaximumHeight(140)
        self.issues.setStyleSheet("color: #B42318;")
        lay.addWidget(self.issues)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["参数", "取值", "单位", "生效日期", "依据", "可信度"])
        self.tree.setAlternatingRowColors(True)
        self.tree.setWordWrap(True)
        h = self.tree.header()
        h.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for c, w in enumerate((300, 200, 110, 90, 420, 56)):
            self.tree.setColumnWidth(c, w)
        h.setStretchLastSection(False)
        h.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        lay.addWidget(self.tree, 1)
        self.items: dict[str, QTreeWidgetItem] = {}
        ctx.profile_changed.connect(self.show_profile)
        self.show_profile()

    # -- showing
    def show_profile(self) -> None:
        p = self.ctx.profile
        self.choice.blockSignals(True)
        self.choice.clear()
        for pid in available():
            self.choice.addItem(pid, pid)
        if self.choice.findData(p.ref) < 0:
            self.choice.addItem(f"{p.id}（文件）", p.ref)
        self.choice.setCurrentIndex(self.choice.findData(p.ref))
        self.choice.blockSignals(False)
        self.about.setText(
            f"<b>{p.name}</b> · 版本 {p.version} · 适用 {p.county or '全省'} · 生效 {p.effective} · "
            f"继承 {' → '.join(p.chain)} · sha256 {p.sha256[:16]}…<br>{p.description}")
        self.tree.clear()
        self.items.clear()
        on = self.ctx.as_of
        for group, gname in GROUP_NAMES.items():
            specs = [s for s in SPECS if s.assessment == group]
            top = QTreeWidgetItem([gname])
            f = top.font(0)
            f.setBold(True)
            top.setFont(0, f)
            self.tree.addTopLevelItem(top)
            by_crit: dict[str, list] = {}
            for s in specs:
                parts = s.key.split(".")
                by_crit.setdefault(parts[1] if len(parts) > 2 else "", []).append(s)
            for seg, members in by_crit.items():
                parent = top
                if seg:
                    parent = QTreeWidgetItem([_criterion_name(seg, [m.name for m in members])])
                    top.addChild(parent)
                for s in members:
                    parent.addChild(self._param_item(p, s, on))
            top.setExpanded(True)

    def _param_item(self, p: Profile, spec, on) -> QTreeWidgetItem:
        param = p.param(spec.key)
        # the value says its unit already; a ratio reads as a percentage (issue 19)
        unit = "" if spec.unit == NONE else "%" if spec.unit == RATIO else spec.unit
        if param is None:
            item = QTreeWidgetItem([spec.name, "未设定", unit, "", "本配置未规定（相应规则不适用）", ""])
        else:
            v = param.at(on)
            item = QTreeWidgetItem([spec.name, param_value(spec.key, v.value, spec.unit), unit,
                                    str(v.effective), v.citation,
                                    CONFIDENCE.get(v.confidence, v.confidence)])
            item.setToolTip(4, f"{v.citation}\n{v.note}\n{v.file}:{v.line}".strip())
            if len(param.versions) > 1:
                for old in param.versions:
                    item.addChild(QTreeWidgetItem([
                        "（在用）" if old is v else "（历次版本）",
                        param_value(spec.key, old.value, spec.unit), unit, str(old.effective),
                        old.citation, CONFIDENCE.get(old.confidence, old.confidence)]))
        item.setToolTip(0, spec.key)
        item.setData(0, KEY_ROLE, spec.key)
        self.items[spec.key] = item
        return item

    def show_param(self, key: str) -> bool:
        """Select and scroll to a parameter (a citation clicked in a result tree)."""
        item = self.items.get(key)
        if item is None:
            return False
        parent = item.parent()
        while parent is not None:
            parent.setExpanded(True)
            parent = parent.parent()
        self.tree.setCurrentItem(item)
        self.tree.scrollToItem(item, QTreeWidget.ScrollHint.PositionAtCenter)
        return True

    # -- switching and loading
    def _chosen(self, index: int) -> None:
        self.load_profile(self.choice.itemData(index))

    def choose_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "载入配置文件", str(Path.home()),
                                              "配置文件 (*.yaml *.yml);;所有文件 (*)")
        if name:
            self.load_profile(name)

    def load_profile(self, ref: str) -> Operation | None:
        if self.progress.busy:
            return None
        self.issues.clear()
        self.issues.setVisible(False)
        # A file from anywhere loads in a child process with a time and memory limit.
        return self.progress.run(lambda progress: load_bounded(ref, progress), "载入配置",
                                 on_success=self._loaded, on_failure=self._failed)

    def _loaded(self, profile: Profile) -> None:
        self.ctx.set_profile(profile)
        self.ctx.status.emit(f"已切换到配置 {profile.name} {profile.version}")

    def _failed(self, error: BaseException) -> None:
        self.show_profile()  # the combo goes back to the profile still in use
        if isinstance(error, ProfileError):
            self.issues.addItems([str(i) for i in error.issues])
            self.issues.setVisible(True)

    # -- publishing
    def publish_dialog(self) -> None:
        years = self.ctx.store.years()
        if not years:
            self.about.setText("数据库中还没有企业数据，无法发布。先在“批量导入”导入园区表格。")
            return
        year, ok = QInputDialog.getItem(self, "发布基准值", "按哪一年度的数据发布？",
                                        [str(y) for y in reversed(years)], 0, False)
        if not ok:
            return
        park, ok = QInputDialog.getText(self, "发布基准值", "园区名称（写入配置名）：")
        if not ok:
            return
        name, _ = QFileDialog.getSaveFileName(self, "保存发布的配置",
                                              str(Path.home() / f"{park or '园区'}_{year}_基准值.yaml"),
                                              "配置文件 (*.yaml)")
        if name:
            self.publish_to(int(year), Path(name), park)

    def publish_to(self, year: int, out: Path, park: str = "") -> Operation | None:
        ctx = self.ctx
        base = ctx.profile

        def work(progress):
            from forms.publish import publish

            progress(0, 0, "计算基准值与得分线")
            with ctx.worker_store() as store:
                return publish(store, base, year, out, park=park)

        return self.progress.run(work, "发布基准值", on_success=lambda path: ctx.status.emit(
            f"已发布：{path}（企业在“规则与依据”载入此文件即可按本园区口径自评）"))
