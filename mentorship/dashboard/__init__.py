"""The staff dashboard and report downloads."""
