"""The import report on 批量导入 (``forms.import_report.report_lines``, coloured by what each
column line says), and the dialog that asks before a re-import renames stored firms."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from forms.headers import CONFLICT, FIELDS, IGNORED, MAPPED, REFUSED
from forms.import_report import report_lines
from forms.importer import ImportResult

COLOURS = {REFUSED: "#B42318", CONFLICT: "#B42318", IGNORED: "#6B7280"}
NOTE = "#1D4ED8"  # what this page adds: a remembered or chosen mapping was used


def line_styles(imp: ImportResult) -> dict[str, str]:
    """Report line (as ``report_lines`` writes it) → its column's status."""
    out: dict[str, str] = {}
    for s in imp.sheets:
        if s.kind is None:
            continue
        catalogue = FIELDS[s.kind]
        for c in s.columns:
            out[f"  {c.describe(catalogue)}"] = c.status
    return out


class ReportView(QTextBrowser):
    """The whole report, read-only, selectable and scrollable."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setPlaceholderText("选择文件后，这里列出每个工作表、每一列对应的数据项和单位换算、"
                                "跳过的行和读取时的提示。")

    def show_report(self, imp: ImportResult, banner: Sequence[str] = ()) -> None:
        styles = line_styles(imp)
        lines = report_lines(imp)
        html = [f'<p style="color:{NOTE}; font-weight:bold;">{escape(b)}</p>' for b in banner]
        for i, line in enumerate(lines):
            indent = len(line) - len(line.lstrip(" "))
            css = [f"margin-left:{indent * 8}px", "margin-top:0", "margin-bottom:2px"]
            status = styles.get(line)
            if status in COLOURS:
                css.append(f"color:{COLOURS[status]}")
            elif status == MAPPED and line.endswith("（用户指定）"):
                css.append(f"color:{NOTE}")
            if line.startswith("工作表“"):
                css += ["font-weight:bold", "margin-top:8px"]
            elif line.startswith("注意："):
                css += [f"color:{COLOURS[REFUSED]}", "font-weight:bold", "margin-top:8px"]
            elif i == len(lines) - 1:
                css += ["font-weight:bold", "margin-top:8px"]
            html.append(f'<p style="{"; ".join(css)}">{escape(line.strip())}</p>')
        self.setHtml("".join(html))


class RenameDialog(QDialog):
    """Rows of this file whose credit code and year are stored under another firm name.
    Accepting imports them anyway (the firm changed its name); nothing is written before."""

    CONFIRM = "确认是同一企业改名，照常导入"
    HEADERS = ("统一社会信用代码", "年度", "数据库中的名称", "本文件中的名称")

    def __init__(self, conflicts: Sequence[tuple[str, int, str, str]],
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("企业名称与数据库不同")
        lay = QVBoxLayout(self)
        text = QLabel(f"{len(conflicts)} 家企业的信用代码和年度已存在于数据库中，但企业名称不同。照常导入会用本文件的"
                      "数据替换数据库中的企业（旧数据存入历史，可撤销本次导入）。请先核对信用代码是否填错；"
                      "尚未写入任何数据。")
        text.setWordWrap(True)
        lay.addWidget(text)
        self.table = QTableWidget(len(conflicts), len(self.HEADERS))
        self.table.setHorizontalHeaderLabels(self.HEADERS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for r, row in enumerate(conflicts):
            for c, value in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(str(value)))
        h = self.table.horizontalHeader()
        self.table.setColumnWidth(0, 190)
        self.table.setColumnWidth(1, 60)
        for c in (2, 3):
            h.setSectionResizeMode(c, QHeaderView.ResizeMode.Stretch)
        lay.addWidget(self.table, 1)
        buttons = QDialogButtonBox()
        self.confirm_button = buttons.addButton(self.CONFIRM, QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.resize(760, 360)

    def rows(self) -> list[tuple[str, ...]]:
        return [tuple(self.table.item(r, c).text() for c in range(self.table.columnCount()))
                for r in range(self.table.rowCount())]
