"""Draw the application icon: ``resources/icons/mujun.png`` (256 px, window icon) and
``resources/icons/mujun.ico`` (16–256 px, PNG-compressed entries, for the Windows build).

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/make_icon.py
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QImage, QLinearGradient, QPainter
from PySide6.QtWidgets import QApplication

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256)


def draw(size: int, family: str) -> QImage:
    img = QImage(size, size, QImage.Format.Format_ARGB32)
    img.fill(Qt.GlobalColor.transparent)
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    s = size / 256
    grad = QLinearGradient(0, 0, 0, size)
    grad.setColorAt(0, QColor("#3A7FCC"))
    grad.setColorAt(1, QColor("#1F4E8C"))
    p.setBrush(grad)
    p.setPen(Qt.PenStyle.NoPen)
    p.drawRoundedRect(QRectF(8 * s, 8 * s, 240 * s, 240 * s), 48 * s, 48 * s)
    # three rising bars: efficiency per 亩 going up
    p.setBrush(QColor("#F5B942"))
    for i, h in enumerate((38, 62, 90)):
        p.drawRoundedRect(QRectF((150 + i * 28) * s, (214 - h) * s, 20 * s, h * s), 4 * s, 4 * s)
    font = QFont(family)
    font.setPixelSize(max(8, int(132 * s)))
    font.setBold(True)
    p.setFont(font)
    p.setPen(QColor("white"))
    p.drawText(QRectF(14 * s, 6 * s, 150 * s, 180 * s), Qt.AlignmentFlag.AlignCenter, "亩")
    p.end()
    return img


def png_bytes(img: QImage) -> bytes:
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    img.save(buf, "PNG")
    return bytes(data.data())


def ico(images: list[bytes]) -> bytes:
    """An ICO file whose entries are PNG images (read by Windows Vista and later)."""
    head = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    entries, blobs = b"", b""
    for size, blob in zip(SIZES, images):
        dim = 0 if size >= 256 else size
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(blob), offset + len(blobs))
        blobs += blob
    return head + entries + blobs


def main(out: Path = OUT) -> list[Path]:
    app = QApplication.instance() or QApplication(sys.argv[:1])  # noqa: F841 — fonts need it
    fid = QFontDatabase.addApplicationFont(str(ROOT / "resources" / "fonts" / "wqy-microhei.ttc"))
    family = QFontDatabase.applicationFontFamilies(fid)[0]
    out.mkdir(parents=True, exist_ok=True)
    images = [draw(n, family) for n in SIZES]
    png = out / "mujun.png"
    images[-1].save(str(png))
    icon = out / "mujun.ico"
    icon.write_bytes(ico([png_bytes(i) for i in images]))
    return [png, icon]


if __name__ == "__main__":
    for path in main():
        print(path)
