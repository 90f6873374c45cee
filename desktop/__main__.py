"""``python -m desktop`` and the entry of the PyInstaller build (build.spec)."""

import multiprocessing
import os
import sys


def start() -> int:
    # A frozen program starts PDF worker processes by running itself again (the "spawn"
    # method, the only one on Windows): freeze_support turns such a run into the worker.
    multiprocessing.freeze_support()
    # The windowed Windows build has no console: give prints somewhere harmless to go.
    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 — lives as long as the program
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    from desktop.cli import main

    return main()


if __name__ == "__main__":
    try:
        code = start()
    except KeyboardInterrupt:  # an interrupt that came before the command line's own handling
        code = 130
    from desktop.cli import leave

    leave(code)
