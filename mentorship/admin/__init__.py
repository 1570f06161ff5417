"""Accounts, grants and the audit log (admins)."""
