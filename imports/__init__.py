"""Spreadsheet import and export: upload, preview, confirm (on the pages and through
`import_admin_units`); the export helper every list page uses."""
