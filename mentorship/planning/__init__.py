"""Planned meetings: plan, change, cancel, calendar files and "Did it happen?"."""
