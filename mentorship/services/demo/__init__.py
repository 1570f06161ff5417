"""Deterministic demo institutions (flask demo seed, docs/command-line.md), written with bulk inserts.

data holds the sizes and the lists names are drawn from; activity lays out pairings and meetings relative to
`today`; institution seeds the database and names the demo accounts.
"""
