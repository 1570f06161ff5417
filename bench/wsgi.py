"""The app for the benchmark's gunicorn: database from BENCH_DATABASE_URL, generous login throttling."""

import os

from bench.env import make_app

app = make_app(os.environ["BENCH_DATABASE_URL"], LOGIN_RATE_LIMIT="10000 per minute")
