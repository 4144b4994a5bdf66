"""Floor of the notification benchmark: Django's own ``send_mail`` in a loop, as its own process.

python bench/floor_mail.py N PORT [--kept] [--html]  → prints the seconds the N e-mails took

``--kept``: all N over one SMTP connection opened before the clock starts (the fair floor of the
outbox, which keeps one connection per worker thread); else one connection per e-mail.
``--html``: each with an HTML part too (``html_message``: the text's paragraphs in a page of the
outbox layout's shape), as every e-mail of the outbox has one; else text only.
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
from django.utils.html import escape, linebreaks  # noqa: E402

PAGE = (
    '<!DOCTYPE html>\n<html lang="de" dir="ltr">\n<head><meta charset="utf-8"><title>{title}'
    "</title></head>\n<body>\n\n<div>{text}</div>\n</body>\n</html>\n"
)

count = int(sys.argv[1])
connection = None
if "--kept" in sys.argv[3:]:
    connection = get_connection()
    connection.open()
started = time.perf_counter()
html = "--html" in sys.argv[3:]
for number in range(count):
    subject = f"Ihr Antrag AF-2026-BEN-{number:03d} ist eingegangen"
    text = "Guten Tag,\n\nwir haben Ihren Antrag erhalten.\n" * 8
    send_mail(
        subject,
        text,
        None,
        [f"floor{number}@example.org"],
        connection=connection,
        html_message=PAGE.format(title=escape(subject), text=linebreaks(text)) if html else None,
    )
print(time.perf_counter() - started)
if connection is not None:
    connection.close()
