"""Where bundled resources live (beside the source tree, or inside a PyInstaller bundle), and
the libraries bundled with the program (关于 lists them; build.spec copies their metadata)."""

from __future__ import annotations

import sys
from pathlib import Path


def resource_path(*parts: str) -> Path:
    base = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parent.parent))
    return base.joinpath("resources", *parts)


# (distribution name, licence as 关于 shows it)
LIBRARIES = (("PySide6-Essentials", "LGPL-3.0（Qt for Python）"), ("PySide6-Pdf", "LGPL-3.0"),
             ("reportlab", "BSD"), ("openpyxl", "MIT"), ("sqlite-utils", "Apache-2.0"),
             ("python-calamine", "MIT"), ("xlrd", "BSD"), ("platformdirs", "MIT"),
             ("PyYAML", "MIT"),
             ("rl_accel", "BSD"), ("pillow", "MIT-CMU（reportlab 的依赖）"))
