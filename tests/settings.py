"""The project's settings for the test run: the same as production's, with a key of its own.

Outside DEBUG the settings refuse to start without SECRET_KEY (fail closed); the suite, and the
Celery worker processes it starts, use this fixed test-only key.
"""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-" + "x" * 50)

from aktionsfonds.settings import *  # noqa: E402, F403
