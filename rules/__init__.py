"""亩均自评 rules core: the field catalogue, profiles, and the assessments as one result tree.

Pure Python: imports no Qt, spreadsheet, database or PDF library (``desktop → forms → rules``).
"""
