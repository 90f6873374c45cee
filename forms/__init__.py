"""The enterprise's declaration as data: validation, Excel template/import/export, the store."""
