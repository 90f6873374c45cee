"""开始: the first page a newcomer sees (the window opens here while the database is empty).
Three ways in, each one click away — load the bundled sample park, import one's own sheet,
fill in one's own firm — and, once the sample is loaded, one click to take it out again."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.context import AppContext
from desktop.resources import SAMPLE_PARK as SAMPLE

CHOICES = (
    ("sample", "载入示例园区",
     ("约 290 家合成企业（示例数据，非真实企业）：看看排名分类、差距与依据、导出和 PDF 报告是什么样子。"
     "其中 19 行是故意填错的，演示导入时怎样逐格拒绝。随时可以移除。")),
    ("import", "导入我的表格",
     ("园区或县里的企业数据表（.xlsx / .xls / .csv）。标题行、表头里的单位、列的顺序都不必改；"
     "有错的单元格会逐一列出，可导出错误报告交企业改正。")),
    ("selfcheck", "填报本企业",
     ("企业自己填一年的数据，立即看到亩均效益分类估算、新上项目能否走节能审查绿色通道、"
     "专精特新梯度、高耗低效整治、数字化认定和工业碳效，每条都有差距和政策出处。")),
)


class WelcomePage(QWidget):
    title = "开始"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        lay = QVBoxLayout(self)
        lay.setContentsMargins(36, 28, 36, 20)
        head = QLabel("欢迎使用 亩均自评")
        head.setStyleSheet("font-size: 26px; font-weight: bold; color: #1F2933;")
        sub = QLabel("离线估算企业的亩均效益分类、节能审查绿色通道、专精特新梯度、高耗低效整治、数字化认定和工业碳效，"
                     "每一条结论都给出所用参数和政策出处。数据只保存在这台电脑上。")
        sub.setWordWrap(True)
        sub.setStyleSheet("font-size: 14px; color: #52606D;")
        lay.addWidget(head)
        lay.addWidget(sub)
        lay.addSpacing(18)
        grid = QGridLayout()
        grid.setHorizontalSpacing(18)
        self.buttons: dict[str, QPushButton] = {}
        for col, (key, label, text) in enumerate(CHOICES):
            card = QFrame()
            card.setObjectName("card")
            card.setStyleSheet("#card { border: 1px solid #CBD2D9; border-radius: 10px; "
                               "background: #FFFFFF; }")
            cl = QVBoxLayout(card)
            cl.setContentsMargins(18, 18, 18, 18)
            b = QPushButton(label)
            b.setMinimumHeight(48)
            b.setStyleSheet("QPushButton { font-size: 17px; font-weight: bold; background: #2E6FB7; "
                            "color: white; border-radius: 6px; padding: 8px 14px; } "
                            "QPushButton:hover { background: #245C99; } "
                            "QPushButton:disabled { background: #9AA5B1; }")
            b.setCursor(Qt.CursorShape.PointingHandCursor)
            b.clicked.connect(getattr(self, f"choose_{key}"))
            self.buttons[key] = b
            desc = QLabel(text)
            desc.setWordWrap(True)
            desc.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            desc.setStyleSheet("font-size: 13px; color: #3E4C59;")
            cl.addWidget(b)
            cl.addSpacing(8)
            cl.addWidget(desc, 1)
            grid.addWidget(card, 0, col)
        lay.addLayout(grid)
        lay.addSpacing(16)
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.state.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.state)
        self.remove = QPushButton("移除示例数据")
        self.remove.clicked.connect(self.remove_sample)
        lay.addWidget(self.remove, 0, Qt.AlignmentFlag.AlignLeft)
        lay.addSpacing(12)
        self.tips = QLabel()
        self.tips.setWordWrap(True)
        self.tips.setStyleSheet("font-size: 13px; color: #3E4C59;")
        lay.addWidget(self.tips)
        lay.addStretch(1)
        ctx.data_changed.connect(self.refresh)
        ctx.profile_changed.connect(self.refresh)
        self.refresh()

    def _tips(self) -> str:
        return (
            "<b>用之前先知道</b><ul style='margin-left: -20px'>"
            "<li>结果是按填报数据和公开政策口径作出的<b>自评估算</b>，实际评价结果以县（市、区）主管部门公布的为准。</li>"
            "<li>每个门槛都来自“规则与依据”里列出的政策文件和条款；点结果里的依据可直接跳过去。</li>"
            f"<li>现在按“{self.ctx.profile.name}”评价；在“设置”里可换成本县的配置文件和评估日期。</li>"
            "<li>没填的数据记为“未知”，不会当作 0；结果会说明缺了哪些数据、差多少能升一档。</li>"
            "<li>在“设置”里可以备份和恢复数据库；程序出错时会保存正在填的表并写下日志。</li></ul>")

    def refresh(self) -> None:
        n = self.ctx.store.count()
        sample = self.ctx.store.sample_count()
        where = f"数据库：{self.ctx.db_path}"
        if n == 0:
            self.state.setText(f"数据库里还没有企业。{where}")
        elif sample:
            self.state.setText(f"数据库里有 {n} 条企业年度数据，其中 {sample} 条是示例园区（合成数据）；"
                               f"真实企业只与真实企业一起排名，示例数据随时可以移除。{where}")
        else:
            self.state.setText(f"数据库里有 {n} 条企业年度数据。{where}")
        self.remove.setVisible(sample > 0)
        self.tips.setText(self._tips())

    # -- the three ways in
    def choose_sample(self) -> None:
        self.ctx.navigate.emit("import", SAMPLE)

    def choose_import(self) -> None:
        self.ctx.navigate.emit("import", "choose")

    def choose_selfcheck(self) -> None:
        self.ctx.navigate.emit("selfcheck", None)

    def remove_sample(self) -> None:
        self.ctx.navigate.emit("history", "remove_sample")  # asks there, then removes
