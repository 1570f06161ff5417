"""Entry point for `flask` and gunicorn (`gunicorn app:app`)."""

from mentorship import create_app

app = create_app()
