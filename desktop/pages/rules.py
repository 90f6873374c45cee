"""规则与依据: the active profile as a tree (assessment → criterion → parameter, with value,
unit, effective date and citation); switch profile, load an overlay file (its errors shown as
file:line: key), and publish the park's benchmarks and cut-off scores from a stored year.

Everything here reads in words: profiles by name, coded values and groups as phrases, 可信度 as
高 / 中 / 低 with a legend, citations without seed file names or web addresses, and the
checksum only in a tooltip (配置校验码)."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
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

from desktop import dialogs
from desktop.context import AppContext
from desktop.operations import Operation, ProgressPanel
from desktop.pages.profile_editor import ProfileEditor, saved_profiles
from desktop.profile_loading import load_bounded
from desktop.widgets.result_tree import wrap_cells
from rules.indicators import INDICATORS
from rules.profile import Profile, ProfileError, available
from rules.schema import COHORTS, DATE, GROUP_NAMES, NONE, RATIO, SPECS
from rules.wording import (
    CONFIDENCE_MEANINGS,
    SECTION_WORDS,
    clean_citation,
    clean_note,
    confidence_text,
    param_value,
    profile_title,
)

KEY_ROLE = Qt.ItemDataRole.UserRole
NO_WEIGHTS = ("此配置不含县级权重与基准值：亩均效益只算出各项指标，不计分，也不分类（结果里没有 A/B/C/D 类）。"
              "要得到分类，请改选本县配置，或“载入配置文件”载入园区发布的基准值与得分线。")
WARN_STYLE = "color: #B54708;"
CONFIDENCE_LEGEND = "可信度：" + "；".join(
    f"{confidence_text(c)} — {m}" for c, m in CONFIDENCE_MEANINGS.items()) + "。"


def lacks_weights(p: Profile) -> bool:
    """Whether no cohort has a weight set: alone, such a profile scores nobody."""
    for cohort in COHORTS:
        for i in INDICATORS:
            par = p.param(f"mujun.{cohort}.{i}.weight")
            if par is not None and any(v.value is not None for v in par.versions):
                return False
    return True


def shown_name(p: Profile) -> str:
    """A loaded profile's name as the choosers list it."""
    return profile_title(p.id) if p.ref in available() else p.name


def profile_choice_text(ref: str, current: Profile | None = None) -> str:
    """How a profile is listed in a chooser: its name in words, never its id or path."""
    if current is not None and current.ref == ref and ref not in available():
        return f"{current.name}（配置文件）"
    return profile_title(ref) if ref in available() else f"配置文件：{Path(ref).name}"


def fill_profile_choice(combo: QComboBox, chosen: str, current: Profile | None) -> None:
    """The bundled profiles by name, those saved by the profile editor (and ``chosen`` if it
    is another file), ``chosen`` selected."""
    combo.blockSignals(True)
    combo.clear()
    for pid in available():
        combo.addItem(profile_title(pid), pid)
    for name, folder in saved_profiles():
        combo.addItem(f"{name}（本机县级配置）", str(folder))
    if combo.findData(chosen) < 0:
        combo.addItem(profile_choice_text(chosen, current), chosen)
    combo.setCurrentIndex(combo.findData(chosen))
    combo.blockSignals(False)


def chain_words(p: Profile) -> str:
    """The profiles ``p`` builds on, by name (浙江省基础配置)."""
    bundled = set(available())
    return " → ".join(profile_title(pid).split("（")[0] if pid in bundled else "另一份配置文件"
                      for pid in p.chain[:-1])


def _section_name(segment: str, names: list[str]) -> str:
    """A group of parameters in words; never the key segment it comes from."""
    if segment in SECTION_WORDS:
        return SECTION_WORDS[segment]
    prefix = os.path.commonprefix(names).rstrip("（(：:，, ")
    return prefix if len(prefix) >= 2 else "其他参数"


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
        self.choice.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.choice.activated.connect(self._chosen)
        top.addWidget(self.choice)
        load_file = QPushButton("载入配置文件……")
        load_file.setToolTip("县级评价办法或园区发布的基准值（YAML），在所选配置之上生效")
        load_file.clicked.connect(self.choose_file)
        publish = QPushButton("发布本园区基准值与得分线……")
        publish.clicked.connect(self.publish_dialog)
        self.edit_button = QPushButton("新建或编辑县级配置……")
        self.edit_button.setToolTip("按本县（市、区）的评价办法填写指标、权重、基准值等，每个数值注明依据")
        self.edit_button.clicked.connect(self.open_editor)
        self.editor: ProfileEditor | None = None
        top.addWidget(load_file)
        top.addWidget(publish)
        top.addWidget(self.edit_button)
        top.addStretch(1)
        lay.addLayout(top)
        self.about = QLabel()
        self.about.setWordWrap(True)
        self.about.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.about)
        self.warning = QLabel(NO_WEIGHTS)
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet(WARN_STYLE)
        lay.addWidget(self.warning)
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
        wrap_cells(self.tree)  # values and citations wrap instead of being cut with “…”
        h = self.tree.header()
        h.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for c, w in enumerate((280, 220, 90, 90, 420, 56)):
            self.tree.setColumnWidth(c, w)
        h.setStretchLastSection(False)
        h.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.tree.headerItem().setToolTip(5, CONFIDENCE_LEGEND)
        lay.addWidget(self.tree, 1)
        self.legend = QLabel(CONFIDENCE_LEGEND)
        self.legend.setWordWrap(True)
        self.legend.setStyleSheet("color: #5F6B7A;")
        lay.addWidget(self.legend)
        self.items: dict[str, QTreeWidgetItem] = {}
        ctx.profile_changed.connect(self.show_profile)
        self.show_profile()

    # -- showing
    def show_profile(self) -> None:
        p = self.ctx.profile
        fill_profile_choice(self.choice, p.ref, p)
        self.about.setText(
            f"<b>{shown_name(p)}</b> · 版本 {p.version} · 适用 {p.county or '全省'} · 生效 {p.effective}"
            + (f" · 基础配置：{chain_words(p)}" if len(p.chain) > 1 else "")
            + f"<br>{p.description}")
        self.about.setToolTip(f"配置校验码（SHA-256，用来核对两份结果是否按同一配置算出）：\n{p.sha256}")
        self.warning.setVisible(lacks_weights(p))
        self.tree.clear()
        self.items.clear()
        on = self.ctx.as_of
        for group, gname in GROUP_NAMES.items():
            top = QTreeWidgetItem([gname])
            f = top.font(0)
            f.setBold(True)
            top.setFont(0, f)
            self.tree.addTopLevelItem(top)
            every = [s for s in SPECS if s.assessment == group]
            # an optional parameter this method does not write is not listed (a county's own
            # indicators, cohorts, groups, 加减分 …): counted on one line instead
            specs = [s for s in every if p.param(s.key) is not None or not s.optional]
            paths = {s.key: self._path(s.key) for s in specs}
            folders: dict[tuple[str, ...], QTreeWidgetItem] = {(): top}
            for s in specs:
                path = paths[s.key]
                for depth in range(1, len(path) + 1):  # the groups it sits in, made once
                    if path[:depth] not in folders:
                        names = [m.name for m in specs if paths[m.key][:depth] == path[:depth]]
                        folders[path[:depth]] = QTreeWidgetItem([_section_name(path[depth - 1],
                                                                               names)])
                        folders[path[:depth - 1]].addChild(folders[path[:depth]])
                folders[path].addChild(self._param_item(p, s, on))
            if len(every) > len(specs):
                unused = len(every) - len(specs)
                top.addChild(QTreeWidgetItem([f"（另有 {unused} 项可选参数本配置未写，相应规则不适用）"]))
            top.setExpanded(True)

    @staticmethod
    def _path(key: str) -> tuple[str, ...]:
        """The groups a parameter sits in: the key's middle parts that name a group
        (``sme.2022.innovative.min_score`` → 2022, innovative), else its second part."""
        parts = key.split(".")[1:-1]
        named = tuple(x for x in parts if x in SECTION_WORDS)
        if named or not parts:
            return named
        return (parts[0],)

    def _param_item(self, p: Profile, spec, on) -> QTreeWidgetItem:
        param = p.param(spec.key)
        # the value says its unit already; a ratio reads as a percentage (issue 19)
        unit = "" if spec.unit in (NONE, DATE) else "%" if spec.unit == RATIO else spec.unit
        if param is None:
            item = QTreeWidgetItem([spec.name, "未设定", unit, "", "本配置未规定（相应规则不适用）", ""])
        else:
            v = param.at(on)
            item = QTreeWidgetItem([spec.name, param_value(spec.key, v.value, spec.unit), unit,
                                    str(v.effective), clean_citation(v.citation),
                                    confidence_text(v.confidence)])
            tip = [clean_citation(v.citation)]
            if v.note:
                tip.append(clean_note(v.note))
            tip.append(f"出自配置文件 {Path(v.file).name} 第 {v.line} 行")
            item.setToolTip(4, "\n".join(tip))
            item.setToolTip(5, CONFIDENCE_MEANINGS.get(v.confidence, ""))
            if len(param.versions) > 1:
                for old in param.versions:
                    item.addChild(QTreeWidgetItem([
                        "（在用）" if old is v else "（历次版本）",
                        param_value(spec.key, old.value, spec.unit), unit, str(old.effective),
                        clean_citation(old.citation), confidence_text(old.confidence)]))
        item.setToolTip(0, f"{spec.name}\n写县级配置文件时的参数名：{spec.key}")
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

    # -- the county profile editor
    def open_editor(self) -> ProfileEditor:
        """The editor (desktop.pages.profile_editor), as a window of its own (the one open is
        brought forward); after a save the chooser lists the profile saved (and shows it when
        it was switched to)."""
        if self.editor is not None and self.editor.isVisible():
            self.editor.raise_()
            self.editor.activateWindow()
            return self.editor
        if self.editor is not None:
            self.editor.deleteLater()
        self.editor = ProfileEditor(self.ctx, self)
        self.editor.saved.connect(lambda _: self.show_profile())
        self.editor.show()
        return self.editor

    # -- switching and loading
    def _chosen(self, index: int) -> None:
        self.load_profile(self.choice.itemData(index))

    def choose_file(self) -> None:
        name = dialogs.open_file(self, "载入配置文件", "配置文件 (*.yaml *.yml);;所有文件 (*)",
                                 dialogs.PROFILES)
        if name:
            self.load_profile(str(name))

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
        self.ctx.status.emit(f"已切换到配置：{shown_name(profile)}"
                             + ("。注意：" + NO_WEIGHTS if lacks_weights(profile) else ""))

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
        name = dialogs.save_file(self, "保存发布的配置", f"{park or '园区'}_{year}_基准值.yaml",
                                 "配置文件 (*.yaml)", dialogs.PROFILES)
        if name:
            self.publish_to(int(year), name, park)

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
