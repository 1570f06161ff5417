"""The figures of docs/metrics.md, computed once for the dashboard, pages, reminders and workbooks.

definitions: the rules, pure; groups: the inclusivity groups, pure; queries: loading them with SQL.
"""
