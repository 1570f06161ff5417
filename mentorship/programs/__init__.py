"""Programs: residencies and fellowships (admins)."""
