"""A real SMTP server for tests and the drill (aiosmtpd in a thread), with the faults we need.

It records every accepted message, counts connections opened and closed, can answer ``451`` to every
message (a mail server in trouble) and can hold a conversation at ``RCPT`` until released (a
worker caught inside the SMTP conversation).
"""

import asyncio
import email
import logging
import re
import threading
import time
from email import policy

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP

from .processes import PATIENCE, free_port

logging.getLogger("mail.log").setLevel(logging.WARNING)
_MESSAGE_ID = re.compile(rb"^Message-ID:\s*(<[^>]+>)", re.MULTILINE | re.IGNORECASE)


class _Handler:
    def __init__(self, sink):
        self.sink = sink

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        while self.sink.holding(session):
            await asyncio.sleep(0.02)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.sink.failing:
            self.sink.refused += 1
            return "451 4.3.0 Try again later"
        self.sink.accept(envelope.content)
        return "250 OK"


class _CountingSMTP(SMTP):
    def __init__(self, *args, sink, **kwargs):
        super().__init__(*args, **kwargs)
        self._sink = sink

    def connection_made(self, transport):
        self._sink.connection_change(+1)
        super().connection_made(transport)

    def connection_lost(self, error):
        self._sink.connection_change(-1)
        super().connection_lost(error)


class _Controller(Controller):
    def __init__(self, sink, **kwargs):
        self._sink = sink
        super().__init__(_Handler(sink), **kwargs)

    def factory(self):
        return _CountingSMTP(self.handler, sink=self._sink, **self.SMTP_kwargs)


class SmtpSink:
    """``SmtpSink().start()``; ``messages()`` are the accepted e-mails (``email.message``)."""

    def __init__(self, port=None):
        self.port = port or free_port()
        self.failing = False
        self.refused = 0
        self.opened = 0
        self.open_now = 0
        self._lock = threading.Lock()
        self._raw = []
        self._accepted = {}
        self._hold = None  # a threading.Event while holding
        self.held = 0
        self._held_sessions = set()
        self.controller = _Controller(
            self,
            hostname="127.0.0.1",
            port=self.port,
            ready_timeout=30,
            data_size_limit=30_000_000,
        )

    def start(self):
        self.controller.start()
        # aiosmtpd checks it is up with a connection of its own: not one of ours (polled: as long
        # as a busy machine needs to close it)
        deadline = time.monotonic() + PATIENCE
        while self.open_now and time.monotonic() < deadline:
            time.sleep(0.01)
        self.opened = 0
        return self

    def stop(self):
        if self._hold:
            self._hold.set()
        self.controller.stop()

    # faults
    def hold(self):
        """Hold the next conversations at RCPT until ``release()``."""
        self._hold = threading.Event()

    def release(self):
        if self._hold:
            self._hold.set()
        self._hold = None

    def holding(self, session):
        event = self._hold
        if event is None or event.is_set():
            return False
        if id(session) not in self._held_sessions:
            self._held_sessions.add(id(session))
            self.held += 1
        return True

    # records
    def accept(self, content):
        match = _MESSAGE_ID.search(content)
        with self._lock:
            self._raw.append(content)
            if match:
                self._accepted.setdefault(match.group(1).decode(), []).append(time.time())

    def accepted_at(self):
        """``{Message-ID: [wall-clock times it was accepted]}``."""
        with self._lock:
            return {key: list(value) for key, value in self._accepted.items()}

    def clear_held(self):
        self.held = 0
        self._held_sessions.clear()

    def connection_change(self, delta):
        with self._lock:
            self.open_now += delta
            if delta > 0:
                self.opened += 1

    def messages(self):
        with self._lock:
            raw = list(self._raw)
        return [email.message_from_bytes(content, policy=policy.default) for content in raw]

    def count(self):
        with self._lock:
            return len(self._raw)

    def clear(self):
        with self._lock:
            self._raw.clear()
            self._accepted.clear()
        self.refused = 0
        self.held = 0
        self._held_sessions.clear()

    def wait_for(self, count, *, timeout):
        deadline = time.monotonic() + timeout
        while self.count() < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.count()} of {count} e-mails after {timeout} s")
            time.sleep(0.02)

    def settings(self):
        """Environment for a process that should send here."""
        return {
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.port),
            "EMAIL_USE_TLS": "0",
        }
