"""Floor of the notification benchmark: Django's own ``send_mail`` in a loop, as its own process.

python bench/floor_mail.py N PORT [--kept]  → prints the seconds the N e-mails took

``--kept``: all N over one SMTP connection opened before the clock starts (the fair floor of the
outbox, which keeps one connection per worker thread); else one connection per e-mail.
"""

import sys
import time

import django
from django.conf import settings

settings.configure(
    EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
    EMAIL_HOST="127.0.0.1",
    EMAIL_PORT=int(sys.argv[2]),
    EMAIL_USE_TLS=False,
    DEFAULT_FROM_EMAIL="aktionsfonds@example.org",
)
django.setup()
from django.core.mail import get_connection, send_mail  # noqa: E402

count = int(sys.argv[1])
connection = None
if "--kept" in sys.argv[3:]:
    connection = get_connection()
    connection.open()
started = time.perf_counter()
for number in range(count):
    send_mail(
        f"Ihr Antrag AF-2026-BEN-{number:03d} ist eingegangen",
        "Guten Tag,\n\nwir haben Ihren Antrag erhalten.\n" * 8,
        None,
        [f"floor{number}@example.org"],
        connection=connection,
    )
print(time.perf_counter() - started)
if connection is not None:
    connection.close()
