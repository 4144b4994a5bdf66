"""The project's settings for the test run: the same as production's, with a key of its own.

Outside DEBUG the settings refuse to start without SECRET_KEY (fail closed); the suite, and the
Celery worker processes it starts, use this fixed test-only key.
"""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-" + "x" * 50)

from aktionsfonds.settings import *  # noqa: E402, F403

# The embedded Celery worker of the suite runs in the background of every later test: its heartbeat
# would make /readyz see "a worker" in tests that check the answer without one (the real worker
# processes of tests/test_betrieb_stack.py run the production settings, heartbeat on).
WORKER_HEARTBEAT = False
