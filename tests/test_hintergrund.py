"""Work nobody waits for (the demo data's e-mails and letters) goes to the background queue, so
it never stands in front of a person's e-mail; `bench/startup_mails.py` measures the effect."""

import pytest

from aktionsfonds.celery import app
from antraege.hintergrund import im_hintergrund
from antraege.services import notifications

pytestmark = pytest.mark.django_db


def waiting(queue):
    with app.connection_for_write() as connection:
        channel = connection.default_channel
        return channel.queue_declare(queue=queue, passive=False, durable=True).message_count


def purge(queue):
    with app.connection_for_write() as connection:
        connection.default_channel.queue_declare(queue=queue, durable=True)
        connection.default_channel.queue_purge(queue)


def test_mail_queued_in_the_background_block_waits_in_the_background_queue(
    antrag, django_capture_on_commit_callbacks
):
    queue = app.conf.aktionsfonds_background_queue
    purge(queue)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            with im_hintergrund():
                notifications.queue_for_applicant(antrag, "entwurf_gespeichert")
            notifications.queue_for_applicant(antrag, "neuer_link")  # a person's: not there

        assert waiting(queue) == 1
    finally:
        purge(queue)


def test_worker_consumes_both_queues():
    assert list(app.amqp.queues) == [
        app.conf.task_default_queue,
        app.conf.aktionsfonds_background_queue,
    ]
