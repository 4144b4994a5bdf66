"""Fixtures of the tests that run real worker processes on a Redis of their own
(``test_worker_process``, ``test_outbox_workers``): import them into the test module."""

import os

import pytest
from celery import current_app

from tests.worker.processes import REDIS_SERVER, RedisServer

# Skip a module of worker processes where the machine has no redis-server to start.
NEEDS_REDIS_SERVER = pytest.mark.skipif(
    not os.access(REDIS_SERVER, os.X_OK),
    reason=f"redis-server not found at {REDIS_SERVER} (Debian: apt-get install redis-server)",
)


@pytest.fixture(scope="module")
def private_redis(tmp_path_factory):
    """A redis-server of the module's own (started and stopped by its PID)."""
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def publish_via(private_redis):
    """The test publishes to the private Redis too, as the web process would (only the write
    connection is redirected).

    Its connection pool lives for the whole module, as a web process's pool would, so a test also
    sees what a pooled connection does when Redis goes away and comes back.
    """
    app = current_app._get_current_object()
    before = app.conf.broker_write_url

    def use(url):
        app.conf.broker_write_url = url
        app._pool = None
        app.amqp._producer_pool = None

    use(private_redis.url)
    yield
    app.pool.force_close_all()
    use(before)
