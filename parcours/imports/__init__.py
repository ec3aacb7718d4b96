"""Importing an existing caseload from a CSV or XLSX file (issue 17, point 2)."""
