"""Matching runs: pure scoring and assignment beside the database loading and applying they work on.

scoring (pure) scores every pair; assignment (pure) finds the optimum; candidates loads a problem with
select(); applying creates the pairings of a reviewed run.
"""
