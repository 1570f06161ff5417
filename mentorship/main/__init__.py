"""Each person's home page."""
