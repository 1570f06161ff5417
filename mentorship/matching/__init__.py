"""Matching runs in the browser: choose program and kind, review the optimal draft, change it, apply."""
