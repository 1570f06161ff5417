"""Entry point for `flask` and gunicorn (`gunicorn app:app`).

On a developer's computer `make setup` writes instance/settings.env once (APP_ENV=development and a random
SECRET_KEY). It is read here, before config.py reads the environment, so that `make run` and every `flask …`
command use it. What the environment sets wins, and the file is skipped entirely when the environment sets
APP_ENV to anything but development: a deployment never picks up a development key (docs/configuration.md).
"""

import os
from pathlib import Path

from dotenv import load_dotenv

DEVELOPMENT_SETTINGS = Path(__file__).resolve().parent / "instance" / "settings.env"

if os.environ.get("APP_ENV", "development") == "development":
    load_dotenv(DEVELOPMENT_SETTINGS)  # a missing file is fine; override=False keeps the environment's values

from mentorship import create_app  # noqa: E402 (config.py reads the environment when it is imported)

# The `flask` command line (which sets FLASK_RUN_FROM_CLI) completes the app when a command runs, a request
# comes or the routes are read (MentorshipApp), so that listing the commands and their help start fast;
# gunicorn builds it whole, checks included, at once.
app = create_app(complete=os.environ.get("FLASK_RUN_FROM_CLI") != "true")
