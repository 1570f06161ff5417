"""Excel workbook builders: plain rows in, workbook bytes out. No Flask, no database."""
