"""The typed rows of each workbook and of the dashboard, built on services.metrics (docs/metrics.md).

Nothing here defines a metric: it loads them from services.metrics, takes demographic rows from
services.inclusivity (which reads the year's one suppression pattern, docs/privacy.md), lists the meetings,
and lays the figures out as the row types of the builders in reports/.
"""
