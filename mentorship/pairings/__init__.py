"""Pairings: the list, manual pairing with guards, ending and rematching."""
