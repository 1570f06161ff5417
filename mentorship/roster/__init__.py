"""Roster import pages: upload, preview, confirm."""
