"""A firm's result: the summary cards (class badge and score, green channel, SME rung,
rectification, digital level, 碳效 level and grade — one row of six, or two of three beside
the form at 1366 px), how a county's score is made up (指标合计得分, each 加减分 line with its
basis, 综合得分; 初评 → 调档后 with why, who and when; the industry group ranked in), the
indicator ratio chart, each assessment's result tree (碳效's included), and the firm's
year-over-year history. Renders the result; computes nothing."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.widgets.charts import CLASS_COLOURS, Bar, RatioChart, TrendChart
from desktop.widgets.result_tree import ResultTree
from forms.firm import SAMPLE_NOTE
from rules.assess import DISCLAIMER, EnterpriseResult
from rules.assessments.digital import RECOGNITIONS
from rules.assessments.mujun import COHORT_LABELS, DEFERRED, UNGROUPED
from rules.assessments.rectification import REASON_TEXTS
from rules.assessments.sme import TIER_NAMES
from rules.catalogue import label
from rules.schema import INDICATOR_NAMES
from rules.wording import adjustment_lines, num, regrade_words, signed

STALE_TEXT = ("表格已修改：下面是修改前的结果，已不对应表格中的数字。请点“评估”（F5）更新；"
              "预览、打印和导出PDF会先按表格重新评估。")
STATUS_TEXT = {"incomplete": "数据不全，无法计分", "no_weights": "配置未设权重",
               "not_graded": "不参与分类"}
CARBON_COLOURS = {"低": "#1B7F3B", "中": "#1F2933", "高": "#B42318"}
# Six cards side by side need about this much width; a narrower panel (the form beside it at
# 1366 px) sets them in two rows of three, so that no card is squeezed to a word per line.
ONE_ROW_WIDTH = 960


def carbon_card(c: dict) -> tuple[str, str, str]:
    """(headline, reason, colour) of the 碳效 card: “中 · 3 级” with the intensity against the
    industry average; “中（未定级）” or 未知 with why."""
    if not c:
        return "—", "本结果不含碳效评估", "#5F6B7A"
    sign = "；碳效等级为“高”，列为高耗低效整治信号" if c.get("rectification_sign") else ""
    if c["status"] == "graded":
        return (f"{c['level']} · {c['grade']} 级",
                (f"碳排放强度 {num(c['intensity'], '', 2)} 吨二氧化碳/万元，为行业平均的 "
                 f"{num(c['k'], '', 2)} 倍{sign}"), CARBON_COLOURS[c["level"]])
    if c["status"] == "level_only":
        return (f"{c['level']}（未定级）",
                f"碳排放强度 {num(c['intensity'], '', 2)} 吨二氧化碳/万元；{c['reason']}{sign}",
                CARBON_COLOURS[c["level"]])
    return "未知", c.get("reason") or "数据不全", "#B54708"


def group_text(m: dict) -> str:
    """The industry group a firm was ranked in, in words, or ""."""
    g = m.get("group")
    if not g:
        return ""
    return "行业组：未列入本县所列行业组" if g == UNGROUPED else f"行业组：{g}"


def breakdown_lines(m: dict) -> list[str]:
    """How a county's 综合得分 and class came about, one line each: 指标合计得分, each 加减分
    with its basis, 综合得分, 初评 → 调档后 with the reason, the industry group ranked in. Empty
    for a method without these (the card says it all)."""
    lines: list[str] = []
    adjust = m.get("adjustments") or []
    if adjust and m.get("score") is not None:
        total = sum(a["points"] or 0.0 for a in adjust)
        lines.append(f"指标合计得分 {m['indicator_points']:.2f} 分")
        lines.append(f"加减分 {signed(total)} 分：")
        lines += [f"　· {line}" for line in adjustment_lines(m)]
        lines.append(f"综合得分 {m['score']:.2f} 分（= 指标合计得分 + 加减分）")
    if m.get("regrade"):
        lines.append(regrade_words(m))
    if m.get("group") and m.get("rank"):
        lines.append(f"{group_text(m)}（在本组 {m['population']} 家"
                     f"{COHORT_LABELS.get(m['cohort'], '')}中排名第 {m['rank']} 名）")
    elif m.get("group"):
        lines.append(group_text(m))
    return lines


class Card(QFrame):
    """One assessment's headline: what it came to, and the reason in words on the card itself
    (never only in a tooltip); an optional link offers the way forward."""

    link_clicked = Signal(str)

    def __init__(self, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName("card")
        self.setStyleSheet("#card { background: #F7F9FC; border: 1px solid #D5DCE4; "
                           "border-radius: 6px; }")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(10, 6, 10, 6)
        lay.setSpacing(2)
        head = QLabel(title)
        head.setStyleSheet("color: #5F6B7A;")
        self.main = QLabel("—")
        self.main.setStyleSheet("font-size: 17px; font-weight: bold;")
        self.detail = QLabel("")
        self.detail.setWordWrap(True)
        self.detail.setStyleSheet("color: #3E4C59;")
        self.link = QLabel("")
        self.link.setWordWrap(True)
        self.link.linkActivated.connect(self.link_clicked)
        self.link.setVisible(False)
        lay.addWidget(head)
        lay.addWidget(self.main)
        lay.addWidget(self.detail)
        lay.addWidget(self.link)
        lay.addStretch(1)
        self.colour = "#1F2933"

    def show(self, main: str, detail: str = "", colour: str = "#1F2933",  # type: ignore[override]
             links: dict[str, str] | None = None) -> None:
        """``links``: action name → its words, shown as links under the detail."""
        self.colour = colour
        self.main.setText(main)
        self.detail.setText(detail)
        self.setToolTip(detail)
        self.link.setText("　".join(f'<a href="{k}">{v}</a>' for k, v in (links or {}).items()))
        self.link.setVisible(bool(links))
        self.set_stale(False)

    def set_stale(self, stale: bool) -> None:
        """Grey the card while the form no longer holds the figures it was computed from."""
        colour = "#9AA5B1" if stale else self.colour
        self.main.setStyleSheet(f"font-size: 17px; font-weight: bold; color: {colour};")
        self.detail.setStyleSheet(f"color: {'#9AA5B1' if stale else '#3E4C59'};")


class ResultPanel(QWidget):
    citation_clicked = Signal(str)
    action_requested = Signal(str)  # a card's link: "load_profile", "import"

    TABS = (("mujun", "亩均效益"), ("green", "绿色通道"), ("sme", "专精特新梯度"),
            ("rectification", "高耗低效整治"), ("digital", "数字化认定"), ("carbon", "碳效"))

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.message = QLabel("填好左侧表格后点“评估”。必填项标有 *，未知的数据请留空（不要填 0）。")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.message)
        self.stale_banner = QLabel(STALE_TEXT)
        self.stale_banner.setWordWrap(True)
        self.stale_banner.setStyleSheet("background: #FFF4CC; color: #7A4B00; border: 1px solid "
                                        "#E8C15A; border-radius: 4px; padding: 4px 8px;")
        self.stale_banner.setVisible(False)
        lay.addWidget(self.stale_banner)
        self.card_grid = QGridLayout()
        self.cards = {k: Card(t) for k, t in (("mujun", "亩均效益分类"), ("green", "绿色通道"),
                                              ("sme", "梯度培育"), ("rect", "高耗低效整治"),
                                              ("digital", "数字化"), ("carbon", "工业碳效"))}
        for c in self.cards.values():
            c.link_clicked.connect(self.action_requested)
        self.card_columns = 0
        self._arrange_cards(3)
        lay.addLayout(self.card_grid)
        self.tabs = QTabWidget()
        self.chart = RatioChart("各指标与基准值之比")
        overview = QWidget()
        ov = QVBoxLayout(overview)
        self.breakdown = QLabel()
        self.breakdown.setObjectName("breakdown")
        self.breakdown.setWordWrap(True)
        self.breakdown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.breakdown.setStyleSheet("#breakdown { background: #F7F9FC; border: 1px solid #D5DCE4; "
                                     "border-radius: 6px; padding: 6px 10px; color: #1F2933; }")
        self.breakdown.setVisible(False)
        ov.addWidget(self.breakdown)
        ov.addWidget(self.chart)
        self.disclaimer = QLabel(DISCLAIMER)
        self.disclaimer.setWordWrap(True)
        self.disclaimer.setStyleSheet("color: #5F6B7A;")
        ov.addWidget(self.disclaimer)
        ov.addStretch(1)
        self.tabs.addTab(overview, "概览")
        self.trees: dict[str, ResultTree] = {}
        for key, title in self.TABS:
            t = ResultTree(empty_text="没有新上项目：在“新上项目”页添加项目后点“评估”。") if key == "green" \
                else ResultTree()
            t.citation_clicked.connect(self.citation_clicked)
            self.trees[key] = t
            self.tabs.addTab(t, title)
        hist = QWidget()
        hl = QVBoxLayout(hist)
        self.trend = TrendChart("历年得分与分类")
        self.history = QTableWidget(0, 4)
        self.history.setHorizontalHeaderLabels(["年度", "得分", "分类", "状态"])
        self.history.verticalHeader().setVisible(False)
        self.history.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        hl.addWidget(self.trend, 2)
        hl.addWidget(self.history, 1)
        self.tabs.addTab(hist, "历年对比")
        lay.addWidget(self.tabs, 1)
        self.result: EnterpriseResult | None = None
        self.stale = False

    def _arrange_cards(self, columns: int) -> None:
        """The cards in rows of ``columns`` (6: one row; 3: two rows), each column as wide."""
        if columns == self.card_columns:
            return
        self.card_columns = columns
        for c in self.cards.values():
            self.card_grid.removeWidget(c)
        for i, c in enumerate(self.cards.values()):
            self.card_grid.addWidget(c, i // columns, i % columns)
        for i in range(6):
            self.card_grid.setColumnStretch(i, 1 if i < columns else 0)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._arrange_cards(6 if event.size().width() >= ONE_ROW_WIDTH else 3)
        super().resizeEvent(event)

    def show_message(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #B42318;" if error else "")

    def set_stale(self, stale: bool) -> None:
        """The form changed after this result: say so until the next assessment, and grey
        every card and tree (the figures shown are no longer the form's)."""
        self.stale = stale and self.result is not None
        self.stale_banner.setVisible(self.stale)
        for c in self.cards.values():
            c.set_stale(stale and self.result is not None)
        self.tabs.setEnabled(not (stale and self.result is not None))

    def clear(self, text: str = "") -> None:
        """Nothing shown: a new firm, another firm opened, a rejected row to fix."""
        self.result = None
        for c in self.cards.values():
            c.show("—", "")
        self.chart.set_bars([])
        self.breakdown.clear()
        self.breakdown.setVisible(False)
        for t in self.trees.values():
            t.clear()
        self.show_history([])
        self.set_stale(False)
        self.show_message(text)

    def show_result(self, r: EnterpriseResult) -> None:
        self.result = r
        self.set_stale(False)
        m = r.mujun
        sample = SAMPLE_NOTE in r.notes
        if m["class"]:
            basis = {"percentile": "按同类企业排名", "cutoffs": "按分类得分线"}.get(m["class_basis"] or "", "")
            rank = f"，第 {m['rank']}/{m['population']} 名" if m.get("rank") else ""
            among = "（只在示例企业之间排名）" if sample else ""
            extra = "".join(f"；{x}" for x in (
                group_text(m),
                f"初评 {m['initial_class']} 类 → 调档后 {m['class']} 类" if m.get("regrade") else "")
                if x)
            self.cards["mujun"].show(f"{m['class']} 类 · {m['score']:.2f} 分",
                                     f"{COHORT_LABELS.get(m['cohort'], m['cohort'])}；{basis}{rank}"
                                     f"{among}{extra}", CLASS_COLOURS[m["class"]].name())
        elif m["cohort"] == DEFERRED:
            self.cards["mujun"].show("缓评", m.get("reason") or "", "#5F6B7A")
        elif m["score"] is not None:
            try:
                why = r.trees["mujun"].find("class").note or ""
            except KeyError:  # no class node: the reason of the status says it
                why = m.get("reason") or ""
            self.cards["mujun"].show(
                f"{m['score']:.2f} 分 · 未分类", why, "#B54708",
                links={"load_profile": "载入园区发布的基准值与得分线……",
                       "import": "导入园区企业一起排名……"})
        else:
            missing = "、".join(label(x) for x in m.get("missing", []))
            self.cards["mujun"].show(STATUS_TEXT.get(m["status"], "未计分"),
                                     m.get("reason") or (f"缺少：{missing}" if missing else ""),
                                     "#B54708")
        greens = r.green_channel
        ok = sum(1 for g in greens if g["eligible"])
        unknown = sum(1 for g in greens if g["eligible"] is None)
        if greens:
            limit = r.project_trees[0].find("green.intensity")
            rule = "" if limit.threshold is None else \
                f"按单位增加值能耗 {limit.op} {num(limit.threshold, limit.unit)}"
            self.cards["green"].show(f"{ok}/{len(greens)} 项可享受",
                                     f"{unknown} 项数据不全" if unknown else rule,
                                     "#1B7F3B" if ok else "#B42318")
        else:
            self.cards["green"].show("无新上项目", "在“新上项目”页添加")
        s = r.sme
        nxt = f"下一层级：{TIER_NAMES[s['next_tier']]}" if s.get("next_tier") else ""
        self.cards["sme"].show(TIER_NAMES[s["tier"]], nxt,
                               "#1B7F3B" if s["tier"] != "none" else "#1F2933")
        rect = r.rectification
        if rect["flagged"]:
            self.cards["rect"].show("可能列入", "；".join(REASON_TEXTS[x] for x in rect["reasons"]),
                                    "#B42318")
        elif rect["in_scope"] is None:
            self.cards["rect"].show("无法判断", "数据不全", "#B54708")
        else:
            self.cards["rect"].show("未列入" if rect["in_scope"] else "不在范围", "")
        d = r.digital
        self.cards["digital"].show(f"{d['level']} 级" if d["level"] is not None else "未知",
                                   "可申报：" + "、".join(RECOGNITIONS[x] for x in d["eligible"])
                                   if d["eligible"] else "暂无可申报的认定")
        self.cards["carbon"].show(*carbon_card(r.carbon))
        self.chart.set_bars([
            Bar(INDICATOR_NAMES[i], x.get("ratio"),
                "未知（缺数据）" if x.get("ratio") is None
                else f"{x['ratio'] * 100:.1f}%" + ("（取同类均值）" if x.get("imputed") else ""))
            for i, x in m.get("indicators", {}).items()])
        lines = breakdown_lines(m)
        self.breakdown.setText("\n".join(lines))
        self.breakdown.setVisible(bool(lines))
        self.trees["mujun"].show_trees([r.trees["mujun"]])
        self.trees["green"].show_trees(r.project_trees)
        self.trees["sme"].show_trees([r.trees["sme"]])
        self.trees["rectification"].show_trees([r.trees["rectification"]])
        self.trees["digital"].show_trees([r.trees["digital"]])
        self.trees["carbon"].show_trees([r.trees["carbon"]] if "carbon" in r.trees else [])
        missing = r.missing_inputs
        self.show_message(
            f"{r.record.name}（{r.record.year} 年度）· 配置 {r.profile.name} {r.profile.version} · "
            f"评估日期 {r.as_of}" + (f"。缺少的数据：{'、'.join(label(x) for x in missing[:8])}"
                                    + ("等" if len(missing) > 8 else "") if missing else "")
            + "".join(f"\n※ 注意：{n}" for n in r.notes))

    def show_history(self, rows: list[dict]) -> None:
        self.trend.set_points([(r["year"], r["score"], r["class"] or "") for r in rows])
        self.history.setRowCount(len(rows))
        for i, r in enumerate(rows):
            for c, v in enumerate((str(r["year"]), "" if r["score"] is None else f"{r['score']:.2f}",
                                   r["class"] or "", STATUS_TEXT.get(r["status"], "已计分"))):
                self.history.setItem(i, c, QTableWidgetItem(v))
