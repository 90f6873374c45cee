"""亩均自评 desktop layer: the PySide6 application, reports and the command line."""
__version__ = "0.1.0"
