"""Where bundled resources live (beside the source tree, or inside a PyInstaller bundle), and
the libraries bundled with the program (关于 lists them; build.spec copies their metadata)."""

from __future__ import annotations

import sys
from pathlib import Path


def resource_path(*parts: str) -> Path:
    base = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parent.parent))
    return base.joinpath("resources", *parts)


SAMPLE_PARK = resource_path("sample", "sample-park.xlsx")


def is_sample(path: Path) -> bool:
    """Whether ``path`` is the bundled sample park (by content: a copy of it elsewhere too).
    Its synthetic firms are stored as the sample pool, never ranked with real firms."""
    from forms.pipeline import file_sha256

    try:
        return (Path(path).stat().st_size == SAMPLE_PARK.stat().st_size
                and file_sha256(Path(path)) == file_sha256(SAMPLE_PARK))
    except OSError:  # no such file here, or the bundle lacks the sample: not the sample
        return False


# (distribution name, licence as 关于 shows it)
LIBRARIES = (("PySide6-Essentials", "LGPL-3.0（Qt for Python）"), ("PySide6-Pdf", "LGPL-3.0"),
             ("reportlab", "BSD"), ("openpyxl", "MIT"), ("sqlite-utils", "Apache-2.0"),
             ("python-calamine", "MIT"), ("xlrd", "BSD"), ("platformdirs", "MIT"),
             ("PyYAML", "MIT"),
             ("rl_accel", "BSD"), ("pillow", "MIT-CMU（reportlab 的依赖）"))
