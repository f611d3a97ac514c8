"""Spreadsheet import and export: upload, preview, confirm; the export helper every list page uses."""
